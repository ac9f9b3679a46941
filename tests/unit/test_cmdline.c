/* SPDX-License-Identifier: MIT */
/* Host tests for the command-line parser (kern/cmdline_parse.c): the
 * grammar, and every kind of malformed input warning instead of failing. */
#include "unit.h"
#include "stubs.h"
#include <stdarg.h>
#include "../../kern/cmdline_parse.h"
#include <kern/errno.h>

static struct cmdline_table t;

static int parse(const char *s)
{
	unit_warns = 0;
	unit_warn_last[0] = '\0';
	return cmdline_table_parse(&t, s, unit_warn, NULL);
}

static const char *get(const char *k)
{
	return cmdline_table_get(&t, k);
}

UNIT(empty)
{
	CHECK_EQ(parse(""), 0);
	CHECK_EQ(parse("   \t\n "), 0);
	CHECK_EQ(parse(NULL), 0);
	CHECK_EQ(unit_warns, 0);
	CHECK(get("x") == NULL);
}

UNIT(simple_words)
{
	CHECK_EQ(parse("test=all loglevel=7  quiet\tvirtio.mode=pci"), 4);
	CHECK_EQ(unit_warns, 0);
	CHECK_STR(get("test"), "all");
	CHECK_STR(get("loglevel"), "7");
	CHECK_STR(get("quiet"), "");
	CHECK_STR(get("virtio.mode"), "pci");
	CHECK(get("quie") == NULL);
	CHECK(get("virtio") == NULL);
}

UNIT(quoted_values)
{
	CHECK_EQ(parse("run=\"mem; uptime\" x=\"\" y=a\"b c\"d"), 3);
	CHECK_EQ(unit_warns, 0);
	CHECK_STR(get("run"), "mem; uptime");
	CHECK_STR(get("x"), "");
	CHECK_STR(get("y"), "ab cd");
	/* Only the first '=' splits. */
	CHECK_EQ(parse("k=\"a=b\" j=x=y"), 2);
	CHECK_STR(get("k"), "a=b");
	CHECK_STR(get("j"), "x=y");
	/* GRUB's re-quoting of a whole word: the same option. */
	CHECK_EQ(parse("\"run=help; mem\" \"flag\""), 2);
	CHECK_EQ(unit_warns, 0);
	CHECK_STR(get("run"), "help; mem");
	CHECK_STR(get("flag"), "");
}

UNIT(unbalanced_quote)
{
	CHECK_EQ(parse("a=1 run=\"help; mem b=2"), 2);
	CHECK_EQ(unit_warns, 1);
	CHECK(strstr(unit_warn_last, "unterminated quote") != NULL);
	CHECK_STR(get("a"), "1");
	CHECK_STR(get("run"), "help; mem b=2");
	CHECK(get("b") == NULL);
	CHECK_EQ(parse("\""), 0);
	CHECK_EQ(parse("x=\"\"\""), 1);
	CHECK_STR(get("x"), "");
}

UNIT(duplicates_last_wins)
{
	static const struct cmdline_opt opts[] = {
		{ "a", "", 0 }, { "b", "", 0 }, { "m", "", CMDLINE_F_MULTI },
	};

	CHECK_EQ(parse("a=1 b=2 a=3 a m=1 m=2"), 3);
	CHECK_EQ(unit_warns, 0);             /* parsing alone cannot tell */
	CHECK_STR(get("a"), "");
	CHECK_STR(get("b"), "2");
	CHECK_STR(get("m"), "2");
	/* A repeat warns, saying how often, unless the option takes several
	 * values (virtio_mmio.device). */
	CHECK_EQ(cmdline_table_check(&t, opts, ARRAY_SIZE(opts), unit_warn, NULL), 0);
	CHECK_EQ(unit_warns, 1);
	CHECK(strstr(unit_warn_last, "'a' given 3 times; the last value wins") != NULL);
	/* Repeats keep their values intact: later words do not overwrite them. */
	CHECK_EQ(parse("x=first y=1 x=second z=3"), 3);
	CHECK_STR(get("x"), "second");
	CHECK_STR(get("y"), "1");
	CHECK_STR(get("z"), "3");
}

UNIT(empty_and_bad_keys)
{
	CHECK_EQ(parse("=foo = ok=1 \"\"=x a:b=1 \xc3\xa9=2"), 1);
	CHECK_EQ(unit_warns, 5);
	CHECK_STR(get("ok"), "1");
	CHECK_EQ(parse("a==b"), 1);
	CHECK_EQ(unit_warns, 1);
	CHECK_STR(get("a"), "=b");
}

UNIT(control_bytes)
{
	CHECK_EQ(parse("a=1 b=\x01x c\x7f=2 d=\x1b[2J e=3"), 2);
	CHECK_EQ(unit_warns, 3);
	CHECK_STR(get("a"), "1");
	CHECK_STR(get("e"), "3");
	CHECK(get("b") == NULL && get("d") == NULL);
	/* The warning must not carry the escape byte to the console. */
	CHECK(strchr(unit_warn_last, '\x1b') == NULL);
	/* Non-ASCII bytes are fine in values. */
	CHECK_EQ(parse("name=caf\xc3\xa9"), 1);
	CHECK_EQ(unit_warns, 0);
}

UNIT(too_long)
{
	size_t n = 20000;
	char *s = malloc(n + 1);

	for (size_t i = 0; i < n; i++)
		s[i] = (i % 10 == 9) ? ' ' : 'a' + (char)(i % 7);
	memcpy(s, "first=1 ", 8);
	s[n] = '\0';
	int r = parse(s);
	CHECK(r >= 1 && r <= CMDLINE_MAX_OPTS);
	CHECK(unit_warns >= 1);
	CHECK_STR(get("first"), "1");
	free(s);

	/* One huge word: kept up to the limit. */
	s = malloc(n + 1);
	memset(s, 'v', n);
	memcpy(s, "k=", 2);
	s[n] = '\0';
	CHECK_EQ(parse(s), 1);
	CHECK_EQ(unit_warns, 1);
	CHECK_EQ(strlen(get("k")), CMDLINE_MAX - 2);
	free(s);

	/* Exactly at the limit: no warning. */
	s = malloc(CMDLINE_MAX + 1);
	memset(s, 'w', CMDLINE_MAX);
	s[CMDLINE_MAX] = '\0';
	CHECK_EQ(parse(s), 1);
	CHECK_EQ(unit_warns, 0);
	free(s);
}

UNIT(too_many_options)
{
	char s[CMDLINE_MAX + 1];
	size_t p = 0;

	for (int i = 0; i < CMDLINE_MAX_OPTS + 20; i++)
		p += (size_t)snprintf(s + p, sizeof(s) - p, "k%d=%d ", i, i);
	CHECK_EQ(parse(s), CMDLINE_MAX_OPTS);
	CHECK_EQ(unit_warns, 1);
	CHECK_STR(get("k0"), "0");
	CHECK_STR(get("k127"), "127");
	CHECK(get("k128") == NULL);
	/* A repeat of a kept key still updates it after the table filled. */
	p += (size_t)snprintf(s + p, sizeof(s) - p, "k5=five");
	CHECK_EQ(parse(s), CMDLINE_MAX_OPTS);
	CHECK_STR(get("k5"), "five");
}

UNIT(every_byte)
{
	/* No single byte (or pair) may break the parser or the store bound. */
	char s[4];

	for (int a = 1; a < 256; a++)
		for (int b = 0; b < 256; b++) {
			s[0] = (char)a;
			s[1] = (char)b;
			s[2] = '=';
			s[3] = '\0';
			parse(s);
			CHECK(t.n <= 1);
		}
}

UNIT(unknown_keys)
{
	static const struct cmdline_opt opts[] = {
		{ "test", "", 0 }, { "run", "", 0 }, { "virtio.mode", "", 0 },
	};

	parse("test=all bogus=1 run=x bogus=2 other");
	unit_warns = 0;
	CHECK_EQ(cmdline_table_check(&t, opts, ARRAY_SIZE(opts), unit_warn, NULL), 2);
	CHECK_EQ(unit_warns, 2);
	CHECK(strstr(unit_warn_last, "'other'") != NULL);
	parse("virtio.mode=mmio");
	CHECK_EQ(cmdline_table_check(&t, opts, ARRAY_SIZE(opts), unit_warn, NULL), 0);
}

UNIT(option_families)
{
	static const struct cmdline_opt opts[] = {
		{ "virtio.mode", "", 0 }, { "virtio.mode.*", "", 0 },
		{ "net.*", "", 0 },
	};

	parse("virtio.mode.vda=poll virtio.mode.00.04.0=irq net.vioif0.ip=1 "
	      "virtio.mode=irq");
	unit_warns = 0;
	CHECK_EQ(cmdline_table_check(&t, opts, ARRAY_SIZE(opts), unit_warn, NULL), 0);
	CHECK_EQ(unit_warns, 0);
	/* The family needs something after its dot; other prefixes are not it. */
	parse("virtio.mode. virtio.modex=1 net virtio.moder.vda=1 net.=1");
	unit_warns = 0;
	CHECK_EQ(cmdline_table_check(&t, opts, ARRAY_SIZE(opts), unit_warn, NULL), 5);
	CHECK_EQ(unit_warns, 5);
}

UNIT(integers)
{
	long long v;

	CHECK_EQ(cmdline_str_to_ll("42", &v), 0);
	CHECK_EQ(v, 42);
	CHECK_EQ(cmdline_str_to_ll("-7", &v), 0);
	CHECK_EQ(v, -7);
	CHECK_EQ(cmdline_str_to_ll("+0x1F", &v), 0);
	CHECK_EQ(v, 31);
	CHECK_EQ(cmdline_str_to_ll("9223372036854775807", &v), 0);
	CHECK_EQ(v, INT64_MAX);
	CHECK_EQ(cmdline_str_to_ll("-9223372036854775808", &v), 0);
	CHECK(v == INT64_MIN);
	CHECK_EQ(cmdline_str_to_ll("9223372036854775808", &v), -ERANGE);
	CHECK_EQ(cmdline_str_to_ll("0x10000000000000000", &v), -ERANGE);
	CHECK_EQ(cmdline_str_to_ll("", &v), -EINVAL);
	CHECK_EQ(cmdline_str_to_ll("-", &v), -EINVAL);
	CHECK_EQ(cmdline_str_to_ll("0x", &v), -EINVAL);
	CHECK_EQ(cmdline_str_to_ll("12a", &v), -EINVAL);
	CHECK_EQ(cmdline_str_to_ll(" 1", &v), -EINVAL);
	CHECK_EQ(cmdline_str_to_ll("--1", &v), -EINVAL);
	CHECK_EQ(cmdline_str_to_ll(NULL, &v), -EINVAL);
}

UNIT(booleans)
{
	bool b = false;

	CHECK_EQ(cmdline_str_to_bool("", &b), 0);
	CHECK(b);
	CHECK_EQ(cmdline_str_to_bool("Off", &b), 0);
	CHECK(!b);
	CHECK_EQ(cmdline_str_to_bool("YES", &b), 0);
	CHECK(b);
	CHECK_EQ(cmdline_str_to_bool("0", &b), 0);
	CHECK(!b);
	CHECK_EQ(cmdline_str_to_bool("maybe", &b), -EINVAL);
	CHECK_EQ(cmdline_str_to_bool("yess", &b), -EINVAL);
	CHECK_EQ(cmdline_str_to_bool("ye", &b), -EINVAL);
}

UNIT_MAIN()
