// SPDX-License-Identifier: MIT
/* The conformance suite's split rings (virtio 1.2 §2.7), written by hand:
 * unlike the driver's virtqueue (drivers/virtio/virtqueue.c) it posts
 * whatever descriptor layout a check asks for and reports what the device
 * wrote back instead of refusing it. Buffers sit between canary pages. */
#include "conform.h"
#include <kern/dma.h>
#include <kern/errno.h>
#include <kern/pmm.h>
#include <kern/time.h>
#include <arch/barrier.h>
#include <stdio.h>
#include <string.h>

struct cf_buf *cf_buf(struct cf_dev *d, uint32_t len, bool write)
{
	static struct cf_buf pool[64];
	static unsigned used;
	size_t pages = (len + PAGE_SIZE - 1) / PAGE_SIZE + 2;
	unsigned order = 0;

	while (((size_t)1 << order) < pages)
		order++;
	/* Descriptors for the buffer list live in a small pool, reused once
	 * a check's buffers are freed (at most 64 per check). */
	struct cf_buf *b = NULL;
	for (unsigned i = 0; i < ARRAY_SIZE(pool); i++) {
		struct cf_buf *c = &pool[(used + i) % ARRAY_SIZE(pool)];
		bool busy = false;
		for (struct cf_buf *x = d->bufs; x; x = x->next)
			busy |= x == c;
		if (!busy) {
			b = c;
			used = (used + i + 1) % ARRAY_SIZE(pool);
			break;
		}
	}
	uint8_t *region = b ? page_alloc(order) : NULL;
	if (!region) {
		CF_FAIL("out of memory for a %u-byte buffer", len);
		return NULL;
	}
	memset(region, CF_CANARY, (size_t)PAGE_SIZE << order);
	/* The buffer ends where the trailing canary page begins, so one byte
	 * too many lands on it; the bytes before it are canaries too. */
	size_t span = ((len + PAGE_SIZE - 1) / PAGE_SIZE) * PAGE_SIZE;
	*b = (struct cf_buf){
		.p = region + PAGE_SIZE + (span - len), .len = len, .write = write,
		.region = region, .order = order, .next = d->bufs,
	};
	d->bufs = b;
	return b;
}

static void desc_set(struct vring_desc *t, unsigned i, const struct cf_seg *s,
		     uint16_t flags, uint16_t next)
{
	t[i].addr = dma_addr(s->b->p + s->off);
	t[i].len = s->len;
	t[i].flags = flags | (s->b->write ? VRING_DESC_F_WRITE : 0);
	t[i].next = next;
}

static void sum_readable(const struct cf_seg *segs, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (!segs[i].b->write)
			segs[i].b->sum = cf_sum(segs[i].b);
}

uint16_t cf_chain(struct cf_dev *d, unsigned q, const struct cf_seg *segs,
		  unsigned n_out, unsigned n_in)
{
	struct virtqueue *vq = d->vq[q];
	unsigned n = n_out + n_in, num = vq->num;
	uint16_t head = d->next_desc[q];

	for (unsigned i = 0; i < n; i++) {
		unsigned at = (head + i) % num;
		desc_set(vq->desc, at, &segs[i], i + 1 < n ? VRING_DESC_F_NEXT : 0,
			 (uint16_t)((at + 1) % num));
	}
	d->next_desc[q] = (uint16_t)((head + n) % num);
	sum_readable(segs, n);
	return head;
}

uint16_t cf_chain_indirect(struct cf_dev *d, unsigned q, const struct cf_seg *segs,
			   unsigned n_out, unsigned n_in, unsigned lead, bool wflag)
{
	struct virtqueue *vq = d->vq[q];
	unsigned n = n_out + n_in, num = vq->num, nt = n - lead;
	uint16_t head = d->next_desc[q];
	struct cf_buf *tb = cf_buf(d, nt * sizeof(struct vring_desc), false);

	if (!tb)
		return head;
	struct vring_desc *t = (struct vring_desc *)tb->p;
	for (unsigned j = 0; j < nt; j++)
		desc_set(t, j, &segs[lead + j], j + 1 < nt ? VRING_DESC_F_NEXT : 0,
			 (uint16_t)(j + 1));
	for (unsigned i = 0; i < lead; i++) {
		unsigned at = (head + i) % num;
		desc_set(vq->desc, at, &segs[i], VRING_DESC_F_NEXT, (uint16_t)((at + 1) % num));
	}
	unsigned at = (head + lead) % num;
	vq->desc[at].addr = dma_addr(t);
	vq->desc[at].len = nt * sizeof(struct vring_desc);
	vq->desc[at].flags = VRING_DESC_F_INDIRECT | (wflag ? VRING_DESC_F_WRITE : 0);
	vq->desc[at].next = 0;
	d->next_desc[q] = (uint16_t)((head + lead + 1) % num);
	sum_readable(segs, n);
	tb->sum = cf_sum(tb);
	return head;
}

void cf_avail(struct cf_dev *d, unsigned q, uint16_t head)
{
	struct virtqueue *vq = d->vq[q];

	vq->avail->ring[d->avail_idx[q] % vq->num] = head;
	d->avail_idx[q]++;
}

void cf_kick(struct cf_dev *d, unsigned q)
{
	struct virtqueue *vq = d->vq[q];

	/* §2.7.13.3: the ring entries before the index, the index before
	 * the notification (§2.7.13.4). */
	wmb();
	WRITE_ONCE(vq->avail->idx, d->avail_idx[q]);
	mb();
	d->vdev->ops->queue_notify(vq);
}

int cf_wait_used(struct cf_dev *d, unsigned q, unsigned n, unsigned ms)
{
	struct virtqueue *vq = d->vq[q];
	uint64_t end = time_ns() + (uint64_t)ms * 1000000u;

	for (unsigned spin = 0;; spin++) {
		uint16_t idx = READ_ONCE(vq->used->idx);
		if ((uint16_t)(idx - d->used_seen[q]) >= n) {
			rmb();
			return 0;
		}
		if ((spin & 255) == 0) {
			if (d->vdev->ops->get_status(d->vdev) & VIRTIO_STATUS_NEEDS_RESET)
				return -EIO;
			if (time_ns() > end)
				return -ETIMEDOUT;
		}
		cpu_relax();
	}
}

struct vring_used_elem cf_used(struct cf_dev *d, unsigned q, unsigned i)
{
	struct virtqueue *vq = d->vq[q];
	volatile struct vring_used_elem *e =
		&vq->used->ring[(uint16_t)(d->used_seen[q] + i) % vq->num];

	return (struct vring_used_elem){ e->id, e->len };
}

void cf_consume(struct cf_dev *d, unsigned q, unsigned n)
{
	d->used_seen[q] = (uint16_t)(d->used_seen[q] + n);
}

const char *cf_why(struct cf_dev *d, int rc)
{
	static char why[96];

	if (rc == -ETIMEDOUT)
		snprintf(why, sizeof(why), "no used buffer within %u ms (status %#x)",
			 CF_WAIT_MS, d->vdev->ops->get_status(d->vdev));
	else if (rc == -EIO)
		snprintf(why, sizeof(why), "the device set DEVICE_NEEDS_RESET (status %#x) "
			 "instead of using the buffer", d->vdev->ops->get_status(d->vdev));
	else
		snprintf(why, sizeof(why), "error %d", rc);
	return why;
}

int cf_request(struct cf_dev *d, unsigned q, const struct cf_seg *segs,
	       unsigned n_out, unsigned n_in, uint32_t *len)
{
	uint16_t head = cf_chain(d, q, segs, n_out, n_in);

	cf_avail(d, q, head);
	cf_kick(d, q);
	int rc = cf_wait_used(d, q, 1, CF_WAIT_MS);
	if (rc) {
		CF_FAIL("queue %u: %s", q, cf_why(d, rc));
		return rc;
	}
	struct vring_used_elem e = cf_used(d, q, 0);
	cf_consume(d, q, 1);
	if (e.id != head) {
		CF_FAIL("queue %u: used id %u, but the only buffer posted has head %u", q,
			e.id, head);
		return -EPROTO;
	}
	*len = e.len;
	return 0;
}

void cf_delay_ms(unsigned ms)
{
	uint64_t end = time_ns() + (uint64_t)ms * 1000000u;

	while (time_ns() < end)
		cpu_relax();
}
