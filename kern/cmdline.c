/* SPDX-License-Identifier: MIT */
/* The kernel's command line (include/kern/cmdline.h): one parsed table,
 * filled at boot before anything else reads an option. Parsing itself is
 * kern/cmdline_parse.c; this file adds the kernel's storage, its log and
 * the list of declared options (the .cmdlineopts section). */
#include <kern/cmdline.h>
#include <kern/errno.h>
#include <stdlib.h>
#include <kern/printk.h>
#include <stdarg.h>
#include "cmdline_parse.h"

extern const struct cmdline_opt __cmdlineopts_start[], __cmdlineopts_end[];

/* Static: the command line is parsed before the heap exists. */
static struct cmdline_table table;
static char raw[CMDLINE_MAX + 1];

static void cmdline_warn(void *ctx, const char *fmt, ...)
{
	va_list ap;

	(void)ctx;
	va_start(ap, fmt);
	vprintk(LOG_WARN, fmt, ap);
	va_end(ap);
}

int cmdline_parse(const char *s)
{
	size_t n = 0;

	if (!s)
		s = "";
	while (n < CMDLINE_MAX && s[n]) {
		raw[n] = s[n];
		n++;
	}
	raw[n] = '\0';
	cmdline_table_parse(&table, s, cmdline_warn, NULL);
	cmdline_table_check(&table, __cmdlineopts_start,
			    (size_t)(__cmdlineopts_end - __cmdlineopts_start),
			    cmdline_warn, NULL);
	return table.n;
}

const char *cmdline_get(const char *key)
{
	return cmdline_table_get(&table, key);
}

long long cmdline_get_int(const char *key, long long def)
{
	const char *v = cmdline_get(key);
	long long x;

	if (!v)
		return def;
	if (cmdline_str_to_ll(v, &x) < 0) {
		pr_warn("cmdline: %s=%.40s is not a number; using %lld\n",
			key, v, def);
		return def;
	}
	return x;
}

bool cmdline_get_bool(const char *key, bool def)
{
	const char *v = cmdline_get(key);
	bool b;

	if (!v)
		return def;
	if (cmdline_str_to_bool(v, &b) < 0) {
		pr_warn("cmdline: %s=%.40s is not a yes/no value; using %s\n",
			key, v, def ? "yes" : "no");
		return def;
	}
	return b;
}

const char *cmdline_raw(void)
{
	return raw;
}

long long cmdline_get_range(const char *key, long long min, long long max,
			    long long def)
{
	const char *v = cmdline_get(key);
	long long x;
	int rc;

	if (!v)
		return def;
	rc = cmdline_str_to_ll(v, &x);
	if (rc == -EINVAL) {
		pr_warn("cmdline: %s=%.40s is not a number; using %lld\n",
			key, v, def);
		return def;
	}
	/* An overflow is out of range too, on the side of its sign. */
	if (rc == -ERANGE)
		x = v[0] == '-' ? min : max;
	if (rc == -ERANGE || x < min || x > max) {
		long long use = x < min ? min : max;

		pr_warn("cmdline: %s=%.40s is outside %lld..%lld; using %lld\n",
			key, v, min, max, use);
		return use;
	}
	return x;
}

char *getenv(const char *name)
{
	return name ? (char *)cmdline_get(name) : NULL;
}
