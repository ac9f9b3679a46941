// SPDX-License-Identifier: MIT
/* Split virtqueues (virtio 1.2 §2.7): pure logic over memory shared with a
 * device, host unit-tested against a simulated device
 * (tests/unit/test_virtqueue.c). See <drivers/virtqueue.h> for the rules. */
#include <drivers/virtqueue.h>
#include <kern/dma.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <arch/barrier.h>
#include <stdlib.h>
#include <string.h>

/* Allocate zeroed memory for the device; the size is rounded up to the
 * alignment as C11 aligned_alloc asks. */
static void *ring_alloc(size_t align, size_t size)
{
	size = ALIGN_UP(size, align);
	void *p = aligned_alloc(align, size);
	if (p)
		memset(p, 0, size);
	return p;
}

/* Put every descriptor on the free list and clear the rings. */
static void vq_reset_state(struct virtqueue *vq)
{
	unsigned num = vq->num;

	memset(vq->desc, 0, vring_desc_size(num));
	memset(vq->avail, 0, vring_avail_size(num));
	memset(vq->used, 0, vring_used_size(num));
	for (unsigned i = 0; i < num; i++)
		vq->next[i] = (uint16_t)(i + 1);   /* the last one is never followed */
	memset(vq->slot, 0, num * sizeof(*vq->slot));
	vq->free_head = 0;
	vq->num_free = (uint16_t)num;
	vq->avail_idx = vq->kicked_idx = vq->last_used = 0;
	vq->inflight = 0;
	vq->avail_flags = 0;
	vq->cb_enabled = true;
	vq->broken = false;
}

int vq_create(struct virtqueue **out, uint16_t index, unsigned num,
	      unsigned flags, unsigned indirect_max)
{
	/* §2.7: split queue sizes are powers of two up to 32768. */
	if (!IS_POW2(num) || num > VRING_MAX_SIZE)
		return -EINVAL;
	struct virtqueue *vq = calloc(1, sizeof(*vq));
	if (!vq)
		return -ENOMEM;
	vq->num = (uint16_t)num;   /* 32768 still fits */
	vq->index = index;
	vq->event_idx = flags & VQ_EVENT_IDX;
	vq->used_len_all = flags & VQ_USED_LEN_ALL;

	if (flags & VQ_LEGACY) {
		/* §2.7.2 legacy interfaces: descriptors, then the available
		 * ring, then padding to 4096, then the used ring, all in one
		 * physically contiguous block whose page number the device
		 * gets. */
		size_t used_off = ALIGN_UP(vring_desc_size(num) + vring_avail_size(num),
					   (size_t)VRING_LEGACY_ALIGN);
		char *m = ring_alloc(VRING_LEGACY_ALIGN, used_off + vring_used_size(num));
		if (!m)
			goto nomem;
		vq->mem[0] = m;
		vq->desc = (struct vring_desc *)m;
		vq->avail = (struct vring_avail *)(m + vring_desc_size(num));
		vq->used = (struct vring_used *)(m + used_off);
	} else {
		/* §2.7: three separate areas with their own alignment (16, 2,
		 * 4); a cache line each keeps the two sides apart. */
		vq->mem[0] = vq->desc = ring_alloc(64, vring_desc_size(num));
		vq->mem[1] = vq->avail = ring_alloc(64, vring_avail_size(num));
		vq->mem[2] = vq->used = ring_alloc(64, vring_used_size(num));
		if (!vq->desc || !vq->avail || !vq->used)
			goto nomem;
	}
	vq->desc_addr = dma_addr(vq->desc);
	vq->avail_addr = dma_addr(vq->avail);
	vq->used_addr = dma_addr(vq->used);

	vq->next = calloc(num, sizeof(*vq->next));
	vq->slot = calloc(num, sizeof(*vq->slot));
	if (!vq->next || !vq->slot)
		goto nomem;
	if ((flags & VQ_INDIRECT) && indirect_max > 1) {
		/* One table per head: a request that goes indirect takes
		 * exactly one ring descriptor, so its head names its table and
		 * nothing needs allocating (or freeing) per request, not even
		 * in an interrupt handler. §2.7.5.3: a table holds at most
		 * Queue Size entries. */
		if (indirect_max > num)
			indirect_max = num;
		vq->indirect = ring_alloc(16, (size_t)num * indirect_max *
					  sizeof(struct vring_desc));
		if (!vq->indirect)
			goto nomem;
		vq->indirect_max = (uint16_t)indirect_max;
	}
	vq_reset_state(vq);
	*out = vq;
	return 0;
nomem:
	vq_destroy(vq);
	return -ENOMEM;
}

void vq_destroy(struct virtqueue *vq)
{
	if (!vq)
		return;
	for (unsigned i = 0; i < ARRAY_SIZE(vq->mem); i++)
		free(vq->mem[i]);
	free(vq->indirect);
	free(vq->next);
	free(vq->slot);
	free(vq);
}

void vq_reinit(struct virtqueue *vq)
{
	vq_reset_state(vq);
}

void vq_break(struct virtqueue *vq, const char *why)
{
	if (!vq->broken)
		pr_err("virtqueue %u: %s: queue marked broken\n", vq->index, why);
	vq->broken = true;
}

/* Fill n descriptors of a table (the ring or an indirect table) in chain
 * order, readable before writable as §2.7.4.2 requires. links gives the
 * index of each entry's successor. @return the writable byte count. */
static uint64_t fill_chain(struct vring_desc *tbl, uint16_t first,
			   const uint16_t *links, const struct vq_sg *sg,
			   unsigned n_out, unsigned n)
{
	uint64_t in_len = 0;
	uint16_t i = first;

	for (unsigned k = 0; k < n; k++) {
		uint16_t flags = 0;
		if (k >= n_out) {
			flags |= VRING_DESC_F_WRITE;
			in_len += sg[k].len;
		}
		uint16_t nxt = links ? links[i] : (uint16_t)(i + 1);
		if (k + 1 < n)
			flags |= VRING_DESC_F_NEXT;
		tbl[i].addr = dma_addr(sg[k].addr);
		tbl[i].len = sg[k].len;
		tbl[i].flags = flags;
		tbl[i].next = (k + 1 < n) ? nxt : 0;
		i = nxt;
	}
	return in_len;
}

int vq_enqueue(struct virtqueue *vq, void *cookie, const struct vq_sg *sg,
	       unsigned n_out, unsigned n_in)
{
	unsigned n = n_out + n_in;

	if (vq->broken)
		return -EIO;
	if (!cookie || n == 0 || n < n_out)
		return -EINVAL;
	uint64_t in_total = 0, all_total = 0;
	for (unsigned k = 0; k < n; k++) {
		all_total += sg[k].len;
		if (k >= n_out)
			in_total += sg[k].len;
	}
	/* The used length the device reports is 32 bits wide (§2.7.8). */
	if (in_total > UINT32_MAX)
		return -EINVAL;

	bool indirect = vq->indirect_max && n > 1 && n <= vq->indirect_max;
	unsigned need = indirect ? 1 : n;
	/* §2.7.4.2: a chain may not be longer than the queue. */
	if (need > vq->num)
		return -EINVAL;
	if (need > vq->num_free)
		return -ENOSPC;

	/* Take need descriptors off the private free list; the links
	 * already chain them in order. */
	uint16_t head = vq->free_head, last = head;
	for (unsigned k = 1; k < need; k++)
		last = vq->next[last];
	vq->free_head = vq->next[last];
	vq->num_free = (uint16_t)(vq->num_free - need);

	if (indirect) {
		/* §2.7.5.3: the ring descriptor points at a table whose
		 * entries chain through .next from 0. */
		struct vring_desc *tbl = vq->indirect + (size_t)head * vq->indirect_max;
		fill_chain(tbl, 0, NULL, sg, n_out, n);
		vq->desc[head].addr = dma_addr(tbl);
		vq->desc[head].len = (uint32_t)(n * sizeof(struct vring_desc));
		vq->desc[head].flags = VRING_DESC_F_INDIRECT;
		vq->desc[head].next = 0;
	} else {
		fill_chain(vq->desc, head, vq->next, sg, n_out, n);
	}

	vq->slot[head].cookie = cookie;
	vq->slot[head].in_len = (uint32_t)in_total;
	vq->slot[head].all_len = (uint32_t)MIN(all_total, (uint64_t)UINT32_MAX);
	vq->slot[head].ndesc = (uint16_t)need;
	vq->inflight++;
	vq->n_enqueued++;

	/* §2.7.13.2: place the head in the next available slot; the index
	 * that makes it visible is written by vq_kick. */
	vq->avail->ring[vq->avail_idx & (vq->num - 1)] = head;
	vq->avail_idx++;
	return 0;
}

int vq_kick(struct virtqueue *vq)
{
	if (vq->broken)
		return -EIO;
	uint16_t old = vq->kicked_idx, new_idx = vq->avail_idx;
	if (old == new_idx)
		return 0;
	/* §2.7.13.3: descriptors and ring entries before the index. */
	dma_wmb();
	WRITE_ONCE(vq->avail->idx, new_idx);
	vq->kicked_idx = new_idx;
	vq->n_kicks++;
	/* §2.7.13.4: the index must be visible before we read the device's
	 * suppression state, or we could miss a notification it needs. */
	mb();
	bool need;
	if (vq->event_idx)
		need = vring_need_event(READ_ONCE(*vring_avail_event(vq->used, vq->num)),
					new_idx, old);
	else
		need = !(READ_ONCE(vq->used->flags) & VRING_USED_F_NO_NOTIFY);
	if (need) {
		vq->n_notifies++;
		vq->notify(vq);
	}
	return need;
}

/* Return a chain's descriptors to the free list and forget the request. */
static void *release(struct virtqueue *vq, uint16_t head)
{
	struct vq_slot *s = &vq->slot[head];
	void *cookie = s->cookie;
	uint16_t last = head;

	for (unsigned k = 1; k < s->ndesc; k++)
		last = vq->next[last];
	vq->next[last] = vq->free_head;
	vq->free_head = head;
	vq->num_free = (uint16_t)(vq->num_free + s->ndesc);
	vq->inflight--;
	s->cookie = NULL;
	s->ndesc = 0;
	s->in_len = 0;
	return cookie;
}

bool vq_has_used(struct virtqueue *vq)
{
	return !vq->broken && READ_ONCE(vq->used->idx) != vq->last_used;
}

int vq_dequeue(struct virtqueue *vq, void **cookie, uint32_t *len)
{
	if (vq->broken)
		return -EIO;
	uint16_t used_idx = READ_ONCE(vq->used->idx);
	if (used_idx == vq->last_used)
		return -EAGAIN;
	/* The device can have finished at most what it holds; an index
	 * further ahead (or behind: it wraps to a large distance) is a
	 * device bug or attack, not something to walk into. */
	uint16_t ready = (uint16_t)(used_idx - vq->last_used);
	if (ready > vq->inflight) {
		pr_err("virtqueue %u: used idx %u jumps %u ahead with %u in flight\n",
		       vq->index, used_idx, ready, vq->inflight);
		vq_break(vq, "bad used index");
		return -EIO;
	}
	/* §2.7.13: read the element only after seeing the index. */
	dma_rmb();
	struct vring_used_elem *e = &vq->used->ring[vq->last_used & (vq->num - 1)];
	uint32_t id = READ_ONCE(e->id), l = READ_ONCE(e->len);
	if (id >= vq->num || !vq->slot[id].cookie) {
		pr_err("virtqueue %u: used id %u %s\n", vq->index, id,
		       id >= vq->num ? "out of range" : "not in flight");
		vq_break(vq, "bad used id");
		return -EIO;
	}
	if (l > vq->slot[id].in_len && vq->used_len_all && l <= vq->slot[id].all_len) {
		l = vq->slot[id].in_len;
		vq->n_len_clamped++;
	} else if (l > vq->slot[id].in_len) {
		pr_err("virtqueue %u: used len %u > %u writable bytes posted\n",
		       vq->index, l, vq->slot[id].in_len);
		vq_break(vq, "bad used length");
		return -EIO;
	}
	vq->last_used++;
	/* §2.7.10: with EVENT_IDX, ask for an interrupt at the next entry
	 * while callbacks are wanted. */
	if (vq->event_idx && vq->cb_enabled)
		WRITE_ONCE(*vring_used_event(vq->avail, vq->num), vq->last_used);
	*cookie = release(vq, (uint16_t)id);
	*len = l;
	vq->n_completed++;
	return 0;
}

void vq_disable_cb(struct virtqueue *vq)
{
	vq->cb_enabled = false;
	/* §2.7.7: with EVENT_IDX the flag must stay 0; leaving used_event
	 * where it is gives at most one more interrupt. */
	if (!vq->event_idx && !(vq->avail_flags & VRING_AVAIL_F_NO_INTERRUPT)) {
		vq->avail_flags |= VRING_AVAIL_F_NO_INTERRUPT;
		WRITE_ONCE(vq->avail->flags, vq->avail_flags);
	}
}

bool vq_enable_cb(struct virtqueue *vq)
{
	vq->cb_enabled = true;
	if (vq->event_idx) {
		WRITE_ONCE(*vring_used_event(vq->avail, vq->num), vq->last_used);
	} else if (vq->avail_flags & VRING_AVAIL_F_NO_INTERRUPT) {
		vq->avail_flags &= (uint16_t)~VRING_AVAIL_F_NO_INTERRUPT;
		WRITE_ONCE(vq->avail->flags, vq->avail_flags);
	}
	/* §2.7.7.2 / §2.7.10: make the request visible before checking for
	 * completions that slipped in while interrupts were off. */
	mb();
	return vq_has_used(vq);
}

int vq_detach(struct virtqueue *vq, void **cookie)
{
	for (unsigned h = 0; h < vq->num; h++) {
		if (vq->slot[h].cookie) {
			*cookie = release(vq, (uint16_t)h);
			return 0;
		}
	}
	return -ENOENT;
}
