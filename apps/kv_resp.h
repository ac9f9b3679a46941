/* SPDX-License-Identifier: MIT */
/* The key-value appliance's protocol: a parser for requests in RESP (the
 * Redis serialization protocol, RESP2 as https://redis.io/docs/reference/
 * protocol-spec/ describes it) and the KEYS glob matcher. Pure functions
 * over buffers (apps/kv_resp.c), host unit-tested and fuzzed: they read
 * only the bytes they are given and allocate nothing.
 *
 * A request is either
 *   multibulk  "*<n>\r\n" then n times "$<len>\r\n<len bytes>\r\n", or
 *   inline     one line of words separated by blanks, ended by "\n" (a
 *              "\r" before it is dropped); a word may be quoted: "..." with
 *              the escapes \n \r \t \b \a \\ \" \xHH, or '...' with \'.
 * An empty line, and "*0" or "*-1", are requests with no words (skipped). */
#ifndef APPS_KV_RESP_H
#define APPS_KV_RESP_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define RESP_ARGS_MAX 1024      /* hard cap on words per request */

struct resp_limits {
	size_t max_inline;      /* bytes in an inline line (without its \n) */
	size_t max_bulk;        /* bytes in one bulk string */
	size_t max_args;        /* words per request, <= RESP_ARGS_MAX */
	size_t max_req;         /* bytes of a whole request as sent */
};

struct resp_req {
	size_t argc;
	const uint8_t *argv[RESP_ARGS_MAX];     /* point into the buffer */
	size_t argl[RESP_ARGS_MAX];
};

/* Parse one request at the start of buf[0..len). Inline words are unescaped
 * in place (never longer than written), so buf is modified only then.
 * @return the bytes the request took (> 0), with req filled; 0 when buf
 * holds no whole request yet (read more; no limit is exceeded so far);
 * -1 on a protocol error or a limit exceeded, with *err set to the
 * message for the client ("Protocol error: ..."): the connection cannot be
 * resynchronised and should be closed after replying. */
long resp_parse(uint8_t *buf, size_t len, const struct resp_limits *lim,
		struct resp_req *req, const char **err);

/* Does s[0..slen) match the glob pattern p[0..plen)? `*` any run, `?` any
 * byte, `[abc]` `[^a-z]` a class (`]` first is literal), `\x` x itself.
 * Linear space, O(plen * slen) time at worst. */
bool resp_glob(const uint8_t *p, size_t plen, const uint8_t *s, size_t slen);

/* Parse s[0..len) as a whole signed decimal 64-bit integer ("-12"; no
 * blanks, no "+", no leading zeros but "0" itself).
 * @return true and *out, or false. */
bool resp_int(const uint8_t *s, size_t len, long long *out);

#endif
