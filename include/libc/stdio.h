/* SPDX-License-Identifier: MIT */
/* <stdio.h> for the kernel (lib/printf.c): formatting into buffers, and
 * printf/puts/putchar onto the console through console_write(). There are
 * no FILE streams.
 *
 * Conversions: d i u x X o c s p %, with flags - + space 0 #, width and
 * precision (numbers or *), and length modifiers hh h l ll z t j. %s of
 * NULL prints "(null)", %p of NULL "(nil)". Not supported: %n (its pointer
 * is consumed and nothing is stored) and floating point (%f %e %g %a print
 * "?" without consuming the argument: the kernel keeps no FP state). */
#ifndef LIBC_STDIO_H
#define LIBC_STDIO_H

#include <stdarg.h>
#include <stddef.h>

#define EOF (-1)

/* Format into buf, writing at most size bytes including the terminating
 * NUL (nothing at all when size is 0; buf may then be NULL).
 * @return the length the full output has (C99), whatever fit, or a
 * negative value when that length would exceed INT_MAX. */
int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt,
	      va_list ap) __attribute__((format(__printf__, 3, 0)));
int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
	__attribute__((format(__printf__, 3, 4)));

/* Format without a length limit, handing the output to out() in pieces
 * (of up to 128 bytes, never NUL-terminated). For console and log sinks.
 * @return as vsnprintf. */
int vcbprintf(void (*out)(void *arg, const char *s, size_t n), void *arg,
	      const char *restrict fmt, va_list ap)
	__attribute__((format(__printf__, 3, 0)));

/* Console output through console_write(). @return characters written. */
int vprintf(const char *restrict fmt, va_list ap)
	__attribute__((format(__printf__, 1, 0)));
int printf(const char *restrict fmt, ...) __attribute__((format(__printf__, 1, 2)));
/* s and a newline. @return a non-negative value. */
int puts(const char *s);
/* @return c as an unsigned char. */
int putchar(int c);

#endif
