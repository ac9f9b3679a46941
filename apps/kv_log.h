/* SPDX-License-Identifier: MIT */
/* The key-value appliance's on-disk records: the codec of the log records
 * and of the disk header (the format is described at the top of
 * apps/kv_log.c). Pure functions over buffers, host unit-tested and
 * fuzzed; apps/kv_disk.c does the I/O. */
#ifndef APPS_KV_LOG_H
#define APPS_KV_LOG_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define KVLOG_REC_MAGIC   0x3152564bu      /* "KVR1" little-endian */
#define KVLOG_REC_HDR     32u              /* bytes before the key */
#define KVLOG_HDR_MAGIC   0x3145524f5453564bull    /* "KVSTORE1" little-endian */
#define KVLOG_HDR_SIZE    64u              /* bytes of a header used */
#define KVLOG_VERSION     1u

enum kvlog_type {
	KVLOG_SET = 1,          /* key = value */
	KVLOG_DEL = 2,          /* key removed (no value) */
	KVLOG_FLUSH = 3,        /* every key removed (no key, no value) */
};

struct kvlog_rec {
	uint32_t epoch;         /* the log's generation (low 32 bits) */
	uint8_t type;           /* enum kvlog_type */
	uint64_t seq;           /* increases along a log */
	const uint8_t *key;     /* into the buffer decoded */
	uint32_t klen;
	const uint8_t *val;
	uint32_t vlen;
};

/* What kvlog_decode found at the start of a buffer. */
enum kvlog_status {
	KVLOG_OK = 0,           /* a record, whole and checksummed */
	KVLOG_END,              /* zeros: nothing was written here */
	KVLOG_SHORT,            /* a plausible header whose record runs past
				   the buffer (read more, or torn at the end) */
	KVLOG_BADMAGIC,         /* not zeros, not a record */
	KVLOG_BADLEN,           /* lengths or type that cannot be */
	KVLOG_BADCRC,           /* checksum mismatch: torn or corrupt */
};

/* CRC-32C (Castagnoli, reflected 0x82F63B78, as iSCSI and ext4 use it) of
 * buf, continued from crc (0 to start). */
uint32_t kvlog_crc32c(uint32_t crc, const void *buf, size_t len);

/* Bytes a record of these lengths takes. */
static inline size_t kvlog_rec_size(size_t klen, size_t vlen)
{
	return KVLOG_REC_HDR + klen + vlen;
}

/* Encode r into out (kvlog_rec_size(r->klen, r->vlen) bytes).
 * @return the bytes written, or 0 when cap is too small. */
size_t kvlog_encode(const struct kvlog_rec *r, uint8_t *out, size_t cap);

/* Decode the record at buf[0..len); max_klen/max_vlen bound the lengths
 * believed (a larger one is KVLOG_BADLEN). @return the status; on KVLOG_OK
 * *used is the record's size and r points into buf. */
enum kvlog_status kvlog_decode(const uint8_t *buf, size_t len, uint32_t max_klen,
			       uint32_t max_vlen, struct kvlog_rec *r, size_t *used);

/* A name for a status ("bad checksum", ...). */
const char *kvlog_status_str(enum kvlog_status s);

/* The disk header: which region holds the live log. */
struct kvlog_hdr {
	uint64_t gen;           /* generation: the newer valid header wins */
	uint64_t start;         /* byte offset of the live log's region */
	uint64_t len;           /* its length in bytes */
	uint64_t disk_bytes;    /* the disk's size when it was formatted */
};

/* Encode h into out[0..KVLOG_HDR_SIZE). */
void kvlog_hdr_encode(const struct kvlog_hdr *h, uint8_t out[KVLOG_HDR_SIZE]);
/* @return true and *h when buf[0..KVLOG_HDR_SIZE) is a valid header. */
bool kvlog_hdr_decode(const uint8_t *buf, struct kvlog_hdr *h);

#endif
