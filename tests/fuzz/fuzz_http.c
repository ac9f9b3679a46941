// SPDX-License-Identifier: MIT
/* Fuzz the HTTP appliance's parsers (apps/http_parse.c) as a hostile
 * client drives them: the request head under small limits (so every limit
 * is reached), then, when a head parsed, its target through the path
 * decoder and its Range, If-Modified-Since, If-None-Match and If-Range
 * values through theirs, as apps/httpd.c does.
 *
 * Input: byte 0 picks the limits (bits 0-1 uri_max, 2-3 hdr_max, 4-5
 * hdr_count), bytes 1-8 a representation size for Range; the rest is the
 * bytes received, in a buffer of exactly that size. Promises checked: the
 * head length is within the buffer, every piece of the request points
 * into it (but a path "/" that stands for an absent one), an error has one of the documented statuses, a decoded path
 * starts with '/' and fits, a satisfiable range lies inside the size. */
#include "fuzz.h"
#include "../../apps/http_parse.h"

static bool inside(const struct http_str *s, const char *b, size_t n)
{
	return !s->n || (s->p >= b && s->p + s->n <= b + n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t uris[] = { 8, 64, 512, 8192 };
	static const size_t hdrs[] = { 16, 256, 2048, 65536 };
	static const unsigned counts[] = { 0, 2, 20, 100 };
	struct fz z = { data, size };
	uint8_t f = fz_u8(&z);
	uint64_t rep = fz_u64(&z);
	struct http_limits lim = { uris[f & 3], hdrs[(f >> 2) & 3], counts[(f >> 4) & 3],
				   (f & 64) ? 0 : 4096 };
	struct http_request req;
	char *buf = fz_dup(z.p, z.n, false);
	long n = http_parse_request(buf, z.n, &lim, &req);

	if (n > (long)z.n || n < -1)
		abort();
	if (n < 0) {
		switch (req.status) {
		case 400: case 405: case 413: case 414: case 431: case 501: case 505:
			break;
		default:
			abort();
		}
		if (!req.why)
			abort();
	}
	if (n > 0) {
		/* The path is in the buffer, or "/" for an absolute-form target
		 * without one ("http://host"). */
		if (!inside(&req.path, buf, z.n) &&
		    !(req.path.n == 1 && req.path.p[0] == '/'))
			abort();
		if (!inside(&req.target, buf, z.n) ||
		    !inside(&req.host, buf, z.n) || !inside(&req.range, buf, z.n) ||
		    !inside(&req.if_modified_since, buf, z.n) ||
		    !inside(&req.if_none_match, buf, z.n) || !inside(&req.if_range, buf, z.n))
			abort();
		if (req.version != 10 && req.version != 11)
			abort();
		if (req.target.n > lim.uri_max || req.content_length > lim.body_max)
			abort();

		char path[256];
		long pl = http_path_decode(req.path.p, req.path.n, path, sizeof(path));

		if (pl >= (long)sizeof(path) || (pl >= 0 && (path[0] != '/' || path[pl] != 0 ||
							 strlen(path) != (size_t)pl)))
			abort();
		if (pl >= 0)
			fz_sink += (uint64_t)strlen(http_mime_type(path, (size_t)pl));

		uint64_t first = 0, count = 0;
		enum http_range_result r = http_range_parse(req.range.p, req.range.n, rep,
							    &first, &count);
		if (r == HTTP_RANGE_OK && (count == 0 || first >= rep || count > rep - first))
			abort();

		int64_t t;
		char date[30];

		if (http_date_parse(req.if_modified_since.p, req.if_modified_since.n, &t) == 0) {
			http_date_format(t, date);
			if (strnlen(date, sizeof(date)) > 29)
				abort();
		}
		fz_sink += http_etag_list_match(req.if_none_match.p, req.if_none_match.n,
						"\"5f-1a2b\"");
		fz_sink += http_if_range_ok(req.if_range.p, req.if_range.n, "\"5f-1a2b\"",
					    784111777);
	}
	free(buf);
	return 0;
}
