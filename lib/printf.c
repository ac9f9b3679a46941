/* SPDX-License-Identifier: MIT */
/* The printf family (<stdio.h>), after C11 7.21.6.1. One formatter writes
 * into a sink: either the caller's buffer (vsnprintf: what does not fit is
 * only counted) or a small stack buffer handed to a callback whenever it
 * fills (vcbprintf, and through it printf onto the console).
 *
 * No floating point: the kernel is built with -mgeneral-regs-only, where a
 * double cannot even be fetched with va_arg. %f and friends print "?". */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <kern/errno.h>
#include <kern/printk.h>

/* Not <limits.h>: gcc's copy needs a C library's under it (#include_next). */
#define INT_MAX __INT_MAX__
#define INT_MIN (-__INT_MAX__ - 1)

struct sink {
	char *buf;
	size_t cap;     /* bytes buf holds */
	size_t pos;     /* bytes in buf */
	size_t total;   /* bytes the format produced, stored or not */
	void (*flush)(void *arg, const char *s, size_t n); /* NULL: bounded */
	void *arg;
};

static void put(struct sink *k, char c)
{
	if (k->pos == k->cap && k->flush) {
		k->flush(k->arg, k->buf, k->pos);
		k->pos = 0;
	}
	if (k->pos < k->cap)
		k->buf[k->pos++] = c;
	k->total++;
}

/* n copies of c. A full bounded buffer only needs counting, which keeps
 * snprintf(NULL, 0, "%999999999d", 1) cheap. */
static void put_rep(struct sink *k, char c, size_t n)
{
	for (; n && (k->flush || k->pos < k->cap); n--)
		put(k, c);
	k->total += n;
}

static void put_mem(struct sink *k, const char *s, size_t n)
{
	for (; n && (k->flush || k->pos < k->cap); n--)
		put(k, *s++);
	k->total += n;
}

enum {
	F_LEFT = 1,     /* '-' */
	F_PLUS = 2,     /* '+' */
	F_SPACE = 4,    /* ' ' */
	F_ZERO = 8,     /* '0' */
	F_ALT = 16,     /* '#' */
	F_UPPER = 32,   /* %X */
};

/* s (n bytes) padded with blanks to width. */
static void put_field(struct sink *k, const char *s, size_t n, int flags,
		      int width)
{
	size_t pad = (size_t)width > n ? (size_t)width - n : 0;

	if (!(flags & F_LEFT))
		put_rep(k, ' ', pad);
	put_mem(k, s, n);
	if (flags & F_LEFT)
		put_rep(k, ' ', pad);
}

/* An integer conversion: [blanks][sign or 0x][zeros][digits][blanks].
 * prec < 0 means none was given (the default, one digit). */
static void put_int(struct sink *k, uintmax_t v, bool neg, unsigned base,
		    int flags, int width, int prec)
{
	const char *set = flags & F_UPPER ? "0123456789ABCDEF"
					  : "0123456789abcdef";
	char digits[sizeof(uintmax_t) * 3];   /* octal needs 22 of 24 */
	char prefix[2];
	size_t nd = 0, np = 0, zeros, len, pad;

	/* Value 0 with precision 0 has no digits at all (7.21.6.1p8). */
	for (uintmax_t x = v; x; x /= base)
		digits[nd++] = set[x % base];
	if (prec < 0)
		prec = 1;
	zeros = (size_t)prec > nd ? (size_t)prec - nd : 0;

	if (neg)
		prefix[np++] = '-';
	else if (flags & F_PLUS)
		prefix[np++] = '+';
	else if (flags & F_SPACE)
		prefix[np++] = ' ';
	if ((flags & F_ALT) && base == 16 && v) {
		prefix[np++] = '0';
		prefix[np++] = flags & F_UPPER ? 'X' : 'x';
	}
	/* '#' with %o: precision grows just enough for a leading 0. */
	if ((flags & F_ALT) && base == 8 && zeros == 0 &&
	    (nd == 0 || digits[nd - 1] != '0'))
		zeros = 1;

	len = np + zeros + nd;
	pad = (size_t)width > len ? (size_t)width - len : 0;
	/* The 0 flag turns the padding into zeros after the sign/prefix, but
	 * only with no precision and no '-' (the caller clears it for those). */
	if (flags & F_ZERO) {
		zeros += pad;
		pad = 0;
	}
	if (!(flags & F_LEFT))
		put_rep(k, ' ', pad);
	put_mem(k, prefix, np);
	put_rep(k, '0', zeros);
	while (nd)
		put(k, digits[--nd]);
	if (flags & F_LEFT)
		put_rep(k, ' ', pad);
}

/* A decimal field width or precision, saturating at INT_MAX. */
static int read_num(const char **fmt)
{
	const char *p = *fmt;
	int n = 0;

	for (; *p >= '0' && *p <= '9'; p++)
		n = n > (INT_MAX - (*p - '0')) / 10 ? INT_MAX
						     : n * 10 + (*p - '0');
	*fmt = p;
	return n;
}

enum len { L_INT, L_HH, L_H, L_L, L_LL, L_Z, L_T, L_J };

_Static_assert(sizeof(size_t) == sizeof(ptrdiff_t),
	       "%zd reads ptrdiff_t, %tu reads size_t");

static int format(struct sink *k, const char *fmt, va_list ap)
{
	while (*fmt) {
		const char *spec = fmt;
		int flags = 0, width = 0, prec = -1;
		enum len len = L_INT;
		unsigned base = 10;
		bool is_signed = false, neg = false;
		uintmax_t v;
		const char *s;
		char c;

		if (*fmt != '%') {
			put(k, *fmt++);
			continue;
		}
		for (fmt++;; fmt++) {
			if (*fmt == '-')
				flags |= F_LEFT;
			else if (*fmt == '+')
				flags |= F_PLUS;
			else if (*fmt == ' ')
				flags |= F_SPACE;
			else if (*fmt == '0')
				flags |= F_ZERO;
			else if (*fmt == '#')
				flags |= F_ALT;
			else
				break;
		}
		if (*fmt == '*') {
			/* A negative width argument is a '-' flag and a width. */
			width = va_arg(ap, int);
			if (width < 0) {
				flags |= F_LEFT;
				width = width == INT_MIN ? INT_MAX : -width;
			}
			fmt++;
		} else {
			width = read_num(&fmt);
		}
		if (*fmt == '.') {
			fmt++;
			if (*fmt == '*') {
				/* A negative precision counts as none given. */
				prec = va_arg(ap, int);
				if (prec < 0)
					prec = -1;
				fmt++;
			} else {
				prec = read_num(&fmt);
			}
		}
		switch (*fmt) {
		case 'h':
			len = *++fmt == 'h' ? (fmt++, L_HH) : L_H;
			break;
		case 'l':
			len = *++fmt == 'l' ? (fmt++, L_LL) : L_L;
			break;
		case 'z': len = L_Z; fmt++; break;
		case 't': len = L_T; fmt++; break;
		case 'j': len = L_J; fmt++; break;
		case 'L': fmt++; break;         /* long double: see below */
		}
		if (flags & F_LEFT)
			flags &= ~F_ZERO;

		switch (*fmt) {
		case 'd':
		case 'i':
			is_signed = true;
			break;
		case 'u':
			break;
		case 'x':
			base = 16;
			break;
		case 'X':
			base = 16;
			flags |= F_UPPER;
			break;
		case 'o':
			base = 8;
			break;
		case 'p':
			fmt++;
			v = (uintptr_t)va_arg(ap, void *);
			if (!v)
				put_field(k, "(nil)", 5, flags, width);
			else
				put_int(k, v, false, 16,
					(flags & (F_LEFT | F_ZERO)) | F_ALT,
					width, -1);
			continue;
		case 'c':
			fmt++;
			c = (char)va_arg(ap, int);
			put_field(k, &c, 1, flags, width);
			continue;
		case 's': {
			size_t n = 0;

			fmt++;
			s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			/* Read no further than the precision: the array need
			 * not be terminated then (7.21.6.1p8). */
			while ((prec < 0 || n < (size_t)prec) && s[n])
				n++;
			put_field(k, s, n, flags, width);
			continue;
		}
		case '%':
			fmt++;
			put(k, '%');
			continue;
		case 'n':
			/* Writing through a pointer found in a format string is
			 * what makes format bugs exploitable: unsupported. */
			fmt++;
			(void)va_arg(ap, void *);
			continue;
		case 'f': case 'F': case 'e': case 'E':
		case 'g': case 'G': case 'a': case 'A':
			fmt++;
			put(k, '?');
			continue;
		default:
			/* Unknown or truncated: print the spec as written. */
			if (*fmt)
				fmt++;
			put_mem(k, spec, (size_t)(fmt - spec));
			continue;
		}
		fmt++;

		if (is_signed) {
			intmax_t sv;

			switch (len) {
			case L_HH: sv = (signed char)va_arg(ap, int); break;
			case L_H: sv = (short)va_arg(ap, int); break;
			case L_L: sv = va_arg(ap, long); break;
			case L_LL: sv = va_arg(ap, long long); break;
			case L_Z: sv = va_arg(ap, ptrdiff_t); break;
			case L_T: sv = va_arg(ap, ptrdiff_t); break;
			case L_J: sv = va_arg(ap, intmax_t); break;
			default: sv = va_arg(ap, int); break;
			}
			neg = sv < 0;
			/* Negate in unsigned arithmetic: INTMAX_MIN has no
			 * positive counterpart in intmax_t. */
			v = neg ? 0 - (uintmax_t)sv : (uintmax_t)sv;
		} else {
			flags &= ~(F_PLUS | F_SPACE);
			switch (len) {
			case L_HH: v = (unsigned char)va_arg(ap, unsigned); break;
			case L_H: v = (unsigned short)va_arg(ap, unsigned); break;
			case L_L: v = va_arg(ap, unsigned long); break;
			case L_LL: v = va_arg(ap, unsigned long long); break;
			case L_Z: v = va_arg(ap, size_t); break;
			case L_T: v = va_arg(ap, size_t); break;
			case L_J: v = va_arg(ap, uintmax_t); break;
			default: v = va_arg(ap, unsigned); break;
			}
		}
		if (prec >= 0)
			flags &= ~F_ZERO;
		put_int(k, v, neg, base, flags, width, prec);
	}
	return k->total > INT_MAX ? -EOVERFLOW : (int)k->total;
}

int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt,
	      va_list ap)
{
	/* One byte is kept back for the NUL. */
	struct sink k = { .buf = buf, .cap = size ? size - 1 : 0 };
	int r = format(&k, fmt, ap);

	if (size)
		buf[k.pos] = '\0';
	return r;
}

int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return r;
}

int vcbprintf(void (*out)(void *arg, const char *s, size_t n), void *arg,
	      const char *restrict fmt, va_list ap)
{
	char tmp[128];
	struct sink k = { .buf = tmp, .cap = sizeof(tmp), .flush = out,
			  .arg = arg };
	int r = format(&k, fmt, ap);

	if (k.pos)
		out(arg, tmp, k.pos);
	return r;
}

static void to_console(void *arg, const char *s, size_t n)
{
	(void)arg;
	console_write(s, n);
}

int vprintf(const char *restrict fmt, va_list ap)
{
	return vcbprintf(to_console, NULL, fmt, ap);
}

int printf(const char *restrict fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vprintf(fmt, ap);
	va_end(ap);
	return r;
}

int puts(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	console_write(s, n);
	console_write("\n", 1);
	return 0;
}

int putchar(int c)
{
	char ch = (char)c;

	console_write(&ch, 1);
	return (unsigned char)c;
}
