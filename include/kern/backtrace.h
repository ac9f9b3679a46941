/* SPDX-License-Identifier: MIT */
/* Symbolized backtraces from a frame pointer (kern/backtrace.c). */
#ifndef KERN_BACKTRACE_H
#define KERN_BACKTRACE_H

#include <kern/compiler.h>

/* Print the return addresses up the frame-record chain from fp, numbering
 * the first one depth. */
void backtrace_frames(uintptr_t fp, int depth);

#endif
