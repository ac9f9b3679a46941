/* SPDX-License-Identifier: MIT */
/* Host tests for lib/printf.c, with the host's vsnprintf as the oracle.
 *
 * printf.mk compiles lib/printf.c (and this file) with -Dvsnprintf=
 * k_vsnprintf, -Dsnprintf=k_snprintf and -Dvcbprintf=k_vcbprintf, so ours
 * live beside the host's. This file reads our header under those names,
 * then drops the renames so that everything below sees the host's.
 *
 * printf, vprintf, puts and putchar cannot be renamed that way: the token
 * printf also names the format archetype in __attribute__((format(printf,
 * ...))), which <kern/compiler.h> spells so. So lib/printf.c's console
 * functions keep their names and take the host's place in this program:
 * unit.h's own report goes through them, to the console_write() below,
 * which hands it to stdout (or captures it for one test). */
#include <libc/stdio.h>
#undef vsnprintf
#undef snprintf
#undef vcbprintf

#include "unit.h"
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <kern/errno.h>
#include <kern/printk.h>

/* The console, as lib/printf.c's printf/puts/putchar see it. */
static char console[4096];
static size_t console_len;
static bool capture;

void console_write(const char *s, size_t n)
{
	if (!capture) {
		fwrite(s, 1, n, stdout);
		return;
	}
	if (n > sizeof(console) - console_len)
		n = sizeof(console) - console_len;
	memcpy(console + console_len, s, n);
	console_len += n;
}

static int nfail_printed;

static void report(const char *file, int line, const char *fmt, size_t size,
		   const char *want, int wn, const char *got, int gn)
{
	unit_failed_now = 1;
	if (nfail_printed++ > 30)
		return;
	printf("#   %s:%d: fmt \"%s\" size %zu: want %d \"%s\", got %d \"%.*s\"\n",
	       file, line, fmt, size, wn, want, gn,
	       gn < 0 ? 0 : (int)(size ? MIN((size_t)gn, size - 1) : 0),
	       got ? got : "");
}

/* Our output for a buffer of exactly size bytes (so ASan sees any byte
 * written past it) must be the oracle's output cut to size - 1 and
 * terminated, and the return value the oracle's. */
static void check_size(const char *file, int line, const char *fmt,
		       size_t size, const char *want, int wn, va_list ap)
{
	char *buf = size ? malloc(size) : NULL;
	va_list aq;
	int gn;

	if (size)
		memset(buf, 0x5a, size);
	va_copy(aq, ap);
	gn = k_vsnprintf(buf, size, fmt, aq);
	va_end(aq);
	if (gn != wn) {
		report(file, line, fmt, size, want, wn, buf, gn);
	} else if (size) {
		size_t n = MIN((size_t)wn, size - 1);

		if (memcmp(buf, want, n) != 0 || buf[n] != '\0')
			report(file, line, fmt, size, want, wn, buf, gn);
	}
	free(buf);
}

/* Compare against the host for every buffer size from 0 to past the end. */
static void __attribute__((format(printf, 3, 4)))
check_all(const char *file, int line, const char *fmt, ...)
{
	static char want[8192];
	va_list ap, aq;
	int wn;

	va_start(ap, fmt);
	va_copy(aq, ap);
	wn = vsnprintf(want, sizeof(want), fmt, aq);
	va_end(aq);
	if (wn < 0 || (size_t)wn >= sizeof(want)) {
		printf("#   %s:%d: test format too long\n", file, line);
		unit_failed_now = 1;
	} else {
		for (size_t size = 0; size <= (size_t)wn + 2; size++)
			check_size(file, line, fmt, size, want, wn, ap);
	}
	va_end(ap);
}
#define T(...) check_all(__FILE__, __LINE__, __VA_ARGS__)

/* The same with two sizes only (full, and cut in half), for the generated
 * combinations below, which are too many for the full sweep. */
static void __attribute__((format(printf, 1, 2)))
check_quick(const char *fmt, ...)
{
	char want[512];
	va_list ap, aq;
	int wn;

	va_start(ap, fmt);
	va_copy(aq, ap);
	wn = vsnprintf(want, sizeof(want), fmt, aq);
	va_end(aq);
	if (wn >= 0 && (size_t)wn < sizeof(want)) {
		check_size(__FILE__, __LINE__, fmt, (size_t)wn + 1, want, wn, ap);
		check_size(__FILE__, __LINE__, fmt, (size_t)wn / 2, want, wn, ap);
	}
	va_end(ap);
}

UNIT(literals_and_percent)
{
	T("hello");
	T("100%%");
	T("%%%%");
	T("a%cb", 'x');
	T("%c", 0);              /* an embedded NUL still counts */
	T("%c%c%c", 'a', 0, 'b');
}

UNIT(decimal)
{
	T("%d", 0);
	T("%d %i", 42, -42);
	T("%d", INT_MAX);
	T("%d", INT_MIN);
	T("%u", UINT_MAX);
	T("%ld", LONG_MIN);
	T("%lu", ULONG_MAX);
	T("%lld", LLONG_MIN);
	T("%lld", LLONG_MAX);
	T("%llu", ULLONG_MAX);
	T("%" PRId64, INT64_MIN);
	T("%" PRIu64 " %" PRIx64 " %" PRIX64 " %" PRIo64, UINT64_MAX,
	  UINT64_MAX, UINT64_MAX, UINT64_MAX);
	T("%" PRId32 " %" PRIu32, INT32_MIN, UINT32_MAX);
	T("%" PRIdPTR " %" PRIxPTR, (intptr_t)-5, (uintptr_t)0xabc);
	T("%+d %+d %+d", 1, -1, 0);
	T("% d % d % d", 1, -1, 0);
	T("%5d|%-5d|%05d", 42, 42, 42);
	T("%05d", -42);
	T("%+05d", 42);
	T("%.0d|%.0d|%5.0d|%-5.0d|", 0, 1, 0, 0);
	T("%+.0d|% .0d", 0, 0);
	T("%.5d|%.5d|%8.5d|%-8.5d|", 42, -42, 42, -42);
	T("%.30d", INT_MIN);
	T("%.600d", 1);          /* precision far past any digit buffer */
	T("%600d", -1);
}

UNIT(hex_octal)
{
	T("%x %X %o", 0xbeef, 0xbeef, 0755);
	T("%#x %#X %#o", 0xbeef, 0xbeef, 0755);
	T("%#x %#o", 0, 0);
	T("%#.0x|%#.0o|%.0o|%.0x", 0, 0, 0, 0);
	T("%#.3o|%#.5o|%#o", 8, 8, 8);
	T("%#010x|%#-10x|%#10X", 255, 255, 255);
	T("%010o|%#010o", 8, 8);
	T("%#.8x", 1);
	T("%llx %llo", ULLONG_MAX, ULLONG_MAX);
}

UNIT(length_modifiers)
{
	T("%hhd %hhd %hhu %hhx", 200, -200, 300, 0x1ff);
	T("%hd %hd %hu %hx", 40000, -40000, 70000, 0x1ffff);
	T("%zu %zx %zd %zd", SIZE_MAX, SIZE_MAX, (ptrdiff_t)-1,
	  (ptrdiff_t)PTRDIFF_MAX);
	T("%td %tu %tx", PTRDIFF_MIN, (size_t)PTRDIFF_MAX, (size_t)-1);
	T("%jd %jd %ju %jx", INTMAX_MIN, INTMAX_MAX, UINTMAX_MAX, UINTMAX_MAX);
	T("%ld %li %lu %lx %lo", -1L, 123456789012L, 1UL << 63, ~0UL, 8UL);
}

UNIT(star)
{
	T("%*d|", 6, 42);
	T("%*d|", -6, 42);       /* negative width: left-justify */
	T("%-*d|", -6, 42);
	T("%.*d|", 4, 42);
	T("%.*d|", -1, 42);      /* negative precision: as if none */
	T("%0*d|", 6, -42);
	T("%*.*d|", 8, 5, -42);
	T("%*.*s|", -8, 2, "hello");
	T("%*c|", 4, 'z');
	T("%.*s|", 0, "gone");
}

UNIT(strings_and_chars)
{
	char unterminated[3] = { 'a', 'b', 'c' };

	T("%s", "");
	T("%s|%10s|%-10s|", "hi", "hi", "hi");
	T("%.0s|%.1s|%.2s|%.9s|", "hi", "hi", "hi", "hi");
	T("%5.1s|%-5.1s|", "hello", "hello");
	T("%.3s", unterminated); /* precision bounds the read (ASan checks) */
	T("%5c|%-5c|", 'x', 'y');
	T("%c", 0xff);
	T("%s %s %s", "one", "two", "three");
}

UNIT(pointers)
{
	int x;

	T("%p", (void *)&x);
	T("%p %p", (void *)1, (void *)UINTPTR_MAX);
	T("%20p|%-20p|", (void *)0x1234, (void *)0x1234);
	T("%p|%8p|%-8p|", NULL, NULL, NULL);
}

UNIT(null_string_and_unsupported)
{
	char buf[64];
	const char *volatile nul = NULL;
	int where = 1234;

	CHECK_EQ(k_snprintf(buf, sizeof(buf), "[%s]", nul), 8);
	CHECK_STR(buf, "[(null)]");
	CHECK_EQ(k_snprintf(buf, sizeof(buf), "[%8s]", nul), 10);
	CHECK_STR(buf, "[  (null)]");
	/* Unlike glibc, a short precision cuts "(null)" like any string. */
	CHECK_EQ(k_snprintf(buf, sizeof(buf), "[%.3s]", nul), 5);
	CHECK_STR(buf, "[(nu]");

	/* %n consumes its pointer and stores nothing; the args after it
	 * still line up. */
	CHECK_EQ(k_snprintf(buf, sizeof(buf), "a%nb%d", &where, 5), 3);
	CHECK_STR(buf, "ab5");
	CHECK_EQ(where, 1234);

	/* No floating point: a placeholder, and (on x86_64 and arm64, where
	 * doubles travel in FP registers) the integer args still line up. */
	CHECK_EQ(k_snprintf(buf, sizeof(buf), "%f|%d", 1.5, 7), 3);
	CHECK_STR(buf, "?|7");

	/* Unknown conversions and a dangling '%' come out as written. */
	const char *volatile unk = "[%y][%5k]%";
	CHECK_EQ(k_snprintf(buf, sizeof(buf), unk, 0), 10);
	CHECK_STR(buf, "[%y][%5k]%");
}

UNIT(size_zero_and_overflow)
{
	char buf[4] = "xyz";
	/* Formats through volatile pointers: gcc would (rightly) refuse to
	 * compile the overflowing ones as literals. */
	const char *volatile star_d = "%*d", *volatile big = "%999999999999d";
	const char *volatile star_dd = "%*d%d", *volatile prec_ds = "%.*d%s";

	CHECK_EQ(k_snprintf(NULL, 0, "%d", 12345), 5);
	CHECK_EQ(k_snprintf(buf, 0, "%d", 12345), 5);
	CHECK_STR(buf, "xyz");   /* size 0: not even the NUL */
	CHECK_EQ(k_snprintf(buf, 1, "%d", 12345), 5);
	CHECK_STR(buf, "");
	/* Huge widths are counted, not written: no time, no memory. */
	CHECK_EQ(k_snprintf(NULL, 0, star_d, INT_MAX, 1), INT_MAX);
	CHECK_EQ(k_snprintf(NULL, 0, star_d, INT_MIN, 1), INT_MAX);
	CHECK_EQ(k_snprintf(NULL, 0, big, 1), INT_MAX);
	/* Past INT_MAX there is no length to return (7.21.6.5p3). */
	CHECK_EQ(k_snprintf(buf, sizeof(buf), star_dd, INT_MAX, 1, 2),
		 -EOVERFLOW);
	CHECK_STR(buf, "   ");   /* what fitted is still terminated */
	CHECK_EQ(k_snprintf(NULL, 0, prec_ds, INT_MAX, 1, "x"), -EOVERFLOW);
}

/* Every combination of flags, width, precision and length modifier for
 * each integer conversion, over values at the edges of each type. */
UNIT(generated_integers)
{
	static const char *const flags[] = {
		"", "-", "+", " ", "0", "#", "-+", "- ", "-0", "-#", "+ ",
		"+0", "+#", " 0", " #", "0#", "-+ 0#", "+0#", "- #", "-0#",
	};
	static const char *const widths[] = { "", "1", "7", "25", "*" };
	static const char *const precs[] = { "", ".", ".0", ".1", ".6", ".22",
					     ".*" };
	static const char *const lens[] = { "hh", "h", "", "l", "ll", "z",
					    "t", "j" };
	static const char convs[] = "diuxXo";
	static const long long vals[] = {
		0, 1, -1, 9, -10, 127, -128, 255, 256, 32767, -32768, 65535,
		INT_MAX, INT_MIN, UINT_MAX, LLONG_MAX, LLONG_MIN,
		0x123456789abcdefLL,
	};
	static const int stars[] = { 11, -11, 0 };
	char fmt[32];

	for (size_t c = 0; c < sizeof(convs) - 1; c++)
	for (size_t f = 0; f < ARRAY_SIZE(flags); f++)
	for (size_t w = 0; w < ARRAY_SIZE(widths); w++)
	for (size_t p = 0; p < ARRAY_SIZE(precs); p++)
	for (size_t l = 0; l < ARRAY_SIZE(lens); l++) {
		bool sgn = convs[c] == 'd' || convs[c] == 'i';
		bool ws = widths[w][0] == '*', ps = strchr(precs[p], '*') != NULL;

		/* '#' is undefined for d, i and u (7.21.6.1p6). */
		if (strchr(flags[f], '#') && (sgn || convs[c] == 'u'))
			continue;
		snprintf(fmt, sizeof(fmt), "%%%s%s%s%s%c", flags[f], widths[w],
			 precs[p], lens[l], convs[c]);
		for (size_t v = 0; v < ARRAY_SIZE(vals); v++)
		for (size_t s = 0; s < ((ws || ps) ? ARRAY_SIZE(stars) : 1); s++) {
			int st = stars[s];
			long long x = vals[v];

#define GEN(type)                                                        \
	do {                                                             \
		if (ws && ps)                                            \
			check_quick(fmt, st, -st, (type)x);              \
		else if (ws || ps)                                       \
			check_quick(fmt, st, (type)x);                   \
		else                                                     \
			check_quick(fmt, (type)x);                       \
	} while (0)
			switch (l) {
			case 3: if (sgn) GEN(long); else GEN(unsigned long); break;
			case 4: if (sgn) GEN(long long); else GEN(unsigned long long); break;
			case 5: if (sgn) GEN(ptrdiff_t); else GEN(size_t); break;
			case 6: if (sgn) GEN(ptrdiff_t); else GEN(size_t); break;
			case 7: if (sgn) GEN(intmax_t); else GEN(uintmax_t); break;
			default: if (sgn) GEN(int); else GEN(unsigned); break;
			}
#undef GEN
		}
	}
}

UNIT(generated_strings)
{
	static const char *const flags[] = { "", "-" };
	static const char *const widths[] = { "", "1", "3", "12" };
	static const char *const precs[] = { "", ".", ".0", ".2", ".5", ".40" };
	static const char *const strs[] = { "", "a", "abc", "hello, world" };
	char fmt[32];

	for (size_t f = 0; f < ARRAY_SIZE(flags); f++)
	for (size_t w = 0; w < ARRAY_SIZE(widths); w++) {
		snprintf(fmt, sizeof(fmt), "%%%s%sc", flags[f], widths[w]);
		check_quick(fmt, 'q');
		for (size_t p = 0; p < ARRAY_SIZE(precs); p++) {
			snprintf(fmt, sizeof(fmt), "%%%s%s%ss", flags[f],
				 widths[w], precs[p]);
			for (size_t s = 0; s < ARRAY_SIZE(strs); s++)
				check_quick(fmt, strs[s]);
		}
	}
}

static char pieces[2048];
static size_t npieces_len;
static int npieces, piece_too_big;

static void collect(void *arg, const char *s, size_t n)
{
	(void)arg;
	if (n > 128)
		piece_too_big = 1;
	memcpy(pieces + npieces_len, s, MIN(n, sizeof(pieces) - npieces_len));
	npieces_len += n;
	npieces++;
}

static int cb(const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = k_vcbprintf(collect, NULL, fmt, ap);
	va_end(ap);
	return r;
}

UNIT(callback_sink)
{
	char want[2048];
	int n = snprintf(want, sizeof(want), "<%-700s|%0500d>", "x", 7);

	CHECK_EQ(cb("<%-700s|%0500d>", "x", 7), n);
	CHECK_EQ(npieces_len, n);
	CHECK(memcmp(pieces, want, (size_t)n) == 0);
	CHECK(npieces >= n / 128);
	CHECK(!piece_too_big);

	npieces = 0;
	CHECK_EQ(cb("%s", ""), 0);
	CHECK_EQ(npieces, 0);    /* nothing to say: no call at all */
}

UNIT(console_functions)
{
	/* Through pointers: the host's <stdio.h> has an inline putchar. */
	int (*volatile pc)(int) = putchar;
	int (*volatile ps)(const char *) = puts;
	int r[4];

	console_len = 0;
	capture = true;
	r[0] = printf("x=%d %s", 5, "ok");
	r[1] = pc('!');
	r[2] = pc(0x1ff);
	r[3] = ps("line");
	capture = false;
	CHECK_EQ(r[0], 6);
	CHECK_EQ(r[1], '!');
	CHECK_EQ(r[2], 0xff);
	CHECK(r[3] >= 0);
	CHECK_EQ(console_len, 13);
	CHECK(memcmp(console, "x=5 ok!\xffline\n", 13) == 0);
}

UNIT_MAIN()
