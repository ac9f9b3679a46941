/* SPDX-License-Identifier: MIT */
/* The kernel's console and panic for host unit programs (tests/unit/stubs.c,
 * listed in a test's UNIT_SRCS when the code under test prints or panics),
 * and a warning sink for the pure parsers' warn callbacks. Console
 * messages are printed as TAP comments ("# ..."), warnings are not; both
 * are counted and the last one kept, so a test can check that something
 * was (or was not) said. */
#ifndef TESTS_UNIT_STUBS_H
#define TESTS_UNIT_STUBS_H

#include <setjmp.h>

/* printk/vprintk: every message, those at LOG_ERR or worse, and the text of
 * the last one (cut to fit). A test resets them as it needs. */
extern int unit_printk_count, unit_printk_errors;
extern char unit_printk_last[256];

/* panic() prints its message and aborts, or longjmps here when set (a test
 * that provokes a panic on purpose). */
extern jmp_buf *unit_panic_jmp;

/* A warn callback of the parsers' shape (ctx unused): counts into
 * unit_warns and keeps the text of the last warning in unit_warn_last. */
extern int unit_warns;
extern char unit_warn_last[256];
void unit_warn(void *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
