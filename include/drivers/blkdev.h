/* SPDX-License-Identifier: MIT */
/* The generic block-device layer. A disk driver (virtio-blk, later a SCSI
 * disk) fills a struct blkdev and registers it; users find it by name and
 * go through blkdev_submit (asynchronous) or blkdev_read/write/...
 * (synchronous), which check the arguments once for every driver, so a
 * driver only ever sees a request that is in range, on a writable device
 * when it writes, with a suitably aligned buffer, and no larger than the
 * limits it declared (bigger ones are split here).
 *
 * Errors, checked in this order:
 *   -EINVAL      NULL device or buffer, buffer not aligned to bd->align,
 *                lba + count overflows 64 bits, an unknown op
 *   -EOPNOTSUPP  the driver has no op for this (a NULL sync op; a driver
 *                with submit answers it itself)
 *   -EROFS       write, discard or write_zeroes on a read-only device
 *   -ERANGE      the request reaches past the end (lba + count > capacity)
 * then whatever the driver answers (0 or -errno, e.g. -EIO). A read, write,
 * discard or write-zeroes of 0 sectors that passes these checks succeeds
 * without reaching the driver.
 *
 * Asynchronous requests (struct blk_req). The caller fills op, lba, count,
 * buf, done and arg and calls blkdev_submit; done(r) runs exactly once,
 * with r->status 0 or -errno, when the whole request is over:
 *   - a request the layer refuses (the errors above) completes at once,
 *     inside blkdev_submit, in the caller's context;
 *   - a request larger than the driver takes in one go (max_sectors for
 *     reads and writes, max_discard / max_write_zeroes) is carried out in
 *     pieces, one after another, by the layer; the caller sees one
 *     completion, with the first error if a piece failed (the pieces
 *     after it are not attempted);
 *   - otherwise the driver completes it: from its interrupt handler or
 *     from its own poll loop (a thread; virtio.mode=poll), never later
 *     than its request bound (virtio-blk: virtio.timeout_ms). Nobody has
 *     to wait or poll for a request to make progress.
 * Requests complete in any order; a caller may have any number in flight
 * (each its own struct blk_req), and a driver queues what its device has
 * no room for, so blkdev_submit never sleeps or spins on a driver with
 * submit. Until done runs, the request, its buffer and everything below
 * "private" belong to the layer and the driver: keep them valid (a
 * stack is fine when the caller waits there) and do not touch them.
 *
 * Callback context: interrupt context, the driver's poll thread, or the
 * submitter (refusals, and drivers that answer at once), often with
 * interrupts disabled. So done must not sleep, block or allocate: record
 * the result, set a flag, sem_up/waitq_wake_* a thread (kern/sched.h).
 * It may call blkdev_submit on a device whose driver has submit (never on
 * one without: that runs the transfer in the calling context); one that
 * resubmits on error must give up at some point, since a failed device
 * answers every new request at once. After done returns, the layer and
 * the driver no longer touch r: done may free or reuse it.
 *
 * Synchronous calls (blkdev_read, ...) are submit and wait: they sleep on
 * a semaphore until done runs (thread context only). Drivers without
 * submit keep the older synchronous ops; blkdev_submit runs those in the
 * caller's thread and completes before returning, so every user can use
 * either interface on every disk.
 *
 * Concurrency: the layer keeps no state between requests and holds no
 * lock; a driver serializes itself (irq_save on one CPU). Register and
 * unregister from thread context, not from interrupt handlers. */
#ifndef DRIVERS_BLKDEV_H
#define DRIVERS_BLKDEV_H

#include <kern/compiler.h>

struct blkdev;
struct blk_req;

enum blk_op {
	BLK_OP_READ,            /* count sectors at lba into buf */
	BLK_OP_WRITE,           /* count sectors from buf to lba */
	/* Make every completed write durable (empty a volatile cache);
	 * lba, count and buf are not used. */
	BLK_OP_FLUSH,
	/* The range's contents become unspecified (a hint: may do nothing). */
	BLK_OP_DISCARD,
	/* The range reads as zeros afterwards. */
	BLK_OP_WRITE_ZEROES,
	/* From here up: a driver's own requests, which its own code hands
	 * straight to its submit (virtio-blk's GET_ID); blkdev_submit
	 * refuses them with -EINVAL. */
	BLK_OP_DRIVER = 0x80,
};

typedef void (*blk_done_fn)(struct blk_req *r);

struct blk_req {
	/* The caller's: set before blkdev_submit, never changed by the layer
	 * or the driver. */
	uint32_t op;                /* enum blk_op */
	uint64_t lba;               /* first sector, of bd->sector_size */
	uint64_t count;             /* sectors */
	void *buf;                  /* READ, WRITE: count * sector_size bytes */
	blk_done_fn done;           /* required */
	void *arg;                  /* for done */
	/* The outcome, set just before done runs: 0 or -errno. */
	int status;

	/* The driver's input: the piece its submit is to carry out now (the
	 * whole request, or the layer's next piece of it), set by the layer.
	 * count is at most the driver's limit for the op. */
	struct {
		uint64_t lba, count;
		void *buf;          /* READ, WRITE */
	} io;
	/* Private to the driver from its submit until it completes the piece:
	 * a link for its own queue, and a pointer for what it likes. */
	struct blk_req *drv_next;
	void *drv_priv;
	/* Private to the layer. */
	struct blkdev *bd_;
	uint64_t left_;             /* sectors after io */
};

/* Each sync op returns 0 or -errno and completes before returning (it may
 * sleep). count is in sectors of bd->sector_size. A driver implements
 * either submit (then the sync ops are not used and may be NULL) or the
 * sync ops it supports. */
struct blkdev_ops {
	/* Start r->op on r->io (all checked by the layer) and return without
	 * sleeping or spinning: queue what does not fit the device now. Call
	 * blkdev_complete(r, err) once the piece is over, from interrupt
	 * context, the driver's poll thread or (errors, nothing to do) submit
	 * itself; touch r no more after handing it to the device or to
	 * blkdev_complete. Callable with interrupts disabled and from done
	 * callbacks. */
	void (*submit)(struct blkdev *bd, struct blk_req *r);
	/* Optional, with submit: while plugged (nested: on, on, off, off),
	 * requests submitted may wait in the driver for the last unplug,
	 * which tells the device about all of them at once (one notification
	 * instead of one per request). Callable with interrupts disabled. */
	void (*plug)(struct blkdev *bd, bool on);
	int (*read)(struct blkdev *bd, uint64_t lba, uint32_t count, void *buf);
	int (*write)(struct blkdev *bd, uint64_t lba, uint32_t count, const void *buf);
	int (*flush)(struct blkdev *bd);
	int (*discard)(struct blkdev *bd, uint64_t lba, uint64_t count);
	int (*write_zeroes)(struct blkdev *bd, uint64_t lba, uint64_t count);
};

#define BLKDEV_NAME_MAX   16
#define BLKDEV_F_RO       0x1u      /* read-only medium */
#define BLKDEV_F_POLL     0x2u      /* completions come from the driver's
				       poll thread, not interrupts */

struct blkdev {
	char name[BLKDEV_NAME_MAX]; /* "vda", ...: see blkdev_name_alloc */
	const char *driver;         /* "virtio-blk", for lsblk */
	uint32_t sector_size;       /* bytes: a power of two, 512 .. 65536 */
	uint64_t capacity;          /* in sectors */
	uint32_t flags;             /* BLKDEV_F_* */
	/* The most sectors one op call or submitted piece covers, 0: no
	 * limit (read and write: at most 2^32 - 1 either way). */
	uint32_t max_sectors;       /* read, write */
	uint32_t max_discard;       /* discard */
	uint32_t max_write_zeroes;  /* write_zeroes */
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

/* Start r on bd (see the top of this file); r->done runs exactly once,
 * possibly before this returns. @return 0, or -EINVAL when r is NULL or
 * has no done callback (then nothing runs). */
int blkdev_submit(struct blkdev *bd, struct blk_req *r);

/* 64 KiB of zeroes for drivers that write zeroes as an ordinary write
 * (no command for it): a device-readable buffer. Nobody writes it. It is
 * in .bss rather than .rodata so that it costs no image bytes. */
#define BLK_ZEROES_BYTES (64u << 10)
extern uint8_t blk_zeroes[BLK_ZEROES_BYTES];
/* Batch the submissions between these two (see blkdev_ops.plug): a driver
 * that has no plug op ignores them. Pair each plug with an unplug, in the
 * same thread, without sleeping in between. */
void blkdev_plug(struct blkdev *bd);
void blkdev_unplug(struct blkdev *bd);
/* The driver's side: r->io is over with err (0 or -errno). The layer
 * starts the next piece or runs r->done. Any context. */
void blkdev_complete(struct blk_req *r, int err);

/* The checked synchronous calls (thread context: they may sleep). */
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
