/* SPDX-License-Identifier: MIT */
/* HTTP/1.1 message parsing for apps/httpd.c: the request head, Range,
 * dates, entity tags, request-target paths and media types. Pure functions
 * over caller buffers (no allocation, no I/O, no clock), so the host unit
 * test (tests/unit/test_http_parse.c) runs them under ASan and UBSan and
 * throws random and mutated input at them. Facts from RFC 9110 (semantics)
 * and RFC 9112 (HTTP/1.1 message syntax). */
#ifndef APPS_HTTP_PARSE_H
#define APPS_HTTP_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What the server accepts; a breach is an error status (see below). */
struct http_limits {
	size_t uri_max;        /* request-target bytes (414 beyond) */
	size_t hdr_max;        /* the whole head, request line to blank line (431) */
	unsigned hdr_count;    /* header fields (431) */
	uint64_t body_max;     /* Content-Length the server will read and drop (413) */
};

/* A piece of the caller's buffer (not NUL-terminated). */
struct http_str {
	const char *p;
	size_t n;
};

enum http_method { HTTP_GET, HTTP_HEAD };

struct http_request {
	enum http_method method;
	int version;                   /* 10 or 11 */
	struct http_str target;        /* as sent */
	struct http_str path;          /* origin-form path of target, before '?' (still %-encoded) */
				       /* (or "/" when an absolute-form target has none) */
	struct http_str host;
	struct http_str range, if_modified_since, if_none_match, if_range;
	bool keep_alive;               /* Connection and version say the connection stays */
	uint64_t content_length;       /* body bytes that follow the head (read and dropped) */
	unsigned nfields;
	int status;                    /* on error: 400, 405, 413, 414, 431, 501, 505 */
	const char *why;               /* on error: a few words for the log */
};

/* Parse the request head at the start of buf[0..len). Empty lines before
 * the request line are skipped (RFC 9112 §2.2); a bare LF ends a line as
 * CRLF does. Only GET and HEAD are served: any other well-formed method is
 * an error (405 for the methods of RFC 9110 §9, 501 for the rest).
 * @return the head's length in bytes (> 0; the body, if any, follows), 0
 * when the head is incomplete and more bytes may complete it within the
 * limits, or -1 when the request is bad or breaks a limit: req->status and
 * req->why say why. Garbage is refused as soon as it is seen, not when a
 * limit is reached. */
long http_parse_request(const char *buf, size_t len, const struct http_limits *lim,
			struct http_request *req);

/* Decode an origin-form path (%-escapes) into out[0..size) and remove dot
 * segments (RFC 3986 §5.2.4), giving "/" followed by segments separated by
 * single slashes; a trailing slash is kept. Refused: a path not starting
 * with '/', a bad or NUL escape, a segment ".." above the root, a result
 * that does not fit. @return the length (NUL not counted), or -1. */
long http_path_decode(const char *p, size_t n, char *out, size_t size);

/* Range (RFC 9110 §14.2) against a representation of size bytes. Only a
 * single byte range is served; several are ignored (the server may send
 * 200 instead, §14.2). */
enum http_range_result {
	HTTP_RANGE_NONE,          /* no usable Range: send the whole thing (200) */
	HTTP_RANGE_OK,            /* send [*first, *first + *count) (206) */
	HTTP_RANGE_UNSATISFIABLE, /* 416 with Content-Range: bytes * / size */
};
enum http_range_result http_range_parse(const char *s, size_t n, uint64_t size,
					uint64_t *first, uint64_t *count);

/* An HTTP-date in any of the three formats recipients must accept (RFC 9110
 * §5.6.7). @return 0 with *t in seconds since 1970, or -1. */
int http_date_parse(const char *s, size_t n, int64_t *t);
/* IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") into out[30] (with NUL).
 * t below 0 is written as 1970's first second. */
void http_date_format(int64_t t, char out[30]);

/* If-None-Match: does the list (or "*") match etag ("\"...\"") by the weak
 * comparison (RFC 9110 §8.8.3.2)? */
bool http_etag_list_match(const char *s, size_t n, const char *etag);
/* If-Range (RFC 9110 §13.1.5): true when the range may be served: the value
 * is etag exactly (strong comparison), or a date equal to last_modified. */
bool http_if_range_ok(const char *s, size_t n, const char *etag, int64_t last_modified);

/* The media type for a file name, by extension; text types carry a
 * charset. "application/octet-stream" when unknown. */
const char *http_mime_type(const char *name, size_t n);
/* The reason phrase of a status code ("Not Found"), "" when unknown. */
const char *http_reason(int status);

#endif
