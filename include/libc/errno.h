/* SPDX-License-Identifier: MIT */
/* <errno.h> for ported code (lwIP): the kernel's error numbers. There is no
 * errno variable; kernel functions return -Exxx instead. */
#ifndef LIBC_ERRNO_H
#define LIBC_ERRNO_H

#include <kern/errno.h>

#endif
