// SPDX-License-Identifier: MIT
/* The key-value appliance's pure parts: the RESP parser and glob
 * (apps/kv_resp.c), the log and header codec (apps/kv_log.c) and the table
 * (apps/kv_db.c), with a bounded random fuzz of the two decoders. */
#include "unit.h"
#include "../../apps/kv_resp.h"
#include "../../apps/kv_log.h"
#include "../../apps/kv_db.h"
#include <stdint.h>

static const struct resp_limits lim = {
	.max_inline = 64, .max_bulk = 100, .max_args = 8, .max_req = 400,
};
static struct resp_req req;

/* Parse s (copied, so inline unescaping is allowed). */
static long parse(const char *s, size_t n, const char **err)
{
	static uint8_t buf[4096];
	memcpy(buf, s, n);
	return resp_parse(buf, n, &lim, &req, err);
}
#define P(lit, err) parse(lit, sizeof(lit) - 1, err)

static int argeq(size_t i, const char *s)
{
	return i < req.argc && req.argl[i] == strlen(s) && !memcmp(req.argv[i], s, strlen(s));
}

UNIT(resp_multibulk)
{
	const char *err;

	CHECK_EQ(P("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", &err), 20);
	CHECK_EQ(req.argc, 2);
	CHECK(argeq(0, "GET") && argeq(1, "k"));
	/* Every proper prefix wants more. */
	const char full[] = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n";
	for (size_t i = 0; i < sizeof(full) - 1; i++)
		CHECK_EQ(parse(full, i, &err), 0);
	CHECK_EQ(parse(full, sizeof(full) - 1, &err), (long)sizeof(full) - 1);
	CHECK(argeq(2, ""));
	/* Binary-safe: CRLF and NUL inside a bulk. */
	CHECK_EQ(P("*1\r\n$4\r\na\r\n\0\r\n", &err), 14);
	CHECK_EQ(req.argl[0], 4);
	CHECK_EQ(P("*0\r\n", &err), 4);
	CHECK_EQ(req.argc, 0);
	CHECK_EQ(P("*-1\r\n", &err), 5);
	CHECK_EQ(req.argc, 0);
	/* Pipelined: one request at a time. */
	CHECK_EQ(P("*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPING\r\n", &err), 14);
}

UNIT(resp_errors)
{
	const char *err;

	CHECK_EQ(P("*x\r\n", &err), -1);
	CHECK(err && strstr(err, "multibulk"));
	CHECK_EQ(P("*1\r\n+PING\r\n", &err), -1);
	CHECK(strstr(err, "'$'"));
	CHECK_EQ(P("*1\r\n$-2\r\n", &err), -1);
	CHECK_EQ(P("*1\r\n$101\r\n", &err), -1);          /* > max_bulk */
	CHECK(strstr(err, "limit"));
	CHECK_EQ(P("*1\r\n$100\r\n", &err), 0);           /* at max_bulk: fine */
	CHECK_EQ(P("*9\r\n", &err), -1);                  /* > max_args */
	CHECK_EQ(P("*1\r\n$2\r\nabX\n", &err), -1);       /* no CRLF after */
	CHECK_EQ(P("*1\r\n$01\r\na\r\n", &err), -1);      /* leading zero */
	CHECK_EQ(P("*1\n", &err), 0);                     /* no \r yet */
	CHECK_EQ(P("*11111111111111111111111111111111111", &err), -1);
	/* max_req: four bulks of 100 do not fit in 400 */
	char big[1024];
	size_t n = (size_t)sprintf(big, "*4\r\n");
	for (int i = 0; i < 4; i++) {
		n += (size_t)sprintf(big + n, "$100\r\n");
		memset(big + n, 'a', 100);
		n += 100;
		n += (size_t)sprintf(big + n, "\r\n");
	}
	CHECK_EQ(parse(big, n, &err), -1);
	CHECK(strstr(err, "too big"));
}

UNIT(resp_inline)
{
	const char *err;

	CHECK_EQ(P("PING\r\n", &err), 6);
	CHECK(req.argc == 1 && argeq(0, "PING"));
	CHECK_EQ(P("  set  a   b \n", &err), 14);
	CHECK(req.argc == 3 && argeq(0, "set") && argeq(1, "a") && argeq(2, "b"));
	CHECK_EQ(P("\r\n", &err), 2);
	CHECK_EQ(req.argc, 0);
	CHECK_EQ(P("SET k \"a b\\n\\x41\"\r\n", &err), 19);
	CHECK(argeq(2, "a b\nA"));
	CHECK_EQ(P("SET k 'it\\'s'\n", &err), 14);
	CHECK(argeq(2, "it's"));
	CHECK_EQ(P("SET k \"\"\n", &err), 9);
	CHECK(req.argc == 3 && req.argl[2] == 0);
	CHECK_EQ(P("SET k \"ab\n", &err), -1);
	CHECK(strstr(err, "quotes"));
	CHECK_EQ(P("SET k \"ab\"c\n", &err), -1);
	CHECK_EQ(P("PIN", &err), 0);
	CHECK_EQ(P("a b c d e f g h i\n", &err), -1);      /* 9 words > 8 */
	char line[100];
	memset(line, 'x', sizeof(line));
	CHECK_EQ(parse(line, 60, &err), 0);
	CHECK_EQ(parse(line, 66, &err), -1);              /* no \n in 64 + 2 */
	CHECK(strstr(err, "inline"));
	line[65] = '\n';
	CHECK_EQ(parse(line, 66, &err), -1);              /* a 65-byte line */
	line[64] = '\n';
	CHECK_EQ(parse(line, 66, &err), 65);              /* 64: fine */
}

static int g(const char *p, const char *s)
{
	return resp_glob((const uint8_t *)p, strlen(p), (const uint8_t *)s, strlen(s));
}

UNIT(resp_glob)
{
	CHECK(g("*", ""));
	CHECK(g("*", "abc"));
	CHECK(g("a*", "abc"));
	CHECK(!g("a*", "bac"));
	CHECK(g("*c", "abc"));
	CHECK(g("a*b*c", "aXbYbZc"));
	CHECK(!g("a*b*c", "aXbYbZ"));
	CHECK(g("h?llo", "hello"));
	CHECK(!g("h?llo", "hllo"));
	CHECK(g("h[ae]llo", "hallo"));
	CHECK(!g("h[ae]llo", "hillo"));
	CHECK(g("h[^e]llo", "hallo"));
	CHECK(!g("h[^e]llo", "hello"));
	CHECK(g("h[a-b]llo", "hbllo"));
	CHECK(g("h[b-a]llo", "hallo"));
	CHECK(g("a\\*b", "a*b"));
	CHECK(!g("a\\*b", "axb"));
	CHECK(g("key:*", "key:__rand_int__"));
	CHECK(g("**a**", "bab"));
	CHECK(!g("", "a"));
	CHECK(g("", ""));
	CHECK(!g("[", "a"));      /* an unterminated class */
	CHECK(!g("ab[", "abc"));
}

UNIT(resp_int)
{
	long long v;
	CHECK(resp_int((const uint8_t *)"0", 1, &v) && v == 0);
	CHECK(resp_int((const uint8_t *)"-42", 3, &v) && v == -42);
	CHECK(resp_int((const uint8_t *)"9223372036854775807", 19, &v) && v == INT64_MAX);
	CHECK(resp_int((const uint8_t *)"-9223372036854775808", 20, &v) && v == INT64_MIN);
	CHECK(!resp_int((const uint8_t *)"9223372036854775808", 19, &v));
	CHECK(!resp_int((const uint8_t *)"-0", 2, &v));
	CHECK(!resp_int((const uint8_t *)"01", 2, &v));
	CHECK(!resp_int((const uint8_t *)"+1", 2, &v));
	CHECK(!resp_int((const uint8_t *)"", 0, &v));
	CHECK(!resp_int((const uint8_t *)"-", 1, &v));
	CHECK(!resp_int((const uint8_t *)"1 ", 2, &v));
}

UNIT(log_crc32c)
{
	/* The check value of CRC-32C (RFC 3720 B.4 and the CRC catalogue). */
	CHECK_EQ(kvlog_crc32c(0, "123456789", 9), 0xE3069283u);
	CHECK_EQ(kvlog_crc32c(kvlog_crc32c(0, "1234", 4), "56789", 5), 0xE3069283u);
	uint8_t z[32] = { 0 };
	CHECK_EQ(kvlog_crc32c(0, z, 32), 0x8A9136AAu);
}

UNIT(log_record)
{
	uint8_t buf[256];
	struct kvlog_rec r = { .epoch = 7, .type = KVLOG_SET, .seq = 0x123456789ull,
			       .key = (const uint8_t *)"key", .klen = 3,
			       .val = (const uint8_t *)"value", .vlen = 5 }, d;
	size_t used = 0, n = kvlog_encode(&r, buf, sizeof(buf));

	CHECK_EQ(n, 40);
	CHECK_EQ(kvlog_encode(&r, buf, 39), 0);
	CHECK_EQ(kvlog_decode(buf, n, 64, 64, &d, &used), KVLOG_OK);
	CHECK_EQ(used, 40);
	CHECK(d.epoch == 7 && d.type == KVLOG_SET && d.seq == 0x123456789ull);
	CHECK(d.klen == 3 && !memcmp(d.key, "key", 3) && d.vlen == 5 && !memcmp(d.val, "value", 5));
	/* Every cut is short, never OK. */
	for (size_t i = 1; i < n; i++)
		CHECK_EQ(kvlog_decode(buf, i, 64, 64, &d, &used), KVLOG_SHORT);
	/* Every flipped bit is caught. */
	for (size_t i = 0; i < n * 8; i++) {
		buf[i / 8] ^= (uint8_t)(1 << (i % 8));
		CHECK(kvlog_decode(buf, n, 64, 64, &d, &used) != KVLOG_OK);
		buf[i / 8] ^= (uint8_t)(1 << (i % 8));
	}
	CHECK_EQ(kvlog_decode(buf, n, 2, 64, &d, &used), KVLOG_BADLEN);   /* key too long */
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(kvlog_decode(buf, 64, 64, 64, &d, &used), KVLOG_END);
	CHECK_EQ(kvlog_decode(buf, 16, 64, 64, &d, &used), KVLOG_SHORT);
	buf[20] = 1;
	CHECK_EQ(kvlog_decode(buf, 64, 64, 64, &d, &used), KVLOG_BADMAGIC);
	/* The type rules. */
	struct kvlog_rec del = { .epoch = 1, .type = KVLOG_DEL, .seq = 1,
				 .key = (const uint8_t *)"k", .klen = 1 };
	n = kvlog_encode(&del, buf, sizeof(buf));
	CHECK_EQ(kvlog_decode(buf, n, 64, 64, &d, &used), KVLOG_OK);
	struct kvlog_rec fl = { .epoch = 1, .type = KVLOG_FLUSH, .seq = 2 };
	n = kvlog_encode(&fl, buf, sizeof(buf));
	CHECK_EQ(n, 32);
	CHECK_EQ(kvlog_decode(buf, n, 64, 64, &d, &used), KVLOG_OK);
	struct kvlog_rec bad = { .epoch = 1, .type = KVLOG_FLUSH, .seq = 2,
				 .key = (const uint8_t *)"k", .klen = 1 };
	n = kvlog_encode(&bad, buf, sizeof(buf));
	CHECK_EQ(kvlog_decode(buf, n, 64, 64, &d, &used), KVLOG_BADLEN);
	bad.type = 9;
	n = kvlog_encode(&bad, buf, sizeof(buf));
	CHECK_EQ(kvlog_decode(buf, n, 64, 64, &d, &used), KVLOG_BADLEN);
}

UNIT(log_header)
{
	uint8_t buf[KVLOG_HDR_SIZE];
	struct kvlog_hdr h = { .gen = 5, .start = 4096, .len = 1 << 20, .disk_bytes = 3 << 20 }, d;

	kvlog_hdr_encode(&h, buf);
	CHECK(!memcmp(buf, "KVSTORE1", 8));
	CHECK(kvlog_hdr_decode(buf, &d));
	CHECK(d.gen == 5 && d.start == 4096 && d.len == 1 << 20 && d.disk_bytes == 3 << 20);
	for (size_t i = 0; i < sizeof(buf) * 8; i++) {
		buf[i / 8] ^= (uint8_t)(1 << (i % 8));
		CHECK(!kvlog_hdr_decode(buf, &d));
		buf[i / 8] ^= (uint8_t)(1 << (i % 8));
	}
	/* The zero tail set, under a CRC that matches it (found by the
	 * kvlog fuzzer): not a version 1 header. */
	kvlog_hdr_encode(&h, buf);
	buf[50] = 1;
	memset(buf + 12, 0, 4);
	uint32_t crc = kvlog_crc32c(0, buf, sizeof(buf));

	memcpy(buf + 12, &crc, 4);
	CHECK(!kvlog_hdr_decode(buf, &d));
	buf[50] = 0;
	kvlog_hdr_encode(&h, buf);
	CHECK(kvlog_hdr_decode(buf, &d));
	memset(buf, 0, sizeof(buf));
	CHECK(!kvlog_hdr_decode(buf, &d));
}

static uint64_t rnd_state = 0x1234567;
static uint32_t rnd(void)
{
	rnd_state = rnd_state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(rnd_state >> 33);
}

/* Random and mutated inputs: the decoders stay inside their buffers
 * (ASan), and what they accept is consistent. */
UNIT(fuzz_decoders)
{
	static const char *seeds[] = {
		"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\nvv\r\n", "GET \"a\\x41\" 'b'\r\n",
		"*1\r\n$4\r\nPING\r\n", "KEYS [a-z]*\n",
	};
	uint8_t buf[512], rec[128];
	struct kvlog_rec r = { .epoch = 1, .type = KVLOG_SET, .seq = 3,
			       .key = (const uint8_t *)"kk", .klen = 2,
			       .val = (const uint8_t *)"vvv", .vlen = 3 }, d;
	size_t rn = kvlog_encode(&r, rec, sizeof(rec)), used;

	for (int it = 0; it < 200000; it++) {
		const char *s = seeds[rnd() % 4];
		size_t n = strlen(s);
		memcpy(buf, s, n);
		for (int m = rnd() % 4; m >= 0; m--)
			buf[rnd() % n] = (uint8_t)rnd();
		n = rnd() % (n + 1);
		uint8_t *heap = malloc(n ? n : 1);     /* exact size: ASan sees overreads */
		memcpy(heap, buf, n);
		const char *err;
		long got = resp_parse(heap, n, &lim, &req, &err);
		CHECK(got >= -1 && got <= (long)n);
		if (got > 0)
			for (size_t i = 0; i < req.argc; i++)
				CHECK(req.argv[i] >= heap && req.argv[i] + req.argl[i] <= heap + n);
		if (got < 0)
			CHECK(err != NULL);
		free(heap);

		memcpy(buf, rec, rn);
		for (int m = rnd() % 3; m >= 0; m--)
			buf[rnd() % rn] ^= (uint8_t)(1 << (rnd() % 8));
		n = rnd() % (rn + 1);
		heap = malloc(n ? n : 1);
		memcpy(heap, buf, n);
		enum kvlog_status st = kvlog_decode(heap, n, 64, 64, &d, &used);
		if (st == KVLOG_OK)
			CHECK(used <= n && d.key + d.klen <= heap + n && d.val + d.vlen <= heap + n);
		free(heap);

		size_t pl = rnd() % 8, sl = rnd() % 8;
		uint8_t p[8], str[8];
		for (size_t i = 0; i < 8; i++) {
			p[i] = "a*?[]^-\\"[rnd() % 8];
			str[i] = "ab*[]"[rnd() % 5];
		}
		resp_glob(p, pl, str, sl);
	}
}

UNIT(db_basic)
{
	struct kvdb db;
	char k[32], v[32];

	CHECK(kvdb_init(&db, 42));
	CHECK(kvdb_set(&db, (const uint8_t *)"a", 1, (const uint8_t *)"1", 1));
	CHECK(kvdb_set(&db, (const uint8_t *)"a", 1, (const uint8_t *)"22", 2));
	CHECK_EQ(db.n, 1);
	CHECK_EQ(db.bytes, 3);
	struct kvent *e = kvdb_get(&db, (const uint8_t *)"a", 1);
	CHECK(e && e->vlen == 2 && !memcmp(e->val, "22", 2));
	CHECK(kvdb_set(&db, (const uint8_t *)"e", 1, NULL, 0));
	CHECK(kvdb_get(&db, (const uint8_t *)"e", 1)->vlen == 0);
	for (int i = 0; i < 5000; i++) {
		int kl = sprintf(k, "key:%d", i), vl = sprintf(v, "%d", i * 7);
		CHECK(kvdb_set(&db, (uint8_t *)k, (size_t)kl, (uint8_t *)v, (size_t)vl));
	}
	CHECK_EQ(db.n, 5002);
	CHECK(db.nb >= 4096);
	size_t pos = 0, seen = 0;
	for (e = kvdb_next(&db, &pos, NULL); e; e = kvdb_next(&db, &pos, e))
		seen++;
	CHECK_EQ(seen, 5002);
	for (int i = 0; i < 5000; i += 2) {
		int kl = sprintf(k, "key:%d", i);
		CHECK(kvdb_del(&db, (uint8_t *)k, (size_t)kl));
		CHECK(!kvdb_del(&db, (uint8_t *)k, (size_t)kl));
	}
	CHECK_EQ(db.n, 2502);
	int kl = sprintf(k, "key:%d", 4001), vl;
	e = kvdb_get(&db, (uint8_t *)k, (size_t)kl);
	vl = sprintf(v, "%d", 4001 * 7);
	CHECK(e && e->vlen == (uint32_t)vl && !memcmp(e->val, v, (size_t)vl));
	kvdb_clear(&db);
	CHECK_EQ(db.n, 0);
	CHECK_EQ(db.bytes, 0);
	CHECK(!kvdb_get(&db, (uint8_t *)k, (size_t)kl));
	kvdb_destroy(&db);
}

UNIT_MAIN()
