// SPDX-License-Identifier: MIT
/* The key-value appliance's disk format: records and headers (codec only;
 * apps/kv_disk.c reads and writes the disk). Pure, host unit-tested.
 *
 * On-disk format, version 1. Numbers are little-endian; offsets in bytes.
 *
 *   disk:   [0, ss)          header slot 0        (ss: the sector size)
 *           [ss, 2ss)        header slot 1
 *           [4096, 4096+R)   region A             R = (size - 4096) / 2,
 *           [4096+R, ...+R)  region B             rounded down to 4096
 *
 *   header (the first 64 bytes of its slot's sector; the rest is zero):
 *     0  u64  magic "KVSTORE1"
 *     8  u32  version (1)
 *    12  u32  CRC-32C of the 64 bytes with this field taken as 0
 *    16  u64  generation (gen); it lives in slot gen % 2
 *    24  u64  start of the live log's region
 *    32  u64  length of that region
 *    40  u64  the disk's size in bytes when formatted
 *    48  16 bytes of zero
 *   The valid header (magic, version, CRC, region inside the disk) with the
 *   highest generation names the live region; a disk with none is
 *   formatted (gen 1, region A).
 *
 *   log: records packed back to back from the region's start, no padding:
 *     0  u32  magic "KVR1"
 *     4  u32  CRC-32C of bytes 8 .. the record's end
 *     8  u32  epoch: the low 32 bits of the generation that wrote the log
 *    12  u8   type: 1 SET key value, 2 DEL key, 3 FLUSHALL; then 3 zeros
 *    16  u64  sequence number, increasing along the log
 *    24  u32  key length (SET, DEL: > 0; FLUSHALL: 0)
 *    28  u32  value length (DEL, FLUSHALL: 0)
 *    32  key bytes, then value bytes
 *   Writes go out in whole sectors; the bytes after the last record in its
 *   sector are zero (and a sector of zeros follows when fewer than 32 zero
 *   bytes would). A write starts at the sector holding the end of the
 *   durable log and rewrites its records with the same bytes, so even a
 *   write torn within a sector changes nothing already acknowledged.
 *
 * Replay reads records from the region's start and applies them in order.
 * It ends at 32 zero bytes (the clean end), at a record with another
 * epoch or a sequence number not above the last one (left from an earlier
 * log in this region or from an earlier run: also an end), and stops with
 * a message at anything else (bad magic, impossible lengths, a record
 * running past the region, a checksum mismatch: torn or corrupt). The log
 * continues at the end found; after a restart the sequence numbers jump by
 * 2^32, so that records left beyond that point from before (which could
 * pass their checksum) are never read as newer than the ones written over
 * their start.
 *
 * Compaction writes every live key as a SET to the other region with the
 * next generation's epoch, flushes, then writes the next generation's
 * header into its slot and flushes again: until that header is on the disk
 * the old header, region and log are untouched and valid, so a crash at
 * any point loses nothing that was acknowledged. */
#include "kv_log.h"
#include <string.h>

static uint32_t crc_table[256];

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0x82F63B78u : c >> 1;
		crc_table[i] = c;
	}
}

uint32_t kvlog_crc32c(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	if (!crc_table[1])
		crc_init();
	crc = ~crc;
	while (len--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

size_t kvlog_encode(const struct kvlog_rec *r, uint8_t *out, size_t cap)
{
	size_t n = kvlog_rec_size(r->klen, r->vlen);

	if (cap < n)
		return 0;
	put32(out, KVLOG_REC_MAGIC);
	put32(out + 8, r->epoch);
	out[12] = r->type;
	out[13] = out[14] = out[15] = 0;
	put64(out + 16, r->seq);
	put32(out + 24, r->klen);
	put32(out + 28, r->vlen);
	if (r->klen)
		memcpy(out + KVLOG_REC_HDR, r->key, r->klen);
	if (r->vlen)
		memcpy(out + KVLOG_REC_HDR + r->klen, r->val, r->vlen);
	put32(out + 4, kvlog_crc32c(0, out + 8, n - 8));
	return n;
}

enum kvlog_status kvlog_decode(const uint8_t *buf, size_t len, uint32_t max_klen,
			       uint32_t max_vlen, struct kvlog_rec *r, size_t *used)
{
	size_t hl = len < KVLOG_REC_HDR ? len : KVLOG_REC_HDR, i;

	for (i = 0; i < hl && !buf[i]; i++)
		;
	if (i == hl)
		return len ? (hl == KVLOG_REC_HDR ? KVLOG_END : KVLOG_SHORT) : KVLOG_SHORT;
	if (len < 4)
		return KVLOG_SHORT;
	if (get32(buf) != KVLOG_REC_MAGIC)
		return KVLOG_BADMAGIC;
	if (len < KVLOG_REC_HDR)
		return KVLOG_SHORT;
	r->epoch = get32(buf + 8);
	r->type = buf[12];
	r->seq = get64(buf + 16);
	r->klen = get32(buf + 24);
	r->vlen = get32(buf + 28);
	if (buf[13] || buf[14] || buf[15] || r->klen > max_klen || r->vlen > max_vlen)
		return KVLOG_BADLEN;
	switch (r->type) {
	case KVLOG_SET:
		if (!r->klen)
			return KVLOG_BADLEN;
		break;
	case KVLOG_DEL:
		if (!r->klen || r->vlen)
			return KVLOG_BADLEN;
		break;
	case KVLOG_FLUSH:
		if (r->klen || r->vlen)
			return KVLOG_BADLEN;
		break;
	default:
		return KVLOG_BADLEN;
	}
	size_t n = kvlog_rec_size(r->klen, r->vlen);
	if (len < n)
		return KVLOG_SHORT;
	if (kvlog_crc32c(0, buf + 8, n - 8) != get32(buf + 4))
		return KVLOG_BADCRC;
	r->key = buf + KVLOG_REC_HDR;
	r->val = buf + KVLOG_REC_HDR + r->klen;
	*used = n;
	return KVLOG_OK;
}

const char *kvlog_status_str(enum kvlog_status s)
{
	switch (s) {
	case KVLOG_OK:
		return "ok";
	case KVLOG_END:
		return "end of log";
	case KVLOG_SHORT:
		return "record cut off (torn write)";
	case KVLOG_BADMAGIC:
		return "bad record magic";
	case KVLOG_BADLEN:
		return "impossible record lengths or type";
	case KVLOG_BADCRC:
		return "bad checksum (torn or corrupt)";
	}
	return "?";
}

void kvlog_hdr_encode(const struct kvlog_hdr *h, uint8_t out[KVLOG_HDR_SIZE])
{
	memset(out, 0, KVLOG_HDR_SIZE);
	put64(out, KVLOG_HDR_MAGIC);
	put32(out + 8, KVLOG_VERSION);
	put64(out + 16, h->gen);
	put64(out + 24, h->start);
	put64(out + 32, h->len);
	put64(out + 40, h->disk_bytes);
	put32(out + 12, kvlog_crc32c(0, out, KVLOG_HDR_SIZE));
}

bool kvlog_hdr_decode(const uint8_t *buf, struct kvlog_hdr *h)
{
	uint8_t tmp[KVLOG_HDR_SIZE];

	if (get64(buf) != KVLOG_HDR_MAGIC || get32(buf + 8) != KVLOG_VERSION)
		return false;
	/* Bytes 48..63 are zero in version 1, as a record's padding is: a
	 * header with them set (even under a good CRC) is not one we wrote. */
	for (unsigned i = 48; i < KVLOG_HDR_SIZE; i++)
		if (buf[i])
			return false;
	memcpy(tmp, buf, KVLOG_HDR_SIZE);
	memset(tmp + 12, 0, 4);
	if (kvlog_crc32c(0, tmp, KVLOG_HDR_SIZE) != get32(buf + 12))
		return false;
	h->gen = get64(buf + 16);
	h->start = get64(buf + 24);
	h->len = get64(buf + 32);
	h->disk_bytes = get64(buf + 40);
	return h->gen != 0 && h->len != 0 && h->start + h->len > h->start;
}
