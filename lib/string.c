/* SPDX-License-Identifier: MIT */
/* String and memory functions (<string.h>). Plain C for every arch.
 *
 * memcpy, memmove, memset and memcmp move a machine word at a time once the
 * pointers are word-aligned; they never make an unaligned word access, so
 * they are also safe before the MMU makes RAM "normal" memory on arm64.
 *
 * gcc's loop-distribution pass recognises a copy or fill loop and replaces it
 * with a call to memcpy/memset: inside memcpy/memset that is a call to
 * itself, forever. -ffreestanding does not stop it. OPAQUE(p) is an empty
 * asm that makes the pointer's value unknown to the compiler on each
 * iteration, so no loop here looks like a pattern; it costs no instruction.
 */
#include <kern/compiler.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define OPAQUE(p) __asm__("" : "+r"(p))

/* A word that may alias any object (the byte buffers we are handed). */
typedef unsigned long __attribute__((__may_alias__)) word_t;
#define WSIZE sizeof(word_t)

/* x86 loads a word from any address, at no fault and little cost: a copy
 * between buffers of different alignment (a received frame 2 bytes off a
 * word into a word-aligned buffer, say) moves words, not bytes, stores
 * aligned. Elsewhere such copies go a byte at a time (arm64 faults on an
 * unaligned access before its MMU is on). */
#if defined(__x86_64__)
#define UNALIGNED_LOADS 1
typedef unsigned long __attribute__((__may_alias__, __aligned__(1))) uword_t;
#else
#define UNALIGNED_LOADS 0
typedef word_t uword_t;
#endif

static inline int co_aligned(const void *a, const void *b)
{
	return (((uintptr_t)a ^ (uintptr_t)b) & (WSIZE - 1)) == 0;
}

static inline int ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Copy from the bottom up. Not restrict-qualified: memmove also uses it
 * for an overlapping move to a lower address. */
static inline __hotloop void copy_forward(unsigned char *d, const unsigned char *s,
				size_t n)
{
	if (n >= 2 * WSIZE && (UNALIGNED_LOADS || co_aligned(d, s))) {
		for (; (uintptr_t)d & (WSIZE - 1); n--) {
			OPAQUE(d);
			*d++ = *s++;
		}
		for (; n >= 4 * WSIZE; n -= 4 * WSIZE) {
			OPAQUE(d);
			((word_t *)d)[0] = ((const uword_t *)s)[0];
			((word_t *)d)[1] = ((const uword_t *)s)[1];
			((word_t *)d)[2] = ((const uword_t *)s)[2];
			((word_t *)d)[3] = ((const uword_t *)s)[3];
			d += 4 * WSIZE;
			s += 4 * WSIZE;
		}
		for (; n >= WSIZE; n -= WSIZE) {
			OPAQUE(d);
			*(word_t *)d = *(const uword_t *)s;
			d += WSIZE;
			s += WSIZE;
		}
	}
	for (; n; n--) {
		OPAQUE(d);
		*d++ = *s++;
	}
}

__hotloop void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	copy_forward(dst, src, n);
	return dst;
}

/* Copy from the top down, for an overlapping move to a higher address. */
static __hotloop void copy_backward(unsigned char *d, const unsigned char *s, size_t n)
{
	d += n;
	s += n;
	if (n >= 2 * WSIZE && co_aligned(d, s)) {
		for (; (uintptr_t)d & (WSIZE - 1); n--) {
			OPAQUE(d);
			*--d = *--s;
		}
		for (; n >= WSIZE; n -= WSIZE) {
			OPAQUE(d);
			d -= WSIZE;
			s -= WSIZE;
			*(word_t *)d = *(const word_t *)s;
		}
	}
	for (; n; n--) {
		OPAQUE(d);
		*--d = *--s;
	}
}

__hotloop void *memmove(void *dst, const void *src, size_t n)
{
	uintptr_t d = (uintptr_t)dst, s = (uintptr_t)src;

	/* A forward copy is safe unless dst starts inside [src, src + n). */
	if (d - s >= n)
		copy_forward(dst, src, n);
	else if (d != s)
		copy_backward(dst, src, n);
	return dst;
}

__hotloop void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	unsigned char b = (unsigned char)c;

	if (n >= 2 * WSIZE) {
		/* b in every byte of the word: 0x0101...01 * b. */
		word_t w = (word_t)-1 / 0xff * b;

		for (; (uintptr_t)d & (WSIZE - 1); n--) {
			OPAQUE(d);
			*d++ = b;
		}
		for (; n >= 4 * WSIZE; n -= 4 * WSIZE) {
			OPAQUE(d);
			((word_t *)d)[0] = w;
			((word_t *)d)[1] = w;
			((word_t *)d)[2] = w;
			((word_t *)d)[3] = w;
			d += 4 * WSIZE;
		}
		for (; n >= WSIZE; n -= WSIZE) {
			OPAQUE(d);
			*(word_t *)d = w;
			d += WSIZE;
		}
	}
	for (; n; n--) {
		OPAQUE(d);
		*d++ = b;
	}
	return dst;
}

__hotloop int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	/* Skip equal words; the bytes that differ are found one at a time. */
	if (n >= 2 * WSIZE && co_aligned(p, q)) {
		for (; (uintptr_t)p & (WSIZE - 1); n--, p++, q++)
			if (*p != *q)
				return *p - *q;
		for (; n >= WSIZE; n -= WSIZE, p += WSIZE, q += WSIZE)
			if (*(const word_t *)p != *(const word_t *)q)
				break;
	}
	for (; n; n--, p++, q++)
		if (*p != *q)
			return *p - *q;
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n; n--, p++)
		if (*p == (unsigned char)c)
			return (void *)p;
	return NULL;
}

/* Byte at a time: a word-wide scan would read past the terminator, which is
 * harmless on real pages but not under AddressSanitizer. */
size_t strlen(const char *s)
{
	const char *p = s;

	while (*p) {
		OPAQUE(p);
		p++;
	}
	return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t maxlen)
{
	size_t n = 0;

	while (n < maxlen && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	while (*p && *p == *q)
		p++, q++;
	return *p - *q;
}

int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	for (; n; n--, p++, q++)
		if (*p != *q || !*p)
			return *p - *q;
	return 0;
}

int strcasecmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;
	int d;

	for (;; p++, q++) {
		d = ascii_lower(*p) - ascii_lower(*q);
		if (d || !*p)
			return d;
	}
}

int strncasecmp(const char *a, const char *b, size_t n)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;
	int d;

	for (; n; n--, p++, q++) {
		d = ascii_lower(*p) - ascii_lower(*q);
		if (d || !*p)
			return d;
	}
	return 0;
}

char *strcpy(char *restrict dst, const char *restrict src)
{
	char *d = dst;

	while ((*d++ = *src++))
		;
	return dst;
}

char *strncpy(char *restrict dst, const char *restrict src, size_t n)
{
	size_t i = 0;

	for (; i < n && src[i]; i++)
		dst[i] = src[i];
	for (; i < n; i++)
		dst[i] = '\0';
	return dst;
}

size_t strlcpy(char *restrict dst, const char *restrict src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

size_t strlcat(char *restrict dst, const char *restrict src, size_t size)
{
	size_t dlen = strnlen(dst, size);

	/* dst not terminated within size: nothing can be appended. */
	if (dlen == size)
		return size + strlen(src);
	return dlen + strlcpy(dst + dlen, src, size - dlen);
}

char *strcat(char *restrict dst, const char *restrict src)
{
	strcpy(dst + strlen(dst), src);
	return dst;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

/* Naive O(n*m): our haystacks are command lines and config strings. */
char *strstr(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);

	if (!n)
		return (char *)haystack;
	for (; *haystack; haystack++)
		if (*haystack == *needle && strncmp(haystack, needle, n) == 0)
			return (char *)haystack;
	return NULL;
}

size_t strspn(const char *s, const char *accept)
{
	size_t n = 0;

	while (s[n] && strchr(accept, s[n]))
		n++;
	return n;
}

size_t strcspn(const char *s, const char *reject)
{
	size_t n = 0;

	while (s[n] && !strchr(reject, s[n]))
		n++;
	return n;
}

char *strtok_r(char *restrict s, const char *restrict delim,
	       char **restrict save)
{
	char *tok;

	if (!s)
		s = *save;
	s += strspn(s, delim);
	if (!*s) {
		*save = s;
		return NULL;
	}
	tok = s;
	s += strcspn(s, delim);
	if (*s)
		*s++ = '\0';
	*save = s;
	return tok;
}

char *strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);

	if (p)
		memcpy(p, s, n);
	return p;
}

char *strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = malloc(len + 1);

	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}
