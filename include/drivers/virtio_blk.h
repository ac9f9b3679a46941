/* SPDX-License-Identifier: MIT */
/* virtio-blk (virtio 1.2 §5.2): the device's layouts, and the driver's
 * asynchronous request interface for code that wants many requests in
 * flight (the benchmark, tests). Everyone else uses <drivers/blkdev.h>:
 * the driver registers each disk there as vda, vdb, ... */
#ifndef DRIVERS_VIRTIO_BLK_H
#define DRIVERS_VIRTIO_BLK_H

#include <kern/compiler.h>

/* Feature bits (§5.2.3). */
#define VIRTIO_BLK_F_SIZE_MAX           1
#define VIRTIO_BLK_F_SEG_MAX            2
#define VIRTIO_BLK_F_GEOMETRY           4
#define VIRTIO_BLK_F_RO                 5
#define VIRTIO_BLK_F_BLK_SIZE           6
#define VIRTIO_BLK_F_FLUSH              9
#define VIRTIO_BLK_F_TOPOLOGY           10
#define VIRTIO_BLK_F_CONFIG_WCE         11
#define VIRTIO_BLK_F_MQ                 12
#define VIRTIO_BLK_F_DISCARD            13
#define VIRTIO_BLK_F_WRITE_ZEROES       14

/* Device configuration (§5.2.4), up to the write-zeroes fields. */
struct virtio_blk_config {
	uint64_t capacity;              /* in 512-byte sectors */
	uint32_t size_max;
	uint32_t seg_max;
	struct {
		uint16_t cylinders;
		uint8_t heads;
		uint8_t sectors;
	} geometry;
	uint32_t blk_size;
	struct {
		uint8_t physical_block_exp;
		uint8_t alignment_offset;
		uint16_t min_io_size;
		uint32_t opt_io_size;
	} topology;
	uint8_t writeback;
	uint8_t unused0;
	uint16_t num_queues;
	uint32_t max_discard_sectors;
	uint32_t max_discard_seg;
	uint32_t discard_sector_alignment;
	uint32_t max_write_zeroes_sectors;
	uint32_t max_write_zeroes_seg;
	uint8_t write_zeroes_may_unmap;
};
_Static_assert(offsetof(struct virtio_blk_config, blk_size) == 20, "virtio 1.2 §5.2.4");
_Static_assert(offsetof(struct virtio_blk_config, max_discard_sectors) == 36,
	       "virtio 1.2 §5.2.4");
_Static_assert(offsetof(struct virtio_blk_config, write_zeroes_may_unmap) == 56,
	       "virtio 1.2 §5.2.4");

/* Request types (§5.2.6). The sector is always in 512-byte units. */
#define VIRTIO_BLK_T_IN                 0
#define VIRTIO_BLK_T_OUT                1
#define VIRTIO_BLK_T_FLUSH              4
#define VIRTIO_BLK_T_GET_ID             8
#define VIRTIO_BLK_T_DISCARD            11
#define VIRTIO_BLK_T_WRITE_ZEROES       13

#define VIRTIO_BLK_S_OK                 0
#define VIRTIO_BLK_S_IOERR              1
#define VIRTIO_BLK_S_UNSUPP             2

#define VIRTIO_BLK_SECTOR               512
#define VIRTIO_BLK_ID_BYTES             20

struct virtio_blk_outhdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};
_Static_assert(sizeof(struct virtio_blk_outhdr) == 16, "virtio 1.2 §5.2.6");

/* The data of a DISCARD or WRITE_ZEROES request (§5.2.6). */
struct virtio_blk_discard_write_zeroes {
	uint64_t sector;
	uint32_t num_sectors;
	uint32_t flags;                 /* bit 0: unmap (write zeroes) */
};
_Static_assert(sizeof(struct virtio_blk_discard_write_zeroes) == 16, "virtio 1.2 §5.2.6");
#define VIRTIO_BLK_WZ_F_UNMAP           1

/* ---- the driver's own interface ---------------------------------------------- */

struct vblk;    /* one disk; blkdev->priv of a "virtio-blk" blkdev */
struct blkdev;

/* The virtio-blk disk behind bd, or NULL if bd is not one. */
struct vblk *vblk_from_blkdev(struct blkdev *bd);
/* Read the device id string (GET_ID, §5.2.6: up to 20 bytes, NUL-padded
 * only when shorter) into id[21], terminated. Thread context.
 * @return 0 or -errno. */
int vblk_get_id(struct vblk *vb, char id[VIRTIO_BLK_ID_BYTES + 1]);
/* A driver-private blk_req op (<drivers/blkdev.h>): GET_ID into r->io.buf
 * (VIRTIO_BLK_ID_BYTES), handed straight to bd->ops->submit by code that
 * wants requests without I/O (the ring wrap test); r zeroed apart from op,
 * io.buf, done and arg. */
#define VBLK_OP_GET_ID                  BLK_OP_DRIVER

/* Counters, for tests and diagnostics. */
struct vblk_stats {
	unsigned slots;             /* the most requests the ring can hold */
	unsigned on_ring;           /* requests the device holds now */
	unsigned max_on_ring;       /* the most it held at once */
	unsigned waiting;           /* queued now for room on the ring */
	uint64_t waited;            /* requests that had to queue, ever */
	uint64_t completed;         /* requests the device answered */
};
void vblk_get_stats(const struct vblk *vb, struct vblk_stats *st);

#endif
