/* SPDX-License-Identifier: MIT */
/* Command-line parsing without side effects (see cmdline_parse.h).
 *
 * The grammar is Linux's, kept small: words are separated by blanks; a word
 * is key, key=value or key="value with blanks"; a double quote anywhere
 * toggles quoting and is itself dropped, so a"b c"d is the word "ab cd".
 * The first '=' splits key from value even inside quotes, because GRUB
 * passes key="a b" on as "key=a b" (quoting the whole word), and Linux
 * reads that the same way. There are no backslash escapes. Everything a boot loader or a hand-typed
 * -append can get wrong is warned about and the offending word dropped, so
 * the rest of the line still takes effect. */
#include "cmdline_parse.h"
#include <kern/errno.h>
#include <string.h>

/* Enough of a bad word to recognise it in a log line. */
#define EXCERPT 40

static bool is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	       c == '\v' || c == '\f';
}

static bool is_ctrl(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/* Keys name subsystems ("virtio.mode", "loglevel"): a conservative set
 * keeps them printable and unambiguous in warnings. */
static bool is_key_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

/* Copy at most EXCERPT bytes of p for a warning, with anything that could
 * upset a terminal replaced by '?'. out has EXCERPT + 4 bytes. */
static const char *excerpt(char *out, const char *p, size_t len)
{
	size_t n = len > EXCERPT ? EXCERPT : len;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		out[i] = (c < 0x20 || c >= 0x7f) ? '?' : (char)c;
	}
	if (len > EXCERPT) {
		memcpy(out + n, "...", 3);
		n += 3;
	}
	out[n] = '\0';
	return out;
}

static int find(const struct cmdline_table *t, const char *key)
{
	for (int i = 0; i < t->n; i++)
		if (strcmp(t->kv[i].key, key) == 0)
			return i;
	return -1;
}

int cmdline_table_parse(struct cmdline_table *t, const char *s,
			cmdline_warn_fn warn, void *ctx)
{
	char ex[EXCERPT + 4];
	size_t len = 0, pos = 0, i = 0;
	bool full = false;

	t->n = 0;
	if (!s)
		s = "";
	/* Bounded: the input may be far longer than we keep. */
	while (len < CMDLINE_MAX && s[len])
		len++;
	if (s[len])
		warn(ctx, "cmdline: longer than %d bytes; the rest is ignored\n",
		     CMDLINE_MAX);

	while (i < len) {
		size_t start, wstart = pos;
		long eq = -1;
		bool inq = false;
		int bad = -1;
		size_t bad_at = 0;

		while (i < len && is_blank((unsigned char)s[i]))
			i++;
		if (i >= len)
			break;
		start = i;
		for (; i < len; i++) {
			unsigned char c = (unsigned char)s[i];

			if (!inq && is_blank(c))
				break;
			if (c == '"') {
				inq = !inq;
				continue;
			}
			if (is_ctrl(c)) {
				if (bad < 0) {
					bad = c;
					bad_at = i;
				}
				continue;
			}
			if (c == '=' && eq < 0)
				eq = (long)(pos - wstart);
			t->store[pos++] = (char)c;
		}
		t->store[pos++] = '\0';

		if (inq)
			warn(ctx, "cmdline: unterminated quote in '%s'; "
			     "taken to the end of the line\n",
			     excerpt(ex, s + start, i - start));
		if (bad >= 0) {
			warn(ctx, "cmdline: control byte 0x%02x at offset %zu "
			     "in '%s'; word ignored\n", bad, bad_at,
			     excerpt(ex, s + start, i - start));
			pos = wstart;
			continue;
		}

		char *key = &t->store[wstart];
		const char *val = "";
		if (eq >= 0) {
			key[eq] = '\0';
			val = key + eq + 1;
		}
		if (key[0] == '\0') {
			warn(ctx, "cmdline: empty key in '%s'; word ignored\n",
			     excerpt(ex, s + start, i - start));
			pos = wstart;
			continue;
		}
		bool ok = true;
		for (const char *k = key; *k; k++)
			ok = ok && is_key_char((unsigned char)*k);
		if (!ok) {
			warn(ctx, "cmdline: bad key in '%s' (keys use letters, "
			     "digits and . _ -); word ignored\n",
			     excerpt(ex, s + start, i - start));
			pos = wstart;
			continue;
		}
		/* Legal, but "a==b" is more often a typo than a value "=b". */
		if (val[0] == '=')
			warn(ctx, "cmdline: value of '%s' starts with '='\n",
			     excerpt(ex, key, strlen(key)));

		int at = find(t, key);
		if (at >= 0) {
			t->kv[at].val = val;
			t->kv[at].count++;
			continue;
		}
		if (full) {
			pos = wstart;
			continue;
		}
		if (t->n == CMDLINE_MAX_OPTS) {
			warn(ctx, "cmdline: more than %d options; ignoring '%s' "
			     "and the rest\n", CMDLINE_MAX_OPTS,
			     excerpt(ex, key, strlen(key)));
			full = true;
			pos = wstart;
			continue;
		}
		t->kv[t->n].key = key;
		t->kv[t->n].val = val;
		t->kv[t->n].count = 1;
		t->n++;
	}
	return t->n;
}

const char *cmdline_table_get(const struct cmdline_table *t, const char *key)
{
	int i = key ? find(t, key) : -1;

	return i >= 0 ? t->kv[i].val : NULL;
}

/* Does opt declare key: the same key, or a family "p.*" and key is "p."
 * followed by at least one more character? */
static bool opt_matches(const struct cmdline_opt *opt, const char *key)
{
	size_t n;

	if (!opt->key)
		return false;
	n = strlen(opt->key);
	if (n >= 2 && opt->key[n - 1] == '*' && opt->key[n - 2] == '.')
		return strncmp(opt->key, key, n - 1) == 0 && key[n - 1] != '\0';
	return strcmp(opt->key, key) == 0;
}

int cmdline_table_check(const struct cmdline_table *t,
			const struct cmdline_opt *opts, size_t nopts,
			cmdline_warn_fn warn, void *ctx)
{
	char ex[EXCERPT + 4];
	int unknown = 0;

	/* Keys in t are distinct (repeats were merged), so each key is
	 * warned about at most once. */
	for (int i = 0; i < t->n; i++) {
		const char *key = t->kv[i].key;
		size_t j;

		for (j = 0; j < nopts; j++)
			if (opt_matches(&opts[j], key))
				break;
		if (j == nopts) {
			warn(ctx, "cmdline: unknown option '%s' ignored\n",
			     excerpt(ex, key, strlen(key)));
			unknown++;
		} else if (t->kv[i].count > 1 && !(opts[j].flags & CMDLINE_F_MULTI)) {
			warn(ctx, "cmdline: '%s' given %u times; the last value "
			     "wins\n", excerpt(ex, key, strlen(key)), t->kv[i].count);
		}
	}
	return unknown;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

int cmdline_str_to_ll(const char *s, long long *out)
{
	unsigned long long v = 0, limit;
	unsigned base = 10;
	bool neg = false;

	if (!s)
		return -EINVAL;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return -EINVAL;
	/* The magnitude of LLONG_MIN is one more than LLONG_MAX. */
	limit = neg ? (unsigned long long)INT64_MAX + 1 : (unsigned long long)INT64_MAX;
	for (; *s; s++) {
		unsigned d = (unsigned)digit_value(*s);

		if (d >= base)
			return -EINVAL;
		if (v > (limit - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	if (neg)
		*out = v == (unsigned long long)INT64_MAX + 1 ? INT64_MIN
							       : -(long long)v;
	else
		*out = (long long)v;
	return 0;
}

static bool word_is(const char *s, const char *lower)
{
	for (; *s && *lower; s++, lower++) {
		char c = *s;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != *lower)
			return false;
	}
	return *s == *lower;
}

int cmdline_str_to_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "", "1", "y", "yes", "on", "true" };
	static const char *const no[] = { "0", "n", "no", "off", "false" };

	if (!s)
		return -EINVAL;
	for (size_t i = 0; i < ARRAY_SIZE(yes); i++)
		if (word_is(s, yes[i])) {
			*out = true;
			return 0;
		}
	for (size_t i = 0; i < ARRAY_SIZE(no); i++)
		if (word_is(s, no[i])) {
			*out = false;
			return 0;
		}
	return -EINVAL;
}
