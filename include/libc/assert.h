/* SPDX-License-Identifier: MIT */
/* <assert.h> for the kernel: assert() panics (see <kern/panic.h>), and is
 * for broken kernel invariants only. NDEBUG is not honoured: the checks
 * stay on in every build. */
#ifndef LIBC_ASSERT_H
#define LIBC_ASSERT_H

#include <kern/panic.h>

#ifndef static_assert
#define static_assert _Static_assert
#endif

#endif
