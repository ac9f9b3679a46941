// SPDX-License-Identifier: MIT
/* Fuzz the key-value appliance's protocol parsers (apps/kv_resp.c) as a
 * hostile client drives them: RESP requests parsed one after another out
 * of the received bytes, as apps/kv.c's connection loop does, under small
 * limits so each is reached; every word of each request then goes through
 * the integer parser and, as a KEYS pattern, through the glob matcher.
 *
 * Input: byte 0 picks the limits, the rest is the bytes received (in a
 * buffer of exactly that size). Promises checked: a request uses at least
 * one byte and no more than are left, words point into the buffer and
 * respect the limits, an error comes with a "Protocol error" or limit
 * message, and a glob of a word against itself without specials matches. */
#include "fuzz.h"
#include "../../apps/kv_resp.h"

static struct resp_req req;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t inl[] = { 4, 64, 4096, 65536 };
	static const size_t bulk[] = { 0, 16, 512, 1 << 20 };
	static const size_t args[] = { 1, 3, 64, RESP_ARGS_MAX };
	struct fz z = { data, size };
	uint8_t f = fz_u8(&z);
	struct resp_limits lim = { inl[f & 3], bulk[(f >> 2) & 3], args[(f >> 4) & 3],
				   (f & 64) ? 128 : 1 << 20 };
	uint8_t *buf = fz_dup(z.p, z.n, false);
	size_t off = 0;

	for (int guard = 0; off < z.n && guard < 4096; guard++) {
		const char *err = NULL;
		long n = resp_parse(buf + off, z.n - off, &lim, &req, &err);

		if (n < 0) {
			if (!err || !*err)
				abort();
			break;
		}
		if (n == 0)
			break;
		if ((size_t)n > z.n - off || req.argc > lim.max_args)
			abort();
		for (size_t i = 0; i < req.argc; i++) {
			const uint8_t *w = req.argv[i];
			size_t l = req.argl[i];
			long long v;

			if (l && (w < buf + off || w + l > buf + off + (size_t)n))
				abort();
			fz_sink += resp_int(w, l, &v) ? (uint64_t)v : 0;
			if (i + 1 < req.argc)
				fz_sink += resp_glob(w, l, req.argv[i + 1], req.argl[i + 1]);
			if (l && !memchr(w, '*', l) && !memchr(w, '?', l) &&
			    !memchr(w, '[', l) && !memchr(w, '\\', l) && !resp_glob(w, l, w, l))
				abort();
		}
		off += (size_t)n;
	}
	free(buf);
	return 0;
}
