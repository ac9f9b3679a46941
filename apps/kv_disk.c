// SPDX-License-Identifier: MIT
/* The key-value appliance's log on a block device (apps/kv_disk.h): the
 * header slots, replay, group-committed appends and compaction. The format
 * and the argument for why a crash loses nothing acknowledged are at the
 * top of apps/kv_log.c. */
#include "kv_disk.h"
#include <drivers/blkdev.h>
#include <kern/errno.h>
#include <kern/irq.h>
#include <kern/sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KVD_FIRST       4096u           /* regions start here (or at 2 sectors) */
#define KVD_CHUNK       (64u * 1024)    /* replay and compaction I/O size */
#define KVD_MIN_REGION  (64u * 1024)
#define KVD_SEQ_GAP     (1ull << 32)    /* sequence jump at each open */

static struct {
	struct blkdev *bd;
	uint32_t ss;
	struct kvdisk_conf conf;
	struct kvlog_hdr hdr;           /* the live one */
	uint64_t first, rlen;           /* region A's start, each region's length */
	uint64_t pos;                   /* bytes appended to the live log */
	uint64_t seq;                   /* last sequence number used */
	uint64_t compact_at;            /* compact when pos would pass this */
	uint8_t *tail;                  /* log bytes [tbase, pos), not yet durable */
	size_t tcap;
	uint64_t tbase;                 /* sector-aligned */
	uint64_t appended, durable;     /* records: tickets */
	bool committing;                /* a write (or a compaction) is under way */
	int err;                        /* sticky */
	struct waitq wq;
	struct mutex lock;
	uint64_t replayed, commits, compactions;
} kd;

bool kvdisk_active(void)
{
	return kd.bd != NULL;
}

void kvdisk_lock(void)
{
	if (kd.bd)
		mutex_lock(&kd.lock);
}

void kvdisk_unlock(void)
{
	if (kd.bd)
		mutex_unlock(&kd.lock);
}

static size_t max_rec(void)
{
	return kvlog_rec_size(kd.conf.max_klen, kd.conf.max_vlen);
}

/* Byte offsets to sector I/O (offsets and lengths are sector multiples). */
static int dread(uint64_t off, void *buf, size_t len)
{
	return blkdev_read(kd.bd, off / kd.ss, (uint32_t)(len / kd.ss), buf);
}

static int dwrite(uint64_t off, const void *buf, size_t len)
{
	return blkdev_write(kd.bd, off / kd.ss, (uint32_t)(len / kd.ss), buf);
}

static void wait_idle(void)
{
	unsigned long f = irq_save();

	while (kd.committing)
		waitq_sleep_locked(&kd.wq, 0);
	irq_restore(f);
}

static void set_idle(void)
{
	kd.committing = false;
	waitq_wake_all(&kd.wq);
}

/* A fresh tail holding the log's bytes from the sector pos is in up to pos
 * (copied from src, which holds the log from src_base). */
static int new_tail(const uint8_t *src, uint64_t src_base)
{
	uint64_t base = ALIGN_DOWN(kd.pos, (uint64_t)kd.ss);
	size_t cap = MAX((size_t)4 * kd.ss, (size_t)8192);
	uint8_t *t = malloc(cap);

	if (!t)
		return -ENOMEM;
	memset(t, 0, cap);
	if (kd.pos > base)
		memcpy(t, src + (base - src_base), kd.pos - base);
	kd.tail = t;
	kd.tcap = cap;
	kd.tbase = base;
	return 0;
}

/* How many bytes to write for a log whose data ends `used` bytes after a
 * sector-aligned offset `at`: whole sectors, and one sector more of zeros
 * when fewer than a record header's worth of zeros would follow the data
 * (so that replay finds the clean end there, not stale bytes). The buffer
 * must have a sector to spare. */
static size_t write_len(uint64_t at, size_t used)
{
	size_t len = ALIGN_UP(used, (size_t)kd.ss);

	if (len - used < KVLOG_REC_HDR && at + len + kd.ss <= kd.rlen)
		len += kd.ss;
	return len;
}

/* Write the header of h into its slot. */
static int write_hdr(const struct kvlog_hdr *h)
{
	uint8_t *sec = calloc(1, kd.ss);
	int rc;

	if (!sec)
		return -ENOMEM;
	kvlog_hdr_encode(h, sec);
	rc = dwrite((h->gen % 2) * kd.ss, sec, kd.ss);
	if (!rc)
		rc = blkdev_flush(kd.bd);
	free(sec);
	return rc;
}

/* --- Replay ------------------------------------------------------------------ */

static int replay(void)
{
	size_t cap = ALIGN_UP(KVD_CHUNK + max_rec(), (size_t)kd.ss) + kd.ss;
	uint8_t *w = malloc(cap);
	uint64_t wbase = 0, end = kd.hdr.len, bytes = 0;
	size_t wlen = 0, cur = 0;
	uint32_t epoch = (uint32_t)kd.hdr.gen;
	const char *why = NULL;
	int rc = 0;

	if (!w)
		return -ENOMEM;
	for (;;) {
		struct kvlog_rec r;
		size_t used;
		enum kvlog_status st = kvlog_decode(w + cur, wlen - cur, kd.conf.max_klen,
						    kd.conf.max_vlen, &r, &used);

		if (st == KVLOG_SHORT && wbase + wlen < end) {
			/* Slide the window by whole sectors and read on:
			 * wbase and the read offset wbase + wlen stay
			 * sector-aligned, and the sector holding cur stays
			 * in the window (the tail starts with it). */
			size_t drop = ALIGN_DOWN(cur, (size_t)kd.ss);
			memmove(w, w + drop, wlen - drop);
			wbase += drop;
			wlen -= drop;
			cur -= drop;
			size_t n = ALIGN_DOWN(cap - wlen, (size_t)kd.ss);
			n = (size_t)MIN((uint64_t)n, end - (wbase + wlen));
			if ((rc = dread(kd.hdr.start + wbase + wlen, w + wlen, n)) < 0) {
				why = "read error";
				break;
			}
			wlen += n;
			continue;
		}
		if (st != KVLOG_OK) {
			why = kvlog_status_str(st);
			if (st == KVLOG_SHORT && wbase + cur == end)
				why = "end of region";
			break;
		}
		if (r.epoch != epoch || (kd.seq && r.seq <= kd.seq)) {
			why = r.epoch != epoch ? "end of log (a record of an older log follows)"
					       : "end of log (a record of an earlier run follows)";
			st = KVLOG_END;
			break;
		}
		if ((rc = kd.conf.apply(kd.conf.ctx, &r)) < 0) {
			why = "out of memory";
			break;
		}
		kd.seq = r.seq;
		kd.replayed++;
		bytes += used;
		cur += used;
	}
	kd.pos = wbase + cur;
	printf("kv: %s: replayed %llu records (%llu bytes) of generation %llu; stopped at "
	       "log offset %llu: %s\n", kd.bd->name, (unsigned long long)kd.replayed,
	       (unsigned long long)bytes, (unsigned long long)kd.hdr.gen,
	       (unsigned long long)kd.pos, why);
	if (!rc && strncmp(why, "end of log", 10))
		printf("kv: %s: the log continues at offset %llu; anything recorded after it "
		       "is dropped\n", kd.bd->name, (unsigned long long)kd.pos);
	if (!rc)
		rc = new_tail(w, wbase);
	free(w);
	return rc;
}

/* --- Opening --------------------------------------------------------------------- */

static int format(void)
{
	uint8_t *z = calloc(1, kd.ss);
	int rc;

	if (!z)
		return -ENOMEM;
	kd.hdr = (struct kvlog_hdr){ .gen = 1, .start = kd.first, .len = kd.rlen,
				     .disk_bytes = kd.bd->capacity * kd.ss };
	/* The region starts with zeros (an empty log), then the header. */
	rc = dwrite(kd.first, z, kd.ss);
	if (!rc)
		rc = blkdev_flush(kd.bd);
	free(z);
	if (!rc)
		rc = write_hdr(&kd.hdr);
	printf("kv: %s: no store header: formatted (%llu bytes per log region)\n",
	       kd.bd->name, (unsigned long long)kd.rlen);
	return rc;
}

static bool hdr_sane(const struct kvlog_hdr *h)
{
	return (h->start == kd.first || h->start == kd.first + kd.rlen) && h->len == kd.rlen;
}

int kvdisk_open(const struct kvdisk_conf *conf)
{
	struct kvlog_hdr h[2];
	bool ok[2];
	uint64_t bytes;
	uint8_t *sec;
	int rc;

	memset(&kd, 0, sizeof(kd));
	kd.conf = *conf;
	waitq_init(&kd.wq);
	mutex_init(&kd.lock);
	kd.bd = blkdev_find(conf->disk);
	if (!kd.bd)
		return -ENODEV;
	if (kd.bd->flags & BLKDEV_F_RO) {
		kd.bd = NULL;
		return -EROFS;
	}
	kd.ss = kd.bd->sector_size;
	bytes = kd.bd->capacity * kd.ss;
	kd.first = ALIGN_UP(MAX((uint64_t)KVD_FIRST, 2ull * kd.ss), (uint64_t)kd.ss);
	uint64_t unit = MAX((uint64_t)KVD_FIRST, (uint64_t)kd.ss);
	kd.rlen = bytes > kd.first ? ALIGN_DOWN((bytes - kd.first) / 2, unit) : 0;
	if (kd.rlen < KVD_MIN_REGION + max_rec()) {
		printf("kv: %s: %llu bytes is too small for the store (limits kv.maxkey and "
		       "kv.maxval want two regions of %llu)\n", kd.bd->name,
		       (unsigned long long)bytes,
		       (unsigned long long)(KVD_MIN_REGION + max_rec()));
		kd.bd = NULL;
		return -ENOSPC;
	}
	if (!(sec = malloc(kd.ss))) {
		kd.bd = NULL;
		return -ENOMEM;
	}
	for (int i = 0; i < 2; i++) {
		rc = dread((uint64_t)i * kd.ss, sec, kd.ss);
		ok[i] = !rc && kvlog_hdr_decode(sec, &h[i]) && h[i].gen % 2 == (uint64_t)i &&
			hdr_sane(&h[i]);
	}
	free(sec);
	if (ok[0] || ok[1]) {
		kd.hdr = ok[0] && (!ok[1] || h[0].gen > h[1].gen) ? h[0] : h[1];
		rc = replay();
	} else {
		rc = format();
		if (!rc)
			rc = new_tail(NULL, 0);
	}
	if (rc) {
		free(kd.tail);
		kd.bd = NULL;
		return rc;
	}
	kd.seq += KVD_SEQ_GAP;
	kd.compact_at = conf->compact_at ? conf->compact_at : kd.rlen / 2;
	kd.compact_at = MIN(MAX(kd.compact_at, 2 * kd.pos), kd.rlen);
	return 0;
}

/* --- Writing --------------------------------------------------------------------- */

/* Write the tail out and flush: everything appended so far becomes
 * durable. Appends go on into a fresh tail meanwhile. */
static int commit(void)
{
	uint8_t *buf = kd.tail;
	uint64_t base = kd.tbase, end = kd.pos, upto = kd.appended;
	size_t len = write_len(base, (size_t)(end - base));
	int rc;

	kd.committing = true;
	if ((rc = new_tail(buf, base)) < 0) {
		set_idle();
		return rc;
	}
	memset(buf + (end - base), 0, len - (size_t)(end - base));
	rc = dwrite(kd.hdr.start + base, buf, len);
	if (!rc)
		rc = blkdev_flush(kd.bd);
	free(buf);
	kd.commits++;
	if (rc) {
		printf("kv: %s: log write failed (%d): the store refuses writes from now on\n",
		       kd.bd->name, rc);
		kd.err = rc;
	} else {
		kd.durable = upto;
	}
	set_idle();
	return rc;
}

int kvdisk_sync(uint64_t ticket)
{
	int rc;

	while (kd.bd && kd.durable < ticket) {
		if (kd.err)
			return kd.err;
		if (kd.committing)
			wait_idle();
		else if ((rc = commit()) < 0)
			return rc;
	}
	return 0;
}

/* Compaction's output: records packed into a buffer written out a chunk
 * at a time. */
struct snap {
	uint8_t *buf;
	size_t cap, fill;
	uint64_t start, off;    /* region, bytes written to it */
	uint32_t epoch;
};

static int snap_put(void *arg, const uint8_t *key, size_t klen, const uint8_t *val, size_t vlen)
{
	struct snap *s = arg;
	struct kvlog_rec r = { .epoch = s->epoch, .type = KVLOG_SET, .seq = ++kd.seq,
			       .key = key, .klen = (uint32_t)klen, .val = val,
			       .vlen = (uint32_t)vlen };
	size_t n = kvlog_rec_size(klen, vlen);
	int rc;

	if (s->off + s->fill + n > kd.rlen)
		return -ENOSPC;
	if (s->fill + n > s->cap)
		return -E2BIG;          /* longer than the limits: cannot be */
	kvlog_encode(&r, s->buf + s->fill, s->cap - s->fill);
	s->fill += n;
	if (s->fill >= KVD_CHUNK) {
		size_t w = ALIGN_DOWN(s->fill, (size_t)kd.ss);
		if ((rc = dwrite(s->start + s->off, s->buf, w)) < 0)
			return rc;
		memmove(s->buf, s->buf + w, s->fill - w);
		s->fill -= w;
		s->off += w;
	}
	return 0;
}

/* Write the table as a fresh log into the other region and switch to it
 * (called under the lock, so the table holds still while this yields). */
static int compact(void)
{
	struct kvlog_hdr nh = kd.hdr;
	struct snap s;
	int rc;

	wait_idle();
	if (kd.err)
		return kd.err;
	kd.committing = true;           /* nobody writes the old log meanwhile */
	nh.gen = kd.hdr.gen + 1;
	nh.start = kd.hdr.start == kd.first ? kd.first + kd.rlen : kd.first;
	s = (struct snap){ .cap = ALIGN_UP(KVD_CHUNK + max_rec(), (size_t)kd.ss) + kd.ss,
			   .start = nh.start, .epoch = (uint32_t)nh.gen };
	if (!(s.buf = malloc(s.cap))) {
		set_idle();
		return -ENOMEM;
	}
	rc = kd.conf.snapshot(kd.conf.ctx, snap_put, &s);
	if (!rc) {
		size_t w = write_len(s.off, s.fill);
		memset(s.buf + s.fill, 0, w - s.fill);
		rc = dwrite(s.start + s.off, s.buf, w);
	}
	if (!rc)
		rc = blkdev_flush(kd.bd);
	if (!rc)
		rc = write_hdr(&nh);    /* the switch */
	if (rc) {
		printf("kv: %s: compaction failed (%d); the log stays in generation %llu\n",
		       kd.bd->name, rc, (unsigned long long)kd.hdr.gen);
		free(s.buf);
		kd.compact_at = kd.rlen;        /* try again only when full */
		set_idle();
		return rc;
	}
	uint64_t old = kd.pos;
	kd.hdr = nh;
	kd.pos = s.off + s.fill;
	free(kd.tail);
	rc = new_tail(s.buf, s.off);
	free(s.buf);
	if (rc) {
		kd.err = rc;
		set_idle();
		return rc;
	}
	kd.durable = kd.appended;
	kd.compactions++;
	kd.compact_at = MIN(MAX(kd.conf.compact_at ? kd.conf.compact_at : kd.rlen / 2,
				2 * kd.pos), kd.rlen);
	printf("kv: %s: compacted the log from %llu to %llu bytes (generation %llu)\n",
	       kd.bd->name, (unsigned long long)old, (unsigned long long)kd.pos,
	       (unsigned long long)kd.hdr.gen);
	set_idle();
	return 0;
}

int kvdisk_append(enum kvlog_type type, const uint8_t *key, size_t klen,
		  const uint8_t *val, size_t vlen, uint64_t *ticket)
{
	size_t n = kvlog_rec_size(klen, vlen);
	int rc;

	*ticket = 0;
	if (!kd.bd)
		return 0;
	if (kd.err)
		return kd.err;
	if (kd.pos + n > kd.compact_at && (rc = compact()) < 0 && rc != -ENOSPC)
		return rc;
	if (kd.pos + n > kd.rlen)
		return -ENOSPC;
	size_t need = (size_t)(kd.pos - kd.tbase) + n;
	if (ALIGN_UP(need, (size_t)kd.ss) + kd.ss > kd.tcap) {     /* write_len */
		size_t cap = ALIGN_UP(MAX(need, 2 * kd.tcap), (size_t)kd.ss) + kd.ss;
		uint8_t *t = realloc(kd.tail, cap);
		if (!t)
			return -ENOMEM;
		kd.tail = t;
		kd.tcap = cap;
	}
	struct kvlog_rec r = { .epoch = (uint32_t)kd.hdr.gen, .type = (uint8_t)type,
			       .seq = ++kd.seq, .key = key, .klen = (uint32_t)klen,
			       .val = val, .vlen = (uint32_t)vlen };
	kvlog_encode(&r, kd.tail + (kd.pos - kd.tbase), kd.tcap - (size_t)(kd.pos - kd.tbase));
	kd.pos += n;
	*ticket = ++kd.appended;
	return 0;
}

void kvdisk_stats(struct kvdisk_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (!kd.bd)
		return;
	strlcpy(st->disk, kd.bd->name, sizeof(st->disk));
	st->gen = kd.hdr.gen;
	st->region_start = kd.hdr.start;
	st->region_len = kd.hdr.len;
	st->pos = kd.pos;
	st->compact_at = kd.compact_at;
	st->replayed = kd.replayed;
	st->appended = kd.appended;
	st->commits = kd.commits;
	st->compactions = kd.compactions;
	st->err = kd.err;
}
