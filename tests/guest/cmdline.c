/* SPDX-License-Identifier: MIT */
/* In-guest tests of the command line: the line we actually booted with
 * (tests/cases/cmdline.cases passes known values and malformed words),
 * and the parser run in the kernel build. */
#include <kern/test.h>
#include <kern/boot.h>
#include <kern/cmdline.h>
#include <kern/errno.h>
#include <string.h>
#include "../../kern/cmdline_parse.h"

/* Keys the cases pass to cmdline_boot_values; declared so they are not
 * reported as unknown. */
CMDLINE_OPT(cl_check, "cmdline.check", "self-test: cmdline_boot_values checks cmdline.* values");
CMDLINE_OPT(cl_s, "cmdline.s", "self-test value");
CMDLINE_OPT(cl_n, "cmdline.n", "self-test value");
CMDLINE_OPT(cl_flag, "cmdline.flag", "self-test value");
CMDLINE_OPT(cl_off, "cmdline.off", "self-test value");
CMDLINE_OPT(cl_bad, "cmdline.bad", "self-test value");

TEST(cmdline_boot_line)
{
	const char *raw = cmdline_raw();
	size_t n = strlen(raw);

	T_CHECK(n <= CMDLINE_MAX);
	T_CHECK(strncmp(raw, boot_info.cmdline, n) == 0);
	/* We run because test= was parsed, whatever else is on the line. */
	T_CHECK(cmdline_get("test") != NULL);
	T_CHECK(cmdline_get("no.such.key") == NULL);
	T_CHECK(cmdline_get("") == NULL);
	T_EQ(cmdline_get_int("no.such.key", -5), -5);
	T_EQ(cmdline_get_bool("no.such.key", true), true);
}

/* Only with cmdline.check on the line (cmdline_values case): the values
 * that case passes. */
TEST(cmdline_boot_values)
{
	if (!cmdline_get("cmdline.check")) {
		test_skip("no cmdline.check on the command line");
		return;
	}
	const char *s = cmdline_get("cmdline.s");
	T_CHECK(s && strcmp(s, "two words; and more") == 0);
	T_EQ(cmdline_get_int("cmdline.n", 0), 43);      /* n=42 n=43 */
	T_EQ(cmdline_get_bool("cmdline.flag", false), true);
	T_EQ(cmdline_get_bool("cmdline.off", true), false);
	/* Not a number: the default, and a warning. */
	T_EQ(cmdline_get_int("cmdline.bad", 7), 7);
	T_EQ(cmdline_get_bool("cmdline.bad", true), true);
	T_CHECK(strcmp(cmdline_get("cmdline.flag"), "") == 0);
}

static int warnings;

static void count_warn(void *ctx, const char *fmt, ...)
{
	(void)ctx;
	(void)fmt;
	warnings++;
}

TEST(cmdline_parser)
{
	static struct cmdline_table t;  /* 6 KiB: not on the stack */
	static char big[6000];

	warnings = 0;
	T_EQ(cmdline_table_parse(&t, "a=1 b=\"x y\" c a=2", count_warn, NULL), 3);
	T_EQ(warnings, 0);      /* the repeat is cmdline_table_check's to warn */
	T_CHECK(strcmp(cmdline_table_get(&t, "a"), "2") == 0);
	T_CHECK(strcmp(cmdline_table_get(&t, "b"), "x y") == 0);
	T_CHECK(strcmp(cmdline_table_get(&t, "c"), "") == 0);

	static const char *const bad[] = {
		"x=\"open", "=x", "a==b", "\x01\x02\x03", "\x1b[2J k=v",
		"\"", "= = =", "k=\"\"\"\"\"", "\xff\xfe=\x80",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		warnings = 0;
		int n = cmdline_table_parse(&t, bad[i], count_warn, NULL);
		T_CHECK(n >= 0 && n <= 1);
		T_CHECK(warnings >= 1 || i == 7);
	}
	memset(big, 'z', sizeof(big) - 1);
	memcpy(big, "k=", 2);
	warnings = 0;
	T_EQ(cmdline_table_parse(&t, big, count_warn, NULL), 1);
	T_EQ(warnings, 1);
	T_EQ(strlen(cmdline_table_get(&t, "k")), CMDLINE_MAX - 2);
}

/* test= and conform= globs (kern/test.c): "all" skips crash_ cases, "!GLOB"
 * leaves out what it picks whatever the order. */
TEST(cmdline_test_globs)
{
	T_CHECK(test_selected("all", "mem_x"));
	T_CHECK(!test_selected("all", "crash_x"));
	T_CHECK(test_selected("crash_*", "crash_x"));
	T_CHECK(test_selected("mem*,net*", "net_a"));
	T_CHECK(!test_selected("all,!net*", "net_a"));
	T_CHECK(!test_selected("!net*,all", "net_a"));
	T_CHECK(test_selected("all,!net*", "mem_a"));
	T_CHECK(!test_selected("!mem*", "mem_a"));
	T_CHECK(!test_selected("!mem*", "net_a"));   /* nothing picked it */
	T_CHECK(test_selected("2.7*,!2.7.5.3.2-*", "2.7.4.1-any-descriptor-layout"));
	T_CHECK(!test_selected("2.7*,!2.7.5.3.2-*", "2.7.5.3.2-chain-then-indirect"));
}
