// SPDX-License-Identifier: MIT
/* Fuzz the split virtqueue (drivers/virtio/virtqueue.c) against a hostile
 * device: the input picks the queue's shape (size, legacy layout,
 * EVENT_IDX, indirect tables), then is a stream of operations. The driver
 * side posts requests, kicks, drains, toggles callbacks, and after a
 * breakage detaches and reinitialises as the virtio core does; the device
 * side writes the used ring: entries whose id is either a head it read
 * from the available ring or any 32-bit value, lengths of any size, and a
 * used index that steps by one or jumps anywhere.
 *
 * What the queue promises, checked here: a cookie comes back only for a
 * request in flight, and only once; its length never exceeds the bytes
 * posted device-writable; vq_detach returns only requests in flight; the
 * counters stay in range. */
#include "fuzz.h"
#include <drivers/virtqueue.h>
#include <kern/errno.h>

#define MAXREQ 64

struct req {
	bool inflight;
	uint32_t in_len;
	unsigned nbuf;
	void *buf[4];
};

static struct req reqs[MAXREQ];

static void notify(struct virtqueue *vq)
{
	(void)vq;
	fz_sink++;
}

static void req_free(struct req *r)
{
	for (unsigned i = 0; i < r->nbuf; i++)
		free(r->buf[i]);
	r->nbuf = 0;
	r->inflight = false;
}

static struct req *check_cookie(void *ck)
{
	struct req *r = ck;

	if (r < reqs || r >= reqs + MAXREQ || !r->inflight)
		abort();        /* a cookie that is not in flight */
	return r;
}

static void post(struct fz *f, struct virtqueue *vq)
{
	struct req *r = NULL;
	struct vq_sg sg[4];
	unsigned n_out, n_in;

	for (unsigned i = 0; i < MAXREQ; i++)
		if (!reqs[i].inflight && !reqs[i].nbuf) {
			r = &reqs[i];
			break;
		}
	if (!r)
		return;
	n_out = fz_u8(f) % 3;
	n_in = fz_u8(f) % 3;
	if (n_out + n_in == 0)
		n_in = 1;
	r->in_len = 0;
	for (unsigned i = 0; i < n_out + n_in; i++) {
		uint32_t len = 1 + fz_u8(f);

		r->buf[i] = calloc(1, len);
		sg[i] = (struct vq_sg){ r->buf[i], len };
		if (i >= n_out)
			r->in_len += len;
	}
	r->nbuf = n_out + n_in;
	if (vq_enqueue(vq, r, sg, n_out, n_in) == 0)
		r->inflight = true;
	else
		req_free(r);
}

/* The device completes something, or pretends to. */
static void device(struct fz *f, struct virtqueue *vq)
{
	struct vring_used *u = vq->used;
	uint8_t how = fz_u8(f);
	uint16_t idx = u->idx;
	uint32_t id, len;

	if (how & 1)        /* a head it read from the available ring */
		id = vq->avail->ring[fz_u16(f) & (vq->num - 1)];
	else
		id = fz_u32(f);
	len = (how & 2) ? fz_u8(f) : fz_u32(f);
	u->ring[idx & (vq->num - 1)].id = id;
	u->ring[idx & (vq->num - 1)].len = len;
	u->idx = (how & 4) ? fz_u16(f) : (uint16_t)(idx + 1);
	if (how & 8)
		u->flags = fz_u16(f);
}

static void drain(struct virtqueue *vq)
{
	void *ck;
	uint32_t len;
	int rc, guard = 0;

	while ((rc = vq_dequeue(vq, &ck, &len)) == 0 && guard++ < 70000) {
		struct req *r = check_cookie(ck);

		if (len > r->in_len)
			abort();        /* more than was posted writable */
		req_free(r);
	}
	if (rc != -EAGAIN && rc != -EIO && rc != 0)
		abort();
}

static void reset(struct virtqueue *vq)
{
	void *ck;
	int guard = 0;

	while (vq_detach(vq, &ck) == 0 && guard++ < 70000)
		req_free(check_cookie(ck));
	vq_reinit(vq);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	uint8_t cfg = fz_u8(&f);
	unsigned num = 1u << (cfg & 7), flags = 0, imax = 0;
	struct virtqueue *vq;

	if (cfg & 0x08)
		flags |= VQ_LEGACY;
	if (cfg & 0x10)
		flags |= VQ_EVENT_IDX;
	if (cfg & 0x20) {
		flags |= VQ_INDIRECT;
		imax = 4;
	}
	if (vq_create(&vq, 0, num, flags, imax))
		return 0;
	vq->notify = notify;
	for (int guard = 0; !fz_empty(&f) && guard < 512; guard++) {
		switch (fz_u8(&f) % 8) {
		case 0: case 1:
			post(&f, vq);
			break;
		case 2:
			fz_sink += (uint64_t)vq_kick(vq);
			break;
		case 3: case 4:
			device(&f, vq);
			break;
		case 5:
			drain(vq);
			break;
		case 6:
			if (fz_u8(&f) & 1)
				fz_sink += vq_enable_cb(vq);
			else
				vq_disable_cb(vq);
			fz_sink += vq_has_used(vq);
			break;
		default:
			if (vq_broken(vq))
				reset(vq);
		}
		if (vq->num_free > vq->num || vq->inflight > vq->num)
			abort();
	}
	reset(vq);
	for (unsigned i = 0; i < MAXREQ; i++)
		if (reqs[i].inflight || reqs[i].nbuf)
			abort();        /* detach must have returned them all */
	vq_destroy(vq);
	return 0;
}
