/* SPDX-License-Identifier: MIT */
/* <string.h> for the kernel (lib/string.c, lib/strerror.c): the C standard
 * set plus POSIX strnlen/strcasecmp/strtok_r/strdup/strndup and BSD
 * strlcpy/strlcat. Kernel build only; host unit tests use the host's. */
#ifndef LIBC_STRING_H
#define LIBC_STRING_H

#include <stddef.h>

/* gcc emits calls to these four on its own (struct copies, zeroing), even
 * under -ffreestanding, so they keep the standard contracts exactly. */
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);

size_t strlen(const char *s);
size_t strnlen(const char *s, size_t maxlen);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
/* ASCII case folding only (there is no locale). */
int strcasecmp(const char *a, const char *b);
int strncasecmp(const char *a, const char *b, size_t n);

char *strcpy(char *restrict dst, const char *restrict src);
/* Pads with NULs to n; does not terminate when src has n or more chars. */
char *strncpy(char *restrict dst, const char *restrict src, size_t n);
/* Always terminate (when size > 0). @return strlen(src), or for strlcat
 * the length it tried to make; >= size means the result was truncated. */
size_t strlcpy(char *restrict dst, const char *restrict src, size_t size);
size_t strlcat(char *restrict dst, const char *restrict src, size_t size);
char *strcat(char *restrict dst, const char *restrict src);

char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);
size_t strspn(const char *s, const char *accept);
size_t strcspn(const char *s, const char *reject);
char *strtok_r(char *restrict s, const char *restrict delim,
	       char **restrict save);

/* Copies in malloc()ed memory. @return the copy, or NULL when out of memory. */
char *strdup(const char *s);
char *strndup(const char *s, size_t n);

/* Same declaration as <kern/errno.h>: a message for a positive or negative
 * errno value. The result points at static storage; do not modify it. */
const char *strerror(int err);

#endif
