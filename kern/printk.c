// SPDX-License-Identifier: MIT
/* printk: format into a stack buffer and hand it to the console. No
 * allocation and no locks, so it works from the first line of C and from
 * interrupt and fault handlers. */
#include <kern/printk.h>
#include <kern/cmdline.h>
#include <stdio.h>
#include <string.h>

int printk_loglevel = LOG_INFO;
CMDLINE_OPT(loglevel, "loglevel", "console log level: 3 errors .. 7 debug (default 6)");

static const char *const level_prefix[8] = {
	[LOG_ERR] = "error: ", [LOG_WARN] = "warning: ",
};

void vprintk(int level, const char *fmt, va_list ap)
{
	char buf[512];
	if (level > printk_loglevel)
		return;
	const char *pre = level >= 0 && level < 8 ? level_prefix[level] : NULL;
	if (pre)
		console_write(pre, strlen(pre));
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n < 0)
		return;
	console_write(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
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
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return n;
	size_t len = (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1;
	console_write(buf, len);
	return (int)len;
}
