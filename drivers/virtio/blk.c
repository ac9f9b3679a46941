// SPDX-License-Identifier: MIT
/* virtio-blk (virtio 1.2 §5.2): one request queue per disk; each request is
 * a header, the data and a status byte (§5.2.6), matched to its caller by
 * cookie, so any number of threads can have requests in flight. Disks are
 * registered with the block layer as vda, vdb, ... */
#include <drivers/virtio.h>
#include <drivers/virtio_blk.h>
#include <drivers/blkdev.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <stdlib.h>
#include <string.h>

/* The most data segments one request gets from us, and the most bytes. */
#define VBLK_MAX_SEGS   16
#define VBLK_MAX_BYTES  (1u << 20)
/* Discard/write-zeroes sizes when the device gives none (§5.2.4 says the
 * fields are valid only with the feature; 0 is not a usable limit). */
#define VBLK_DEFAULT_RANGE  (1u << 22)

static const char vblk_driver_name[] = "virtio-blk";

struct vblk {
	struct blkdev bd;
	struct virtio_dev *vdev;
	struct virtqueue *vq;
	uint32_t ssize;             /* logical block size in bytes */
	uint32_t size_max;          /* largest segment, 0: no limit */
	unsigned max_segs;          /* data segments per request */
	uint32_t max_discard, max_wz;   /* 512-byte sectors per request */
	bool wz_unmap;
};

static int status_to_err(uint8_t s)
{
	switch (s) {
	case VIRTIO_BLK_S_OK:     return 0;
	case VIRTIO_BLK_S_UNSUPP: return -EOPNOTSUPP;
	default:                  return -EIO;   /* IOERR, or never written */
	}
}

/* Completion (interrupts disabled). The status byte is the device's
 * answer; the used length is not trusted for it (§2.7.8.2 allows devices
 * that under-report), which is why status starts out invalid. */
static void vblk_done(struct virtqueue *vq, void *cookie, uint32_t len, int err)
{
	struct vblk_req *r = cookie;
	r->err = err ? err : status_to_err(r->status);
	r->done = true;
	if (r->end)
		r->end(r);
}

struct vblk *vblk_from_blkdev(struct blkdev *bd)
{
	return bd && bd->driver == vblk_driver_name ? bd->priv : NULL;
}

int vblk_start(struct vblk *vb, struct vblk_req *r, uint32_t type,
	       uint64_t sector, void *buf, uint32_t bytes)
{
	struct vq_sg sg[VBLK_MAX_SEGS + 2];
	unsigned n = 0;
	/* §5.2.6: the device writes the data of IN and GET_ID requests. */
	bool dev_writes = type == VIRTIO_BLK_T_IN || type == VIRTIO_BLK_T_GET_ID;

	r->hdr = (struct virtio_blk_outhdr){ .type = type, .sector = sector };
	r->status = 0xff;
	r->err = 0;
	r->done = false;
	sg[n++] = (struct vq_sg){ &r->hdr, sizeof(r->hdr) };
	/* Split the data at size_max (SIZE_MAX, §5.2.3), at most seg_max
	 * pieces (SEG_MAX). RAM is identity-mapped, so a buffer is
	 * physically contiguous and needs no other split. */
	uint32_t seg = vb->size_max ? vb->size_max : bytes;
	for (uint32_t off = 0; off < bytes; off += seg) {
		if (n - 1 >= vb->max_segs)
			return -EINVAL;
		sg[n++] = (struct vq_sg){ (char *)buf + off, MIN(seg, bytes - off) };
	}
	sg[n++] = (struct vq_sg){ &r->status, 1 };
	unsigned n_out = dev_writes ? 1 : n - 1;
	return virtio_enqueue(vb->vq, r, sg, n_out, n - n_out);
}

void vblk_kick(struct vblk *vb)
{
	virtio_kick(vb->vq);
}

void vblk_wait(struct vblk *vb, const volatile bool *flag)
{
	virtio_wait(vb->vq, flag);
}

unsigned vblk_inflight(const struct vblk *vb)
{
	return virtio_vq_inflight(vb->vq);
}

bool vblk_polling(const struct vblk *vb)
{
	return virtio_polling(vb->vdev);
}

/* One request, start to finish. The request lives on this stack, which
 * is ordinary identity-mapped RAM the device can reach. */
static int vblk_sync(struct vblk *vb, uint32_t type, uint64_t sector, void *buf,
		     uint32_t bytes)
{
	struct vblk_req r = { 0 };
	int rc = vblk_start(vb, &r, type, sector, buf, bytes);
	if (rc)
		return rc;
	vblk_kick(vb);
	vblk_wait(vb, &r.done);
	return r.err;
}

int vblk_get_id(struct vblk *vb, char id[VIRTIO_BLK_ID_BYTES + 1])
{
	memset(id, 0, VIRTIO_BLK_ID_BYTES + 1);
	return vblk_sync(vb, VIRTIO_BLK_T_GET_ID, 0, id, VIRTIO_BLK_ID_BYTES);
}

/* ---- block layer ops (arguments already checked by blkdev) ------------------ */

static struct vblk *to_vblk(struct blkdev *bd)
{
	return bd->priv;
}

static uint64_t to_sector512(const struct vblk *vb, uint64_t lba)
{
	return lba * (vb->ssize / VIRTIO_BLK_SECTOR);
}

static int vblk_read(struct blkdev *bd, uint64_t lba, uint32_t count, void *buf)
{
	struct vblk *vb = to_vblk(bd);
	return vblk_sync(vb, VIRTIO_BLK_T_IN, to_sector512(vb, lba), buf,
			 count * vb->ssize);
}

static int vblk_write(struct blkdev *bd, uint64_t lba, uint32_t count, const void *buf)
{
	struct vblk *vb = to_vblk(bd);
	/* §5.2.6.2: a driver must not write to a VIRTIO_BLK_F_RO device. */
	if (bd->flags & BLKDEV_F_RO)
		return -EROFS;
	return vblk_sync(vb, VIRTIO_BLK_T_OUT, to_sector512(vb, lba), (void *)buf,
			 count * vb->ssize);
}

static int vblk_flush(struct blkdev *bd)
{
	struct vblk *vb = to_vblk(bd);
	/* Without VIRTIO_BLK_F_FLUSH the device has no volatile cache to
	 * empty: its writes are durable on completion (§5.2.6.3). */
	if (!virtio_has_feature(vb->vdev, VIRTIO_BLK_F_FLUSH))
		return 0;
	return vblk_sync(vb, VIRTIO_BLK_T_FLUSH, 0, NULL, 0);
}

/* DISCARD and WRITE_ZEROES carry one range segment each (max_*_seg is at
 * least 1), at most max sectors long. */
static int vblk_range(struct vblk *vb, uint32_t type, uint64_t lba, uint64_t count,
		      uint32_t max, uint32_t flags)
{
	uint64_t sector = to_sector512(vb, lba), left = to_sector512(vb, count);
	/* Keep pieces whole logical blocks. */
	uint32_t per = (uint32_t)ALIGN_DOWN((uint64_t)max, vb->ssize / VIRTIO_BLK_SECTOR);
	if (per == 0)
		per = vb->ssize / VIRTIO_BLK_SECTOR;
	while (left) {
		struct virtio_blk_discard_write_zeroes seg = {
			.sector = sector,
			.num_sectors = (uint32_t)MIN(left, (uint64_t)per),
			.flags = flags,
		};
		int rc = vblk_sync(vb, type, 0, &seg, sizeof(seg));
		if (rc)
			return rc;
		sector += seg.num_sectors;
		left -= seg.num_sectors;
	}
	return 0;
}

static int vblk_discard(struct blkdev *bd, uint64_t lba, uint64_t count)
{
	struct vblk *vb = to_vblk(bd);
	if (bd->flags & BLKDEV_F_RO)
		return -EROFS;
	if (!virtio_has_feature(vb->vdev, VIRTIO_BLK_F_DISCARD))
		return -EOPNOTSUPP;
	return vblk_range(vb, VIRTIO_BLK_T_DISCARD, lba, count, vb->max_discard, 0);
}

static int vblk_write_zeroes(struct blkdev *bd, uint64_t lba, uint64_t count)
{
	struct vblk *vb = to_vblk(bd);
	if (bd->flags & BLKDEV_F_RO)
		return -EROFS;
	if (virtio_has_feature(vb->vdev, VIRTIO_BLK_F_WRITE_ZEROES))
		return vblk_range(vb, VIRTIO_BLK_T_WRITE_ZEROES, lba, count, vb->max_wz,
				  vb->wz_unmap ? VIRTIO_BLK_WZ_F_UNMAP : 0);
	/* No command for it: write zeroes the ordinary way. */
	uint32_t per = vb->bd.max_sectors ? MIN(vb->bd.max_sectors, 128u) : 128u;
	void *zero = calloc(per, vb->ssize);
	if (!zero)
		return -ENOMEM;
	int rc = 0;
	while (count && !rc) {
		uint32_t n = (uint32_t)MIN(count, (uint64_t)per);
		rc = vblk_sync(vb, VIRTIO_BLK_T_OUT, to_sector512(vb, lba), zero, n * vb->ssize);
		lba += n;
		count -= n;
	}
	free(zero);
	return rc;
}

static const struct blkdev_ops vblk_ops = {
	.read = vblk_read,
	.write = vblk_write,
	.flush = vblk_flush,
	.discard = vblk_discard,
	.write_zeroes = vblk_write_zeroes,
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

	vb->bd.driver = vblk_driver_name;
	vb->bd.sector_size = vb->ssize;
	rc = read_capacity(vb, &vb->bd.capacity);
	if (rc) {
		pr_err("%s: capacity unreadable: %d\n", vb->bd.name, rc);
		goto fail;
	}
	vb->bd.flags = virtio_has_feature(vdev, VIRTIO_BLK_F_RO) ? BLKDEV_F_RO : 0;
	vb->bd.max_sectors = (uint32_t)(max_bytes / vb->ssize);
	vb->bd.align = 0;
	vb->bd.ops = &vblk_ops;
	vb->bd.priv = vb;
	virtio_set_drvdata(vdev, vb);
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
