/* SPDX-License-Identifier: MIT */
/* <ctype.h> for the kernel: the "C" locale only, so these are plain ASCII
 * range tests. Arguments are an unsigned char value or EOF as the standard
 * says; anything outside ASCII (128..255, EOF) is in no class and is left
 * alone by tolower/toupper. Inline, so there is no lib/ctype.c. */
#ifndef LIBC_CTYPE_H
#define LIBC_CTYPE_H

static inline int isdigit(int c) { return c >= '0' && c <= '9'; }
static inline int isupper(int c) { return c >= 'A' && c <= 'Z'; }
static inline int islower(int c) { return c >= 'a' && c <= 'z'; }
static inline int isalpha(int c) { return isupper(c) || islower(c); }
static inline int isalnum(int c) { return isalpha(c) || isdigit(c); }
static inline int isxdigit(int c)
{
	return isdigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
/* Blank, \t \n \v \f \r. */
static inline int isspace(int c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
static inline int iscntrl(int c) { return (c >= 0 && c < 0x20) || c == 0x7f; }
/* Printing characters are space through '~'. */
static inline int isprint(int c) { return c >= 0x20 && c < 0x7f; }
static inline int isgraph(int c) { return c > 0x20 && c < 0x7f; }
static inline int ispunct(int c) { return isgraph(c) && !isalnum(c); }
static inline int tolower(int c) { return isupper(c) ? c - 'A' + 'a' : c; }
static inline int toupper(int c) { return islower(c) ? c - 'a' + 'A' : c; }

#endif
