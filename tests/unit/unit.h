/* SPDX-License-Identifier: MIT */
/* A tiny harness for host unit tests (built with ASan and UBSan).
 *
 * Each test program defines its cases with UNIT(name) { ... } and checks
 * with CHECK(cond) / CHECK_EQ(a, b). main() comes from UNIT_MAIN(), which
 * runs every case, prints one TAP line per case and a closing
 * "N passed, N failed" line, and exits non-zero when any case failed. */
#ifndef TESTS_UNIT_H
#define TESTS_UNIT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct unit_case { const char *name; void (*fn)(void); };

#define UNIT_MAX 256
static struct unit_case unit_cases[UNIT_MAX];
static int unit_ncases, unit_failed_now;

#define UNIT(name)                                                        \
	static void unit_##name(void);                                    \
	__attribute__((constructor)) static void unit_reg_##name(void)    \
	{                                                                 \
		if (unit_ncases < UNIT_MAX)                               \
			unit_cases[unit_ncases++] =                       \
				(struct unit_case){ #name, unit_##name }; \
	}                                                                 \
	static void unit_##name(void)

#define CHECK(cond)                                                         \
	do {                                                                \
		if (!(cond)) {                                              \
			printf("#   %s:%d: CHECK(%s) failed\n", __FILE__,   \
			       __LINE__, #cond);                            \
			unit_failed_now = 1;                                \
		}                                                           \
	} while (0)

#define CHECK_EQ(a, b)                                                       \
	do {                                                                 \
		long long unit_a_ = (long long)(a), unit_b_ = (long long)(b); \
		if (unit_a_ != unit_b_) {                                    \
			printf("#   %s:%d: %s == %lld, expected %s == %lld\n", \
			       __FILE__, __LINE__, #a, unit_a_, #b, unit_b_); \
			unit_failed_now = 1;                                 \
		}                                                            \
	} while (0)

#define CHECK_STR(a, b)                                                    \
	do {                                                               \
		const char *unit_sa_ = (a), *unit_sb_ = (b);               \
		if (strcmp(unit_sa_, unit_sb_) != 0) {                     \
			printf("#   %s:%d: \"%s\" != \"%s\"\n", __FILE__,  \
			       __LINE__, unit_sa_, unit_sb_);              \
			unit_failed_now = 1;                               \
		}                                                          \
	} while (0)

#define UNIT_MAIN()                                                        \
	int main(void)                                                     \
	{                                                                  \
		int pass = 0, fail = 0;                                    \
		printf("1..%d\n", unit_ncases);                            \
		for (int i = 0; i < unit_ncases; i++) {                    \
			unit_failed_now = 0;                               \
			unit_cases[i].fn();                                \
			printf("%sok %d - %s\n",                           \
			       unit_failed_now ? "not " : "", i + 1,       \
			       unit_cases[i].name);                        \
			if (unit_failed_now) fail++; else pass++;          \
		}                                                          \
		printf("%d passed, %d failed\n", pass, fail);              \
		return fail ? 1 : 0;                                       \
	}

#endif
