// SPDX-License-Identifier: MIT
/* Growing strings for the HTTP appliance's generated pages (apps/httpd.h). */
#include "httpd.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sb_init(struct sb *s, size_t max)
{
	*s = (struct sb){ .max = max };
}

void sb_free(struct sb *s)
{
	free(s->p);
	*s = (struct sb){ 0 };
}

static bool room(struct sb *s, size_t n)
{
	size_t cap;
	char *p;

	if (s->cut)
		return false;
	if (n > s->max - s->len) {
		s->cut = true;
		return false;
	}
	if (s->len + n + 1 <= s->cap)
		return true;
	cap = s->cap ? s->cap : 1024;
	while (cap < s->len + n + 1)
		cap *= 2;
	if (cap > s->max + 1)
		cap = s->max + 1;
	if (!(p = realloc(s->p, cap))) {
		s->cut = true;
		return false;
	}
	s->p = p;
	s->cap = cap;
	return true;
}

void sb_put(struct sb *s, const char *p, size_t n)
{
	if (!room(s, n))
		return;
	memcpy(s->p + s->len, p, n);
	s->len += n;
	s->p[s->len] = '\0';
}

void sb_puts(struct sb *s, const char *p)
{
	sb_put(s, p, strlen(p));
}

void sb_printf(struct sb *s, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		sb_put(s, small, (size_t)n);
		return;
	}
	if (!room(s, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(s->p + s->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	s->len += (size_t)n;
}

void sb_html(struct sb *s, const char *p)
{
	for (; *p; p++) {
		switch (*p) {
		case '&': sb_puts(s, "&amp;"); break;
		case '<': sb_puts(s, "&lt;"); break;
		case '>': sb_puts(s, "&gt;"); break;
		case '"': sb_puts(s, "&quot;"); break;
		case '\'': sb_puts(s, "&#39;"); break;
		default: sb_put(s, p, 1);
		}
	}
}

void sb_json_str(struct sb *s, const char *p)
{
	sb_put(s, "\"", 1);
	for (; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '"' || c == '\\')
			sb_printf(s, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)   /* non-ASCII too: names need not be UTF-8 */
			sb_printf(s, "\\u%04x", c);
		else
			sb_put(s, p, 1);
	}
	sb_put(s, "\"", 1);
}

void sb_url(struct sb *s, const char *p)
{
	for (; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~' || c == '/')
			sb_put(s, p, 1);
		else
			sb_printf(s, "%%%02X", c);
	}
}
