/* SPDX-License-Identifier: MIT */
/* The generic block-device layer. A disk driver (virtio-blk, later a SCSI
 * disk) fills a struct blkdev and registers it; users find it by name and
 * go through blkdev_read/write/..., which check the arguments once for every
 * driver, so a driver's ops only ever see a request that is in range, on a
 * writable device when it writes, with a suitably aligned buffer, and no
 * larger than the max_sectors it declared (bigger ones are split here).
 *
 * Errors, checked in this order:
 *   -EINVAL      NULL device or buffer, buffer not aligned to bd->align,
 *                lba + count overflows 64 bits
 *   -EOPNOTSUPP  the driver has no op for this (a NULL op)
 *   -EROFS       write, discard or write_zeroes on a read-only device
 *   -ERANGE      the request reaches past the end (lba + count > capacity)
 * then whatever the driver returns (0 or -errno, e.g. -EIO). A count of 0
 * that passes these checks succeeds without calling the driver.
 *
 * Concurrency: the layer holds no lock around ops; a driver that can be
 * entered by several threads serializes itself. Register and unregister
 * from thread context, not from interrupt handlers. */
#ifndef DRIVERS_BLKDEV_H
#define DRIVERS_BLKDEV_H

#include <kern/compiler.h>

struct blkdev;

/* Each op returns 0 or -errno and completes before returning (it may
 * sleep). count is in sectors of bd->sector_size. */
struct blkdev_ops {
	int (*read)(struct blkdev *bd, uint64_t lba, uint32_t count, void *buf);
	int (*write)(struct blkdev *bd, uint64_t lba, uint32_t count, const void *buf);
	/* Make every completed write durable (empty a volatile cache). */
	int (*flush)(struct blkdev *bd);
	/* The range's contents become unspecified (a hint: may do nothing). */
	int (*discard)(struct blkdev *bd, uint64_t lba, uint64_t count);
	/* The range reads as zeros afterwards. */
	int (*write_zeroes)(struct blkdev *bd, uint64_t lba, uint64_t count);
};

#define BLKDEV_NAME_MAX   16
#define BLKDEV_F_RO       0x1u      /* read-only medium */

struct blkdev {
	char name[BLKDEV_NAME_MAX]; /* "vda", ...: see blkdev_name_alloc */
	const char *driver;         /* "virtio-blk", for lsblk */
	uint32_t sector_size;       /* bytes: a power of two, 512 .. 65536 */
	uint64_t capacity;          /* in sectors */
	uint32_t flags;             /* BLKDEV_F_* */
	uint32_t max_sectors;       /* largest read/write per op call, 0: no limit */
	uint32_t align;             /* buffer alignment the driver needs (power of
				       two; 0 or 1: none) */
	const struct blkdev_ops *ops;
	void *priv;                 /* the driver's */
	struct blkdev *next;        /* private to the layer */
};

/* Add bd to the registry. The name must be set, unique and NUL-terminated.
 * @return 0, -EINVAL (no ops, bad name, sector size or align), -EEXIST. */
int blkdev_register(struct blkdev *bd);
/* Remove bd (no request may be in flight). */
void blkdev_unregister(struct blkdev *bd);
/* Write the first free name prefix + "a".."z", "aa".."zz" (vda, vdb, ...)
 * into name[BLKDEV_NAME_MAX]. @return 0, -EINVAL (prefix too long), -ENOSPC. */
int blkdev_name_alloc(const char *prefix, char *name);
/* @return the device called name, or NULL. */
struct blkdev *blkdev_find(const char *name);
/* Iterate: blkdev_next(NULL) is the first device, NULL after the last. */
struct blkdev *blkdev_next(const struct blkdev *prev);

/* The checked entry points (see the top of this file for the errors). */
int blkdev_read(struct blkdev *bd, uint64_t lba, uint32_t count, void *buf);
int blkdev_write(struct blkdev *bd, uint64_t lba, uint32_t count, const void *buf);
int blkdev_flush(struct blkdev *bd);
int blkdev_discard(struct blkdev *bd, uint64_t lba, uint64_t count);
int blkdev_write_zeroes(struct blkdev *bd, uint64_t lba, uint64_t count);

/* --- the test pattern (drivers/blk/pattern.c, pure) --------------------- */
/* A reproducible pattern for writing and checking disks from the guest and
 * the host. It depends only on the absolute byte position and a 64-bit
 * seed, not on the sector size: the little-endian 64-bit word at byte
 * offset 8*w of the disk is splitmix64's output number w+1 from state seed:
 *
 *     def word(seed, w):
 *         M = (1 << 64) - 1
 *         z = (seed + (w + 1) * 0x9E3779B97F4A7C15) & M
 *         z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
 *         z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
 *         return z ^ (z >> 31)
 *
 * so sector lba of size ss is struct.pack('<%dQ' % (ss // 8),
 * *[word(seed, lba * ss // 8 + i) for i in range(ss // 8)]). */
uint64_t blk_pattern_word(uint64_t seed, uint64_t w);
/* Fill count sectors that start at lba. */
void blk_pattern_fill(void *buf, uint64_t lba, uint32_t count, uint32_t sector_size,
		      uint64_t seed);
/* @return the byte offset in buf of the first 8-byte word that differs from
 * the pattern, or -1 when all of it matches. */
int64_t blk_pattern_check(const void *buf, uint64_t lba, uint32_t count,
			  uint32_t sector_size, uint64_t seed);

#endif
