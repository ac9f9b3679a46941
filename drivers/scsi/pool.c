// SPDX-License-Identifier: MIT
/* The SCSI disk layer's command pool: a free stack of slot numbers with a
 * per-slot flag, so that a slot is never handed out twice and a put of a
 * slot that is not out is caught rather than corrupting the stack, and a
 * FIFO of the block requests waiting for a slot. Pure (see
 * <drivers/scsi_pool.h>). */
#include <drivers/scsi_pool.h>
#include <kern/errno.h>
#include <string.h>

void scsi_pool_init(struct scsi_pool *p, unsigned n)
{
	memset(p, 0, sizeof(*p));
	if (n < 1)
		n = 1;
	if (n > SCSI_POOL_MAX)
		n = SCSI_POOL_MAX;
	p->n = n;
	/* Lowest numbers on top: slot 0 is handed out first. */
	for (unsigned i = 0; i < n; i++)
		p->free[i] = (uint16_t)(n - 1 - i);
	p->nfree = n;
}

int scsi_pool_get(struct scsi_pool *p)
{
	if (!p->nfree)
		return -ENOSPC;
	unsigned i = p->free[--p->nfree];
	p->used[i] = true;
	p->gets++;
	if (p->n - p->nfree > p->max_used)
		p->max_used = p->n - p->nfree;
	return (int)i;
}

int scsi_pool_put(struct scsi_pool *p, unsigned i)
{
	if (i >= p->n || !p->used[i]) {
		p->bad_puts++;
		return -EINVAL;
	}
	p->used[i] = false;
	p->free[p->nfree++] = (uint16_t)i;
	return 0;
}

unsigned scsi_pool_used(const struct scsi_pool *p)
{
	return p->n - p->nfree;
}

void scsi_pool_wait_add(struct scsi_pool *p, struct blk_req *r)
{
	r->drv_next = NULL;
	if (p->wait_tail)
		p->wait_tail->drv_next = r;
	else
		p->wait_head = r;
	p->wait_tail = r;
	p->waits++;
	if (++p->waiting > p->max_waiting)
		p->max_waiting = p->waiting;
}

struct blk_req *scsi_pool_wait_take(struct scsi_pool *p)
{
	struct blk_req *r = p->wait_head;
	if (!r)
		return NULL;
	p->wait_head = r->drv_next;
	if (!p->wait_head)
		p->wait_tail = NULL;
	r->drv_next = NULL;
	p->waiting--;
	return r;
}
