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

/* Output goes through a small staging buffer that is flushed whenever it
 * fills: a message of any length reaches the console whole, newline
 * included (a fixed 512-byte buffer used to cut long lines, and the next
 * message glued itself onto them). */
struct stage {
	char buf[128];
	size_t n;
};

static void stage_flush(struct stage *st)
{
	if (st->n)
		console_write(st->buf, st->n);
	st->n = 0;
}

static void stage_out(void *arg, const char *s, size_t n)
{
	struct stage *st = arg;

	while (n) {
		size_t k = MIN(n, sizeof(st->buf) - st->n);

		memcpy(st->buf + st->n, s, k);
		st->n += k;
		s += k;
		n -= k;
		if (st->n == sizeof(st->buf))
			stage_flush(st);
	}
}

static int vkprintf(const char *fmt, va_list ap)
{
	struct stage st = { .n = 0 };
	int n = vcbprintf(stage_out, &st, fmt, ap);

	stage_flush(&st);
	return n;
}

void vprintk(int level, const char *fmt, va_list ap)
{
	if (level > printk_loglevel)
		return;
	const char *pre = level >= 0 && level < 8 ? level_prefix[level] : NULL;
	if (pre)
		console_write(pre, strlen(pre));
	vkprintf(fmt, ap);
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
	va_list ap;
	va_start(ap, fmt);
	int n = vkprintf(fmt, ap);
	va_end(ap);
	return n;
}

void kprint_escaped(const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	struct stage st = { .n = 0 };

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char e[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };

		if (c == '\\')
			stage_out(&st, "\\\\", 2);
		else if (c >= 0x20 && c < 0x7f)
			stage_out(&st, (const char *)&c, 1);
		else
			stage_out(&st, e, 4);
	}
	stage_flush(&st);
}
