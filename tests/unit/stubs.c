// SPDX-License-Identifier: MIT
/* The kernel's printk, vprintk, kprintf and panic for host unit programs,
 * and unit_warn (tests/unit/stubs.h): one copy for every test, which lists
 * this file in its UNIT_SRCS. The console's output goes to stdout as TAP
 * comments, so it sits between the "ok" lines it explains; warnings are
 * only kept (parsers' tests provoke thousands). */
#include "stubs.h"
#include <kern/panic.h>
#include <kern/printk.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

int printk_loglevel = LOG_DEBUG;
int unit_printk_count, unit_printk_errors;
char unit_printk_last[256];
jmp_buf *unit_panic_jmp;
int unit_warns;
char unit_warn_last[256];

/* Keep the text and print it as one comment line (a message that lacks
 * its newline gets one). */
static int say(const char *prefix, char *buf, size_t size, const char *fmt, va_list ap)
{
	int n = vsnprintf(buf, size, fmt, ap);

	printf("# %s%s%s", prefix, buf,
	       n > 0 && (size_t)n < size && buf[n - 1] == '\n' ? "" : "\n");
	return n;
}

void vprintk(int level, const char *fmt, va_list ap)
{
	unit_printk_count++;
	if (level <= LOG_ERR)
		unit_printk_errors++;
	say("", unit_printk_last, sizeof(unit_printk_last), fmt, ap);
}

void printk(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(level, fmt, ap);
	va_end(ap);
}

int kprintf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = say("", buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return n;
}

void panic(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	say("panic: ", buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fflush(stdout);
	if (unit_panic_jmp)
		longjmp(*unit_panic_jmp, 1);
	abort();
}

void unit_warn(void *ctx, const char *fmt, ...)
{
	va_list ap;

	(void)ctx;
	unit_warns++;
	va_start(ap, fmt);
	vsnprintf(unit_warn_last, sizeof(unit_warn_last), fmt, ap);
	va_end(ap);
}
