// SPDX-License-Identifier: MIT
/* virtio-blk conformance (virtio 1.2 §5.2) and the block device's probe
 * request for the generic checks: a read of sectors 0..7. The cases give a
 * scratch disk (tests/conform writes it): the checks write to it. */
#include "conform.h"
#include <drivers/virtio_blk.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/time.h>
#include <arch/barrier.h>
#include <string.h>

#define PROBE_BYTES     4096
#define BLK_UNMAP       1u      /* discard/write-zeroes flags (§5.2.6) */

struct blk_dwz {
	uint64_t sector;
	uint32_t num_sectors;
	uint32_t flags;
};

static void hdr_fill(struct cf_buf *h, uint32_t type, uint64_t sector)
{
	struct virtio_blk_outhdr o = { .type = type, .reserved = 0, .sector = sector };

	memcpy(h->p, &o, sizeof(o));
}

int cf_blk_probe(struct cf_dev *d, struct cf_probe *p, int layout)
{
	struct cf_buf *h = cf_buf(d, 16, false), *io = cf_buf(d, PROBE_BYTES + 1, true);
	struct cf_seg *s = p->seg;

	if (!h || !io)
		return 0;
	hdr_fill(h, VIRTIO_BLK_T_IN, 0);
	p->q = 0;
	p->data = p->status = io;
	p->status_off = PROBE_BYTES;
	p->in_total = PROBE_BYTES + 1;
	switch (layout) {
	case 0:         /* header | data | status */
		s[0] = (struct cf_seg){ h, 0, 16 };
		s[1] = (struct cf_seg){ io, 0, PROBE_BYTES };
		s[2] = (struct cf_seg){ io, PROBE_BYTES, 1 };
		p->n_out = 1, p->n_in = 2;
		break;
	case 1:         /* the header split, the status inside the last data piece */
		s[0] = (struct cf_seg){ h, 0, 1 };
		s[1] = (struct cf_seg){ h, 1, 15 };
		s[2] = (struct cf_seg){ io, 0, 1 };
		s[3] = (struct cf_seg){ io, 1, 2047 };
		s[4] = (struct cf_seg){ io, 2048, PROBE_BYTES + 1 - 2048 };
		p->n_out = 2, p->n_in = 3;
		break;
	case 2:         /* data and status in one buffer */
		s[0] = (struct cf_seg){ h, 0, 16 };
		s[1] = (struct cf_seg){ io, 0, PROBE_BYTES + 1 };
		p->n_out = 1, p->n_in = 1;
		break;
	default:        /* the header in halves, a descriptor per sector */
		s[0] = (struct cf_seg){ h, 0, 8 };
		s[1] = (struct cf_seg){ h, 8, 8 };
		for (unsigned i = 0; i < PROBE_BYTES / 512; i++)
			s[2 + i] = (struct cf_seg){ io, i * 512, 512 };
		s[2 + PROBE_BYTES / 512] = (struct cf_seg){ io, PROBE_BYTES, 1 };
		p->n_out = 2, p->n_in = PROBE_BYTES / 512 + 1;
		break;
	}
	return (int)(p->n_out + p->n_in);
}

bool cf_blk_probe_ok(struct cf_dev *d, const struct cf_probe *p, uint32_t len)
{
	uint8_t st = p->status->p[p->status_off];

	(void)d;
	if (st != VIRTIO_BLK_S_OK) {
		CF_DIAG("a read of sectors 0..7 ended with status %u (expected 0, OK)", st);
		return false;
	}
	if (len != p->in_total)
		CF_DIAG("used len %u for %u bytes of data and status (an underestimate is allowed)",
			len, p->in_total);
	return true;
}

/* One request: header, optional data (readable unless data->write), the
 * status byte. @return 0 with *st, or -errno (diagnosed). */
static int blk_req(struct cf_dev *d, uint32_t type, uint64_t sector, struct cf_buf *data,
		   uint8_t *st, uint32_t *len)
{
	struct cf_buf *h = cf_buf(d, 16, false), *s = cf_buf(d, 1, true);
	struct cf_seg seg[3];
	unsigned n = 0, n_out;
	uint32_t ulen;

	if (!h || !s)
		return -ENOMEM;
	hdr_fill(h, type, sector);
	seg[n++] = (struct cf_seg){ h, 0, 16 };
	if (data && !data->write)
		seg[n++] = (struct cf_seg){ data, 0, data->len };
	n_out = n;
	if (data && data->write)
		seg[n++] = (struct cf_seg){ data, 0, data->len };
	seg[n++] = (struct cf_seg){ s, 0, 1 };
	int rc = cf_request(d, 0, seg, n_out, n - n_out, &ulen);
	if (rc)
		return rc;
	*st = s->p[0];
	if (len)
		*len = ulen;
	return 0;
}

static bool blk_up(struct cf_dev *d, uint64_t want, unsigned need_bit)
{
	if (cf_start(d, want | (need_bit ? VIRTIO_BIT(need_bit) : 0)))
		return false;
	if (need_bit && !(d->offered & VIRTIO_BIT(need_bit))) {
		CF_SKIP("n/a: feature bit %u not offered", need_bit);
		return false;
	}
	if (cf_queues(d))
		return false;
	cf_driver_ok(d);
	return true;
}

static uint64_t capacity(struct cf_dev *d)
{
	uint32_t lo = 0, hi = 0;

	d->vdev->ops->config_read(d->vdev, 0, &lo, 4);
	d->vdev->ops->config_read(d->vdev, 4, &hi, 4);
	return (uint64_t)hi << 32 | lo;
}

static const char *st_name(uint8_t st)
{
	return st == VIRTIO_BLK_S_OK ? "OK" : st == VIRTIO_BLK_S_IOERR ? "IOERR" :
	       st == VIRTIO_BLK_S_UNSUPP ? "UNSUPP" : "not a status";
}

CONFORM_CHECK(blk_status, "5.2.6-status-byte-written", "a read gets status OK in the last writable byte and the data", CF_BLK, CF_ALL)
{
	struct cf_buf *data;
	uint8_t st = 0xff;
	uint32_t len;

	if (!blk_up(d, 0, 0) || !(data = cf_buf(d, 512, true)))
		return;
	if (blk_req(d, VIRTIO_BLK_T_IN, 0, data, &st, &len))
		return;
	if (st != VIRTIO_BLK_S_OK)
		CF_FAIL("status %u (%s) for a read of sector 0", st, st_name(st));
	if (len > 513)
		CF_FAIL("used len %u > 513 writable bytes", len);
	CF_DIAG("status %u, used len %u, capacity %llu sectors", st, len,
		(unsigned long long)capacity(d));
}

CONFORM_CHECK(blk_ro, "5.2.6.2-read-only-write-ioerr", "with VIRTIO_BLK_F_RO offered a write gets IOERR and changes nothing", CF_BLK, CF_ALL)
{
	struct cf_buf *before, *w, *after;
	uint8_t st;

	if (!blk_up(d, VIRTIO_BIT(VIRTIO_BLK_F_RO), VIRTIO_BLK_F_RO))
		return;
	if (!(before = cf_buf(d, 512, true)) || !(w = cf_buf(d, 512, false)) ||
	    !(after = cf_buf(d, 512, true)))
		return;
	if (blk_req(d, VIRTIO_BLK_T_IN, 0, before, &st, NULL))
		return;
	for (unsigned i = 0; i < 512; i++)
		w->p[i] = (uint8_t)~before->p[i];
	if (blk_req(d, VIRTIO_BLK_T_OUT, 0, w, &st, NULL))
		return;
	if (st != VIRTIO_BLK_S_IOERR)
		CF_FAIL("a write to a read-only device got status %u (%s), not IOERR", st,
			st_name(st));
	if (blk_req(d, VIRTIO_BLK_T_IN, 0, after, &st, NULL))
		return;
	if (memcmp(before->p, after->p, 512))
		CF_FAIL("the write to a read-only device changed sector 0 (MUST NOT write data)");
}

CONFORM_CHECK(blk_range, "5.2.6-read-beyond-capacity-ioerr", "a read at sector capacity is refused with IOERR (the driver side, 5.2.6.1, forbids sending it)", CF_BLK, CF_ALL)
{
	struct cf_buf *data;
	uint8_t st;

	if (!blk_up(d, 0, 0) || !(data = cf_buf(d, 512, true)))
		return;
	uint64_t cap = capacity(d);
	if (blk_req(d, VIRTIO_BLK_T_IN, cap, data, &st, NULL))
		return;
	if (st == VIRTIO_BLK_S_OK)
		CF_FAIL("a read of sector %llu (= capacity) got status OK",
			(unsigned long long)cap);
	else
		CF_DIAG("status %u (%s) for sector %llu", st, st_name(st), (unsigned long long)cap);
}

CONFORM_CHECK(blk_id, "5.2.6-get-id-20-bytes", "GET_ID into 20 bytes: OK with printable ASCII up to a NUL, NUL after it (or UNSUPP), nothing past 20", CF_BLK, CF_ALL)
{
	struct cf_buf *id;
	uint8_t st;
	uint32_t len;

	if (!blk_up(d, 0, 0) || !(id = cf_buf(d, VIRTIO_BLK_ID_BYTES, true)))
		return;
	if (blk_req(d, VIRTIO_BLK_T_GET_ID, 0, id, &st, &len))
		return;
	if (st == VIRTIO_BLK_S_UNSUPP) {
		CF_DIAG("GET_ID unsupported");
		return;
	}
	if (st != VIRTIO_BLK_S_OK) {
		CF_FAIL("GET_ID status %u (%s)", st, st_name(st));
		return;
	}
	if (len > VIRTIO_BLK_ID_BYTES + 1)
		CF_FAIL("used len %u > 21", len);
	/* Bytes still holding the canary were not written: 2.7.8.1-used-
	 * len-bytes-written judges those against the used length. */
	bool nul = false;
	unsigned unwritten = 0;
	for (unsigned i = 0; i < VIRTIO_BLK_ID_BYTES; i++) {
		uint8_t c = id->p[i];
		if (c == CF_CANARY) {
			unwritten++;
			continue;
		}
		if (nul && c) {
			CF_FAIL("byte %u is %#x after the NUL terminator (NUL-padded)", i, c);
			break;
		}
		if (!c)
			nul = true;
		else if (c > 0x7e || c < 0x20) {
			CF_FAIL("byte %u is %#x, not printable ASCII", i, c);
			break;
		}
	}
	CF_DIAG("used len %u; %u of the 20 bytes left unwritten", len, unwritten);
}

CONFORM_CHECK(blk_lenw, "2.7.8.1-used-len-bytes-written", "the first len bytes of the writable buffers were written (a read of zeroed sectors; GET_ID's string, which never holds 0xa5)", CF_BLK, CF_ALL)
{
	struct cf_buf *data, *id;
	uint8_t st;
	uint32_t len;

	if (!blk_up(d, 0, 0) || !(data = cf_buf(d, 4096, true)) ||
	    !(id = cf_buf(d, VIRTIO_BLK_ID_BYTES, true)))
		return;
	/* Sectors 32..39 of the scratch disk: zeroes, written by no check. */
	if (blk_req(d, VIRTIO_BLK_T_IN, 32, data, &st, &len) || st)
		return;
	for (uint32_t i = 0; i < len && i < 4096; i++)
		if (data->p[i] == CF_CANARY) {
			CF_FAIL("read of 4096 bytes: used len %u, but byte %u was never written", len,
				i);
			break;
		}
	if (blk_req(d, VIRTIO_BLK_T_GET_ID, 0, id, &st, &len))
		return;
	if (st != VIRTIO_BLK_S_OK) {
		CF_DIAG("GET_ID status %u: not looked at", st);
		return;
	}
	unsigned first = VIRTIO_BLK_ID_BYTES, n = 0;
	for (uint32_t i = 0; i < len && i < VIRTIO_BLK_ID_BYTES; i++)
		if (id->p[i] == CF_CANARY) {
			first = MIN(first, i);
			n++;
		}
	if (n)
		CF_FAIL("GET_ID: used len %u (20 bytes of string and the status byte), but %u of "
			"the string's bytes from byte %u on were never written (2.7.8.1: MUST write at "
			"least len bytes)", len, n, first);
}

static void dwz(struct cf_dev *d, uint32_t type, unsigned bit, uint32_t flags,
		const char *what)
{
	struct cf_buf *seg;
	uint8_t st;

	if (!blk_up(d, VIRTIO_BIT(bit), bit) || !(seg = cf_buf(d, 16, false)))
		return;
	struct blk_dwz r = { .sector = 0, .num_sectors = 8, .flags = flags };
	memcpy(seg->p, &r, sizeof(r));
	if (blk_req(d, type, 0, seg, &st, NULL))
		return;
	if (st != VIRTIO_BLK_S_UNSUPP)
		CF_FAIL("%s: status %u (%s), not UNSUPP", what, st, st_name(st));
}

CONFORM_CHECK(blk_discard_unmap, "5.2.6.2-discard-unmap-unsupp", "a discard with the unmap flag gets UNSUPP", CF_BLK, CF_ALL)
{
	dwz(d, VIRTIO_BLK_T_DISCARD, VIRTIO_BLK_F_DISCARD, BLK_UNMAP, "discard with unmap");
}

CONFORM_CHECK(blk_discard_flag, "5.2.6.2-discard-unknown-flag-unsupp", "a discard with an unknown flag (bit 1) gets UNSUPP", CF_BLK, CF_ALL)
{
	dwz(d, VIRTIO_BLK_T_DISCARD, VIRTIO_BLK_F_DISCARD, 2, "discard with flag bit 1");
}

CONFORM_CHECK(blk_wz_flag, "5.2.6.2-write-zeroes-unknown-flag-unsupp", "a write-zeroes with an unknown flag (bit 1) gets UNSUPP", CF_BLK, CF_ALL)
{
	dwz(d, VIRTIO_BLK_T_WRITE_ZEROES, VIRTIO_BLK_F_WRITE_ZEROES, 2,
	    "write zeroes with flag bit 1");
}

CONFORM_CHECK(blk_wz, "5.2.6.2-write-zeroes-reads-zero", "after a write-zeroes of sectors 16..23 (written non-zero first), they read as zeroes", CF_BLK, CF_ALL)
{
	struct cf_buf *w, *seg, *r;
	uint8_t st;

	if (!blk_up(d, VIRTIO_BIT(VIRTIO_BLK_F_WRITE_ZEROES), VIRTIO_BLK_F_WRITE_ZEROES))
		return;
	if (d->offered & VIRTIO_BIT(VIRTIO_BLK_F_RO)) {
		CF_SKIP("n/a: read-only device");
		return;
	}
	if (!(w = cf_buf(d, 4096, false)) || !(seg = cf_buf(d, 16, false)) ||
	    !(r = cf_buf(d, 4096, true)))
		return;
	memset(w->p, 0x5a, 4096);
	if (blk_req(d, VIRTIO_BLK_T_OUT, 16, w, &st, NULL) || st) {
		CF_FAIL("writing sectors 16..23 first failed (status %u)", st);
		return;
	}
	struct blk_dwz z = { .sector = 16, .num_sectors = 8, .flags = 0 };
	memcpy(seg->p, &z, sizeof(z));
	if (blk_req(d, VIRTIO_BLK_T_WRITE_ZEROES, 0, seg, &st, NULL))
		return;
	if (st != VIRTIO_BLK_S_OK) {
		CF_FAIL("write zeroes of sectors 16..23: status %u (%s)", st, st_name(st));
		return;
	}
	if (blk_req(d, VIRTIO_BLK_T_IN, 16, r, &st, NULL) || st)
		return;
	for (unsigned i = 0; i < 4096; i++)
		if (r->p[i]) {
			CF_FAIL("byte %u of sectors 16..23 reads %#x after write zeroes (MUST read 0)",
				i, r->p[i]);
			return;
		}
}

CONFORM_CHECK(blk_wce, "5.2.5-config-wce-needs-flush", "a device offering VIRTIO_BLK_F_CONFIG_WCE offers VIRTIO_BLK_F_FLUSH", CF_BLK, CF_ALL)
{
	if (cf_start(d, 0))
		return;
	if (!(d->offered & VIRTIO_BIT(VIRTIO_BLK_F_CONFIG_WCE))) {
		CF_SKIP("n/a: VIRTIO_BLK_F_CONFIG_WCE not offered");
		return;
	}
	if (!(d->offered & VIRTIO_BIT(VIRTIO_BLK_F_FLUSH)))
		CF_FAIL("CONFIG_WCE offered without FLUSH (features %#llx)",
			(unsigned long long)d->offered);
}

/* unused1 (57..59) is past the configuration size QEMU shows, which reads
 * as 0xff over MMIO: only unused0 is checked. */
CONFORM_CHECK(blk_pad, "5.2.5-config-padding-zero", "the configuration's unused0 byte (offset 33) reads 0", CF_BLK, CF_ALL)
{
	static const unsigned off[] = { 33 };

	if (cf_start(d, 0))
		return;
	for (unsigned i = 0; i < ARRAY_SIZE(off); i++) {
		uint8_t b = 0;
		if (d->vdev->ops->config_read(d->vdev, off[i], &b, 1)) {
			CF_DIAG("byte %u is past the configuration the transport shows", off[i]);
			continue;
		}
		if (b)
			CF_FAIL("configuration byte %u (padding) reads %#x", off[i], b);
	}
}
