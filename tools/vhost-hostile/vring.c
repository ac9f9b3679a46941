// SPDX-License-Identifier: MIT
/* The device side of one split virtqueue (virtio 1.2 §2.7) carrying
 * virtio-blk requests (§5.2.6), and the ways it lies when told to.
 *
 * Honest path: take each new available head, walk its chain (direct or
 * through one indirect table, §2.7.5.3) into segments of mapped guest
 * memory, do the request against the disk, and put {head, bytes written}
 * in the used ring; then notify unless the driver asked not to be
 * (§2.7.7, §2.7.10). Every index and address the guest wrote is checked
 * before use: a broken chain is logged and answered with no status. */
#include "vhh.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct seg {
	uint8_t *p;
	uint32_t len;
	bool w;
};

static uint16_t ld16(const uint16_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void st16(uint16_t *p, uint16_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/* Walk the chain at head into segs. @return the count, or -1 for a chain
 * that leaves guest memory, loops, or nests indirect tables. */
static int walk(struct dev *d, struct vring *vq, uint16_t head, struct seg *segs,
		unsigned max)
{
	const struct vring_desc *tbl = vq->desc;
	unsigned tbl_n = vq->num, n = 0, steps = 0;
	bool indirect = false;
	uint16_t i = head;

	for (;;) {
		if (i >= tbl_n || ++steps > tbl_n)
			return -1;
		struct vring_desc dsc;
		memcpy(&dsc, &tbl[i], sizeof(dsc));
		if (dsc.flags & VRING_DESC_F_INDIRECT) {
			/* §2.7.5.3.1: one level, never with NEXT, whole entries. */
			if (indirect || (dsc.flags & VRING_DESC_F_NEXT) || !dsc.len ||
			    dsc.len % sizeof(struct vring_desc))
				return -1;
			tbl = gpa_to_host(d, dsc.addr, dsc.len);
			if (!tbl)
				return -1;
			tbl_n = dsc.len / sizeof(struct vring_desc);
			indirect = true;
			steps = 0;
			i = 0;
			continue;
		}
		if (n >= max)
			return -1;
		uint8_t *p = dsc.len ? gpa_to_host(d, dsc.addr, dsc.len) : NULL;
		if (dsc.len && !p)
			return -1;
		segs[n++] = (struct seg){ p, dsc.len, dsc.flags & VRING_DESC_F_WRITE };
		if (!(dsc.flags & VRING_DESC_F_NEXT))
			return (int)n;
		i = dsc.next;
	}
}

/* Move len bytes between the disk at off and the data pieces. */
static int disk_io(struct dev *d, uint64_t off, struct seg *data, unsigned n, bool write)
{
	for (unsigned k = 0; k < n; k++) {
		struct seg *s = &data[k];
		if (d->disk_fd < 0) {
			if (write)
				memcpy(d->ram + off, s->p, s->len);
			else
				memcpy(s->p, d->ram + off, s->len);
		} else {
			ssize_t r = write ? pwrite(d->disk_fd, s->p, s->len, (off_t)off)
					  : pread(d->disk_fd, s->p, s->len, (off_t)off);
			if (r != (ssize_t)s->len)
				return -1;
		}
		off += s->len;
	}
	return 0;
}

/* DISCARD and WRITE_ZEROES (§5.2.6): the data is an array of 16-byte
 * segments {sector, num_sectors, flags}. Discarded sectors read back as
 * zeroes here (the spec leaves them unspecified). */
static uint8_t blk_ranges(struct dev *d, uint32_t type, struct seg *data, unsigned n,
			  uint64_t dlen)
{
	uint8_t buf[16 * VHH_RANGE_SEGS];
	uint64_t got = 0;

	if (dlen == 0 || dlen % 16 || dlen > sizeof(buf))
		return VIRTIO_BLK_S_IOERR;
	for (unsigned k = 0; k < n; k++) {
		memcpy(buf + got, data[k].p, data[k].len);
		got += data[k].len;
	}
	for (uint64_t off = 0; off < dlen; off += 16) {
		uint64_t sector;
		uint32_t num, flags;
		memcpy(&sector, buf + off, 8);
		memcpy(&num, buf + off + 8, 4);
		memcpy(&flags, buf + off + 12, 4);
		/* §5.2.6.2: unknown flags, or unmap on a discard: unsupported. */
		if (flags & ~(uint32_t)(type == VIRTIO_BLK_T_WRITE_ZEROES ? VIRTIO_BLK_WZ_F_UNMAP : 0))
			return VIRTIO_BLK_S_UNSUPP;
		if (num > VHH_RANGE_SECTORS || sector > d->disk_bytes / 512 ||
		    num > d->disk_bytes / 512 - sector)
			return VIRTIO_BLK_S_IOERR;
		uint64_t at = sector * 512, len = (uint64_t)num * 512;
		if (d->disk_fd < 0) {
			memset(d->ram + at, 0, len);
			continue;
		}
		int mode = type == VIRTIO_BLK_T_DISCARD ? FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE
							: FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE;
		if (fallocate(d->disk_fd, mode, (off_t)at, (off_t)len) == 0)
			continue;
		/* A file system without it: write the zeroes. */
		static const uint8_t zero[65536];
		for (uint64_t done = 0; done < len; done += sizeof(zero)) {
			size_t w = len - done < sizeof(zero) ? (size_t)(len - done) : sizeof(zero);
			if (pwrite(d->disk_fd, zero, w, (off_t)(at + done)) != (ssize_t)w)
				return VIRTIO_BLK_S_IOERR;
		}
	}
	return VIRTIO_BLK_S_OK;
}

/* One virtio-blk request (§5.2.6): a 16-byte header the device reads,
 * data, and a status byte it writes last. @return the bytes written into
 * the chain, and *wtotal the writable bytes it offered. */
static uint32_t blk_request(struct dev *d, struct seg *s, unsigned n, uint32_t *wtotal)
{
	struct seg data[VHH_MAX_SEGS];
	uint8_t hdr[16];
	unsigned nd = 0, hk = 0, k;
	uint64_t dlen = 0;

	*wtotal = 0;
	for (k = 0; k < n; k++)
		if (s[k].w)
			*wtotal += s[k].len;
	/* The header: the first 16 readable bytes, whatever the split. */
	uint32_t skip = 0;
	for (k = 0; k < n && hk < sizeof(hdr); k++) {
		if (s[k].w)
			return 0;
		uint32_t take = s[k].len < sizeof(hdr) - hk ? s[k].len : (uint32_t)sizeof(hdr) - hk;
		memcpy(hdr + hk, s[k].p, take);
		hk += take;
		skip = take;
		if (take < s[k].len)
			break;
		skip = 0;
	}
	if (hk < sizeof(hdr) || n == 0 || !s[n - 1].w || s[n - 1].len == 0)
		return 0;
	uint8_t *status = s[n - 1].p + s[n - 1].len - 1;
	/* The data: the rest, less the status byte. */
	for (; k < n; k++) {
		struct seg piece = s[k];
		if (skip) {
			piece.p += skip;
			piece.len -= skip;
			skip = 0;
		}
		if (k == n - 1)
			piece.len--;
		if (piece.len) {
			data[nd++] = piece;
			dlen += piece.len;
		}
	}
	uint32_t type, sector_lo, sector_hi;
	memcpy(&type, hdr, 4);
	memcpy(&sector_lo, hdr + 8, 4);
	memcpy(&sector_hi, hdr + 12, 4);
	uint64_t off = ((uint64_t)sector_hi << 32 | sector_lo) * 512;
	uint8_t st = VIRTIO_BLK_S_OK;
	uint32_t written = 1;
	bool dev_writes = type == VIRTIO_BLK_T_IN || type == VIRTIO_BLK_T_GET_ID;

	for (unsigned j = 0; j < nd; j++)
		if (data[j].w != dev_writes && type != VIRTIO_BLK_T_FLUSH)
			st = VIRTIO_BLK_S_IOERR;
	if (st != VIRTIO_BLK_S_OK) {
		/* a chain whose directions do not fit its type */
	} else if (type == VIRTIO_BLK_T_IN || type == VIRTIO_BLK_T_OUT) {
		if (off / 512 != ((uint64_t)sector_hi << 32 | sector_lo) ||
		    off > d->disk_bytes || dlen > d->disk_bytes - off || dlen % 512)
			st = VIRTIO_BLK_S_IOERR;
		else if (type == VIRTIO_BLK_T_OUT && opt.readonly)
			st = VIRTIO_BLK_S_IOERR;
		else if (disk_io(d, off, data, nd, type == VIRTIO_BLK_T_OUT))
			st = VIRTIO_BLK_S_IOERR;
		else if (type == VIRTIO_BLK_T_IN)
			written += (uint32_t)dlen;
	} else if (type == VIRTIO_BLK_T_FLUSH) {
		if (d->disk_fd >= 0 && fdatasync(d->disk_fd))
			st = VIRTIO_BLK_S_IOERR;
	} else if (type == VIRTIO_BLK_T_GET_ID) {
		/* §5.2.6: up to 20 bytes, NUL-padded when shorter. */
		uint8_t id[VIRTIO_BLK_ID_BYTES] = { 0 };
		size_t sl = strlen(opt.serial);
		memcpy(id, opt.serial, sl < sizeof(id) ? sl : sizeof(id));
		uint32_t put = 0;
		for (unsigned j = 0; j < nd && put < sizeof(id); j++) {
			uint32_t t = data[j].len < sizeof(id) - put ? data[j].len
								   : (uint32_t)sizeof(id) - put;
			memcpy(data[j].p, id + put, t);
			put += t;
		}
		written += put;
	} else if (type == VIRTIO_BLK_T_DISCARD || type == VIRTIO_BLK_T_WRITE_ZEROES) {
		st = opt.readonly ? VIRTIO_BLK_S_IOERR : blk_ranges(d, type, data, nd, dlen);
	} else {
		st = VIRTIO_BLK_S_UNSUPP;
	}
	*status = st;
	return written;
}

static void used_push(struct vring *vq, uint32_t id, uint32_t len)
{
	struct vring_used_elem *e = &vq->used->ring[vq->used_idx & (vq->num - 1)];
	e->id = id;
	e->len = len;
	vq->used_idx++;
	if (id < vq->num)
		vq->inflight[id] = false;
}

/* §2.7.10: with EVENT_IDX, notify only when used_event was crossed. */
static bool need_event(uint16_t event, uint16_t new_idx, uint16_t old)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old);
}

void vring_signal(struct dev *d, bool force)
{
	struct vring *vq = &d->vq;
	uint64_t one = 1;

	if (vq->call < 0 || !vq->started)
		return;
	/* The used index before the driver's suppression state (§2.7.10). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!force) {
		bool need;
		if (d->features & (1ull << VIRTIO_F_EVENT_IDX))
			need = need_event(ld16(&vq->avail->ring[vq->num]), vq->used_idx,
					  vq->signalled_at);
		else
			need = !(ld16(&vq->avail->flags) & VRING_AVAIL_F_NO_INTERRUPT);
		vq->signalled_at = vq->used_idx;
		if (!need)
			return;
	}
	vq->signalled_at = vq->used_idx;
	if (write(vq->call, &one, sizeof(one)) != sizeof(one) && errno != EAGAIN)
		vhh_log("call eventfd: %s", strerror(errno));
}

/* An id the driver has not got in flight: neither taken by us and not yet
 * completed, nor waiting in the available ring. */
static uint32_t idle_id(struct vring *vq, uint16_t head)
{
	bool busy[VHH_MAX_QUEUE];
	memcpy(busy, vq->inflight, sizeof(busy));
	busy[head] = true;
	uint16_t end = ld16(&vq->avail->idx);
	for (uint16_t i = vq->last_avail; i != end && (uint16_t)(i - vq->last_avail) < vq->num; i++) {
		uint16_t h = vq->avail->ring[i & (vq->num - 1)];
		if (h < vq->num)
			busy[h] = true;
	}
	for (uint32_t i = 0; i < vq->num; i++)
		if (!busy[i])
			return i;
	return head;    /* the whole queue in flight: cannot happen with one head taken */
}

/* Complete head with len written, the honest way or not. @return true when
 * the interrupt must be sent whatever the driver asked. */
static bool complete(struct dev *d, uint16_t head, uint32_t len, uint32_t wtotal, bool bad)
{
	struct vring *vq = &d->vq;

	if (!bad) {
		used_push(vq, head, len);
		d->served++;
		return false;
	}
	switch (opt.mode) {
	case MB_BAD_ID:
		vhh_log("misbehave bad-id: head %u completed as used id %u (queue size %u)",
			head, vq->num, vq->num);
		used_push(vq, vq->num, len);
		vq->inflight[head] = false;
		break;
	case MB_IDLE_ID: {
		uint32_t id = idle_id(vq, head);
		vhh_log("misbehave idle-id: head %u completed as used id %u (not in flight)",
			head, id);
		used_push(vq, id, len);
		vq->inflight[head] = false;
		break;
	}
	case MB_DUP_ID:
		vhh_log("misbehave dup-id: head %u completed twice", head);
		used_push(vq, head, len);
		used_push(vq, head, len);
		break;
	case MB_BAD_LEN:
		vhh_log("misbehave bad-len: head %u used len %u, %u writable bytes posted",
			head, wtotal + 1, wtotal);
		used_push(vq, head, wtotal + 1);
		break;
	case MB_IDX_JUMP:
		used_push(vq, head, len);
		vq->used_idx = (uint16_t)(vq->used_idx + vq->num + 1);
		vhh_log("misbehave idx-jump: used idx jumps to %u (%u past the last one)",
			vq->used_idx, vq->num + 2);
		break;
	default:
		used_push(vq, head, len);
		return false;
	}
	return true;
}

/* Memory the driver owns but the device can write: a driver that reads
 * back what it posted (instead of keeping its own copy) trips over this.
 * The chain at head (and its indirect table) and its available slot are
 * overwritten with values that point nowhere. */
static void scribble(struct dev *d, uint16_t head, uint16_t slot)
{
	struct vring *vq = &d->vq;
	unsigned n = 0;

	for (uint16_t i = head; n < vq->num; n++) {
		struct vring_desc c = vq->desc[i];
		if (c.flags & VRING_DESC_F_INDIRECT) {
			struct vring_desc *t = gpa_to_host(d, c.addr, c.len);
			for (uint32_t k = 0; t && k < c.len / sizeof(*t); k++)
				t[k] = (struct vring_desc){ 0xdead0000ull + k, 0xffffffffu,
							    0xffff, 0xffff };
		}
		vq->desc[i] = (struct vring_desc){ 0xbad00000ull, 0xffffffffu, 0xffff, 0xffff };
		if (!(c.flags & VRING_DESC_F_NEXT) || c.next >= vq->num)
			break;
		i = c.next;
	}
	vq->avail->ring[slot & (vq->num - 1)] = 0xffff;
}

/* Kept back (hang, vring-err): taken, never answered until the ring stops. */
static void hold(struct dev *d, uint16_t head)
{
	struct vring *vq = &d->vq;
	if (vq->nheld < VHH_MAX_QUEUE)
		vq->held[vq->nheld++] = head;
	if (opt.mode == MB_VRING_ERR && vq->nheld == 1) {
		uint64_t one = 1;
		vhh_log("misbehave vring-err: signalling the error eventfd, holding head %u", head);
		if (vq->err >= 0 && write(vq->err, &one, sizeof(one)) != sizeof(one))
			vhh_log("err eventfd: %s", strerror(errno));
		if (vq->err < 0)
			vhh_log("no error eventfd was given (SET_VRING_ERR)");
	} else if (opt.mode != MB_VRING_ERR) {
		vhh_log("misbehave %s: holding head %u (%u held)", mb_name(opt.mode), head,
			vq->nheld);
	}
}

/* Misbehaviour starts once `after` requests were served well, and from
 * then on applies to every request. */
static bool misbehave_now(struct dev *d)
{
	if (opt.mode == MB_NONE || d->served < opt.after)
		return false;
	if (!d->misbehaving) {
		d->misbehaving = true;
		vhh_log("misbehaving (%s) from request %llu on", mb_name(opt.mode),
			(unsigned long long)d->served + 1);
		if (opt.mode == MB_IRQ_STORM) {
			d->storm_left = opt.storm;
			vhh_log("irq-storm: signalling %u interrupts", opt.storm);
		}
		if (opt.mode == MB_CONFIG) {
			d->changes_left = opt.changes;
			d->next_change_ms = now_ms();
		}
	}
	return true;
}

void vring_process(struct dev *d)
{
	struct vring *vq = &d->vq;
	struct seg segs[VHH_MAX_SEGS];
	uint16_t rev_head[VHH_MAX_QUEUE];
	uint32_t rev_len[VHH_MAX_QUEUE];
	unsigned nrev = 0;
	bool force = false, dup_done = false;
	uint16_t start_used = vq->used_idx;

	if (!vq->started || vq->disabled || !vq->desc)
		return;
	for (unsigned rounds = 0; rounds < 4 * VHH_MAX_QUEUE; rounds++) {
		uint16_t avail = ld16(&vq->avail->idx);
		uint16_t pending = (uint16_t)(avail - vq->last_avail);
		if (pending > vq->num) {
			vhh_log("available index %u is %u ahead of %u with a queue of %u: "
				"ring stopped", avail, pending, vq->last_avail, vq->num);
			vq->started = false;
			break;
		}
		if (!pending) {
			/* §2.7.10: tell the driver where to kick next, then look
			 * once more for what it posted meanwhile. */
			if (d->features & (1ull << VIRTIO_F_EVENT_IDX)) {
				st16((uint16_t *)&vq->used->ring[vq->num], vq->last_avail);
				__atomic_thread_fence(__ATOMIC_SEQ_CST);
				if (ld16(&vq->avail->idx) != vq->last_avail)
					continue;
			}
			break;
		}
		uint16_t head = vq->avail->ring[vq->last_avail & (vq->num - 1)];
		vq->last_avail++;
		if (head >= vq->num) {
			vhh_log("available head %u out of range: ignored", head);
			continue;
		}
		vq->inflight[head] = true;
		bool bad = misbehave_now(d);
		if (bad && (opt.mode == MB_HANG || opt.mode == MB_VRING_ERR)) {
			hold(d, head);
			continue;
		}
		/* A duplicate shows as such only while the used index stays
		 * within what the driver has in flight (more used entries than
		 * that reads as a jumping index, which is checked first): one
		 * request completed twice per pass, the rest of the pass held
		 * (the driver resets the device on seeing the duplicate). */
		if (bad && opt.mode == MB_DUP_ID && dup_done) {
			hold(d, head);
			continue;
		}
		dup_done |= bad && opt.mode == MB_DUP_ID;
		if (bad && opt.mode == MB_DISCONNECT) {
			vhh_log("misbehave disconnect: closing the connection with head %u in flight",
				head);
			close(d->sock);
			d->sock = -1;
			vq->started = false;
			return;
		}
		int n = walk(d, vq, head, segs, VHH_MAX_SEGS);
		uint32_t len = 0, wtotal = 0;
		if (n < 0)
			vhh_log("head %u: malformed chain, no status written", head);
		else
			len = blk_request(d, segs, (unsigned)n, &wtotal);
		if (bad && opt.mode == MB_SCRIBBLE) {
			scribble(d, head, (uint16_t)(vq->last_avail - 1));
			if (!d->scribbled++)
				vhh_log("misbehave scribble: descriptors and available ring "
					"trashed from head %u on", head);
		}
		if (bad && opt.mode == MB_REORDER) {
			rev_head[nrev] = head;
			rev_len[nrev++] = len;
			continue;
		}
		force |= complete(d, head, len, wtotal, bad);
	}
	/* Out of order (legal, §2.7.8: the device may use buffers in any
	 * order): everything taken in this pass, last first. */
	if (nrev > 1)
		vhh_log("reorder: %u requests completed last first", nrev);
	while (nrev--)
		complete(d, rev_head[nrev], rev_len[nrev], 0, false);
	if (vq->used_idx != start_used) {
		/* §2.7.8.2: the elements before the index. */
		st16(&vq->used->idx, vq->used_idx);
		vring_signal(d, force);
	}
}

void vring_stop(struct dev *d)
{
	struct vring *vq = &d->vq;

	if (vq->nheld)
		vhh_log("ring stopped with %u requests held: dropped", vq->nheld);
	vq->nheld = 0;
	vq->started = false;
	memset(vq->inflight, 0, sizeof(vq->inflight));
	d->storm_left = 0;
}
