/* SPDX-License-Identifier: MIT */
/* The SCSI disk layer's command pool (drivers/scsi/pool.c): a bounded set
 * of command slots per host, handed out by index, and the FIFO of block
 * requests that found none free. Pure accounting: no locking (the caller
 * keeps interrupts disabled around every call), no memory of its own
 * beyond the struct; host unit-tested (tests/unit/test_scsi_pool.c).
 *
 * The bound is what keeps the SCSI layer from handing a transport more
 * commands than it said it takes at once (scsi_host.can_queue): a request
 * beyond it waits here, in submission order, and is started when a
 * command comes back, so blkdev's submit never sleeps and never fails for
 * want of a command. */
#ifndef DRIVERS_SCSI_POOL_H
#define DRIVERS_SCSI_POOL_H

#include <kern/compiler.h>
#include <drivers/blkdev.h>

#define SCSI_POOL_MAX   256

struct scsi_pool {
	unsigned n;                     /* slots 0..n-1 */
	unsigned nfree;
	uint16_t free[SCSI_POOL_MAX];   /* a stack of free slot numbers */
	bool used[SCSI_POOL_MAX];
	/* Requests waiting for a slot, linked by blk_req.drv_next. */
	struct blk_req *wait_head, *wait_tail;
	unsigned waiting;
	/* Counters. */
	unsigned max_used;              /* most slots out at once */
	unsigned max_waiting;
	uint64_t gets, waits, bad_puts;
};

/* Make slots 0..n-1 free (n clamped to 1..SCSI_POOL_MAX), nothing waiting. */
void scsi_pool_init(struct scsi_pool *p, unsigned n);
/* Take a free slot. @return its number, or -ENOSPC when all are out. */
int scsi_pool_get(struct scsi_pool *p);
/* Give slot i back. @return 0, or -EINVAL (out of range, or not out: a
 * double put, counted in bad_puts and otherwise ignored). */
int scsi_pool_put(struct scsi_pool *p, unsigned i);
/* Slots out now. */
unsigned scsi_pool_used(const struct scsi_pool *p);
/* Queue r behind the requests already waiting. */
void scsi_pool_wait_add(struct scsi_pool *p, struct blk_req *r);
/* The oldest waiting request, taken off the FIFO; NULL if none. */
struct blk_req *scsi_pool_wait_take(struct scsi_pool *p);

#endif
