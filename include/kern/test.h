/* SPDX-License-Identifier: MIT */
/* In-guest tests. TEST(name) registers a case in the .testcases section;
 * the command line picks cases by glob (test=all, test=mem*, test=a,b*).
 * Each case prints one TAP line; the run ends with "N passed, N failed"
 * and leaves QEMU with kvm-unit-tests' exit conventions (0 pass, 1 fail,
 * 77 all skipped, as (code << 1) | 1 through isa-debug-exit). */
#ifndef KERN_TEST_H
#define KERN_TEST_H

#include <kern/compiler.h>

struct test_case {
	const char *name;
	void (*fn)(void);
};

#define TEST(tname)                                                          \
	static void test_fn_##tname(void);                                   \
	static const struct test_case test_case_##tname                      \
		__used __section(".testcases") __aligned(8) =                 \
		{ #tname, test_fn_##tname };                                 \
	static void test_fn_##tname(void)

/* Record a failed check in the running case (the case goes on). */
void test_check(bool ok, const char *file, int line, const char *expr);
/* Mark the running case skipped, with a reason; return from it yourself. */
void test_skip(const char *fmt, ...) __printf(1, 2);
/* A TAP diagnostic line ("# ..."). */
void test_diag(const char *fmt, ...) __printf(1, 2);

#define T_CHECK(cond) test_check(!!(cond), __FILE__, __LINE__, #cond)
#define T_EQ(a, b)                                                           \
	do {                                                                 \
		long long t_a_ = (long long)(a), t_b_ = (long long)(b);      \
		if (t_a_ != t_b_)                                            \
			test_diag("%s = %lld, expected %lld", #a, t_a_, t_b_);\
		test_check(t_a_ == t_b_, __FILE__, __LINE__, #a " == " #b);  \
	} while (0)

/* Run the cases whose names match the comma-separated globs in spec. */
int test_run(const char *spec);

/* The same machinery for suites with a registry of their own (conform=,
 * drivers/virtio/conform/): does name match spec's globs ("all" matches
 * everything but crash_*)? */
bool test_selected(const char *spec, const char *name);
/* Print the TAP header for total cases. */
void test_tap_plan(int total);
/* Run fn(arg) as case number n called name and print its TAP line.
 * @return TEST_PASS, TEST_FAIL or TEST_SKIP. */
enum { TEST_PASS, TEST_FAIL, TEST_SKIP };
int test_run_one(int n, const char *name, void (*fn)(void *), void *arg);
/* Print the totals. @return the exit code: 0 passed, 1 some failed, 77 all
 * skipped. */
int test_tap_summary(int pass, int fail, int skip);

#endif
