/* SPDX-License-Identifier: MIT */
/* Number parsing, abs, sorting and searching (<stdlib.h>). The allocator
 * declared there lives in kern/mm/heap.c. */
#include <stdbool.h>
#include <stdlib.h>

/* Not <limits.h>: gcc's copy #include_next's a C library's limits.h, which
 * a -nostdinc kernel build does not have. gcc predefines the bounds. */
#define LONG_MAX   __LONG_MAX__
#define LLONG_MAX  __LONG_LONG_MAX__
#define ULONG_MAX  (__LONG_MAX__ * 2UL + 1)
#define ULLONG_MAX (__LONG_LONG_MAX__ * 2ULL + 1)

/* The digit's value in bases up to 36, or 36 for "not a digit". */
static int digit_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 36;
}

static bool is_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* The shared part of strto*: C11 7.22.1.4. Reads optional blanks, a sign,
 * a base prefix and digits, and returns the magnitude, clamped to limit
 * (*over tells). *endptr is set past the last digit, or to s when there
 * are none or the base is invalid. */
static unsigned long long scan(const char *s, char **endptr, int base,
			       unsigned long long limit, bool *neg, bool *over)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned long long v = 0;
	bool any = false;
	int d;

	*neg = *over = false;
	if (base < 0 || base == 1 || base > 36)
		goto none;
	while (is_space(*p))
		p++;
	if (*p == '-' || *p == '+')
		*neg = *p++ == '-';
	/* "0x" counts as a prefix only when a hex digit follows; otherwise
	 * the subject is just "0" and parsing stops at the 'x'. */
	if ((base == 0 || base == 16) && p[0] == '0' &&
	    (p[1] == 'x' || p[1] == 'X') && digit_value(p[2]) < 16) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = *p == '0' ? 8 : 10;
	}
	for (; (d = digit_value(*p)) < base; p++) {
		any = true;
		if (*over)
			continue;
		if (v > (limit - (unsigned)d) / (unsigned)base) {
			*over = true;
			v = limit;
		} else {
			v = v * (unsigned)base + (unsigned)d;
		}
	}
	if (!any)
		goto none;
	if (endptr)
		*endptr = (char *)p;
	return v;
none:
	*neg = false;
	if (endptr)
		*endptr = (char *)s;
	return 0;
}

long long strtoll(const char *restrict nptr, char **restrict endptr, int base)
{
	bool neg, over;
	/* A negative result may reach one past LLONG_MAX in magnitude. */
	unsigned long long v = scan(nptr, endptr, base,
				    (unsigned long long)LLONG_MAX + 1, &neg,
				    &over);

	if (!neg)
		return v > LLONG_MAX ? LLONG_MAX : (long long)v;
	return v == 0 ? 0 : -(long long)(v - 1) - 1;
}

long strtol(const char *restrict nptr, char **restrict endptr, int base)
{
	bool neg, over;
	unsigned long long v = scan(nptr, endptr, base,
				    (unsigned long long)LONG_MAX + 1, &neg,
				    &over);

	if (!neg)
		return v > LONG_MAX ? LONG_MAX : (long)v;
	return v == 0 ? 0 : -(long)(v - 1) - 1;
}

/* As the standard says, a '-' negates in the unsigned type ("-1" gives
 * ULLONG_MAX); only a magnitude that does not fit clamps. */
unsigned long long strtoull(const char *restrict nptr, char **restrict endptr,
			    int base)
{
	bool neg, over;
	unsigned long long v = scan(nptr, endptr, base, ULLONG_MAX, &neg, &over);

	if (over)
		return ULLONG_MAX;
	return neg ? 0 - v : v;
}

unsigned long strtoul(const char *restrict nptr, char **restrict endptr,
		      int base)
{
	bool neg, over;
	unsigned long v = scan(nptr, endptr, base, ULONG_MAX, &neg, &over);

	if (over)
		return ULONG_MAX;
	return neg ? 0 - v : v;
}

int atoi(const char *s)
{
	return (int)strtol(s, NULL, 10);
}

long atol(const char *s)
{
	return strtol(s, NULL, 10);
}

int abs(int x)
{
	return x < 0 ? -x : x;
}

long labs(long x)
{
	return x < 0 ? -x : x;
}

long long llabs(long long x)
{
	return x < 0 ? -x : x;
}

static void swap_bytes(char *a, char *b, size_t size)
{
	while (size--) {
		char t = *a;

		*a++ = *b;
		*b++ = t;
	}
}

/* Let element i sink until it is no smaller than its children, in the
 * max-heap base[0..n). */
static void sift_down(char *base, size_t i, size_t n, size_t size,
		      int (*cmp)(const void *, const void *))
{
	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= n)
			return;
		if (c + 1 < n && cmp(base + c * size, base + (c + 1) * size) < 0)
			c++;
		if (cmp(base + i * size, base + c * size) >= 0)
			return;
		swap_bytes(base + i * size, base + c * size, size);
		i = c;
	}
}

/* Heapsort (Williams 1964, Floyd's heap construction): no recursion and
 * no scratch memory, O(n log n) comparisons on any input. */
void qsort(void *base, size_t n, size_t size,
	   int (*cmp)(const void *a, const void *b))
{
	char *b = base;
	size_t i;

	if (n < 2 || size == 0)
		return;
	for (i = n / 2; i-- > 0;)
		sift_down(b, i, n, size, cmp);
	for (i = n - 1; i > 0; i--) {
		swap_bytes(b, b + i * size, size);
		sift_down(b, 0, i, size, cmp);
	}
}

void *bsearch(const void *key, const void *base, size_t n, size_t size,
	      int (*cmp)(const void *key, const void *elem))
{
	const char *b = base;
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = cmp(key, b + mid * size);

		if (r == 0)
			return (void *)(b + mid * size);
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}
