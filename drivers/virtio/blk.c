// SPDX-License-Identifier: MIT
/* virtio-blk (virtio 1.2 §5.2): one request queue per disk, driven through
 * the block layer's asynchronous interface (<drivers/blkdev.h>). Each
 * request is a header, the data and a status byte (§5.2.6), kept in one of
 * the disk's slots (one per ring entry, so the ring is what limits the
 * requests in flight); what finds no slot or no room on the ring waits in
 * a FIFO and goes out as completions free room, so submit never sleeps.
 *
 * Completions run in interrupt context (irq mode) or in the disk's own
 * thread (poll mode: it spins on the used ring, yielding before every
 * look, while requests are on the ring, and sleeps otherwise). In irq mode
 * the same thread is a watchdog: every 100 ms while requests are on the
 * ring it looks at the ring (a lost interrupt) and at the device status
 * (DEVICE_NEEDS_RESET). In both modes a request unanswered for
 * virtio.timeout_ms fails the device, which completes everything with
 * -EIO. Disks are registered with the block layer as vda, vdb, ... */
#include <drivers/virtio.h>
#include <drivers/virtio_blk.h>
#include <drivers/blkdev.h>
#include <kern/errno.h>
#include <kern/irq.h>
#include <kern/printk.h>
#include <kern/sched.h>
#include <kern/time.h>
#include <arch/barrier.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The most data segments one request gets from us, and the most bytes. */
#define VBLK_MAX_SEGS   16
#define VBLK_MAX_BYTES  (1u << 20)
/* Discard/write-zeroes sizes when the device gives none (§5.2.4 says the
 * fields are valid only with the feature; 0 is not a usable limit). */
#define VBLK_DEFAULT_RANGE  (1u << 22)
/* The irq-mode watchdog's period while requests are on the ring. */
#define VBLK_WATCH_NS       (100 * NSEC_PER_MSEC)
/* Poll mode checks the device status and the oldest request's age once
 * per this many looks at the ring. */
#define VBLK_POLL_CHECK     64

static const char vblk_driver_name[] = "virtio-blk";

/* One request on the ring. The first three fields are the device's to
 * read or write (§5.2.6); they live here, not in the caller's blk_req, so
 * that the block layer's requests stay driver-neutral. */
struct vblk_slot {
	struct virtio_blk_outhdr hdr;                   /* device-readable */
	struct virtio_blk_discard_write_zeroes range;   /* device-readable */
	uint8_t status;                                 /* device-writable */
	struct blk_req *req;
	uint64_t t0;                /* when it went on the ring */
	/* The free list, or the list of slots on the ring, oldest first. */
	struct vblk_slot *next, *prev;
};

struct vblk {
	struct blkdev bd;
	struct virtio_dev *vdev;
	struct virtqueue *vq;
	uint32_t ssize;             /* logical block size in bytes */
	uint32_t size_max;          /* largest segment, 0: no limit */
	unsigned max_segs;          /* data segments per request */
	uint32_t max_discard, max_wz;   /* 512-byte sectors per request */
	bool wz_unmap;
	bool poll;
	/* Everything below changes with interrupts disabled only. */
	struct vblk_slot *slots, *free;
	struct vblk_slot *ring_head, *ring_tail;
	struct blk_req *wait_head, *wait_tail;  /* FIFO, linked by drv_next */
	struct waitq idle;          /* the thread, while nothing is on the ring */
	unsigned in_done;           /* inside vblk_done: kicks wait for its end */
	unsigned plugged;           /* blkdev_plug depth: kicks wait for unplug */
	bool kick_pending;
	struct vblk_stats st;
};

static int status_to_err(uint8_t s)
{
	switch (s) {
	case VIRTIO_BLK_S_OK:     return 0;
	case VIRTIO_BLK_S_UNSUPP: return -EOPNOTSUPP;
	default:                  return -EIO;   /* IOERR, or never written */
	}
}

struct vblk *vblk_from_blkdev(struct blkdev *bd)
{
	return bd && bd->driver == vblk_driver_name ? bd->priv : NULL;
}

void vblk_get_stats(const struct vblk *vb, struct vblk_stats *st)
{
	unsigned long flags = irq_save();
	*st = vb->st;
	irq_restore(flags);
}

static uint64_t to_sector512(const struct vblk *vb, uint64_t lba)
{
	return lba * (vb->ssize / VIRTIO_BLK_SECTOR);
}

/* ---- slots and the ring (interrupts disabled) -------------------------------- */

static void ring_add(struct vblk *vb, struct vblk_slot *s)
{
	s->next = NULL;
	s->prev = vb->ring_tail;
	if (vb->ring_tail)
		vb->ring_tail->next = s;
	else
		vb->ring_head = s;
	vb->ring_tail = s;
	if (++vb->st.on_ring > vb->st.max_on_ring)
		vb->st.max_on_ring = vb->st.on_ring;
}

static void ring_del(struct vblk *vb, struct vblk_slot *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		vb->ring_head = s->next;
	if (s->next)
		s->next->prev = s->prev;
	else
		vb->ring_tail = s->prev;
	vb->st.on_ring--;
	s->req = NULL;
	s->next = vb->free;
	s->prev = NULL;
	vb->free = s;
}

/* What a request needs from the device, decided before it takes a slot:
 * 0 it goes to the device, 1 it is done already (nothing to do), -errno
 * it fails. The layer checked range and arguments; these are the
 * device's own limits and features. */
static int vblk_prepare(struct vblk *vb, struct blk_req *r)
{
	switch (r->op) {
	case BLK_OP_READ:
	case VBLK_OP_GET_ID:
		return 0;
	case BLK_OP_WRITE:
	case BLK_OP_WRITE_ZEROES:
		/* §5.2.6.2: a driver must not write to a VIRTIO_BLK_F_RO device. */
		return (vb->bd.flags & BLKDEV_F_RO) ? -EROFS : 0;
	case BLK_OP_DISCARD:
		if (vb->bd.flags & BLKDEV_F_RO)
			return -EROFS;
		return virtio_has_feature(vb->vdev, VIRTIO_BLK_F_DISCARD) ? 0 : -EOPNOTSUPP;
	case BLK_OP_FLUSH:
		/* Without VIRTIO_BLK_F_FLUSH the device has no volatile cache
		 * to empty: its writes are durable on completion (§5.2.6.3). */
		return virtio_has_feature(vb->vdev, VIRTIO_BLK_F_FLUSH) ? 0 : 1;
	}
	return -EINVAL;
}

/* Put r on the ring in a free slot. @return 0, -ENOSPC (no slot or no
 * room now: it waits), or -errno (it fails). */
static int vblk_start(struct vblk *vb, struct blk_req *r)
{
	struct vblk_slot *s = vb->free;
	struct vq_sg sg[VBLK_MAX_SEGS + 2];
	uint32_t type, bytes = 0;
	void *data = NULL;
	unsigned n = 0;

	if (!s)
		return -ENOSPC;
	s->hdr = (struct virtio_blk_outhdr){ 0 };
	switch (r->op) {
	case BLK_OP_READ:
	case BLK_OP_WRITE:
		type = r->op == BLK_OP_READ ? VIRTIO_BLK_T_IN : VIRTIO_BLK_T_OUT;
		s->hdr.sector = to_sector512(vb, r->io.lba);
		data = r->io.buf;
		bytes = (uint32_t)(r->io.count * vb->ssize);
		break;
	case BLK_OP_FLUSH:
		type = VIRTIO_BLK_T_FLUSH;
		break;
	case VBLK_OP_GET_ID:
		type = VIRTIO_BLK_T_GET_ID;
		data = r->io.buf;
		bytes = VIRTIO_BLK_ID_BYTES;
		break;
	case BLK_OP_WRITE_ZEROES:
		if (!virtio_has_feature(vb->vdev, VIRTIO_BLK_F_WRITE_ZEROES)) {
			/* No command for it: write zeroes the ordinary way
			 * (max_write_zeroes keeps it within the buffer). */
			type = VIRTIO_BLK_T_OUT;
			s->hdr.sector = to_sector512(vb, r->io.lba);
			data = (void *)blk_zeroes;
			bytes = (uint32_t)(r->io.count * vb->ssize);
			break;
		}
		/* fall through */
	default:        /* DISCARD, WRITE_ZEROES: one range segment */
		type = r->op == BLK_OP_DISCARD ? VIRTIO_BLK_T_DISCARD
					       : VIRTIO_BLK_T_WRITE_ZEROES;
		s->range = (struct virtio_blk_discard_write_zeroes){
			.sector = to_sector512(vb, r->io.lba),
			.num_sectors = (uint32_t)to_sector512(vb, r->io.count),
			.flags = r->op == BLK_OP_WRITE_ZEROES && vb->wz_unmap
				 ? VIRTIO_BLK_WZ_F_UNMAP : 0,
		};
		data = &s->range;
		bytes = sizeof(s->range);
		break;
	}
	s->hdr.type = type;
	s->status = 0xff;
	sg[n++] = (struct vq_sg){ &s->hdr, sizeof(s->hdr) };
	/* Split the data at size_max (SIZE_MAX, §5.2.3), at most seg_max
	 * pieces (SEG_MAX; max_sectors keeps requests within both). RAM is
	 * identity-mapped, so a buffer is physically contiguous and needs no
	 * other split. */
	uint32_t seg = vb->size_max && type != VIRTIO_BLK_T_DISCARD &&
		       type != VIRTIO_BLK_T_WRITE_ZEROES ? vb->size_max : bytes;
	for (uint32_t off = 0; off < bytes; off += seg) {
		if (n - 1 >= vb->max_segs)
			return -EINVAL;
		sg[n++] = (struct vq_sg){ (char *)data + off, MIN(seg, bytes - off) };
	}
	sg[n++] = (struct vq_sg){ &s->status, 1 };
	/* §5.2.6: the device writes the data of IN and GET_ID requests. */
	bool dev_writes = type == VIRTIO_BLK_T_IN || type == VIRTIO_BLK_T_GET_ID;
	unsigned n_out = dev_writes ? 1 : n - 1;
	int rc = virtio_enqueue_nowait(vb->vq, s, sg, n_out, n - n_out);
	if (rc)
		return rc;
	vb->free = s->next;
	s->req = r;
	s->t0 = time_ns();
	ring_add(vb, s);
	return 0;
}

static void wait_add(struct vblk *vb, struct blk_req *r)
{
	r->drv_next = NULL;
	if (vb->wait_tail)
		vb->wait_tail->drv_next = r;
	else
		vb->wait_head = r;
	vb->wait_tail = r;
	vb->st.waiting++;
	vb->st.waited++;
}

/* Tell the device about new requests: at once, or, inside a completion,
 * once the last completion of the batch is done (a callback that submits
 * the next request would otherwise notify the device once per request). */
static void vblk_kick(struct vblk *vb)
{
	if (vb->in_done || vb->plugged) {
		vb->kick_pending = true;
		return;
	}
	virtio_kick(vb->vq);
}

/* Move waiting requests onto the ring while there is room; fail the ones
 * the device refuses (a failed device: -EIO). Interrupts disabled. */
static void vblk_refill(struct vblk *vb)
{
	bool kick = false;
	struct blk_req *r;

	while ((r = vb->wait_head)) {
		int rc = vblk_start(vb, r);
		if (rc == -ENOSPC)
			break;
		vb->wait_head = r->drv_next;
		if (!vb->wait_head)
			vb->wait_tail = NULL;
		vb->st.waiting--;
		if (rc == 0)
			kick = true;
		else
			blkdev_complete(r, rc);     /* may submit more: they queue */
	}
	if (kick)
		vblk_kick(vb);
}

/* Completion (interrupts disabled: the queue's interrupt, or the disk's
 * poll thread). The status byte is the device's answer; the used length
 * is not trusted for it (§2.7.8.2 allows devices that under-report),
 * which is why status starts out invalid. */
static void vblk_done(struct virtqueue *vq, void *cookie, uint32_t len, int err)
{
	struct vblk *vb = virtio_get_drvdata(virtio_vq_dev(vq));
	struct vblk_slot *s = cookie;
	struct blk_req *r = s->req;
	int rc = err ? err : status_to_err(s->status);

	(void)len;
	if (!vb || !r)
		return;         /* never posted by us: the core checks cookies */
	ring_del(vb, s);
	vb->st.completed++;
	vb->in_done++;
	blkdev_complete(r, rc);
	vblk_refill(vb);
	vb->in_done--;
	/* More completions waiting: the core calls us again for them (its
	 * drain loop takes every one), and the last one kicks. */
	if (vb->kick_pending && !vb->in_done && !vb->plugged && !virtio_has_used(vq)) {
		vb->kick_pending = false;
		virtio_kick(vq);
	}
}

static void vblk_submit(struct blkdev *bd, struct blk_req *r)
{
	struct vblk *vb = bd->priv;
	int rc = vblk_prepare(vb, r);
	if (rc) {
		blkdev_complete(r, rc > 0 ? 0 : rc);
		return;
	}
	unsigned long flags = irq_save();
	/* Behind the ones already waiting: first come, first served. */
	rc = vb->wait_head ? -ENOSPC : vblk_start(vb, r);
	if (rc == -ENOSPC) {
		wait_add(vb, r);
	} else if (rc == 0) {
		vblk_kick(vb);
		waitq_wake_one(&vb->idle);
	}
	irq_restore(flags);
	if (rc && rc != -ENOSPC)
		blkdev_complete(r, rc);
}

/* ---- the disk's thread: poll loop (poll mode) and watchdog (both) ------------ */

/* Fail the device when its oldest request has gone unanswered too long
 * (drivers/virtio/README.md, "Waiting": every wait has a bound). */
static void vblk_check_age(struct vblk *vb)
{
	uint64_t limit = virtio_request_timeout_ns();
	unsigned long flags = irq_save();
	struct vblk_slot *old = vb->ring_head;
	bool late = old && time_ns() - old->t0 >= limit;
	irq_restore(flags);
	if (late) {
		char d[320];

		virtio_vq_describe(vb->vq, d, sizeof(d));
		pr_err("%s: a request got no answer in %llu ms (kick pending %d, in done %u, "
		       "plugged %u, waiting %u; %s)\n", vb->bd.name,
		       (unsigned long long)(limit / NSEC_PER_MSEC), vb->kick_pending,
		       vb->in_done, vb->plugged, vb->st.waiting, d);
		virtio_dev_fail(vb->vdev, "request timed out");
	}
}

static void vblk_thread(void *arg)
{
	struct vblk *vb = arg;
	unsigned looks = 0;

	for (;;) {
		unsigned long flags = irq_save();
		while (!vb->ring_head)
			waitq_sleep_locked(&vb->idle, 0);
		irq_restore(flags);
		if (vb->poll) {
			/* Give up the CPU before every look (the Waiting rule). */
			cpu_relax();
			thread_yield();
			virtio_poll(vb->vq);
			if (++looks % VBLK_POLL_CHECK)
				continue;
		} else {
			thread_sleep_ns(VBLK_WATCH_NS);
			virtio_poll(vb->vq);    /* completions a lost interrupt left */
		}
		virtio_check_status(vb->vdev);
		vblk_check_age(vb);
	}
}

/* ---- GET_ID ------------------------------------------------------------------ */

static void id_done(struct blk_req *r)
{
	sem_up(r->arg);
}

int vblk_get_id(struct vblk *vb, char id[VIRTIO_BLK_ID_BYTES + 1])
{
	struct semaphore sem;
	struct blk_req r = { .op = VBLK_OP_GET_ID, .io.buf = id, .done = id_done, .arg = &sem };

	memset(id, 0, VIRTIO_BLK_ID_BYTES + 1);
	sem_init(&sem, 0);
	vblk_submit(&vb->bd, &r);
	sem_down(&sem);
	return r.status;
}

/* blkdev_plug: kicks wait for the last unplug (the same deferral as inside
 * a completion), so a batch reaches the device with one notification. */
static void vblk_plug(struct blkdev *bd, bool on)
{
	struct vblk *vb = bd->priv;
	unsigned long flags = irq_save();

	if (on) {
		vb->plugged++;
	} else if (vb->plugged && !--vb->plugged && !vb->in_done && vb->kick_pending) {
		vb->kick_pending = false;
		virtio_kick(vb->vq);
	}
	irq_restore(flags);
}

static const struct blkdev_ops vblk_ops = {
	.submit = vblk_submit,
	.plug = vblk_plug,
};

/* ---- probe ------------------------------------------------------------------- */

#define CREAD(vb, field, ptr) VIRTIO_CREAD((vb)->vdev, struct virtio_blk_config, field, ptr)

/* The capacity in logical blocks. A read the device never lets settle
 * (its configuration generation moving on every try, §2.5.1) fails with
 * -EIO rather than passing for a disk of 0 blocks. */
static int read_capacity(struct vblk *vb, uint64_t *blocks)
{
	uint64_t cap = 0;
	int rc = CREAD(vb, capacity, &cap);
	if (rc)
		return rc;
	*blocks = cap / (vb->ssize / VIRTIO_BLK_SECTOR);
	return 0;
}

/* §5.2.4: capacity may change (a resize); the device says so with a
 * configuration interrupt. One it will not let us read keeps the old. */
static void vblk_config_changed(struct virtio_dev *vdev)
{
	struct vblk *vb = virtio_get_drvdata(vdev);
	uint64_t cap;
	if (!vb)
		return;
	int rc = read_capacity(vb, &cap);
	if (rc) {
		pr_warn("%s: capacity unreadable (%d): keeping %llu sectors\n", vb->bd.name,
			rc, (unsigned long long)vb->bd.capacity);
		return;
	}
	if (cap != vb->bd.capacity) {
		pr_info("%s: capacity now %llu sectors\n", vb->bd.name,
			(unsigned long long)cap);
		vb->bd.capacity = cap;
	}
}

static int vblk_probe(struct virtio_dev *vdev)
{
	struct vblk *vb = calloc(1, sizeof(*vb));
	if (!vb)
		return -ENOMEM;
	vb->vdev = vdev;

	/* §5.2.5: blk_size is the logical block size; the request sector
	 * stays in 512-byte units whatever it is. */
	vb->ssize = VIRTIO_BLK_SECTOR;
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_BLK_SIZE)) {
		uint32_t bs = 0;
		CREAD(vb, blk_size, &bs);
		if (IS_POW2(bs) && bs >= 512 && bs <= 65536)
			vb->ssize = bs;
		else
			pr_warn("virtio-blk: ignoring block size %u\n", bs);
	}
	vb->max_segs = VBLK_MAX_SEGS;
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_SEG_MAX)) {
		uint32_t sm = 0;
		CREAD(vb, seg_max, &sm);
		vb->max_segs = MAX(1u, MIN(sm, (uint32_t)VBLK_MAX_SEGS));
	}
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_SIZE_MAX)) {
		CREAD(vb, size_max, &vb->size_max);
		/* Segments stay whole 512-byte sectors. */
		vb->size_max = (uint32_t)ALIGN_DOWN(vb->size_max, 512u);
		if (!vb->size_max)
			vb->size_max = 512;
	}
	vb->max_discard = vb->max_wz = VBLK_DEFAULT_RANGE;
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_DISCARD)) {
		uint32_t v = 0;
		CREAD(vb, max_discard_sectors, &v);
		if (v)
			vb->max_discard = v;
	}
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_WRITE_ZEROES)) {
		uint32_t v = 0;
		uint8_t unmap = 0;
		CREAD(vb, max_write_zeroes_sectors, &v);
		CREAD(vb, write_zeroes_may_unmap, &unmap);
		if (v)
			vb->max_wz = v;
		vb->wz_unmap = unmap;
	}

	int rc = blkdev_name_alloc("vd", vb->bd.name);
	if (rc)
		goto fail;
	virtio_set_name(vdev, vb->bd.name);
	struct virtio_vq_info info = {
		.name = "requests",
		.done = vblk_done,
		.indirect_max = vb->max_segs + 2,
	};
	rc = virtio_find_vqs(vdev, 1, &vb->vq, &info);
	if (rc)
		goto fail;
	/* §2.7.5.3.1: no chain, direct or indirect, is longer than the
	 * queue; a request is header + data + status. */
	unsigned qsize = virtio_vq_size(vb->vq);
	vb->max_segs = qsize > 2 ? MIN(vb->max_segs, qsize - 2u) : 0;
	uint64_t max_bytes = vb->size_max ? (uint64_t)vb->size_max * vb->max_segs
					  : VBLK_MAX_BYTES;
	max_bytes = ALIGN_DOWN(MIN(max_bytes, (uint64_t)VBLK_MAX_BYTES), (uint64_t)vb->ssize);
	if (vb->max_segs == 0 || max_bytes == 0) {
		pr_err("%s: queue of %u cannot carry a request\n", vb->bd.name, qsize);
		rc = -EINVAL;
		goto fail;
	}

	/* One slot per ring entry: with indirect descriptors every request
	 * takes one entry, so the slots never hold the ring back. */
	vb->slots = calloc(qsize, sizeof(*vb->slots));
	if (!vb->slots) {
		rc = -ENOMEM;
		goto fail;
	}
	vb->st.slots = qsize;
	for (unsigned i = qsize; i-- > 0;) {
		vb->slots[i].next = vb->free;
		vb->free = &vb->slots[i];
	}
	waitq_init(&vb->idle);
	vb->poll = virtio_polling(vdev);

	uint32_t per512 = vb->ssize / VIRTIO_BLK_SECTOR;
	vb->bd.driver = vblk_driver_name;
	vb->bd.sector_size = vb->ssize;
	rc = read_capacity(vb, &vb->bd.capacity);
	if (rc) {
		pr_err("%s: capacity unreadable: %d\n", vb->bd.name, rc);
		goto fail;
	}
	vb->bd.flags = (virtio_has_feature(vdev, VIRTIO_BLK_F_RO) ? BLKDEV_F_RO : 0) |
		       (vb->poll ? BLKDEV_F_POLL : 0);
	vb->bd.max_sectors = (uint32_t)(max_bytes / vb->ssize);
	/* Ranges in whole logical blocks. */
	vb->bd.max_discard = MAX(vb->max_discard / per512, 1u);
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_WRITE_ZEROES))
		vb->bd.max_write_zeroes = MAX(vb->max_wz / per512, 1u);
	else
		vb->bd.max_write_zeroes = MIN(BLK_ZEROES_BYTES / vb->ssize, vb->bd.max_sectors);
	vb->bd.align = 0;
	vb->bd.ops = &vblk_ops;
	vb->bd.priv = vb;
	virtio_set_drvdata(vdev, vb);
	char tname[24];
	snprintf(tname, sizeof(tname), "%s-%s", vb->bd.name, vb->poll ? "poll" : "watch");
	if (!thread_create(tname, vblk_thread, vb)) {
		rc = -ENOMEM;
		goto fail;
	}
	virtio_device_ready(vdev);
	rc = blkdev_register(&vb->bd);
	if (rc)
		goto fail;
	pr_info("%s: %llu sectors of %u bytes (%llu MiB)%s%s%s%s, queue %u, %u segs\n",
		vb->bd.name, (unsigned long long)vb->bd.capacity, vb->ssize,
		(unsigned long long)(vb->bd.capacity * vb->ssize >> 20),
		(vb->bd.flags & BLKDEV_F_RO) ? ", read-only" : "",
		virtio_has_feature(vdev, VIRTIO_BLK_F_FLUSH) ? ", flush" : "",
		virtio_has_feature(vdev, VIRTIO_BLK_F_DISCARD) ? ", discard" : "",
		virtio_has_feature(vdev, VIRTIO_BLK_F_WRITE_ZEROES) ? ", write-zeroes" : "",
		qsize, vb->max_segs);
	return 0;
fail:
	virtio_set_drvdata(vdev, NULL);
	/* The queue (if any) stays with the failed device; vb is not freed
	 * because a completion could still name requests from it. */
	return rc;
}

static const uint16_t vblk_ids[] = { VIRTIO_ID_BLOCK, 0 };

static const struct virtio_driver virtio_blk_driver = {
	.name = "virtio-blk",
	.ids = vblk_ids,
	.features = VIRTIO_BIT(VIRTIO_BLK_F_SIZE_MAX) | VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX) |
		    VIRTIO_BIT(VIRTIO_BLK_F_RO) | VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE) |
		    VIRTIO_BIT(VIRTIO_BLK_F_FLUSH) | VIRTIO_BIT(VIRTIO_BLK_F_DISCARD) |
		    VIRTIO_BIT(VIRTIO_BLK_F_WRITE_ZEROES),
	.probe = vblk_probe,
	.config_changed = vblk_config_changed,
};
VIRTIO_DRIVER(virtio_blk_driver);
