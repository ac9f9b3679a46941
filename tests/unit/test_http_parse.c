// SPDX-License-Identifier: MIT
/* apps/http_parse.c on the host. Every parse runs over an exactly sized
 * heap copy, so ASan sees a read one byte past the input. */
#include "unit.h"
#include "../../apps/http_parse.h"
#include <stdint.h>

static const struct http_limits lim = {
	.uri_max = 256, .hdr_max = 1024, .hdr_count = 8, .body_max = 1000,
};

/* The copy lives until the next call: req points into it. */
static long parse_n(const char *s, size_t n, struct http_request *req)
{
	static char *copy;

	free(copy);
	copy = malloc(n ? n : 1);
	memcpy(copy, s, n);
	return http_parse_request(copy, n, &lim, req);
}

static long parse(const char *s, struct http_request *req)
{
	return parse_n(s, strlen(s), req);
}

/* The status of a refused head, 0 for an incomplete one, 1 when accepted. */
static int verdict(const char *s)
{
	struct http_request req;
	long r = parse(s, &req);

	return r < 0 ? req.status : r > 0;
}

UNIT(simple_get)
{
	struct http_request req;
	const char *s = "GET /a/b.html?x=1 HTTP/1.1\r\nHost: h\r\nUser-Agent: t\r\n\r\nrest";
	long r = parse(s, &req);

	CHECK_EQ(r, (long)strlen(s) - 4);
	CHECK_EQ(req.method, HTTP_GET);
	CHECK_EQ(req.version, 11);
	CHECK(req.keep_alive);
	CHECK_EQ(req.path.n, 9);
	CHECK(!memcmp(req.path.p, "/a/b.html", 9));
	CHECK_EQ(req.target.n, 13);
	CHECK_EQ(req.nfields, 2);
	CHECK_EQ(req.host.n, 1);
}

UNIT(head_http10_keepalive)
{
	struct http_request req;

	CHECK(parse("HEAD / HTTP/1.0\n\n", &req) > 0);
	CHECK_EQ(req.method, HTTP_HEAD);
	CHECK(!req.keep_alive);
	CHECK(parse("HEAD / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", &req) > 0);
	CHECK(req.keep_alive);
	CHECK(parse("GET / HTTP/1.1\r\nHost: x\r\nConnection: foo, close\r\n\r\n", &req) > 0);
	CHECK(!req.keep_alive);
}

UNIT(leading_empty_lines_and_absolute_form)
{
	struct http_request req;

	CHECK(parse("\r\n\r\nGET http://h:8/x/y?q HTTP/1.1\r\nHost: h\r\n\r\n", &req) > 0);
	CHECK_EQ(req.path.n, 4);
	CHECK(!memcmp(req.path.p, "/x/y", 4));
	CHECK(parse("GET http://h HTTP/1.1\r\nHost: h\r\n\r\n", &req) > 0);
	CHECK_EQ(req.path.n, 1);
}

UNIT(incomplete)
{
	CHECK_EQ(verdict(""), 0);
	CHECK_EQ(verdict("GE"), 0);
	CHECK_EQ(verdict("GET /index.html HTTP/1.1\r\n"), 0);
	CHECK_EQ(verdict("GET / HTTP/1.1\r\nHost: x\r\n"), 0);
	CHECK_EQ(verdict("GET / HTTP/1.1\r\nHost: x\r\n\r"), 0);
}

UNIT(bad_requests)
{
	CHECK_EQ(verdict("\x16\x03\x01\x02"), 400);           /* TLS hello */
	CHECK_EQ(verdict("G(T / HTTP/1.1\r\n\r\n"), 400);
	CHECK_EQ(verdict("GET  / HTTP/1.1\r\nHost: x\r\n\r\n"), 400);
	CHECK_EQ(verdict("GET / HTTP/1.1\r\n\r\n"), 400);      /* no Host */
	CHECK_EQ(verdict("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), 400);
	CHECK_EQ(verdict("GET / HTTP/1.1\r\nHost : a\r\n\r\n"), 400);
	CHECK_EQ(verdict("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n"), 400);
	CHECK_EQ(verdict("GET / HTTP/1.1\r\nHost: a\r\nX: a\x01z\r\n\r\n"), 400);
	CHECK_EQ(verdict("GET / HTTP/1.1\r\nHost: a\r\nnocolon\r\n\r\n"), 400);
	CHECK_EQ(verdict("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1x\r\n\r\n"), 400);
	CHECK_EQ(verdict("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"), 400);
	CHECK_EQ(verdict("GET / http/1.1\r\nHost: a\r\n\r\n"), 400);
	CHECK_EQ(verdict("GET x HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
	CHECK_EQ(verdict("GET /\x7f HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
	CHECK_EQ(verdict("GET / HTTP/2.0\r\nHost: a\r\n\r\n"), 505);
	CHECK_EQ(verdict("POST / HTTP/1.1\r\nHost: a\r\n\r\n"), 405);
	CHECK_EQ(verdict("BREW / HTTP/1.1\r\nHost: a\r\n\r\n"), 501);
	CHECK_EQ(verdict("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"), 501);
	CHECK_EQ(verdict("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1001\r\n\r\n"), 413);
}

UNIT(limits)
{
	char buf[4096];
	struct http_request req;

	/* URI: at the limit, over it (complete line), over it (no line end yet) */
	snprintf(buf, sizeof(buf), "GET /%0255d HTTP/1.1\r\nHost: a\r\n\r\n", 0);
	CHECK(parse(buf, &req) > 0);
	snprintf(buf, sizeof(buf), "GET /%0256d HTTP/1.1\r\nHost: a\r\n\r\n", 0);
	CHECK_EQ(verdict(buf), 414);
	snprintf(buf, sizeof(buf), "GET /%0400d", 0);
	CHECK_EQ(verdict(buf), 414);
	snprintf(buf, sizeof(buf), "GET /%0200d", 0);
	CHECK_EQ(verdict(buf), 0);
	/* fields: 8 allowed, 9 too many */
	strcpy(buf, "GET / HTTP/1.1\r\nHost: a\r\n");
	for (int i = 0; i < 7; i++)
		strcat(buf, "X: y\r\n");
	strcat(buf, "\r\n");
	CHECK(parse(buf, &req) > 0);
	buf[strlen(buf) - 2] = '\0';
	strcat(buf, "X: y\r\n\r\n");
	CHECK_EQ(verdict(buf), 431);
	/* the head size, complete and incomplete */
	snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\nHost: a\r\nX: %01000d\r\n\r\n", 0);
	CHECK_EQ(verdict(buf), 431);
	snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\nHost: a\r\nX: %01100d", 0);
	CHECK_EQ(verdict(buf), 431);
	snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\nHost: a\r\nX: %0900d", 0);
	CHECK_EQ(verdict(buf), 0);
	/* empty lines alone */
	memset(buf, '\n', 1100);
	CHECK_EQ(parse_n(buf, 1100, &req), -1);
	CHECK_EQ(req.status, 400);
}

static const char *decode(const char *in)
{
	static char out[64];

	return http_path_decode(in, strlen(in), out, sizeof(out)) < 0 ? NULL : out;
}

UNIT(paths)
{
	CHECK_STR(decode("/"), "/");
	CHECK_STR(decode("/a/b"), "/a/b");
	CHECK_STR(decode("/a/b/"), "/a/b/");
	CHECK_STR(decode("/a//b"), "/a/b");
	CHECK_STR(decode("/a/./b/../c"), "/a/c");
	CHECK_STR(decode("/a/.."), "/");
	CHECK_STR(decode("/a/%2e%2E/b"), "/b");
	CHECK_STR(decode("/sp%20ace"), "/sp ace");
	CHECK(decode("/..") == NULL);
	CHECK(decode("/a/../..") == NULL);
	CHECK(decode("/%00") == NULL);
	CHECK(decode("/%2") == NULL);
	CHECK(decode("/%") == NULL);
	CHECK(decode("/%zz") == NULL);
	CHECK(decode("/a%2fb") == NULL);
	CHECK(decode("a") == NULL);
	CHECK(decode("/0123456789012345678901234567890123456789012345678901234567890123456789") == NULL);
}

static int range(const char *s, uint64_t size, uint64_t *a, uint64_t *n)
{
	*a = *n = 777;
	return http_range_parse(s, strlen(s), size, a, n);
}

UNIT(ranges)
{
	uint64_t a, n;

	CHECK_EQ(range("bytes=0-99", 1000, &a, &n), HTTP_RANGE_OK);
	CHECK_EQ(a, 0); CHECK_EQ(n, 100);
	CHECK_EQ(range("bytes=990-", 1000, &a, &n), HTTP_RANGE_OK);
	CHECK_EQ(a, 990); CHECK_EQ(n, 10);
	CHECK_EQ(range("bytes=990-5000", 1000, &a, &n), HTTP_RANGE_OK);
	CHECK_EQ(n, 10);
	CHECK_EQ(range("bytes=-10", 1000, &a, &n), HTTP_RANGE_OK);
	CHECK_EQ(a, 990); CHECK_EQ(n, 10);
	CHECK_EQ(range("bytes=-5000", 1000, &a, &n), HTTP_RANGE_OK);
	CHECK_EQ(a, 0); CHECK_EQ(n, 1000);
	CHECK_EQ(range("Bytes = 5-5 ", 1000, &a, &n), HTTP_RANGE_NONE);
	CHECK_EQ(range("Bytes=5-5 ", 1000, &a, &n), HTTP_RANGE_OK);
	CHECK_EQ(n, 1);
	CHECK_EQ(range("bytes=1000-", 1000, &a, &n), HTTP_RANGE_UNSATISFIABLE);
	CHECK_EQ(range("bytes=-0", 1000, &a, &n), HTTP_RANGE_UNSATISFIABLE);
	CHECK_EQ(range("bytes=0-", 0, &a, &n), HTTP_RANGE_UNSATISFIABLE);
	CHECK_EQ(range("bytes=5-4", 1000, &a, &n), HTTP_RANGE_NONE);
	CHECK_EQ(range("bytes=0-1,5-6", 1000, &a, &n), HTTP_RANGE_NONE);
	CHECK_EQ(range("items=0-1", 1000, &a, &n), HTTP_RANGE_NONE);
	CHECK_EQ(range("bytes=x-1", 1000, &a, &n), HTTP_RANGE_NONE);
	CHECK_EQ(range("bytes=-", 1000, &a, &n), HTTP_RANGE_NONE);
	CHECK_EQ(range("bytes=99999999999999999999999-", 1000, &a, &n), HTTP_RANGE_NONE);
}

UNIT(dates)
{
	int64_t t;
	char out[30];

	CHECK_EQ(http_date_parse("Sun, 06 Nov 1994 08:49:37 GMT", 29, &t), 0);
	CHECK_EQ(t, 784111777);
	CHECK_EQ(http_date_parse("Sunday, 06-Nov-94 08:49:37 GMT", 30, &t), 0);
	CHECK_EQ(t, 784111777);
	CHECK_EQ(http_date_parse("Sun Nov  6 08:49:37 1994", 24, &t), 0);
	CHECK_EQ(t, 784111777);
	CHECK_EQ(http_date_parse("Thu, 01 Jan 1970 00:00:00 GMT", 29, &t), 0);
	CHECK_EQ(t, 0);
	CHECK_EQ(http_date_parse("Tue, 29 Feb 2000 23:59:59 GMT", 29, &t), 0);
	CHECK_EQ(t, 951868799);
	CHECK_EQ(http_date_parse("Wed, 29 Feb 2001 00:00:00 GMT", 29, &t), -1);
	CHECK_EQ(http_date_parse("Sun, 06 Nov 1994 08:49:37 UTC", 29, &t), -1);
	CHECK_EQ(http_date_parse("Sun, 06 Nov 1994 24:49:37 GMT", 29, &t), -1);
	CHECK_EQ(http_date_parse("Sun, 06 Nov 1994 08:49:37 GMTx", 30, &t), -1);
	CHECK_EQ(http_date_parse("garbage", 7, &t), -1);
	CHECK_EQ(http_date_parse("", 0, &t), -1);
	CHECK_EQ(http_date_parse(",", 1, &t), -1);
	http_date_format(784111777, out);
	CHECK_STR(out, "Sun, 06 Nov 1994 08:49:37 GMT");
	http_date_format(0, out);
	CHECK_STR(out, "Thu, 01 Jan 1970 00:00:00 GMT");
	http_date_format(-5, out);
	CHECK_STR(out, "Thu, 01 Jan 1970 00:00:00 GMT");
	http_date_format(INT64_MAX, out);
	CHECK_STR(out, "Fri, 31 Dec 9999 23:59:59 GMT");
	/* round trips over a few centuries */
	for (int64_t x = 0; x < INT64_C(253402300799); x += 86400 * 37 + 3601) {
		http_date_format(x, out);
		CHECK_EQ(http_date_parse(out, 29, &t), 0);
		if (t != x) {
			CHECK_EQ(t, x);
			break;
		}
	}
}

UNIT(validators)
{
	const char *e = "\"5f-10\"";

	CHECK(http_etag_list_match("\"5f-10\"", 7, e));
	CHECK(http_etag_list_match(" W/\"5f-10\" ", 11, e));
	CHECK(http_etag_list_match("\"a\", \"5f-10\"", 12, e));
	CHECK(http_etag_list_match("*", 1, e));
	CHECK(!http_etag_list_match("\"5f-11\"", 7, e));
	CHECK(!http_etag_list_match("", 0, e));
	CHECK(http_if_range_ok("\"5f-10\"", 7, e, 0));
	CHECK(!http_if_range_ok("W/\"5f-10\"", 9, e, 0));
	CHECK(http_if_range_ok("Sun, 06 Nov 1994 08:49:37 GMT", 29, e, 784111777));
	CHECK(!http_if_range_ok("Sun, 06 Nov 1994 08:49:38 GMT", 29, e, 784111777));
}

UNIT(mime)
{
	CHECK_STR(http_mime_type("/a/index.html", 13), "text/html; charset=utf-8");
	CHECK_STR(http_mime_type("x.CSS", 5), "text/css; charset=utf-8");
	CHECK_STR(http_mime_type("logo.png", 8), "image/png");
	CHECK_STR(http_mime_type("a.tar.gz", 8), "application/gzip");
	CHECK_STR(http_mime_type("README", 6), "application/octet-stream");
	CHECK_STR(http_mime_type("dir.d/file", 10), "application/octet-stream");
	CHECK_STR(http_mime_type("", 0), "application/octet-stream");
	CHECK_STR(http_reason(416), "Range Not Satisfiable");
	CHECK_STR(http_reason(999), "");
}

/* Random bytes, then valid heads cut and mutated: every result is one of the
 * three (the copy parse_n keeps lives until the next call), an accepted head lies within the input, and errors carry a status. */
static uint64_t rng = 0x1234567;
static unsigned rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)rng;
}

static void fuzz_one(const char *s, size_t n)
{
	struct http_request req;
	long r = parse_n(s, n, &req);

	if (r > 0) {
		CHECK((size_t)r <= n);
		CHECK(req.method == HTTP_GET || req.method == HTTP_HEAD);
		if (req.range.p) {
			uint64_t a, c;
			char *copy = malloc(req.range.n + 1);

			memcpy(copy, req.range.p, req.range.n);
			if (http_range_parse(copy, req.range.n, 1000, &a, &c) == HTTP_RANGE_OK)
				CHECK(a < 1000 && c >= 1 && a + c <= 1000);
			free(copy);
		}
		char path[300];
		char *copy = malloc(req.path.n + 1);

		memcpy(copy, req.path.p, req.path.n);
		if (http_path_decode(copy, req.path.n, path, sizeof(path)) >= 0)
			CHECK(path[0] == '/' && !strstr(path, "/../") && !strstr(path, "//"));
		free(copy);
	} else if (r < 0) {
		CHECK(req.status >= 400 && req.status <= 505);
	} else {
		CHECK(n < lim.hdr_max);
	}
}

UNIT(fuzz)
{
	static const char *seeds[] = {
		"GET /a/b%20c/../d.html?x HTTP/1.1\r\nHost: h\r\nRange: bytes=5-9\r\n"
		"If-None-Match: W/\"x\", \"y\"\r\nConnection: keep-alive, close\r\n\r\n",
		"HEAD http://h/x HTTP/1.0\nContent-Length: 12\nIf-Range: Sun, 06 Nov 1994 08:49:37 GMT\n\n",
		"GET / HTTP/1.1\r\nHost:\r\nRange: bytes=-3\r\n\r\n",
	};
	char buf[1200];

	for (int it = 0; it < 200000; it++) {
		size_t n;

		if (it % 4 == 0) {
			n = rnd() % sizeof(buf);
			for (size_t i = 0; i < n; i++)
				buf[i] = (char)rnd();
		} else {
			const char *s = seeds[rnd() % 3];

			n = strlen(s);
			memcpy(buf, s, n);
			for (int k = rnd() % 6; k > 0; k--) {
				size_t at = rnd() % n;
				unsigned op = rnd() % 3;
				static const char pick[] = "\r\n :%/.-,\"\x00\x7f\xff" "0123456789aZ";

				if (op == 0)
					buf[at] = pick[rnd() % (sizeof(pick) - 1)];
				else if (op == 1)
					buf[at] = (char)rnd();
				else
					n = at + 1;    /* cut */
			}
		}
		fuzz_one(buf, n);
	}
	/* paths, ranges and dates on raw bytes too */
	for (int it = 0; it < 100000; it++) {
		size_t n = rnd() % 40;
		char *s = malloc(n ? n : 1), out[16];
		uint64_t a, c;
		int64_t t;

		for (size_t i = 0; i < n; i++)
			s[i] = "/.%2e0aZ-=,bytes \x00"[rnd() % 17];
		http_path_decode(s, n, out, sizeof(out));
		if (http_range_parse(s, n, 50, &a, &c) == HTTP_RANGE_OK)
			CHECK(a + c <= 50 && c > 0);
		http_date_parse(s, n, &t);
		http_etag_list_match(s, n, "\"x\"");
		http_if_range_ok(s, n, "\"x\"", 0);
		http_mime_type(s, n);
		free(s);
	}
}

UNIT_MAIN()
