// SPDX-License-Identifier: MIT
/* In-guest tests of the block layer's asynchronous requests (struct blk_req,
 * blkdev_submit) on virtio-blk, against QEMU's device: many requests in
 * flight, completions in any order, errors through the callback, requests
 * split by the layer, a ring too small for what is submitted, callbacks
 * that submit. The cases run them in irq and poll mode, over PCI (modern,
 * legacy) and MMIO (x86 microvm, aarch64 virt).
 *
 * Several tests submit with interrupts disabled: submit must never wait,
 * and nothing completes meanwhile (no interrupt is taken and the poll
 * thread cannot run), so what sits on the ring and what waits for room is
 * exact, whatever the host's speed. They use [5 MiB, 8 MiB) of the disk
 * (the layout of virtio_blk.c), writing what they read back first. */
#include <kern/test.h>
#include <kern/errno.h>
#include <kern/irq.h>
#include <kern/sched.h>
#include <drivers/blkdev.h>
#include <drivers/virtio_blk.h>
#include <stdlib.h>
#include <string.h>

#define MIB             (1u << 20)
#define AREA            (5 * MIB)

/* The first writable virtio-blk disk, or NULL. */
static struct blkdev *req_disk(void)
{
	for (struct blkdev *bd = blkdev_next(NULL); bd; bd = blkdev_next(bd))
		if (vblk_from_blkdev(bd) && !(bd->flags & BLKDEV_F_RO))
			return bd;
	return NULL;
}

#define NEED_DISK(bd)                                                        \
	do {                                                                 \
		if (!(bd)) {                                                 \
			test_skip("no writable virtio-blk disk");            \
			return;                                              \
		}                                                            \
	} while (0)

/* A batch of requests and what their callbacks saw. */
struct batch {
	unsigned n;
	struct blk_req *req;
	unsigned *calls;            /* callbacks per request: must end at 1 */
	unsigned *order;            /* order[k]: the k-th request to complete */
	volatile unsigned ended;
	struct waitq wq;
};

static void batch_done(struct blk_req *r)
{
	struct batch *b = r->arg;
	unsigned long flags = irq_save();
	unsigned i = (unsigned)(r - b->req);
	if (b->ended < b->n)
		b->order[b->ended] = i;
	b->calls[i]++;
	b->ended++;
	waitq_wake_one(&b->wq);
	irq_restore(flags);
}

static bool batch_init(struct batch *b, unsigned n)
{
	memset(b, 0, sizeof(*b));
	b->n = n;
	b->req = calloc(n, sizeof(*b->req));
	b->calls = calloc(n, sizeof(*b->calls));
	b->order = calloc(n, sizeof(*b->order));
	waitq_init(&b->wq);
	return b->req && b->calls && b->order;
}

static void batch_wait(struct batch *b)
{
	WAIT_EVENT(&b->wq, b->ended >= b->n);
}

static void batch_free(struct batch *b)
{
	free(b->req);
	free(b->calls);
	free(b->order);
}

static void batch_req(struct batch *b, unsigned i, uint32_t op, uint64_t lba, uint64_t count,
		      void *buf)
{
	b->req[i] = (struct blk_req){ .op = op, .lba = lba, .count = count, .buf = buf,
				      .done = batch_done, .arg = b };
}

/* Write the pattern over count sectors at lba (synchronously). */
static bool prime(struct blkdev *bd, uint64_t lba, uint32_t count, uint64_t seed)
{
	uint8_t *w = malloc((size_t)count * bd->sector_size);
	if (!w)
		return false;
	blk_pattern_fill(w, lba, count, bd->sector_size, seed);
	int rc = blkdev_write(bd, lba, count, w);
	free(w);
	return rc == 0;
}

/* 32 reads of 4 KiB submitted at once: the ring holds as many as fit,
 * the rest wait, and each comes back in its own buffer. */
TEST(virtio_blk_req_depth)
{
	enum { QD = 32, BYTES = 4096 };
	struct blkdev *bd = req_disk();
	NEED_DISK(bd);
	struct vblk *vb = vblk_from_blkdev(bd);
	uint32_t ss = bd->sector_size, per = MAX(BYTES / ss, 1u);
	uint64_t lba = AREA / ss;
	T_CHECK(prime(bd, lba, QD * per, 0x32));
	struct batch b;
	uint8_t *buf = malloc((size_t)QD * per * ss);
	T_CHECK(batch_init(&b, QD) && buf);
	if (!buf)
		return;

	struct vblk_stats st;
	unsigned long flags = irq_save();
	for (unsigned i = 0; i < QD; i++) {
		batch_req(&b, i, BLK_OP_READ, lba + i * per, per, buf + (size_t)i * per * ss);
		T_EQ(blkdev_submit(bd, &b.req[i]), 0);
	}
	vblk_get_stats(vb, &st);
	unsigned ended = b.ended;
	irq_restore(flags);
	/* Every queue of the cases (4 entries and up, or 8 without
	 * indirect descriptors) holds at least two of these at once. */
	test_diag("%s: %u on the ring, %u waiting (ring of %u)", bd->name, st.on_ring,
		  st.waiting, st.slots);
	T_EQ(ended, 0);
	T_EQ(st.on_ring + st.waiting, QD);
	T_CHECK(st.on_ring >= 2);
	batch_wait(&b);
	for (unsigned i = 0; i < QD; i++) {
		T_EQ(b.calls[i], 1);
		T_EQ(b.req[i].status, 0);
	}
	T_EQ(blk_pattern_check(buf, lba, QD * per, ss, 0x32), -1);
	free(buf);
	batch_free(&b);
}

/* Requests larger than the driver takes are split by the layer, one
 * completion for the whole: with the disk's own limit, and with a
 * limit of 3 sectors forced for the test (the layer reads it per piece). */
TEST(virtio_blk_req_split)
{
	struct blkdev *bd = req_disk();
	NEED_DISK(bd);
	uint32_t ss = bd->sector_size;
	uint64_t lba = AREA / ss;
	/* Two and a bit pieces at the disk's limit, within [5, 8) MiB. */
	uint32_t big = (uint32_t)MIN(2ull * bd->max_sectors + 1, (uint64_t)(3 * MIB) / ss);
	uint8_t *w = malloc((size_t)big * ss), *r = malloc((size_t)big * ss);
	T_CHECK(w && r);
	if (!w || !r)
		goto out;
	struct batch b;
	T_CHECK(batch_init(&b, 2));

	/* Write big sectors in one request, read them back in another. */
	blk_pattern_fill(w, lba, big, ss, 0x5917);
	batch_req(&b, 0, BLK_OP_WRITE, lba, big, w);
	blkdev_submit(bd, &b.req[0]);
	WAIT_EVENT(&b.wq, b.ended >= 1);
	memset(r, 0, (size_t)big * ss);
	batch_req(&b, 1, BLK_OP_READ, lba, big, r);
	blkdev_submit(bd, &b.req[1]);
	batch_wait(&b);
	T_EQ(b.calls[0], 1);
	T_EQ(b.calls[1], 1);
	T_EQ(b.req[0].status, 0);
	T_EQ(b.req[1].status, 0);
	T_EQ(blk_pattern_check(r, lba, big, ss, 0x5917), -1);
	test_diag("%s: %u sectors in pieces of at most %u", bd->name, big, bd->max_sectors);

	/* Pieces of 3: 43 of them for 128 sectors, still one callback. */
	uint32_t saved = bd->max_sectors, n = MIN(128u, big);
	bd->max_sectors = 3;
	blk_pattern_fill(w, lba, n, ss, 0x3333);
	batch_free(&b);
	T_CHECK(batch_init(&b, 2));
	batch_req(&b, 0, BLK_OP_WRITE, lba, n, w);
	blkdev_submit(bd, &b.req[0]);
	WAIT_EVENT(&b.wq, b.ended >= 1);
	memset(r, 0, (size_t)n * ss);
	batch_req(&b, 1, BLK_OP_READ, lba, n, r);
	blkdev_submit(bd, &b.req[1]);
	batch_wait(&b);
	bd->max_sectors = saved;
	T_EQ(b.calls[0] + b.calls[1], 2);
	T_EQ(b.req[0].status | b.req[1].status, 0);
	T_EQ(blk_pattern_check(r, lba, n, ss, 0x3333), -1);
	batch_free(&b);
out:
	free(w);
	free(r);
}

/* Completions in any order: a long split read (pieces of one sector, one
 * after another) submitted first, then small reads behind it. Each
 * request's data must land in its own buffer whatever the order; the
 * order seen is reported (the small ones usually end first, but that is
 * the host's business). */
TEST(virtio_blk_req_order)
{
	enum { SMALL = 8, LONG = 32 };
	struct blkdev *bd = req_disk();
	NEED_DISK(bd);
	uint32_t ss = bd->sector_size;
	uint64_t lba = AREA / ss;
	T_CHECK(prime(bd, lba, LONG + SMALL, 0x0de7));
	uint8_t *buf = calloc(LONG + SMALL, ss);
	struct batch b;
	T_CHECK(batch_init(&b, 1 + SMALL) && buf);
	if (!buf)
		return;
	uint32_t saved = bd->max_sectors;
	bd->max_sectors = 1;
	unsigned long flags = irq_save();
	batch_req(&b, 0, BLK_OP_READ, lba, LONG, buf);
	blkdev_submit(bd, &b.req[0]);
	for (unsigned i = 0; i < SMALL; i++) {
		batch_req(&b, 1 + i, BLK_OP_READ, lba + LONG + i, 1, buf + (size_t)(LONG + i) * ss);
		blkdev_submit(bd, &b.req[1 + i]);
	}
	irq_restore(flags);
	batch_wait(&b);
	bd->max_sectors = saved;
	unsigned pos = 0;
	for (unsigned k = 0; k < b.n; k++)
		if (b.order[k] == 0)
			pos = k;
	for (unsigned i = 0; i < b.n; i++) {
		T_EQ(b.calls[i], 1);
		T_EQ(b.req[i].status, 0);
	}
	T_EQ(blk_pattern_check(buf, lba, LONG + SMALL, ss, 0x0de7), -1);
	test_diag("%s: the %u-piece read ended %u of %u", bd->name, LONG, pos + 1, b.n);
	free(buf);
	batch_free(&b);
}

/* Errors come through the callback, exactly once: the layer's refusals at
 * once (inside blkdev_submit), the device's own IOERR later. */
TEST(virtio_blk_req_errors)
{
	struct blkdev *bd = req_disk();
	NEED_DISK(bd);
	uint32_t ss = bd->sector_size;
	uint8_t *buf = malloc(2 * ss);
	struct batch b;
	T_CHECK(batch_init(&b, 8) && buf);
	if (!buf)
		return;
	static const int want[8] = { -ERANGE, -ERANGE, -EINVAL, -EINVAL, -EINVAL, -EROFS,
				     0, -EIO };
	batch_req(&b, 0, BLK_OP_READ, bd->capacity, 1, buf);
	batch_req(&b, 1, BLK_OP_WRITE, bd->capacity - 1, 2, buf);
	batch_req(&b, 2, BLK_OP_READ, 0, 1, NULL);
	batch_req(&b, 3, BLK_OP_READ, UINT64_MAX, 2, buf);
	batch_req(&b, 4, 99, 0, 1, buf);
	batch_req(&b, 5, BLK_OP_WRITE, 0, 1, buf);
	batch_req(&b, 6, BLK_OP_READ, 0, 0, buf);       /* nothing to do: fine */
	for (unsigned i = 0; i < 7; i++) {
		if (i == 5)
			bd->flags |= BLKDEV_F_RO;       /* the layer's check */
		T_EQ(blkdev_submit(bd, &b.req[i]), 0);
		bd->flags &= ~BLKDEV_F_RO;
		T_EQ(b.calls[i], 1);                    /* at once */
	}
	/* Below the layer, a read past the end reaches the device, which
	 * answers IOERR: -EIO, through the same callback. */
	b.req[7] = (struct blk_req){ .op = BLK_OP_READ, .io = { bd->capacity, 1, buf },
				     .done = batch_done, .arg = &b };
	bd->ops->submit(bd, &b.req[7]);
	batch_wait(&b);
	for (unsigned i = 0; i < 8; i++) {
		T_EQ(b.calls[i], 1);
		T_EQ(b.req[i].status, want[i]);
	}
	/* Without a callback nothing can be told: refused, nothing runs. */
	struct blk_req none = { .op = BLK_OP_READ, .count = 1, .buf = buf };
	T_EQ(blkdev_submit(bd, &none), -EINVAL);
	T_EQ(blkdev_submit(bd, NULL), -EINVAL);
	free(buf);
	batch_free(&b);
}

/* ---- a ring too small, and callbacks that submit ------------------------------ */

struct chain {
	struct blkdev *bd;
	struct blk_req req[64];
	uint8_t *buf;
	uint64_t lba;
	unsigned span;              /* sectors the reads cycle over */
	unsigned total, started, ended, errors;
	struct waitq wq;
};

/* Runs in interrupt context or the poll thread: check nothing here, just
 * count and put the request straight back while there is work. */
static void chain_done(struct blk_req *r)
{
	struct chain *c = r->arg;
	c->ended++;
	c->errors += r->status != 0;
	if (c->started < c->total) {
		r->lba = c->lba + c->started++ % c->span;
		blkdev_submit(c->bd, r);
	}
	waitq_wake_one(&c->wq);
}

/* Three ringfuls and more submitted with interrupts off: the ring holds
 * what fits, the rest queue in order (submit neither fails nor waits), and
 * all complete once interrupts are back. Then 2000 reads at depth 64 whose
 * callbacks submit the next one from completion context. */
TEST(virtio_blk_req_full_ring)
{
	struct blkdev *bd = req_disk();
	NEED_DISK(bd);
	struct vblk *vb = vblk_from_blkdev(bd);
	uint32_t ss = bd->sector_size;
	uint64_t lba = AREA / ss;
	struct vblk_stats st0, st;
	vblk_get_stats(vb, &st0);
	unsigned n = MIN(3 * st0.slots + 5, 400u);
	T_CHECK(prime(bd, lba, n, 0xf011));
	uint8_t *buf = calloc(n, ss);
	struct batch b;
	T_CHECK(batch_init(&b, n) && buf);
	if (!buf)
		return;
	unsigned long flags = irq_save();
	for (unsigned i = 0; i < n; i++) {
		batch_req(&b, i, BLK_OP_READ, lba + i, 1, buf + (size_t)i * ss);
		blkdev_submit(bd, &b.req[i]);
	}
	vblk_get_stats(vb, &st);
	unsigned ended = b.ended;
	irq_restore(flags);
	test_diag("%s: %u submitted: %u on a ring of %u, %u waiting", bd->name, n,
		  st.on_ring, st.slots, st.waiting);
	T_EQ(ended, 0);
	T_EQ(st.on_ring + st.waiting, n);
	T_CHECK(st.on_ring <= st.slots);
	if (n > st.slots)
		T_CHECK(st.waiting >= n - st.slots);
	batch_wait(&b);
	vblk_get_stats(vb, &st);
	T_EQ(st.waiting, 0);
	T_CHECK(st.waited - st0.waited >= (n > st0.slots ? n - st0.slots : 0));
	unsigned bad = 0;
	for (unsigned i = 0; i < n; i++)
		bad += b.calls[i] != 1 || b.req[i].status != 0;
	T_EQ(bad, 0);
	T_EQ(blk_pattern_check(buf, lba, n, ss, 0xf011), -1);
	batch_free(&b);
	free(buf);

	/* Callbacks that submit. */
	struct chain *c = calloc(1, sizeof(*c));
	T_CHECK(c != NULL);
	if (!c)
		return;
	*c = (struct chain){ .bd = bd, .lba = lba, .span = 64, .total = 2000 };
	c->buf = malloc((size_t)ARRAY_SIZE(c->req) * ss);
	waitq_init(&c->wq);
	flags = irq_save();
	for (unsigned i = 0; i < ARRAY_SIZE(c->req); i++) {
		c->req[i] = (struct blk_req){ .op = BLK_OP_READ, .lba = lba + c->started++,
					      .count = 1, .buf = c->buf + (size_t)i * ss,
					      .done = chain_done, .arg = c };
		blkdev_submit(bd, &c->req[i]);
	}
	irq_restore(flags);
	WAIT_EVENT(&c->wq, c->ended >= c->total);
	T_EQ(c->ended, c->total);
	T_EQ(c->errors, 0);
	vblk_get_stats(vb, &st);
	test_diag("%s: %u reads from callbacks; most on the ring at once: %u", bd->name,
		  c->total, st.max_on_ring);
	free(c->buf);
	free(c);
}
