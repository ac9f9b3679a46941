/* SPDX-License-Identifier: MIT */
/* Kernel console output. Works from the first instruction of C code on
 * (the UART needs no memory allocation). Levels filter with loglevel=N. */
#ifndef KERN_PRINTK_H
#define KERN_PRINTK_H

#include <kern/compiler.h>
#include <stdarg.h>

enum { LOG_ERR = 3, LOG_WARN = 4, LOG_INFO = 6, LOG_DEBUG = 7 };

extern int printk_loglevel;

/* Print at a level; level <= printk_loglevel reaches the console. */
void printk(int level, const char *fmt, ...) __printf(2, 3);
void vprintk(int level, const char *fmt, va_list ap);

#define pr_err(...)   printk(LOG_ERR, __VA_ARGS__)
#define pr_warn(...)  printk(LOG_WARN, __VA_ARGS__)
#define pr_info(...)  printk(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) printk(LOG_DEBUG, __VA_ARGS__)
/* Unconditional output, no level (shell commands, test results). */
int kprintf(const char *fmt, ...) __printf(1, 2);

/* Print n bytes of an untrusted string (a command line, a name from
 * firmware): printable ASCII as is, a backslash as two, every other byte
 * as \xHH, so escape sequences never reach the terminal. */
void kprint_escaped(const char *s, size_t n);

/* Console sink: the early UART, later any registered console. */
void console_write(const char *s, size_t n);
/* Console input: next byte, blocking (the UART interrupt wakes the reader);
 * console_trygetc returns -EAGAIN when nothing is waiting. */
int console_getc(void);
int console_trygetc(void);
/* Wait until input is queued (at most timeout_ns; a polled console just
 * naps), or Ctrl-C. @return 0, -ETIMEDOUT or -EINTR. */
int console_wait_input(uint64_t timeout_ns);

#endif
