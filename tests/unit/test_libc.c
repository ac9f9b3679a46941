/* SPDX-License-Identifier: MIT */
/* Host tests for lib/string.c, lib/stdlib.c, lib/strerror.c and
 * <libc/ctype.h>, with the host C library as the oracle where it has the
 * same function.
 *
 * libc.mk compiles our code (and this file) with -Dname=k_name for every
 * function, so ours live beside the host's. This file reads our headers
 * under those names, then drops the renames so that everything below,
 * unit.h included, sees the host's. Buffers handed to our functions are
 * malloc()ed to their exact size, so ASan reports any access past them. */
#include <kern/errno.h>
#include <libc/ctype.h>
#include <libc/stdlib.h>
#include <libc/string.h>
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef memchr
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strcasecmp
#undef strncasecmp
#undef strcpy
#undef strncpy
#undef strlcpy
#undef strlcat
#undef strcat
#undef strchr
#undef strrchr
#undef strstr
#undef strspn
#undef strcspn
#undef strtok_r
#undef strdup
#undef strndup
#undef strerror
#undef strtol
#undef strtoll
#undef strtoul
#undef strtoull
#undef atoi
#undef atol
#undef abs
#undef labs
#undef llabs
#undef qsort
#undef bsearch
#undef isdigit
#undef isxdigit
#undef isalpha
#undef isalnum
#undef isspace
#undef isupper
#undef islower
#undef isprint
#undef isgraph
#undef ispunct
#undef iscntrl
#undef tolower
#undef toupper

#include "unit.h"
#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <strings.h>
#include <kern/compiler.h>

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

/* A fixed pseudo-random sequence (an LCG), for reproducible data. */
static uint32_t rng_state = 12345;
static uint32_t rng(void)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return rng_state >> 8;
}

static const size_t lengths[] = {
	0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 23, 31, 32, 33, 63, 64, 65,
	100, 127, 128, 129, 255, 256, 257, 1000, 4099,
};

UNIT(memcpy_all_alignments)
{
	for (size_t so = 0; so < 16; so++)
	for (size_t dof = 0; dof < 16; dof++)
	for (size_t li = 0; li < ARRAY_SIZE(lengths); li++) {
		size_t n = lengths[li];
		unsigned char *s = malloc(so + n + 1);
		unsigned char *d = malloc(dof + n + 1);

		for (size_t i = 0; i < so + n; i++)
			s[i] = (unsigned char)(i * 7 + so);
		memset(d, 0xee, dof + n);
		CHECK(k_memcpy(d + dof, s + so, n) == d + dof);
		CHECK(memcmp(d + dof, s + so, n) == 0);
		for (size_t i = 0; i < dof; i++)
			CHECK(d[i] == 0xee);
		free(s);
		free(d);
	}
}

UNIT(memmove_overlaps)
{
	enum { SZ = 300 };
	unsigned char *buf = malloc(SZ), *ref = malloc(SZ);

	for (size_t a = 0; a < 40; a++)
	for (size_t b = 0; b < 40; b++)
	for (size_t li = 0; li < ARRAY_SIZE(lengths); li++) {
		size_t n = lengths[li];

		if (a + n > SZ || b + n > SZ)
			continue;
		for (size_t i = 0; i < SZ; i++)
			buf[i] = ref[i] = (unsigned char)(i * 13 + 1);
		memmove(ref + b, ref + a, n);
		CHECK(k_memmove(buf + b, buf + a, n) == buf + b);
		CHECK(memcmp(buf, ref, SZ) == 0);
	}
	free(buf);
	free(ref);
}

UNIT(memset_values)
{
	static const int vals[] = { 0, 0x5a, 0xff, 0x1ab, -1 };

	for (size_t off = 0; off < 16; off++)
	for (size_t li = 0; li < ARRAY_SIZE(lengths); li++)
	for (size_t v = 0; v < ARRAY_SIZE(vals); v++) {
		size_t n = lengths[li];
		unsigned char *d = malloc(off + n + 1);

		memset(d, 0x11, off + n);
		CHECK(k_memset(d + off, vals[v], n) == d + off);
		for (size_t i = 0; i < off + n; i++)
			if (d[i] != (i < off ? 0x11 : (unsigned char)vals[v])) {
				CHECK(!"memset byte");
				break;
			}
		free(d);
	}
}

UNIT(memcmp_and_memchr)
{
	for (size_t off = 0; off < 9; off++)
	for (size_t li = 0; li < ARRAY_SIZE(lengths); li++) {
		size_t n = lengths[li];
		unsigned char *a = malloc(off + n + 1), *b = malloc(off + n + 1);

		for (size_t i = 0; i < off + n; i++)
			a[i] = b[i] = (unsigned char)rng();
		CHECK_EQ(k_memcmp(a + off, b + off, n), 0);
		for (size_t pos = 0; pos < n; pos += 1 + pos / 3) {
			unsigned char save = b[off + pos];

			/* Bytes compare as unsigned: 0x80 is above 0x01. */
			b[off + pos] = a[off + pos] ^ 0x80;
			CHECK_EQ(sign(k_memcmp(a + off, b + off, n)),
				 sign(memcmp(a + off, b + off, n)));
			CHECK_EQ(k_memcmp(a + off, b + off, pos), 0);
			b[off + pos] = save;

			save = a[off + pos];
			a[off + pos] = (unsigned char)(pos + 1);
			CHECK(k_memchr(a + off, (int)(pos + 1), n) ==
			      memchr(a + off, (int)(pos + 1), n));
			CHECK(k_memchr(a + off, (int)(pos + 1) + 0x100, n) ==
			      memchr(a + off, (int)(pos + 1), n));
			a[off + pos] = save;
		}
		free(a);
		free(b);
	}
	CHECK(k_memchr("abc", 'x', 3) == NULL);
	CHECK(k_memchr("abc", 'c', 2) == NULL);
	CHECK_EQ(sign(k_memcmp("\x80", "\x01", 1)), 1);
}

/* strdup into an exact-size buffer, so a read past the NUL is caught. */
static char *S(const char *s)
{
	return strdup(s);
}

UNIT(lengths_and_compares)
{
	char *e = S(""), *hello = S("hello");

	CHECK_EQ(k_strlen(e), 0);
	CHECK_EQ(k_strlen(hello), 5);
	CHECK_EQ(k_strnlen(hello, 3), 3);
	CHECK_EQ(k_strnlen(hello, 5), 5);
	CHECK_EQ(k_strnlen(hello, 99), 5);
	CHECK_EQ(k_strnlen(hello, 0), 0);

	static const char *const strs[] = {
		"", "a", "b", "ab", "abc", "abd", "ABC", "aBc", "abc\x80",
		"abc\x01", "\xff", "zz", "Zz",
	};
	for (size_t i = 0; i < ARRAY_SIZE(strs); i++)
	for (size_t j = 0; j < ARRAY_SIZE(strs); j++) {
		char *a = S(strs[i]), *b = S(strs[j]);

		CHECK_EQ(sign(k_strcmp(a, b)), sign(strcmp(a, b)));
		CHECK_EQ(sign(k_strcasecmp(a, b)), sign(strcasecmp(a, b)));
		for (size_t n = 0; n < 6; n++) {
			CHECK_EQ(sign(k_strncmp(a, b, n)),
				 sign(strncmp(a, b, n)));
			CHECK_EQ(sign(k_strncasecmp(a, b, n)),
				 sign(strncasecmp(a, b, n)));
		}
		free(a);
		free(b);
	}
	free(e);
	free(hello);
}

UNIT(copies)
{
	char buf[16], *src = S("hello");

	CHECK(k_strcpy(buf, src) == buf);
	CHECK_STR(buf, "hello");
	CHECK(k_strcat(buf, src) == buf);
	CHECK_STR(buf, "hellohello");

	/* strncpy pads with NULs, and does not terminate when full. */
	memset(buf, 'x', sizeof(buf));
	CHECK(k_strncpy(buf, src, 8) == buf);
	CHECK(memcmp(buf, "hello\0\0\0x", 9) == 0);
	memset(buf, 'x', sizeof(buf));
	k_strncpy(buf, src, 3);
	CHECK(memcmp(buf, "helx", 4) == 0);

	/* strlcpy: always terminated, returns strlen(src). */
	memset(buf, 'x', sizeof(buf));
	CHECK_EQ(k_strlcpy(buf, src, sizeof(buf)), 5);
	CHECK_STR(buf, "hello");
	CHECK_EQ(k_strlcpy(buf, src, 3), 5);
	CHECK_STR(buf, "he");
	CHECK_EQ(k_strlcpy(buf, src, 1), 5);
	CHECK_STR(buf, "");
	buf[0] = 'q';
	CHECK_EQ(k_strlcpy(buf, src, 0), 5);
	CHECK(buf[0] == 'q');

	/* strlcat: returns the length it tried to make. */
	k_strlcpy(buf, "ab", sizeof(buf));
	CHECK_EQ(k_strlcat(buf, src, sizeof(buf)), 7);
	CHECK_STR(buf, "abhello");
	k_strlcpy(buf, "ab", sizeof(buf));
	CHECK_EQ(k_strlcat(buf, src, 5), 7);
	CHECK_STR(buf, "abhe");
	CHECK_EQ(k_strlcat(buf, src, 4), 4 + 5); /* no NUL within size */
	CHECK_STR(buf, "abhe");
	CHECK_EQ(k_strlcat(buf, src, 0), 5);

	char *d = k_strdup(src);
	CHECK(d && d != src);
	CHECK_STR(d, "hello");
	free(d);
	d = k_strndup(src, 3);
	CHECK_STR(d, "hel");
	free(d);
	d = k_strndup(src, 50);
	CHECK_STR(d, "hello");
	free(d);
	d = k_strdup("");
	CHECK_STR(d, "");
	free(d);
	free(src);
}

UNIT(searches)
{
	char *s = S("hello, world"), *e = S("");

	CHECK(k_strchr(s, 'o') == s + 4);
	CHECK(k_strrchr(s, 'o') == s + 8);
	CHECK(k_strchr(s, 'z') == NULL);
	CHECK(k_strrchr(s, 'z') == NULL);
	CHECK(k_strchr(s, '\0') == s + 12);
	CHECK(k_strrchr(s, '\0') == s + 12);
	CHECK(k_strchr(s, 'h' + 0x100) == s);  /* c is converted to char */
	CHECK(k_strchr(e, 'a') == NULL);
	CHECK(k_strchr(e, '\0') == e);

	static const char *const needles[] = {
		"", "h", "hello", "world", "o, w", "hello, world",
		"hello, world!", "ld", "lo", "xyz", "wor1d",
	};
	for (size_t i = 0; i < ARRAY_SIZE(needles); i++) {
		char *n = S(needles[i]);

		CHECK(k_strstr(s, n) == strstr(s, n));
		CHECK(k_strstr(e, n) == strstr(e, n));
		free(n);
	}

	static const char *const sets[] = { "", "h", "leh", "ol, ", "xyz",
					    "abcdefghijklmnopqrstuvwxyz" };
	for (size_t i = 0; i < ARRAY_SIZE(sets); i++) {
		char *set = S(sets[i]);

		CHECK_EQ(k_strspn(s, set), strspn(s, set));
		CHECK_EQ(k_strcspn(s, set), strcspn(s, set));
		CHECK_EQ(k_strspn(e, set), 0);
		CHECK_EQ(k_strcspn(e, set), 0);
		free(set);
	}
	free(s);
	free(e);
}

UNIT(tokens)
{
	char *s = S("  a,b,,c  d, "), *save, *t;

	CHECK_STR(k_strtok_r(s, " ,", &save), "a");
	CHECK_STR(k_strtok_r(NULL, " ,", &save), "b");
	CHECK_STR(k_strtok_r(NULL, " ,", &save), "c");
	t = k_strtok_r(NULL, " ,", &save);
	CHECK_STR(t, "d");
	CHECK(k_strtok_r(NULL, " ,", &save) == NULL);
	CHECK(k_strtok_r(NULL, " ,", &save) == NULL);  /* stays at the end */
	free(s);

	s = S(",,,");
	CHECK(k_strtok_r(s, ",", &save) == NULL);
	free(s);
	s = S("whole");
	CHECK_STR(k_strtok_r(s, "", &save), "whole");
	CHECK(k_strtok_r(NULL, "", &save) == NULL);
	free(s);
}

static const char *const numbers[] = {
	"", " ", "0", "-0", "+0", "42", "  -42xyz", "\t\n\v\f\r +17", "0x1f",
	"0X1F", "0x", "0xg", "-0x10", "+0Xa", "010", "08", "0b101", "z", "Zz",
	"1010", "- 5", "+-5", "1 2", "-1", "7fffffff", "-80000000",
	"9223372036854775807", "9223372036854775808", "-9223372036854775808",
	"-9223372036854775809", "18446744073709551615", "18446744073709551616",
	"-18446744073709551615", "-18446744073709551616",
	"99999999999999999999999999x", "0x7fffffffffffffff",
	"0xffffffffffffffff", "0x10000000000000000", "-0xffffffffffffffff",
	"777777777777777777777", "1777777777777777777777",
	"2000000000000000000000", "zzzzzzzzzzzzzz", "3w5e11264sgsf",
	"3w5e11264sgsg", "1111111111111111111111111111111111111111111111111111111111111111",
	"11111111111111111111111111111111111111111111111111111111111111111",
};
static const int bases[] = { 0, 2, 8, 10, 16, 36, 3, 35 };

UNIT(strto_against_host)
{
	for (size_t i = 0; i < ARRAY_SIZE(numbers); i++)
	for (size_t b = 0; b < ARRAY_SIZE(bases); b++) {
		char *s = S(numbers[i]), *we, *ge;
		int base = bases[b];

#define SAME(fn)                                                         \
	do {                                                             \
		if (fn(s, &we, base) != k_##fn(s, &ge, base) || we != ge) { \
			printf("#   " #fn "(\"%s\", %d)\n", s, base);     \
			unit_failed_now = 1;                             \
		}                                                        \
		CHECK(k_##fn(s, NULL, base) == fn(s, NULL, base));        \
	} while (0)
		SAME(strtol);
		SAME(strtoll);
		SAME(strtoul);
		SAME(strtoull);
#undef SAME
		if (base == 10) {
			CHECK_EQ(k_atol(s), strtol(s, NULL, 10));
			CHECK_EQ(k_atoi(s), (int)strtol(s, NULL, 10));
		}
		free(s);
	}
}

UNIT(strto_edges)
{
	char *s = S("  12"), *end = NULL;

	/* Bad base: 0 and *endptr = nptr (glibc leaves endptr alone). */
	CHECK_EQ(k_strtol(s, &end, 1), 0);
	CHECK(end == s);
	end = NULL;
	CHECK_EQ(k_strtoul(s, &end, 37), 0);
	CHECK(end == s);
	end = NULL;
	CHECK_EQ(k_strtoll(s, &end, -1), 0);
	CHECK(end == s);
	free(s);

	CHECK_EQ(k_strtol("-9223372036854775808", NULL, 10), LONG_MIN);
	CHECK_EQ(k_strtol("-9223372036854775809", NULL, 10), LONG_MIN);
	CHECK_EQ(k_strtol("9223372036854775808", NULL, 10), LONG_MAX);
	CHECK(k_strtoul("-1", NULL, 10) == ULONG_MAX);
	CHECK(k_strtoull("18446744073709551616", NULL, 0) == ULLONG_MAX);
	CHECK_EQ(k_strtol("0x10", NULL, 0), 16);
	CHECK_EQ(k_strtol("010", NULL, 0), 8);
	CHECK_EQ(k_strtol("Zz", NULL, 36), 36 * 35 + 35);

	CHECK_EQ(k_abs(-5), 5);
	CHECK_EQ(k_abs(INT_MAX), INT_MAX);
	CHECK_EQ(k_labs(LONG_MIN + 1), LONG_MAX);
	CHECK_EQ(k_llabs(-LLONG_MAX), LLONG_MAX);
	CHECK_EQ(k_llabs(0), 0);
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static int cmp_uchar(const void *a, const void *b)
{
	return *(const unsigned char *)a - *(const unsigned char *)b;
}

struct rec {
	unsigned key;
	char payload[9];        /* an odd size: 13 bytes, no padding rules */
} __attribute__((packed));

static int cmp_rec(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;

	return (x->key > y->key) - (x->key < y->key);
}

UNIT(qsort_matches_host)
{
	static const size_t sizes[] = { 0, 1, 2, 3, 4, 5, 7, 8, 16, 31, 100,
					1000, 10007 };

	for (size_t si = 0; si < ARRAY_SIZE(sizes); si++)
	for (int mod = 0; mod < 4; mod++) {
		size_t n = sizes[si];
		int *a = malloc(n * sizeof(int) + 1), *b = malloc(n * sizeof(int) + 1);

		/* random, few distinct values, ascending, descending */
		for (size_t i = 0; i < n; i++)
			a[i] = mod == 0 ? (int)rng() - (1 << 23)
			     : mod == 1 ? (int)(rng() % 4)
			     : mod == 2 ? (int)i : (int)(n - i);
		memcpy(b, a, n * sizeof(int));
		k_qsort(a, n, sizeof(int), cmp_int);
		qsort(b, n, sizeof(int), cmp_int);
		CHECK(memcmp(a, b, n * sizeof(int)) == 0);
		free(a);
		free(b);
	}

	unsigned char bytes[257], hbytes[257];
	for (size_t i = 0; i < sizeof(bytes); i++)
		bytes[i] = hbytes[i] = (unsigned char)rng();
	k_qsort(bytes, sizeof(bytes), 1, cmp_uchar);
	qsort(hbytes, sizeof(hbytes), 1, cmp_uchar);
	CHECK(memcmp(bytes, hbytes, sizeof(bytes)) == 0);

	/* Distinct keys, so the (unstable) order is fully determined and the
	 * payloads must travel with their keys. */
	enum { NR = 500 };
	struct rec *r = malloc(NR * sizeof(*r)), *h = malloc(NR * sizeof(*h));
	for (unsigned i = 0; i < NR; i++) {
		r[i].key = (i * 7919u) % NR;
		snprintf(r[i].payload, sizeof(r[i].payload), "p%u", r[i].key);
	}
	memcpy(h, r, NR * sizeof(*r));
	k_qsort(r, NR, sizeof(*r), cmp_rec);
	qsort(h, NR, sizeof(*h), cmp_rec);
	CHECK(memcmp(r, h, NR * sizeof(*r)) == 0);
	CHECK_EQ(r[0].key, 0);
	CHECK_STR(r[NR - 1].payload, "p499");
	free(r);
	free(h);
}

UNIT(bsearch_finds)
{
	for (size_t n = 0; n < 40; n++) {
		int *a = malloc(n * sizeof(int) + 1);

		for (size_t i = 0; i < n; i++)
			a[i] = 2 * (int)i;
		for (int key = -1; key <= 2 * (int)n; key++) {
			int *p = k_bsearch(&key, a, n, sizeof(int), cmp_int);

			if (key >= 0 && key % 2 == 0 && key < 2 * (int)n)
				CHECK(p == a + key / 2);
			else
				CHECK(p == NULL);
		}
		free(a);
	}
}

UNIT(strerror_messages)
{
	static const int errs[] = {
		EPERM, ENOENT, EINTR, EIO, ENXIO, E2BIG, EAGAIN, ENOMEM, EFAULT,
		EBUSY, EEXIST, ENODEV, EINVAL, ENOSPC, EROFS, ERANGE,
		ENAMETOOLONG, ENOSYS, ENODATA, ETIME, EPROTO, EBADMSG,
		EOVERFLOW, EMSGSIZE, EOPNOTSUPP, ETIMEDOUT, ECANCELED,
	};

	/* kern/errno.h uses the Linux numbers: glibc's words are the oracle. */
	for (size_t i = 0; i < ARRAY_SIZE(errs); i++) {
		CHECK_STR(k_strerror(errs[i]), strerror(errs[i]));
		CHECK_STR(k_strerror(-errs[i]), strerror(errs[i]));
	}
	CHECK_STR(k_strerror(0), "Success");
	CHECK_STR(k_strerror(9999), "unknown error 9999");
	CHECK_STR(k_strerror(-3), "unknown error -3");
	CHECK_STR(k_strerror(INT_MIN), "unknown error -2147483648");
	CHECK_STR(k_strerror(INT_MAX), "unknown error 2147483647");
}

UNIT(ctype_matches_host)
{
	/* The host runs in the "C" locale (nobody called setlocale). */
	for (int c = -1; c < 256; c++) {
		CHECK_EQ(!!k_isdigit(c), !!isdigit(c));
		CHECK_EQ(!!k_isxdigit(c), !!isxdigit(c));
		CHECK_EQ(!!k_isalpha(c), !!isalpha(c));
		CHECK_EQ(!!k_isalnum(c), !!isalnum(c));
		CHECK_EQ(!!k_isspace(c), !!isspace(c));
		CHECK_EQ(!!k_isupper(c), !!isupper(c));
		CHECK_EQ(!!k_islower(c), !!islower(c));
		CHECK_EQ(!!k_isprint(c), !!isprint(c));
		CHECK_EQ(!!k_isgraph(c), !!isgraph(c));
		CHECK_EQ(!!k_ispunct(c), !!ispunct(c));
		CHECK_EQ(!!k_iscntrl(c), !!iscntrl(c));
		CHECK_EQ(k_tolower(c), tolower(c));
		CHECK_EQ(k_toupper(c), toupper(c));
	}
}

UNIT_MAIN()
