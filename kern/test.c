// SPDX-License-Identifier: MIT
/*
 * The in-guest test registry. Cases come from TEST() (the .testcases
 * section); test_run picks them by comma-separated globs, runs each in the
 * calling thread and prints TAP (one line per case, diagnostics as "# ").
 * A pattern "!GLOB" leaves out the cases GLOB picks (test=all,!net*).
 * Cases named crash_* fault on purpose (they test the fault dump): `all` and
 * globs skip them; they run only when a pattern itself starts with "crash_".
 */
#include <kern/test.h>
#include <kern/printk.h>
#include <kern/cmdline.h>
#include <stdio.h>
#include <string.h>

extern const struct test_case __testcases_start[], __testcases_end[];

CMDLINE_OPT(test, "test", "run in-guest tests matching globs (test=all, test=mem*,irq*) and exit");

static int cur_failed, cur_skipped;
static char skip_reason[128];

void test_check(bool ok, const char *file, int line, const char *expr)
{
	if (ok)
		return;
	cur_failed++;
	kprintf("#   %s:%d: check failed: %s\n", file, line, expr);
}

void test_skip(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(skip_reason, sizeof(skip_reason), fmt, ap);
	va_end(ap);
	cur_skipped = 1;
}

void test_diag(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	kprintf("# %s\n", buf);
}

/* Glob with '*' and '?'. */
static bool glob(const char *p, const char *s)
{
	const char *star = NULL, *back = NULL;
	while (*s) {
		if (*p == '?' || *p == *s) {
			p++;
			s++;
		} else if (*p == '*') {
			star = p++;
			back = s;
		} else if (star) {
			p = star + 1;
			s = ++back;
		} else {
			return false;
		}
	}
	while (*p == '*')
		p++;
	return !*p;
}

/* Does one comma-separated pattern (without a leading '!') pick name? */
static bool pattern_picks(const char *pat, const char *name, bool crash)
{
	if (!strcmp(pat, "all"))
		return !crash;
	return glob(pat, name) && (!crash || strncmp(pat, "crash_", 6) == 0);
}

bool test_selected(const char *spec, const char *name)
{
	char pat[64];
	bool crash = strncmp(name, "crash_", 6) == 0, yes = false;
	while (*spec) {
		size_t n = strcspn(spec, ",");
		if (n < sizeof(pat)) {
			memcpy(pat, spec, n);
			pat[n] = 0;
			/* "!GLOB" leaves out what GLOB picks, whatever the
			 * other patterns say. */
			if (pat[0] == '!') {
				if (pattern_picks(pat + 1, name, false))
					return false;
			} else if (pattern_picks(pat, name, crash)) {
				yes = true;
			}
		}
		spec += n;
		if (*spec == ',')
			spec++;
	}
	return yes;
}

void test_tap_plan(int total)
{
	kprintf("TAP version 13\n1..%d\n", total);
}

int test_run_one(int n, const char *name, void (*fn)(void *), void *arg)
{
	cur_failed = cur_skipped = 0;
	fn(arg);
	if (cur_failed) {
		kprintf("not ok %d - %s\n", n, name);
		return TEST_FAIL;
	}
	if (cur_skipped) {
		kprintf("ok %d - %s # SKIP %s\n", n, name, skip_reason);
		return TEST_SKIP;
	}
	kprintf("ok %d - %s\n", n, name);
	return TEST_PASS;
}

int test_tap_summary(int pass, int fail, int skip)
{
	kprintf("%d passed, %d failed, %d skipped\n", pass, fail, skip);
	if (fail)
		return 1;
	return skip == pass + fail + skip ? 77 : 0;
}

static void call_case(void *arg)
{
	((const struct test_case *)arg)->fn();
}

int test_run(const char *spec)
{
	int total = 0, res[3] = { 0, 0, 0 };
	for (const struct test_case *c = __testcases_start; c < __testcases_end; c++)
		total += test_selected(spec, c->name);
	test_tap_plan(total);
	if (!total) {
		kprintf("# no test matches '%s'\n0 passed, 1 failed\n", spec);
		return 1;
	}
	int n = 0;
	for (const struct test_case *c = __testcases_start; c < __testcases_end; c++)
		if (test_selected(spec, c->name))
			res[test_run_one(++n, c->name, call_case, (void *)c)]++;
	return test_tap_summary(res[TEST_PASS], res[TEST_FAIL], res[TEST_SKIP]);
}
