// SPDX-License-Identifier: MIT
/* RESP request parsing and the KEYS glob (apps/kv_resp.h). Pure: nothing
 * here reads past len, allocates or keeps state between calls, so a fuzzer
 * can drive resp_parse with any bytes and any limits. */
#include "kv_resp.h"
#include <string.h>

#define RESP_HDR_MAX 32         /* "*<n>\r\n" / "$<n>\r\n": digits are few */

bool resp_int(const uint8_t *s, size_t len, long long *out)
{
	unsigned long long v = 0, lim;
	bool neg = false;
	size_t i = 0;

	if (len && s[0] == '-') {
		neg = true;
		i = 1;
	}
	if (i == len || len - i > 20)
		return false;
	if (s[i] == '0' && (len - i > 1 || neg))
		return false;           /* "007", "-0" */
	lim = neg ? (unsigned long long)INT64_MAX + 1 : (unsigned long long)INT64_MAX;
	for (; i < len; i++) {
		unsigned d = (unsigned)s[i] - '0';

		if (d > 9 || v > (lim - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = neg ? (long long)(0 - v) : (long long)v;
	return true;
}

/* A header line "<c><number>\r\n" at buf[pos]. @return 1 with *n and *end
 * (just past the \n), 0 when the line is not all there yet, -1 when it is
 * no such line. */
static int header(const uint8_t *buf, size_t len, size_t pos, long long *n, size_t *end)
{
	size_t avail = len - pos, max = avail < RESP_HDR_MAX ? avail : RESP_HDR_MAX;
	const uint8_t *cr = memchr(buf + pos, '\r', max);

	if (!cr)
		return avail < RESP_HDR_MAX ? 0 : -1;
	size_t crpos = (size_t)(cr - buf);
	if (crpos + 1 >= len)
		return 0;
	if (buf[crpos + 1] != '\n' || !resp_int(buf + pos + 1, crpos - pos - 1, n))
		return -1;
	*end = crpos + 2;
	return 1;
}

static long multibulk(uint8_t *buf, size_t len, const struct resp_limits *lim,
		      struct resp_req *req, const char **err)
{
	long long n, blen;
	size_t pos;
	int rc = header(buf, len, 0, &n, &pos);

	if (rc <= 0) {
		*err = "Protocol error: invalid multibulk length";
		return rc;
	}
	if (n > (long long)lim->max_args || n > RESP_ARGS_MAX) {
		*err = "Protocol error: too many words in the request";
		return -1;
	}
	req->argc = 0;
	for (long long i = 0; i < n; i++) {
		if (pos >= len)
			return 0;
		if (buf[pos] != '$') {
			*err = "Protocol error: expected '$' in a multibulk request";
			return -1;
		}
		rc = header(buf, len, pos, &blen, &pos);
		if (rc == 0)
			return pos > lim->max_req ? (*err = "Protocol error: request too big", -1) : 0;
		if (rc < 0 || blen < 0) {
			*err = "Protocol error: invalid bulk length";
			return -1;
		}
		if ((unsigned long long)blen > lim->max_bulk) {
			*err = "Protocol error: bulk string longer than the limit";
			return -1;
		}
		if (pos + (size_t)blen + 2 > lim->max_req) {
			*err = "Protocol error: request too big";
			return -1;
		}
		if (pos + (size_t)blen + 2 > len)
			return 0;
		if (buf[pos + blen] != '\r' || buf[pos + blen + 1] != '\n') {
			*err = "Protocol error: bulk string not ended by CRLF";
			return -1;
		}
		req->argv[req->argc] = buf + pos;
		req->argl[req->argc++] = (size_t)blen;
		pos += (size_t)blen + 2;
	}
	return (long)pos;
}

static int hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static bool blank(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Split line[0..n) into words, unescaping quoted ones in place (the write
 * cursor w never passes the read cursor r). */
static int split(uint8_t *line, size_t n, const struct resp_limits *lim,
		 struct resp_req *req, const char **err)
{
	size_t r = 0, w = 0;

	req->argc = 0;
	for (;;) {
		while (r < n && blank(line[r]))
			r++;
		if (r == n)
			return 0;
		if (req->argc == lim->max_args || req->argc == RESP_ARGS_MAX) {
			*err = "Protocol error: too many words in the request";
			return -1;
		}
		size_t start = w;
		uint8_t q = 0;
		if (line[r] == '"' || line[r] == '\'')
			q = line[r++];
		for (;;) {
			if (r == n) {
				if (q) {
					*err = "Protocol error: unbalanced quotes in request";
					return -1;
				}
				break;
			}
			uint8_t c = line[r];
			if (!q && blank(c))
				break;
			if (q && c == q) {
				r++;
				if (r < n && !blank(line[r])) {
					*err = "Protocol error: unbalanced quotes in request";
					return -1;
				}
				break;
			}
			if (q == '"' && c == '\\' && r + 1 < n) {
				uint8_t e = line[r + 1];
				int hi, lo;
				r += 2;
				if (e == 'x' && r + 1 < n && (hi = hexval(line[r])) >= 0 &&
				    (lo = hexval(line[r + 1])) >= 0) {
					c = (uint8_t)(hi << 4 | lo);
					r += 2;
				} else {
					c = e == 'n' ? '\n' : e == 'r' ? '\r' : e == 't' ? '\t' :
					    e == 'b' ? '\b' : e == 'a' ? '\a' : e;
				}
			} else if (q == '\'' && c == '\\' && r + 1 < n && line[r + 1] == '\'') {
				c = '\'';
				r += 2;
			} else {
				r++;
			}
			line[w++] = c;
		}
		if (w - start > lim->max_bulk) {
			*err = "Protocol error: word longer than the limit";
			return -1;
		}
		req->argv[req->argc] = line + start;
		req->argl[req->argc++] = w - start;
		/* The next word starts after this one's end in the input; w
		 * stays behind r, so writes never overtake unread bytes. */
	}
}

static long inline_req(uint8_t *buf, size_t len, const struct resp_limits *lim,
		       struct resp_req *req, const char **err)
{
	size_t max = len < lim->max_inline + 2 ? len : lim->max_inline + 2;
	const uint8_t *nl = memchr(buf, '\n', max);
	size_t n;

	if (!nl) {
		if (len < lim->max_inline + 2 && len <= lim->max_req)
			return 0;
		*err = "Protocol error: too big inline request";
		return -1;
	}
	n = (size_t)(nl - buf);
	if (n > lim->max_req) {
		*err = "Protocol error: too big inline request";
		return -1;
	}
	if (n && buf[n - 1] == '\r')
		n--;
	if (n > lim->max_inline) {
		*err = "Protocol error: too big inline request";
		return -1;
	}
	if (split(buf, n, lim, req, err) < 0)
		return -1;
	return (long)(nl - buf) + 1;
}

long resp_parse(uint8_t *buf, size_t len, const struct resp_limits *lim,
		struct resp_req *req, const char **err)
{
	*err = NULL;
	req->argc = 0;
	if (!len)
		return 0;
	if (buf[0] == '*')
		return multibulk(buf, len, lim, req, err);
	return inline_req(buf, len, lim, req, err);
}

/* One class "[...]" at p[*i] (just past the '['): does c match it? Leaves
 * *i on the closing ']' (or at plen when there is none: the rest of the
 * pattern is the class, as Redis reads it). */
static bool class_match(const uint8_t *p, size_t plen, size_t *i, uint8_t c)
{
	bool neg = false, hit = false;
	size_t k = *i;

	if (k < plen && p[k] == '^') {
		neg = true;
		k++;
	}
	for (bool first = true; k < plen && (p[k] != ']' || first); k++, first = false) {
		if (p[k] == '\\' && k + 1 < plen) {
			k++;
			hit |= p[k] == c;
		} else if (k + 2 < plen && p[k + 1] == '-' && p[k + 2] != ']') {
			uint8_t lo = p[k], hi = p[k + 2];
			if (lo > hi) {
				uint8_t t = lo;
				lo = hi;
				hi = t;
			}
			hit |= c >= lo && c <= hi;
			k += 2;
		} else {
			hit |= p[k] == c;
		}
	}
	*i = k;
	return hit != neg;
}

/* The classic backtracking walk: only the last '*' seen needs a restart
 * point, since a later '*' can absorb anything an earlier one would. */
bool resp_glob(const uint8_t *p, size_t plen, const uint8_t *s, size_t slen)
{
	size_t pi = 0, si = 0, star_p = (size_t)-1, star_s = 0;

	while (si < slen) {
		if (pi < plen && p[pi] == '*') {
			while (pi < plen && p[pi] == '*')
				pi++;
			if (pi == plen)
				return true;
			star_p = pi;
			star_s = si;
			continue;
		}
		if (pi < plen) {
			size_t next = pi + 1;
			bool ok;

			if (p[pi] == '?') {
				ok = true;
			} else if (p[pi] == '[') {
				size_t k = pi + 1;
				ok = class_match(p, plen, &k, s[si]);
				next = k < plen ? k + 1 : plen;
			} else if (p[pi] == '\\' && pi + 1 < plen) {
				ok = p[pi + 1] == s[si];
				next = pi + 2;
			} else {
				ok = p[pi] == s[si];
			}
			if (ok) {
				pi = next;
				si++;
				continue;
			}
		}
		if (star_p == (size_t)-1)
			return false;
		pi = star_p;
		si = ++star_s;
	}
	while (pi < plen && p[pi] == '*')
		pi++;
	return pi == plen;
}
