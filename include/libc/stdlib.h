/* SPDX-License-Identifier: MIT */
/* <stdlib.h> for the kernel: number parsing, sorting and searching
 * (lib/stdlib.c) and the allocator's entry points (kern/mm/heap.c). */
#ifndef LIBC_STDLIB_H
#define LIBC_STDLIB_H

#include <stddef.h>

/* String to integer, as C11 7.22.1.4 says, with one difference: there is no
 * errno, so out-of-range input only shows as the clamped result
 * (LONG_MAX, LONG_MIN, ULONG_MAX, ...). A caller that must tell "too big"
 * from a genuine maximum compares the result and checks *endptr itself.
 * base is 0 (prefix picks 8, 10 or 16) or 2..36; any other base returns 0
 * with *endptr = nptr. No digits also returns 0 with *endptr = nptr. */
long strtol(const char *restrict nptr, char **restrict endptr, int base);
long long strtoll(const char *restrict nptr, char **restrict endptr, int base);
unsigned long strtoul(const char *restrict nptr, char **restrict endptr,
		      int base);
unsigned long long strtoull(const char *restrict nptr,
			    char **restrict endptr, int base);
/* Decimal, no error report: strtol(s, NULL, 10), then narrowed for atoi. */
int atoi(const char *s);
long atol(const char *s);

/* As the standard: the most negative value has no absolute value (UB). */
int abs(int x);
long labs(long x);
long long llabs(long long x);

/* Not stable. A heapsort: O(n log n) worst case, no recursion, no memory. */
void qsort(void *base, size_t n, size_t size,
	   int (*cmp)(const void *a, const void *b));
void *bsearch(const void *key, const void *base, size_t n, size_t size,
	      int (*cmp)(const void *key, const void *elem));

/* The kernel heap (kern/mm/heap.c). NULL when out of memory. */
void *malloc(size_t size);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t size);
void free(void *p);
void *aligned_alloc(size_t align, size_t size);
/* @return 0, or a positive EINVAL/ENOMEM as POSIX says (not -errno). */
int posix_memalign(void **out, size_t align, size_t size);

/* There is no environment: getenv reads the kernel command line, so an
 * app's settings are its key=value options (getenv("httpd.port")). NULL
 * when absent, "" for a bare key. Do not write through the result. */
char *getenv(const char *name);

#endif
