/* SPDX-License-Identifier: MIT */
/* panic() is for broken kernel invariants only, never for bad input from a
 * device, firmware or user: those get a negative errno and a log line. */
#ifndef KERN_PANIC_H
#define KERN_PANIC_H

#include <kern/compiler.h>

__noreturn void panic(const char *fmt, ...) __printf(1, 2);

#define assert(cond)                                                        \
	do {                                                                \
		if (unlikely(!(cond)))                                      \
			panic("assertion failed: %s (%s:%d)", #cond,        \
			      __FILE__, __LINE__);                          \
	} while (0)

#endif
