/* SPDX-License-Identifier: MIT */
/* The pure half of the command line: splitting a string into key=value
 * options, checking keys against the declared ones and converting values.
 * No kernel state and no I/O (warnings go through a callback), so the host
 * unit tests build it under ASan and UBSan. kern/cmdline.c owns the one
 * table the kernel keeps. */
#ifndef KERN_CMDLINE_PARSE_H
#define KERN_CMDLINE_PARSE_H

#include <kern/compiler.h>
#include <kern/cmdline.h>

#define CMDLINE_MAX      4095   /* bytes of the command line kept */
#define CMDLINE_MAX_OPTS 128    /* distinct options kept */

/* A warning sink: fmt starts with "cmdline: " and ends with a newline. */
typedef void (*cmdline_warn_fn)(void *ctx, const char *fmt, ...) __printf(2, 3);

struct cmdline_kv {
	const char *key;
	const char *val;        /* "" for a bare key; the last one given */
	unsigned count;         /* times the key was given */
};

struct cmdline_table {
	/* De-quoted words, NUL-separated. De-quoting never makes a word
	 * longer and each word gives up at least its separator for its NUL,
	 * so the input's length plus one always fits. */
	char store[CMDLINE_MAX + 1];
	struct cmdline_kv kv[CMDLINE_MAX_OPTS];
	int n;
};

/* Parse s (at most CMDLINE_MAX bytes of it) into t, replacing what t held.
 * Malformed words are warned about and dropped; a repeated key keeps its
 * last value and counts the repeats (cmdline_table_check warns about them,
 * since only it knows which options take several values).
 * @return the number of distinct options kept. */
int cmdline_table_parse(struct cmdline_table *t, const char *s,
			cmdline_warn_fn warn, void *ctx);
/* The value of key in t, "" for a bare key, NULL when absent. */
const char *cmdline_table_get(const struct cmdline_table *t, const char *key);
/* Warn once for each key of t that no entry of opts declares (an entry
 * "a.b.*" declares every key that starts with "a.b." and goes on), and once
 * for each repeated key not declared CMDLINE_F_MULTI.
 * @return the number of unknown keys. */
int cmdline_table_check(const struct cmdline_table *t,
			const struct cmdline_opt *opts, size_t nopts,
			cmdline_warn_fn warn, void *ctx);

/* A whole-string integer: optional sign, then decimal or 0x-hex digits.
 * @return 0, -EINVAL when s is not a number, -ERANGE when it overflows. */
int cmdline_str_to_ll(const char *s, long long *out);
/* 1/0, y/n, yes/no, on/off, true/false (any case); "" (a bare key) is true.
 * @return 0 or -EINVAL. */
int cmdline_str_to_bool(const char *s, bool *out);

#endif
