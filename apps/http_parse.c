// SPDX-License-Identifier: MIT
/* HTTP/1.1 parsing (see http_parse.h): pure functions over buffers, with
 * every index checked against the length the caller gave. The grammar is
 * RFC 9112's; section numbers below are of RFC 9112 unless they say 9110. */
#include "http_parse.h"
#include <string.h>

/* --- Characters ------------------------------------------------------------ */
static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* tchar (RFC 9110 §5.6.2) */
static bool is_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c))
		return true;
	return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* field-vchar / SP / HTAB / obs-text (RFC 9110 §5.5) */
static bool is_field_char(unsigned char c)
{
	return c == ' ' || c == '\t' || (c >= 0x21 && c != 0x7f);
}

static bool is_ows(int c)
{
	return c == ' ' || c == '\t';
}

static bool str_ieq(struct http_str s, const char *lit)
{
	size_t n = strlen(lit);

	if (s.n != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (lower((unsigned char)s.p[i]) != lit[i])
			return false;
	return true;
}

static struct http_str trim(const char *p, size_t n)
{
	while (n && is_ows(p[0])) {
		p++;
		n--;
	}
	while (n && is_ows(p[n - 1]))
		n--;
	return (struct http_str){ p, n };
}

/* 1*DIGIT into *v. @return 0, or -1 (empty, not digits, above 2^62). */
static int parse_u64(const char *p, size_t n, uint64_t *v)
{
	uint64_t x = 0;

	if (!n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(p[i]) || x > (UINT64_C(1) << 62) / 10)
			return -1;
		x = x * 10 + (uint64_t)(p[i] - '0');
	}
	*v = x;
	return 0;
}

/* --- The request head ------------------------------------------------------- */
static long fail(struct http_request *req, int status, const char *why)
{
	req->status = status;
	req->why = why;
	return -1;
}

/* The end of the line that starts at buf[i]: the index of its LF, or -1. */
static long line_end(const char *buf, size_t len, size_t i)
{
	const char *lf = memchr(buf + i, '\n', len - i);

	return lf ? lf - buf : -1;
}

/* Methods of RFC 9110 §9.3 that we know but do not allow. */
static bool method_known(struct http_str m)
{
	static const char *const known[] = {
		"POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
	};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (m.n == strlen(known[i]) && !memcmp(m.p, known[i], m.n))
			return true;
	return false;
}

/* An incomplete request line: refuse what can no longer become one. */
static long partial_request_line(const char *buf, size_t len, size_t start,
				 const struct http_limits *lim, struct http_request *req)
{
	size_t i = start, spaces = 0;

	/* method = token (§3.1): garbage is refused at its first byte. */
	while (i < len && buf[i] != ' ') {
		if (!is_tchar((unsigned char)buf[i]) && buf[i] != '\r')
			return fail(req, 400, "bad method");
		i++;
	}
	if (i - start > 32)
		return fail(req, 501, "method too long");
	for (; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c == ' ')
			spaces++;
		else if (c < 0x21 && c != '\r')
			return fail(req, 400, "control character in request line");
	}
	/* Method, target and version within the head limit: the target is
	 * what grows. */
	if (len - start > lim->uri_max + 48 || len >= lim->hdr_max)
		return spaces >= 2 ? fail(req, 400, "request line too long")
				   : fail(req, 414, "request-target too long");
	return 0;
}

static long parse_request_line(const char *line, size_t n, const struct http_limits *lim,
			       struct http_request *req)
{
	const char *sp1 = memchr(line, ' ', n), *sp2;
	struct http_str m, v;

	if (n && line[n - 1] == '\r')
		n--;
	if (!sp1 || sp1 == line)
		return fail(req, 400, "no method");
	m = (struct http_str){ line, (size_t)(sp1 - line) };
	for (size_t i = 0; i < m.n; i++)
		if (!is_tchar((unsigned char)m.p[i]))
			return fail(req, 400, "bad method");
	sp2 = memchr(sp1 + 1, ' ', n - (size_t)(sp1 + 1 - line));
	if (!sp2)
		return fail(req, 400, "no version");
	req->target = (struct http_str){ sp1 + 1, (size_t)(sp2 - sp1 - 1) };
	v = (struct http_str){ sp2 + 1, n - (size_t)(sp2 + 1 - line) };
	if (!req->target.n)
		return fail(req, 400, "empty request-target");
	if (req->target.n > lim->uri_max)
		return fail(req, 414, "request-target too long");
	for (size_t i = 0; i < req->target.n; i++) {
		unsigned char c = (unsigned char)req->target.p[i];

		if (c < 0x21 || c > 0x7e)
			return fail(req, 400, "bad character in request-target");
	}
	/* HTTP-version = "HTTP/" DIGIT "." DIGIT (§2.3), case-sensitive. */
	if (v.n != 8 || memcmp(v.p, "HTTP/", 5) || !is_digit(v.p[5]) || v.p[6] != '.' ||
	    !is_digit(v.p[7]))
		return fail(req, 400, "bad version");
	if (v.p[5] != '1')
		return fail(req, 505, "version not supported");
	req->version = v.p[7] == '0' ? 10 : 11;
	req->keep_alive = req->version == 11;

	if (m.n == 3 && !memcmp(m.p, "GET", 3))
		req->method = HTTP_GET;
	else if (m.n == 4 && !memcmp(m.p, "HEAD", 4))
		req->method = HTTP_HEAD;
	else if (method_known(m))
		return fail(req, 405, "method not allowed");
	else
		return fail(req, 501, "unknown method");

	/* origin-form or absolute-form (§3.2); asterisk-form and
	 * authority-form belong to OPTIONS and CONNECT. */
	const char *t = req->target.p, *end = t + req->target.n;

	if (*t != '/') {
		size_t skip = 0;

		if (req->target.n > 7 && !strncmp(t, "http://", 7))
			skip = 7;
		else if (req->target.n > 8 && !strncmp(t, "https://", 8))
			skip = 8;
		if (!skip)
			return fail(req, 400, "bad request-target");
		t = memchr(t + skip, '/', (size_t)(end - t) - skip);
		if (!t)
			t = end;    /* "http://host" means "/" */
	}
	const char *q = memchr(t, '?', (size_t)(end - t));

	req->path = (struct http_str){ t, (size_t)((q ? q : end) - t) };
	if (!req->path.n)
		req->path = (struct http_str){ "/", 1 };
	return 0;
}

/* Connection: a list of tokens (RFC 9110 §7.6.1). */
static void parse_connection(struct http_str v, struct http_request *req)
{
	size_t i = 0;

	while (i < v.n) {
		size_t j = i;

		while (j < v.n && v.p[j] != ',')
			j++;
		struct http_str tok = trim(v.p + i, j - i);

		if (str_ieq(tok, "close"))
			req->keep_alive = false;
		else if (str_ieq(tok, "keep-alive") && req->version == 10)
			req->keep_alive = true;
		i = j + 1;
	}
}

static long parse_field(struct http_str name, struct http_str v, const struct http_limits *lim,
			struct http_request *req, bool *seen_cl)
{
	if (str_ieq(name, "host")) {
		if (req->host.p)
			return fail(req, 400, "two Host fields");
		req->host = v;
	} else if (str_ieq(name, "connection")) {
		parse_connection(v, req);
	} else if (str_ieq(name, "content-length")) {
		uint64_t cl;

		/* §6.3: several differing values, or a bad one, are an
		 * unrecoverable framing error. */
		if (parse_u64(v.p, v.n, &cl) < 0)
			return fail(req, 400, "bad Content-Length");
		if (*seen_cl && cl != req->content_length)
			return fail(req, 400, "two Content-Length values");
		*seen_cl = true;
		req->content_length = cl;
		if (cl > lim->body_max)
			return fail(req, 413, "body too large");
	} else if (str_ieq(name, "transfer-encoding")) {
		/* §6.1: a request body we can't frame; close (§6.3 item 3). */
		return req->version == 10 ? fail(req, 400, "Transfer-Encoding in HTTP/1.0")
					  : fail(req, 501, "Transfer-Encoding not supported");
	} else if (str_ieq(name, "range")) {
		if (!req->range.p)
			req->range = v;
	} else if (str_ieq(name, "if-modified-since")) {
		req->if_modified_since = v;
	} else if (str_ieq(name, "if-none-match")) {
		req->if_none_match = v;
	} else if (str_ieq(name, "if-range")) {
		req->if_range = v;
	}
	return 0;
}

long http_parse_request(const char *buf, size_t len, const struct http_limits *lim,
			struct http_request *req)
{
	size_t start = 0, i;
	bool seen_cl = false;
	long lf;

	memset(req, 0, sizeof(*req));
	/* §2.2: ignore at least one empty line before the request line. */
	while (start < len && (buf[start] == '\n' || buf[start] == '\r'))
		start++;
	if (start >= lim->hdr_max)
		return fail(req, 400, "empty lines");
	lf = line_end(buf, len, start);
	if (lf < 0)
		return partial_request_line(buf, len, start, lim, req);
	if ((size_t)lf - start > lim->uri_max + 48)
		return fail(req, 414, "request-target too long");
	if (parse_request_line(buf + start, (size_t)lf - start, lim, req) < 0)
		return -1;

	/* Fields (§5) until the empty line. */
	for (i = (size_t)lf + 1;; i = (size_t)lf + 1) {
		lf = line_end(buf, len, i);
		if (lf < 0)
			return len >= lim->hdr_max ? fail(req, 431, "head too large") : 0;
		if ((size_t)lf + 1 > lim->hdr_max)
			return fail(req, 431, "head too large");

		size_t n = (size_t)lf - i;
		const char *line = buf + i;

		if (n && line[n - 1] == '\r')
			n--;
		if (!n)
			break;
		/* §5.2: obs-fold is refused with 400. */
		if (is_ows(line[0]))
			return fail(req, 400, "folded field");
		if (++req->nfields > lim->hdr_count)
			return fail(req, 431, "too many fields");
		const char *colon = memchr(line, ':', n);

		if (!colon || colon == line)
			return fail(req, 400, "bad field");
		struct http_str name = { line, (size_t)(colon - line) };

		/* §5.1: no whitespace between name and colon. */
		for (size_t k = 0; k < name.n; k++)
			if (!is_tchar((unsigned char)name.p[k]))
				return fail(req, 400, "bad field name");
		for (const char *c = colon + 1; c < line + n; c++)
			if (!is_field_char((unsigned char)*c))
				return fail(req, 400, "bad field value");
		if (parse_field(name, trim(colon + 1, (size_t)(line + n - colon - 1)), lim,
				req, &seen_cl) < 0)
			return -1;
	}
	/* §3.2: a client MUST send Host in HTTP/1.1. */
	if (req->version == 11 && !req->host.p)
		return fail(req, 400, "no Host");
	return lf + 1;
}

/* --- Paths ------------------------------------------------------------------------ */
static int hexval(int c)
{
	if (is_digit(c))
		return c - '0';
	c = lower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

long http_path_decode(const char *p, size_t n, char *out, size_t size)
{
	size_t o = 0, i = 0;

	if (!n || p[0] != '/' || size < 2)
		return -1;
	out[o++] = '/';
	i = 1;
	/* One segment at a time: decode it, then keep, drop or pop it. */
	while (i <= n) {
		size_t seg = o;
		bool slash = false;

		while (i < n && p[i] != '/') {
			int c = (unsigned char)p[i];

			if (c == '%') {
				int h, l;

				if (i + 2 >= n)
					return -1;
				h = hexval((unsigned char)p[i + 1]);
				l = hexval((unsigned char)p[i + 2]);
				if (h < 0 || l < 0 || (h | l) == 0)
					return -1;
				c = h * 16 + l;
				i += 2;
			}
			if (c == '/')   /* an encoded slash is not a separator */
				return -1;
			if (o + 1 >= size)
				return -1;
			out[o++] = (char)c;
			i++;
		}
		if (i < n) {
			slash = true;
			i++;
		} else {
			i = n + 1;
		}
		size_t sl = o - seg;

		if (sl == 1 && out[seg] == '.') {
			o = seg;
		} else if (sl == 2 && out[seg] == '.' && out[seg + 1] == '.') {
			o = seg;
			if (o == 1)
				return -1;   /* above the root */
			o--;             /* the slash before the last segment */
			while (o > 1 && out[o - 1] != '/')
				o--;
		} else if (sl == 0) {
			/* empty segment: "//" collapses */
		} else if (slash) {
			if (o + 1 >= size)
				return -1;
			out[o++] = '/';
		}
	}
	out[o] = '\0';
	return (long)o;
}

/* --- Range (RFC 9110 §14.1.2) ------------------------------------------------------- */
enum http_range_result http_range_parse(const char *s, size_t n, uint64_t size,
					uint64_t *first, uint64_t *count)
{
	struct http_str v = trim(s, n);
	uint64_t a, b;
	const char *dash;

	if (v.n < 6 || lower(v.p[0]) != 'b' || lower(v.p[1]) != 'y' || lower(v.p[2]) != 't' ||
	    lower(v.p[3]) != 'e' || lower(v.p[4]) != 's' || v.p[5] != '=')
		return HTTP_RANGE_NONE;
	v = trim(v.p + 6, v.n - 6);
	if (memchr(v.p, ',', v.n))
		return HTTP_RANGE_NONE;     /* several ranges: send it all */
	dash = memchr(v.p, '-', v.n);
	if (!dash)
		return HTTP_RANGE_NONE;
	size_t an = (size_t)(dash - v.p), bn = v.n - an - 1;

	if (an == 0) {
		/* suffix-range: the last b bytes */
		if (parse_u64(dash + 1, bn, &b) < 0)
			return HTTP_RANGE_NONE;
		if (b == 0 || size == 0)
			return HTTP_RANGE_UNSATISFIABLE;
		if (b > size)
			b = size;
		*first = size - b;
		*count = b;
		return HTTP_RANGE_OK;
	}
	if (parse_u64(v.p, an, &a) < 0)
		return HTTP_RANGE_NONE;
	if (bn == 0) {
		b = UINT64_MAX;
	} else {
		if (parse_u64(dash + 1, bn, &b) < 0 || b < a)
			return HTTP_RANGE_NONE;   /* invalid: ignored */
	}
	if (a >= size)
		return HTTP_RANGE_UNSATISFIABLE;
	if (b >= size)
		b = size - 1;
	*first = a;
	*count = b - a + 1;
	return HTTP_RANGE_OK;
}

/* --- Dates (RFC 9110 §5.6.7) ------------------------------------------------------------ */
static const char wkday[7][4] = { "Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed" };
static const char month[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
				   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/* Days since 1970-01-01 of a proleptic Gregorian date (m 1..12). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

static int days_in_month(int64_t y, int m)
{
	static const int dm[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : dm[m - 1];
}

/* A cursor over the date string. */
struct cur {
	const char *p;
	size_t n;
	bool bad;
};

static void expect_str(struct cur *c, const char *lit)
{
	size_t l = strlen(lit);

	if (c->bad || c->n < l || memcmp(c->p, lit, l)) {
		c->bad = true;
		return;
	}
	c->p += l;
	c->n -= l;
}

/* Exactly `digits` digits (or 1..digits when exact is false). */
static int64_t num(struct cur *c, int digits, bool exact)
{
	int64_t v = 0;
	int k = 0;

	while (!c->bad && k < digits && c->n && is_digit(*c->p)) {
		v = v * 10 + (*c->p - '0');
		c->p++;
		c->n--;
		k++;
	}
	if (k == 0 || (exact && k != digits))
		c->bad = true;
	return v;
}

static int month_of(struct cur *c)
{
	for (int m = 0; m < 12 && !c->bad && c->n >= 3; m++)
		if (!memcmp(c->p, month[m], 3)) {
			c->p += 3;
			c->n -= 3;
			return m + 1;
		}
	c->bad = true;
	return 1;
}

static void time_of_day(struct cur *c, int64_t *h, int64_t *mi, int64_t *s)
{
	*h = num(c, 2, true);
	expect_str(c, ":");
	*mi = num(c, 2, true);
	expect_str(c, ":");
	*s = num(c, 2, true);
}

int http_date_parse(const char *s, size_t n, int64_t *t)
{
	struct http_str v = trim(s, n);
	struct cur c = { v.p, v.n, false };
	int64_t y = 0, d = 0, h = 0, mi = 0, sec = 0;
	int m = 1;
	const char *comma = v.n ? memchr(v.p, ',', v.n) : NULL;   /* NULL, 0: no date */

	if (comma && comma - v.p == 3) {
		/* IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT */
		c.p += 4;
		c.n = c.n >= 4 ? c.n - 4 : 0;
		expect_str(&c, " ");
		d = num(&c, 2, true);
		expect_str(&c, " ");
		m = month_of(&c);
		expect_str(&c, " ");
		y = num(&c, 4, true);
		expect_str(&c, " ");
		time_of_day(&c, &h, &mi, &sec);
		expect_str(&c, " GMT");
	} else if (comma) {
		/* rfc850-date: Sunday, 06-Nov-94 08:49:37 GMT. §5.6.7: a
		 * two-digit year more than 50 years ahead is in the past;
		 * with no clock, read 70..99 as 19xx and 00..69 as 20xx. */
		size_t skip = (size_t)(comma - v.p) + 1;

		c.p += skip;
		c.n -= skip;
		expect_str(&c, " ");
		d = num(&c, 2, true);
		expect_str(&c, "-");
		m = month_of(&c);
		expect_str(&c, "-");
		y = num(&c, 2, true);
		y += y < 70 ? 2000 : 1900;
		expect_str(&c, " ");
		time_of_day(&c, &h, &mi, &sec);
		expect_str(&c, " GMT");
	} else {
		/* asctime-date: Sun Nov  6 08:49:37 1994 */
		if (c.n < 4) {
			c.bad = true;
		} else {
			c.p += 3;
			c.n -= 3;
		}
		expect_str(&c, " ");
		m = month_of(&c);
		expect_str(&c, " ");
		if (!c.bad && c.n && *c.p == ' ') {
			c.p++;
			c.n--;
			d = num(&c, 1, true);
		} else {
			d = num(&c, 2, true);
		}
		expect_str(&c, " ");
		time_of_day(&c, &h, &mi, &sec);
		expect_str(&c, " ");
		y = num(&c, 4, true);
	}
	if (c.bad || c.n || d < 1 || d > days_in_month(y, m) || h > 23 || mi > 59 || sec > 60)
		return -1;
	*t = days_from_civil(y, m, (int)d) * 86400 + h * 3600 + mi * 60 + (sec == 60 ? 59 : sec);
	return 0;
}

static void put2(char *o, int v)
{
	o[0] = (char)('0' + v / 10);
	o[1] = (char)('0' + v % 10);
}

void http_date_format(int64_t t, char out[30])
{
	if (t < 0)
		t = 0;
	if (t > INT64_C(253402300799))   /* 9999-12-31 23:59:59: four digits of year */
		t = INT64_C(253402300799);
	int64_t days = t / 86400, rem = t % 86400;
	/* civil_from_days */
	int64_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int d = (int)(doy - (153 * mp + 2) / 5 + 1);
	int m = (int)(mp < 10 ? mp + 3 : mp - 9);
	int y = (int)(yoe + era * 400 + (m <= 2));

	memcpy(out, wkday[days % 7], 3);
	memcpy(out + 3, ", ", 2);
	put2(out + 5, d);
	out[7] = ' ';
	memcpy(out + 8, month[m - 1], 3);
	out[11] = ' ';
	put2(out + 12, y / 100);
	put2(out + 14, y % 100);
	out[16] = ' ';
	put2(out + 17, (int)(rem / 3600));
	out[19] = ':';
	put2(out + 20, (int)(rem / 60 % 60));
	out[22] = ':';
	put2(out + 23, (int)(rem % 60));
	memcpy(out + 25, " GMT", 5);
}

/* --- Validators (RFC 9110 §8.8.3, §13.1) --------------------------------------------------- */
bool http_etag_list_match(const char *s, size_t n, const char *etag)
{
	struct http_str v = trim(s, n);
	size_t el = strlen(etag), i = 0;

	if (v.n == 1 && v.p[0] == '*')
		return true;
	while (i < v.n) {
		size_t j = i;

		while (j < v.n && v.p[j] != ',')
			j++;
		struct http_str tag = trim(v.p + i, j - i);

		/* weak comparison: W/ does not matter */
		if (tag.n >= 2 && tag.p[0] == 'W' && tag.p[1] == '/') {
			tag.p += 2;
			tag.n -= 2;
		}
		if (tag.n == el && !memcmp(tag.p, etag, el))
			return true;
		i = j + 1;
	}
	return false;
}

bool http_if_range_ok(const char *s, size_t n, const char *etag, int64_t last_modified)
{
	struct http_str v = trim(s, n);
	int64_t t;

	if (v.n && (v.p[0] == '"' || v.p[0] == 'W'))
		return v.n == strlen(etag) && !memcmp(v.p, etag, v.n);
	return http_date_parse(v.p, v.n, &t) == 0 && t == last_modified;
}

/* --- Media types and reasons ------------------------------------------------------------- */
static const struct {
	const char *ext, *type;
} mime[] = {
	{ "html", "text/html; charset=utf-8" },
	{ "htm", "text/html; charset=utf-8" },
	{ "css", "text/css; charset=utf-8" },
	{ "js", "text/javascript; charset=utf-8" },
	{ "mjs", "text/javascript; charset=utf-8" },
	{ "json", "application/json" },
	{ "txt", "text/plain; charset=utf-8" },
	{ "md", "text/markdown; charset=utf-8" },
	{ "csv", "text/csv; charset=utf-8" },
	{ "xml", "application/xml" },
	{ "svg", "image/svg+xml" },
	{ "png", "image/png" },
	{ "jpg", "image/jpeg" },
	{ "jpeg", "image/jpeg" },
	{ "gif", "image/gif" },
	{ "webp", "image/webp" },
	{ "avif", "image/avif" },
	{ "ico", "image/vnd.microsoft.icon" },
	{ "wasm", "application/wasm" },
	{ "pdf", "application/pdf" },
	{ "woff", "font/woff" },
	{ "woff2", "font/woff2" },
	{ "ttf", "font/ttf" },
	{ "otf", "font/otf" },
	{ "mp4", "video/mp4" },
	{ "webm", "video/webm" },
	{ "mp3", "audio/mpeg" },
	{ "ogg", "audio/ogg" },
	{ "wav", "audio/wav" },
	{ "zip", "application/zip" },
	{ "gz", "application/gzip" },
	{ "tar", "application/x-tar" },
};

const char *http_mime_type(const char *name, size_t n)
{
	size_t dot = n;

	while (dot > 0 && name[dot - 1] != '.' && name[dot - 1] != '/')
		dot--;
	if (dot == 0 || name[dot - 1] != '.')
		return "application/octet-stream";
	struct http_str ext = { name + dot, n - dot };

	for (size_t i = 0; i < sizeof(mime) / sizeof(mime[0]); i++)
		if (str_ieq(ext, mime[i].ext))
			return mime[i].type;
	return "application/octet-stream";
}

const char *http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 206: return "Partial Content";
	case 301: return "Moved Permanently";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 416: return "Range Not Satisfiable";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	default: return "";
	}
}
