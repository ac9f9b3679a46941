// SPDX-License-Identifier: MIT
/* Host unit tests for the split virtqueue (drivers/virtio/virtqueue.c),
 * driven against a device simulated in plain memory: it reads the available
 * ring like a device would (§2.7.13), follows direct and indirect chains,
 * writes the used ring, and decides interrupts with the same rules
 * (§2.7.7, §2.7.10). A hostile mode pokes the used ring by hand. */
#include "unit.h"
#include "stubs.h"
#include <drivers/virtqueue.h>
#include <kern/dma.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <stdarg.h>

/* printk stub: count errors so tests can check that breakage is logged. */
/* ---- a simulated device ------------------------------------------------ */

struct chain {
	uint16_t head;
	uint32_t out_bytes, in_bytes;
	unsigned nbuf;
	bool indirect;
	struct { uint8_t *p; uint32_t len; bool w; } buf[64];
};

struct sim {
	struct virtqueue *vq;
	uint16_t last_avail, used_idx, used_signalled;
	struct chain *taken;        /* chains read, not yet completed */
	unsigned ntaken;
	unsigned interrupts, notifies;
	bool suppress_kicks;        /* device sets avail_event far away */
	bool bad;                   /* a malformed chain was seen */
};

static struct sim *notify_sim;
static void sim_notify(struct virtqueue *vq)
{
	(void)vq;
	notify_sim->notifies++;
}

static struct sim *sim_new(struct virtqueue *vq)
{
	struct sim *s = calloc(1, sizeof(*s));
	s->vq = vq;
	s->taken = calloc(vq->num, sizeof(*s->taken));
	vq->notify = sim_notify;
	notify_sim = s;
	return s;
}

static void sim_free(struct sim *s)
{
	free(s->taken);
	free(s);
}

/* Read one chain like a device: the device only knows the shared rings. */
static void sim_parse(struct sim *s, uint16_t head, struct chain *c)
{
	struct virtqueue *vq = s->vq;
	struct vring_desc *tbl = vq->desc;
	unsigned max = vq->num, i = head, seen = 0;
	bool w = false;

	memset(c, 0, sizeof(*c));
	c->head = head;
	if (tbl[head].flags & VRING_DESC_F_INDIRECT) {
		if (tbl[head].len % 16 || tbl[head].flags & VRING_DESC_F_NEXT)
			s->bad = true;
		max = tbl[head].len / 16;
		tbl = phys_to_virt(tbl[head].addr);
		i = 0;
		c->indirect = true;
	}
	for (;;) {
		if (i >= max || seen++ >= max || c->nbuf >= 64) {
			s->bad = true;
			return;
		}
		struct vring_desc *d = &tbl[i];
		if (c->indirect && (d->flags & VRING_DESC_F_INDIRECT))
			s->bad = true;   /* §2.7.5.3.1: no nesting */
		bool dw = d->flags & VRING_DESC_F_WRITE;
		if (w && !dw)
			s->bad = true;   /* readable after writable */
		w = dw;
		c->buf[c->nbuf].p = phys_to_virt(d->addr);
		c->buf[c->nbuf].len = d->len;
		c->buf[c->nbuf].w = dw;
		c->nbuf++;
		if (dw) c->in_bytes += d->len; else c->out_bytes += d->len;
		if (!(d->flags & VRING_DESC_F_NEXT))
			break;
		i = d->next;
	}
}

/* Take every newly available chain. */
static unsigned sim_take(struct sim *s)
{
	struct virtqueue *vq = s->vq;
	uint16_t avail = READ_ONCE(vq->avail->idx);
	unsigned n = 0;

	while (s->last_avail != avail) {
		uint16_t head = vq->avail->ring[s->last_avail & (vq->num - 1)];
		CHECK(s->ntaken < vq->num);
		sim_parse(s, head, &s->taken[s->ntaken++]);
		s->last_avail++;
		n++;
	}
	/* §2.7.10: ask for a kick at the next entry, or far away. */
	*vring_avail_event(vq->used, vq->num) =
		s->suppress_kicks ? (uint16_t)(s->last_avail + 0x7fff) : s->last_avail;
	return n;
}

/* Publish a used entry and interrupt like a device (§2.7.7.2). */
static void sim_put_used(struct sim *s, uint32_t id, uint32_t len)
{
	struct virtqueue *vq = s->vq;
	struct vring_used_elem *e = &vq->used->ring[s->used_idx & (vq->num - 1)];
	e->id = id;
	e->len = len;
	uint16_t old = s->used_signalled;
	s->used_idx++;
	WRITE_ONCE(vq->used->idx, s->used_idx);
	bool irq = vq->event_idx
		? vring_need_event(*vring_used_event(vq->avail, vq->num), s->used_idx, old)
		: !(vq->avail->flags & VRING_AVAIL_F_NO_INTERRUPT);
	if (irq)
		s->interrupts++;
	s->used_signalled = s->used_idx;
}

/* Complete taken chain k: check what was sent, write a pattern into the
 * writable buffers, report the bytes written. */
static void sim_complete(struct sim *s, unsigned k)
{
	struct chain c = s->taken[k];
	s->taken[k] = s->taken[--s->ntaken];
	uint32_t written = 0;
	uint8_t seed = 0;
	for (unsigned b = 0; b < c.nbuf; b++) {
		if (!c.buf[b].w) {
			for (uint32_t j = 0; j < c.buf[b].len; j++)
				seed ^= c.buf[b].p[j];
			continue;
		}
		for (uint32_t j = 0; j < c.buf[b].len; j++)
			c.buf[b].p[j] = (uint8_t)(seed + j);
		written += c.buf[b].len;
	}
	sim_put_used(s, c.head, written);
}

/* ---- helpers ------------------------------------------------------------ */

static struct virtqueue *mkvq(unsigned num, unsigned flags, unsigned imax)
{
	struct virtqueue *vq = NULL;
	CHECK_EQ(vq_create(&vq, 0, num, flags, imax), 0);
	return vq;
}

struct req {
	uint8_t out[8], in[24];
	uint32_t id, nin;
	bool done;
};

static int post(struct virtqueue *vq, struct req *r, unsigned nin)
{
	struct vq_sg sg[4] = {
		{ r->out, sizeof(r->out) },
		{ r->in, 8 }, { r->in + 8, 8 }, { r->in + 16, 8 },
	};
	memset(r->out, (int)r->id, sizeof(r->out));
	return vq_enqueue(vq, r, sg, 1, nin);
}

/* ---- cases -------------------------------------------------------------- */

UNIT(create_sizes)
{
	struct virtqueue *vq;
	for (unsigned n = 1; n <= VRING_MAX_SIZE; n <<= 1) {
		CHECK_EQ(vq_create(&vq, 3, n, (n & 1) ? VQ_LEGACY : 0, 0), 0);
		CHECK_EQ(vq->num, n);
		CHECK_EQ(vq->num_free, n);
		CHECK_EQ(vq->index, 3);
		CHECK((vq->desc_addr & 15) == 0);
		CHECK((vq->used_addr & 3) == 0);
		vq_destroy(vq);
	}
	CHECK_EQ(vq_create(&vq, 0, 0, 0, 0), -EINVAL);
	CHECK_EQ(vq_create(&vq, 0, 3, 0, 0), -EINVAL);
	CHECK_EQ(vq_create(&vq, 0, 24, 0, 0), -EINVAL);
	CHECK_EQ(vq_create(&vq, 0, 65536, 0, 0), -EINVAL);
}

UNIT(legacy_layout)
{
	/* §2.7.2 legacy: one block, avail right after the descriptors, used
	 * ring on the next 4096 boundary. */
	struct virtqueue *vq = mkvq(256, VQ_LEGACY, 0);
	CHECK((vq->desc_addr & 4095) == 0);
	CHECK_EQ(vq->avail_addr, vq->desc_addr + 16 * 256);
	CHECK_EQ(vq->used_addr, vq->desc_addr + 8192);
	vq_destroy(vq);
	vq = mkvq(1024, VQ_LEGACY, 0);
	CHECK_EQ(vq->used_addr - vq->desc_addr, 16384 + 4096);
	vq_destroy(vq);
}

UNIT(roundtrip)
{
	struct virtqueue *vq = mkvq(8, 0, 0);
	struct sim *s = sim_new(vq);
	struct req r = { .id = 7 };
	CHECK_EQ(post(vq, &r, 3), 0);
	CHECK_EQ(vq->num_free, 4);
	CHECK_EQ(sim_take(s), 0);          /* nothing visible before the kick */
	CHECK_EQ(vq_kick(vq), 1);
	CHECK_EQ(s->notifies, 1);
	CHECK_EQ(sim_take(s), 1);
	CHECK(!s->bad);
	CHECK_EQ(s->taken[0].nbuf, 4);
	CHECK_EQ(s->taken[0].out_bytes, 8);
	CHECK_EQ(s->taken[0].in_bytes, 24);
	void *ck; uint32_t len;
	CHECK_EQ(vq_dequeue(vq, &ck, &len), -EAGAIN);
	CHECK(!vq_has_used(vq));
	sim_complete(s, 0);
	CHECK(vq_has_used(vq));
	CHECK_EQ(vq_dequeue(vq, &ck, &len), 0);
	CHECK(ck == &r);
	CHECK_EQ(len, 24);
	CHECK_EQ(r.in[0], 0);              /* seed = xor of 8 bytes of 7 = 0 */
	CHECK_EQ(r.in[23], 7);            /* last buffer, byte 7 */
	CHECK_EQ(vq->num_free, 8);
	CHECK_EQ(vq_dequeue(vq, &ck, &len), -EAGAIN);
	CHECK_EQ(vq_kick(vq), 0);          /* nothing new: no notify */
	sim_free(s);
	vq_destroy(vq);
}

UNIT(full_and_invalid)
{
	struct virtqueue *vq = mkvq(4, 0, 0);
	struct sim *s = sim_new(vq);
	struct req r[4] = { { .id = 0 }, { .id = 1 }, { .id = 2 }, { .id = 3 } };
	CHECK_EQ(post(vq, &r[0], 1), 0);   /* 2 descriptors */
	CHECK_EQ(post(vq, &r[1], 1), 0);   /* 2 more: full */
	CHECK_EQ(post(vq, &r[2], 1), -ENOSPC);
	CHECK_EQ(post(vq, &r[2], 3), -ENOSPC);   /* 4 fit an empty ring */
	CHECK_EQ(vq_enqueue(vq, NULL, NULL, 0, 0), -EINVAL);
	struct vq_sg sg[5] = { { r[3].out, 1 }, { r[3].out, 1 }, { r[3].out, 1 },
			       { r[3].out, 1 }, { r[3].out, 1 } };
	CHECK_EQ(vq_enqueue(vq, &r[3], sg, 5, 0), -EINVAL);   /* longer than the queue */
	CHECK_EQ(vq_enqueue(vq, NULL, sg, 1, 0), -EINVAL);
	vq_kick(vq);
	sim_take(s);
	sim_complete(s, 0);
	void *ck; uint32_t len;
	CHECK_EQ(vq_dequeue(vq, &ck, &len), 0);
	CHECK_EQ(post(vq, &r[2], 1), 0);
	CHECK(!vq_broken(vq));
	sim_free(s);
	vq_destroy(vq);
}

/* Many requests through small and large queues: the 16-bit indices wrap
 * several times, completions come out of order, nothing leaks. */
static void run_many(unsigned num, unsigned flags, unsigned imax, unsigned total)
{
	struct virtqueue *vq = mkvq(num, flags, imax);
	struct sim *s = sim_new(vq);
	struct req *reqs = calloc(num, sizeof(*reqs));
	unsigned posted = 0, done = 0, rnd = 12345 + num;
	bool *busy = calloc(num, sizeof(bool));

	while (done < total) {
		/* post a random batch */
		unsigned batch = 1 + (rnd >> 7) % num;
		for (unsigned b = 0; b < batch && posted < total; b++) {
			unsigned slot;
			for (slot = 0; slot < num && busy[slot]; slot++)
				;
			if (slot == num)
				break;
			struct req *r = &reqs[slot];
			r->id = posted;
			r->nin = 1 + posted % MIN(3u, num > 1 ? num - 1 : 1);
			int rc = post(vq, r, r->nin);
			if (rc == -ENOSPC)
				break;
			CHECK_EQ(rc, 0);
			if (rc)
				goto out;
			busy[slot] = true;
			posted++;
		}
		vq_kick(vq);
		sim_take(s);
		CHECK(!s->bad);
		/* complete a random subset, out of order */
		rnd = rnd * 1103515245u + 12345u;
		unsigned ncomp = s->ntaken ? 1 + (rnd >> 9) % s->ntaken : 0;
		for (unsigned c = 0; c < ncomp && s->ntaken; c++)
			sim_complete(s, (rnd >> (c & 15)) % s->ntaken);
		void *ck; uint32_t len; int rc;
		while ((rc = vq_dequeue(vq, &ck, &len)) == 0) {
			struct req *r = ck;
			unsigned slot = (unsigned)(r - reqs);
			CHECK(slot < num && busy[slot]);
			busy[slot] = false;
			CHECK_EQ(len, 8u * r->nin);
			done++;
		}
		CHECK_EQ(rc, -EAGAIN);
		if (rc != -EAGAIN)
			goto out;
	}
	CHECK_EQ(vq->num_free, num);
	CHECK_EQ(vq->inflight, 0);
	CHECK_EQ(vq->n_completed, total);
	CHECK(!vq_broken(vq));
out:
	free(busy);
	free(reqs);
	sim_free(s);
	vq_destroy(vq);
}

UNIT(wrap_16bit_indices)
{
	run_many(2, 0, 0, 70000);
	run_many(16, 0, 0, 140000);
	run_many(256, VQ_LEGACY, 0, 140000);
	run_many(1024, 0, 0, 140000);
}

UNIT(wrap_event_idx_indirect)
{
	run_many(2, VQ_EVENT_IDX | VQ_INDIRECT, 4, 70000);
	run_many(16, VQ_EVENT_IDX, 0, 140000);
	run_many(128, VQ_INDIRECT, 8, 140000);
	run_many(1024, VQ_EVENT_IDX | VQ_INDIRECT | VQ_LEGACY, 4, 140000);
}

UNIT(indirect_tables)
{
	struct virtqueue *vq = mkvq(4, VQ_INDIRECT, 4);
	struct sim *s = sim_new(vq);
	struct req r[4] = { { .id = 0 }, { .id = 1 }, { .id = 2 }, { .id = 3 } };
	/* four 4-buffer requests in a 4-entry ring: one descriptor each */
	for (int i = 0; i < 4; i++)
		CHECK_EQ(post(vq, &r[i], 3), 0);
	CHECK_EQ(vq->num_free, 0);
	vq_kick(vq);
	CHECK_EQ(sim_take(s), 4);
	CHECK(!s->bad);
	for (int i = 0; i < 4; i++) {
		CHECK(s->taken[i].indirect);
		CHECK_EQ(s->taken[i].nbuf, 4);
		CHECK_EQ(s->taken[i].in_bytes, 24);
	}
	while (s->ntaken)
		sim_complete(s, s->ntaken - 1);
	void *ck; uint32_t len;
	for (int i = 0; i < 4; i++) {
		CHECK_EQ(vq_dequeue(vq, &ck, &len), 0);
		CHECK_EQ(len, 24);
	}
	/* a single buffer goes direct; more than indirect_max too */
	CHECK_EQ(vq_enqueue(vq, &r[0], (struct vq_sg[]){ { r[0].in, 4 } }, 0, 1), 0);
	CHECK_EQ(vq->num_free, 3);
	vq_kick(vq);
	sim_take(s);
	CHECK(!s->taken[0].indirect);
	sim_complete(s, 0);
	CHECK_EQ(vq_dequeue(vq, &ck, &len), 0);
	struct vq_sg sg[5];
	for (int i = 0; i < 5; i++)
		sg[i] = (struct vq_sg){ r[1].in + i, 1 };
	CHECK_EQ(vq_enqueue(vq, &r[1], sg, 2, 3), -EINVAL);   /* 5 > 4 direct */
	CHECK_EQ(vq_enqueue(vq, &r[1], sg, 1, 3), 0);         /* 4: indirect */
	CHECK_EQ(vq->num_free, 3);
	sim_free(s);
	vq_destroy(vq);
}

UNIT(need_event_arithmetic)
{
	/* event crossed when old <= event < new, in modulo-65536 terms */
	CHECK(vring_need_event(0, 1, 0));
	CHECK(!vring_need_event(1, 1, 0));
	CHECK(vring_need_event(5, 10, 0));
	CHECK(!vring_need_event(10, 10, 0));
	CHECK(vring_need_event(9, 10, 0));
	CHECK(!vring_need_event(4, 10, 5));
	CHECK(vring_need_event(5, 10, 5));
	/* wrap at 65536 */
	CHECK(vring_need_event(65535, 0, 65535));
	CHECK(vring_need_event(65535, 3, 65530));
	CHECK(vring_need_event(1, 3, 65530));
	CHECK(!vring_need_event(3, 3, 65530));
	CHECK(!vring_need_event(65529, 3, 65530));
	CHECK(!vring_need_event(7, 3, 65530));
	/* exhaustive against a plain reference over a window */
	for (unsigned old = 65500; old < 65500 + 100; old++)
		for (unsigned d = 0; d < 40; d++)
			for (unsigned e = old - 10; e < old + 50; e++) {
				uint16_t o = (uint16_t)old, n = (uint16_t)(old + d),
					 ev = (uint16_t)e;
				bool ref = e >= old && e < old + d;
				CHECK_EQ(vring_need_event(ev, n, o), ref);
			}
}

UNIT(kick_suppression)
{
	/* without EVENT_IDX: the NO_NOTIFY flag */
	struct virtqueue *vq = mkvq(8, 0, 0);
	struct sim *s = sim_new(vq);
	struct req r[3] = { { .id = 0 }, { .id = 1 }, { .id = 2 } };
	vq->used->flags = VRING_USED_F_NO_NOTIFY;
	post(vq, &r[0], 1);
	CHECK_EQ(vq_kick(vq), 0);
	vq->used->flags = 0;
	post(vq, &r[1], 1);
	CHECK_EQ(vq_kick(vq), 1);
	CHECK_EQ(s->notifies, 1);
	sim_free(s);
	vq_destroy(vq);

	/* with EVENT_IDX: notify only when avail_event is crossed */
	vq = mkvq(8, VQ_EVENT_IDX, 0);
	s = sim_new(vq);
	post(vq, &r[0], 1);
	CHECK_EQ(vq_kick(vq), 1);          /* avail_event 0, 0 -> 1 crosses */
	s->suppress_kicks = true;
	sim_take(s);                       /* avail_event = 1 + 0x7fff */
	post(vq, &r[1], 1);
	CHECK_EQ(vq_kick(vq), 0);
	s->suppress_kicks = false;
	sim_take(s);                       /* avail_event = 2 */
	post(vq, &r[2], 1);
	CHECK_EQ(vq_kick(vq), 1);          /* 2 -> 3 crosses 2 */
	CHECK_EQ(s->notifies, 2);
	CHECK_EQ(vq->n_kicks, 3);
	sim_free(s);
	vq_destroy(vq);
}

UNIT(callbacks)
{
	struct req r[4] = { { .id = 0 }, { .id = 1 }, { .id = 2 }, { .id = 3 } };
	void *ck; uint32_t len;
	for (int ev = 0; ev < 2; ev++) {
		struct virtqueue *vq = mkvq(8, ev ? VQ_EVENT_IDX : 0, 0);
		struct sim *s = sim_new(vq);
		post(vq, &r[0], 1);
		post(vq, &r[1], 1);
		vq_kick(vq);
		sim_take(s);
		sim_complete(s, 0);
		CHECK_EQ(s->interrupts, 1);
		vq_disable_cb(vq);
		CHECK_EQ(vq->avail->flags, ev ? 0 : VRING_AVAIL_F_NO_INTERRUPT);
		CHECK_EQ(vq_dequeue(vq, &ck, &len), 0);
		sim_complete(s, 0);
		/* suppressed: the flag, or used_event left behind */
		CHECK_EQ(s->interrupts, 1);
		/* enabling reports the completion that raced in */
		CHECK(vq_enable_cb(vq));
		CHECK_EQ(vq->avail->flags, 0);
		CHECK_EQ(vq_dequeue(vq, &ck, &len), 0);
		CHECK(!vq_enable_cb(vq));
		post(vq, &r[2], 1);
		vq_kick(vq);
		sim_take(s);
		unsigned before = s->interrupts;
		sim_complete(s, 0);
		CHECK_EQ(s->interrupts, before + 1);
		if (ev)
			CHECK_EQ(*vring_used_event(vq->avail, vq->num), vq->last_used);
		sim_free(s);
		vq_destroy(vq);
	}
}

/* ---- hardening ---------------------------------------------------------- */

/* A queue with two requests in flight, taken by the device. */
static struct virtqueue *hostile_setup(struct sim **sp, struct req *r)
{
	struct virtqueue *vq = mkvq(8, 0, 0);
	*sp = sim_new(vq);
	r[0].id = 0;
	r[1].id = 1;
	CHECK_EQ(post(vq, &r[0], 1), 0);
	CHECK_EQ(post(vq, &r[1], 2), 0);
	vq_kick(vq);
	sim_take(*sp);
	return vq;
}

static void expect_broken(struct virtqueue *vq, struct req *r, int errs_before)
{
	void *ck; uint32_t len;
	CHECK(vq_broken(vq));
	CHECK(unit_printk_errors > errs_before);
	CHECK_EQ(vq_dequeue(vq, &ck, &len), -EIO);
	CHECK_EQ(post(vq, &r[2], 1), -EIO);
	CHECK_EQ(vq_kick(vq), -EIO);
	CHECK(!vq_has_used(vq));
	/* after a reset, the owner gets every outstanding cookie back */
	unsigned got = 0;
	while (vq_detach(vq, &ck) == 0) {
		CHECK(ck == &r[0] || ck == &r[1]);
		got++;
	}
	CHECK(got <= 2);
	CHECK_EQ(vq->num_free, vq->num);
	vq_reinit(vq);
	CHECK(!vq_broken(vq));
	CHECK_EQ(post(vq, &r[2], 1), 0);
}

UNIT(hostile_id_out_of_range)
{
	struct sim *s; struct req r[3] = { 0 };
	struct virtqueue *vq = hostile_setup(&s, r);
	int e = unit_printk_errors;
	sim_put_used(s, 8, 0);
	void *ck = NULL; uint32_t len;
	CHECK_EQ(vq_dequeue(vq, &ck, &len), -EIO);
	CHECK(ck == NULL);
	expect_broken(vq, r, e);
	sim_put_used(s, 0xffffffffu, 0);
	sim_free(s);
	vq_destroy(vq);
}

UNIT(hostile_id_not_in_flight)
{
	struct sim *s; struct req r[3] = { 0 };
	struct virtqueue *vq = hostile_setup(&s, r);
	int e = unit_printk_errors;
	/* heads are 0 (2 descs) and 2 (3 descs): 1 is the middle of a chain */
	sim_put_used(s, 1, 0);
	void *ck; uint32_t len;
	CHECK_EQ(vq_dequeue(vq, &ck, &len), -EIO);
	expect_broken(vq, r, e);
	sim_free(s);
	vq_destroy(vq);

	/* the same head completed twice */
	vq = hostile_setup(&s, r);
	e = unit_printk_errors;
	sim_complete(s, 0);
	sim_put_used(s, 0, 8);
	CHECK_EQ(vq_dequeue(vq, &ck, &len), 0);
	CHECK_EQ(vq_dequeue(vq, &ck, &len), -EIO);
	expect_broken(vq, r, e);
	sim_free(s);
	vq_destroy(vq);
}

UNIT(hostile_len_too_big)
{
	struct sim *s; struct req r[3] = { 0 };
	struct virtqueue *vq = hostile_setup(&s, r);
	int e = unit_printk_errors;
	sim_put_used(s, 0, 9);   /* r[0] posted 8 writable bytes */
	void *ck; uint32_t len;
	CHECK_EQ(vq_dequeue(vq, &ck, &len), -EIO);
	expect_broken(vq, r, e);
	sim_free(s);
	vq_destroy(vq);

	/* exactly the posted size is fine */
	vq = hostile_setup(&s, r);
	sim_put_used(s, 2, 16);
	CHECK_EQ(vq_dequeue(vq, &ck, &len), 0);
	CHECK(ck == &r[1]);
	CHECK_EQ(len, 16);
	sim_free(s);
	vq_destroy(vq);
}

/* VQ_USED_LEN_ALL (QEMU's virtio-scsi counts data-out in the used length):
 * a length up to all bytes posted is cut to the writable ones and counted;
 * past that the queue still breaks. */
UNIT(used_len_all)
{
	struct req r[3] = { 0 };
	void *ck; uint32_t len;
	struct virtqueue *vq = mkvq(8, VQ_USED_LEN_ALL, 0);
	struct sim *s = sim_new(vq);
	CHECK_EQ(post(vq, &r[0], 1), 0);    /* 8 readable + 8 writable */
	CHECK_EQ(post(vq, &r[1], 1), 0);
	vq_kick(vq);
	sim_take(s);
	sim_put_used(s, 0, 16);
	CHECK_EQ(vq_dequeue(vq, &ck, &len), 0);
	CHECK(ck == &r[0]);
	CHECK_EQ(len, 8);
	CHECK_EQ(vq->n_len_clamped, 1);
	int e = unit_printk_errors;
	sim_put_used(s, 1, 17);
	CHECK_EQ(vq_dequeue(vq, &ck, &len), -EIO);
	CHECK(vq_broken(vq));
	CHECK(unit_printk_errors > e);
	sim_free(s);
	vq_destroy(vq);
}

UNIT(hostile_used_idx_jump)
{
	struct sim *s; struct req r[3] = { 0 };
	struct virtqueue *vq = hostile_setup(&s, r);
	int e = unit_printk_errors;
	void *ck; uint32_t len;
	vq->used->idx = 9;                 /* more than the queue size */
	CHECK_EQ(vq_dequeue(vq, &ck, &len), -EIO);
	expect_broken(vq, r, e);
	sim_free(s);
	vq_destroy(vq);

	vq = hostile_setup(&s, r);
	e = unit_printk_errors;
	vq->used->idx = 3;                 /* within the queue, past in-flight */
	CHECK_EQ(vq_dequeue(vq, &ck, &len), -EIO);
	expect_broken(vq, r, e);
	sim_free(s);
	vq_destroy(vq);

	vq = hostile_setup(&s, r);
	e = unit_printk_errors;
	vq->used->idx = 0xffff;            /* backwards */
	CHECK_EQ(vq_dequeue(vq, &ck, &len), -EIO);
	expect_broken(vq, r, e);
	sim_free(s);
	vq_destroy(vq);
}

/* The device scribbles over the descriptor table and indirect tables: the
 * driver never reads them back, so its state and cookies stay right. */
UNIT(hostile_desc_scribble)
{
	struct virtqueue *vq = mkvq(8, VQ_INDIRECT, 4);
	struct sim *s = sim_new(vq);
	struct req r[3] = { { .id = 0 }, { .id = 1 }, { .id = 2 } };
	post(vq, &r[0], 3);
	struct vq_sg one = { r[1].in, 8 };
	vq_enqueue(vq, &r[1], &one, 0, 1);
	vq_kick(vq);
	sim_take(s);
	uint16_t h0 = s->taken[0].head, h1 = s->taken[1].head;
	memset(vq->desc, 0xa5, vring_desc_size(vq->num));
	memset(vq->indirect, 0x5a, (size_t)vq->num * vq->indirect_max * 16);
	vq->avail->ring[0] = 0xdead & 0xffff;
	sim_put_used(s, h1, 8);
	sim_put_used(s, h0, 24);
	void *ck; uint32_t len;
	CHECK_EQ(vq_dequeue(vq, &ck, &len), 0);
	CHECK(ck == &r[1]);
	CHECK_EQ(vq_dequeue(vq, &ck, &len), 0);
	CHECK(ck == &r[0]);
	CHECK_EQ(vq->num_free, 8);
	CHECK(!vq_broken(vq));
	sim_free(s);
	vq_destroy(vq);
}

/* Random garbage in the used ring: every outcome is a valid completion or
 * a broken queue; never a crash (ASan/UBSan watch) or a lost descriptor. */
UNIT(hostile_fuzz)
{
	unsigned rnd = 99;
	for (int round = 0; round < 3000; round++) {
		struct virtqueue *vq = mkvq(8, round & 1 ? VQ_INDIRECT : 0, 4);
		struct sim *s = sim_new(vq);
		struct req r[8];
		unsigned posted = 0;
		for (int i = 0; i < 8; i++) {
			r[i].id = (uint32_t)i;
			if (post(vq, &r[i], 1 + i % 3) == 0)
				posted++;
		}
		vq_kick(vq);
		for (int k = 0; k < 6; k++) {
			rnd = rnd * 1103515245u + 12345u;
			struct vring_used_elem *e = &vq->used->ring[k];
			e->id = (rnd >> 4) % 12;
			e->len = (rnd >> 8) % 40;
		}
		rnd = rnd * 1103515245u + 12345u;
		vq->used->idx = (uint16_t)(rnd >> 5) % 12;
		void *ck; uint32_t len; int rc; unsigned got = 0;
		while ((rc = vq_dequeue(vq, &ck, &len)) == 0) {
			struct req *q = ck;
			CHECK(q >= r && q < r + 8);
			CHECK(len <= 8u * (1 + q->id % 3));
			got++;
		}
		CHECK(rc == -EAGAIN || rc == -EIO);
		if (rc == -EIO)
			while (vq_detach(vq, &ck) == 0)
				got++;
		else
			CHECK(vq->inflight == posted - got);
		if (rc == -EIO)
			CHECK_EQ(got, posted);
		sim_free(s);
		vq_destroy(vq);
	}
}

UNIT_MAIN()
