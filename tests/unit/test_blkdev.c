// SPDX-License-Identifier: MIT
/* Host tests for the block layer's pure parts: the test pattern against
 * values from its Python definition (in <drivers/blkdev.h>), and the
 * registry, argument checks, request splitting and completion routing of
 * drivers/blk/blkdev.c against RAM disks: one with the synchronous ops,
 * one with submit whose "device" completes requests when the test says,
 * in the order it says. */
#include "unit.h"
#include "stubs.h"
#include <stdarg.h>
#include <stdint.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/sched.h>
#include <drivers/blkdev.h>

/* ---- an asynchronous RAM disk --------------------------------------------- */

#define AQ_MAX 64
static struct blk_req *aq[AQ_MAX];     /* submitted, not yet completed */
static unsigned aq_n, aq_pieces;
static uint64_t aq_max_count;           /* largest piece submit saw */
static int aq_fail_at = -1;             /* fail the piece with this number */
static bool aq_positive;                /* answer a positive "error" */
static uint8_t adisk[256 * 512];

static void a_submit(struct blkdev *bd, struct blk_req *r)
{
	CHECK(r->io.lba + r->io.count <= bd->capacity || r->op == BLK_OP_FLUSH);
	if (r->io.count > aq_max_count)
		aq_max_count = r->io.count;
	CHECK(aq_n < AQ_MAX);
	aq[aq_n++] = r;
}

/* The device finishes request k of those it holds (the newest when k is
 * -1): the transfer happens now, then the layer hears of it. */
static void a_complete(int k)
{
	if (k < 0)
		k = (int)aq_n - 1;
	struct blk_req *r = aq[k];
	memmove(&aq[k], &aq[k + 1], (aq_n - (unsigned)k - 1) * sizeof(aq[0]));
	aq_n--;
	int err = (int)aq_pieces++ == aq_fail_at ? -EIO : 0;
	if (!err) {
		uint8_t *d = adisk + r->io.lba * 512;
		size_t len = (size_t)r->io.count * 512;
		switch (r->op) {
		case BLK_OP_READ:         memcpy(r->io.buf, d, len); break;
		case BLK_OP_WRITE:        memcpy(d, r->io.buf, len); break;
		case BLK_OP_WRITE_ZEROES: memset(d, 0, len); break;
		case BLK_OP_DISCARD:      memset(d, 0xdd, len); break;
		}
	}
	blkdev_complete(r, aq_positive ? 1 : err);
}

static void a_reset(void)
{
	aq_n = aq_pieces = 0;
	aq_max_count = 0;
	aq_fail_at = -1;
	aq_positive = false;
}

/* The kernel's semaphore, for the synchronous calls: a thread that would
 * sleep lets the device finish its oldest request instead. */
void sem_init(struct semaphore *s, int count)
{
	s->count = count;
}

void sem_up(struct semaphore *s)
{
	s->count++;
}

void sem_down(struct semaphore *s)
{
	while (s->count <= 0) {
		CHECK(aq_n > 0);        /* else it would sleep forever */
		if (!aq_n)
			abort();
		a_complete(0);
	}
	s->count--;
}

static const struct blkdev_ops a_ops = { .submit = a_submit };

/* What a callback saw. */
struct seen {
	int calls, status;
	int order;                  /* completion number */
};
static struct seen seen[16];
static int n_done;

static void note(struct blk_req *r)
{
	struct seen *s = r->arg;
	s->calls++;
	s->status = r->status;
	s->order = n_done++;
}

static void clear_seen(void)
{
	memset(seen, 0, sizeof(seen));
	n_done = 0;
}

static struct blk_req req(uint32_t op, uint64_t lba, uint64_t count, void *buf, int i)
{
	return (struct blk_req){ .op = op, .lba = lba, .count = count, .buf = buf,
				 .done = note, .arg = &seen[i] };
}

UNIT(pattern_reference_values)
{
	/* From the Python word() in <drivers/blkdev.h>. */
	CHECK(blk_pattern_word(0, 0) == 0xe220a8397b1dcdafull);
	CHECK(blk_pattern_word(0x1234, 1000) == 0xcc6ee054e3b7275bull);
	uint8_t s[512];
	blk_pattern_fill(s, 3, 1, 512, 0x1234);
	/* Byte order: little-endian words. Word 3*64 of seed 0x1234. */
	uint64_t w = blk_pattern_word(0x1234, 3 * 64);
	for (int i = 0; i < 8; i++)
		CHECK_EQ(s[i], (w >> (8 * i)) & 0xff);
	CHECK_EQ(blk_pattern_check(s, 3, 1, 512, 0x1234), -1);
	s[511] ^= 0x80;
	CHECK_EQ(blk_pattern_check(s, 3, 1, 512, 0x1234), 504);
}

static uint8_t disk[64 * 512];
static int calls;

static int rd(struct blkdev *bd, uint64_t lba, uint32_t count, void *buf)
{
	calls++;
	CHECK(lba + count <= bd->capacity);
	CHECK(count <= bd->max_sectors);
	memcpy(buf, disk + lba * 512, count * 512);
	return 0;
}

static int wr(struct blkdev *bd, uint64_t lba, uint32_t count, const void *buf)
{
	calls++;
	CHECK(lba + count <= bd->capacity);
	memcpy(disk + lba * 512, buf, count * 512);
	return 0;
}

static int failing(struct blkdev *bd, uint64_t lba, uint32_t count, void *buf)
{
	(void)bd, (void)lba, (void)count, (void)buf;
	return -EIO;
}

static const struct blkdev_ops ops = { .read = rd, .write = wr };

UNIT(blkdev_checks)
{
	static uint8_t buf[64 * 512] __attribute__((aligned(16)));
	struct blkdev bd = { .name = "ut0", .sector_size = 512, .capacity = 64,
			     .max_sectors = 5, .align = 16, .ops = &ops };
	CHECK_EQ(blkdev_register(&bd), 0);
	CHECK(blkdev_find("ut0") == &bd);
	CHECK_EQ(blkdev_register(&bd), -EEXIST);

	CHECK_EQ(blkdev_read(&bd, 64, 1, buf), -ERANGE);
	CHECK_EQ(blkdev_read(&bd, UINT64_MAX - 1, 4, buf), -EINVAL);
	CHECK_EQ(blkdev_read(&bd, 0, 1, buf + 8), -EINVAL);
	CHECK_EQ(blkdev_flush(&bd), -EOPNOTSUPP);
	CHECK_EQ(blkdev_discard(&bd, 0, 1), -EOPNOTSUPP);
	bd.flags = BLKDEV_F_RO;
	CHECK_EQ(blkdev_write(&bd, 0, 1, buf), -EROFS);
	bd.flags = 0;

	calls = 0;
	blk_pattern_fill(buf, 1, 63, 512, 9);
	CHECK_EQ(blkdev_write(&bd, 1, 63, buf), 0);
	CHECK_EQ(calls, 13);                        /* ceil(63 / 5) */
	CHECK_EQ(blk_pattern_check(disk + 512, 1, 63, 512, 9), -1);
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(blkdev_read(&bd, 1, 63, buf), 0);
	CHECK_EQ(blk_pattern_check(buf, 1, 63, 512, 9), -1);

	/* An error part way stops the request and is passed up. */
	struct blkdev_ops bad = ops;
	bad.read = failing;
	bd.ops = &bad;
	CHECK_EQ(blkdev_read(&bd, 0, 10, buf), -EIO);
	bd.ops = &ops;

	blkdev_unregister(&bd);
	CHECK(blkdev_find("ut0") == NULL);
	CHECK(blkdev_next(NULL) == NULL);
}

UNIT(blkdev_names)
{
	char name[BLKDEV_NAME_MAX];
	struct blkdev d[30];
	memset(d, 0, sizeof(d));
	for (int i = 0; i < 27; i++) {
		CHECK_EQ(blkdev_name_alloc("vd", name), 0);
		strcpy(d[i].name, name);
		d[i].sector_size = 512;
		d[i].ops = &ops;
		CHECK_EQ(blkdev_register(&d[i]), 0);
	}
	CHECK_STR(d[0].name, "vda");
	CHECK_STR(d[25].name, "vdz");
	CHECK_STR(d[26].name, "vdaa");
	for (int i = 0; i < 27; i++)
		blkdev_unregister(&d[i]);
	CHECK_EQ(blkdev_name_alloc("0123456789abcd", name), -EINVAL);
}

UNIT(submit_split_any_order)
{
	static uint8_t a[256 * 512], b[256 * 512], c[512];
	struct blkdev bd = { .name = "as0", .sector_size = 512, .capacity = 256,
			     .max_sectors = 7, .max_discard = 100, .max_write_zeroes = 30,
			     .ops = &a_ops };
	a_reset();
	clear_seen();
	blk_pattern_fill(adisk, 0, 256, 512, 77);
	/* Three requests in flight: two split (20 sectors in pieces of 7,
	 * 15 sectors), one whole; the device answers newest first, so each
	 * split request's next piece overtakes the older ones. */
	struct blk_req r0 = req(BLK_OP_READ, 10, 20, a, 0);
	struct blk_req r1 = req(BLK_OP_READ, 200, 1, c, 1);
	struct blk_req r2 = req(BLK_OP_READ, 100, 15, b, 2);
	CHECK_EQ(blkdev_submit(&bd, &r0), 0);
	CHECK_EQ(blkdev_submit(&bd, &r1), 0);
	CHECK_EQ(blkdev_submit(&bd, &r2), 0);
	CHECK_EQ(aq_n, 3);
	CHECK_EQ(n_done, 0);                    /* nothing before the device */
	while (aq_n)
		a_complete(-1);
	CHECK_EQ(aq_pieces, 3 + 1 + 3);         /* 20 = 7+7+6, 1, 15 = 7+7+1 */
	CHECK_EQ(aq_max_count, 7);
	for (int i = 0; i < 3; i++) {
		CHECK_EQ(seen[i].calls, 1);
		CHECK_EQ(seen[i].status, 0);
	}
	CHECK_EQ(seen[2].order, 0);             /* newest first, whole requests */
	CHECK_EQ(seen[0].order, 2);
	CHECK_EQ(blk_pattern_check(a, 10, 20, 512, 77), -1);
	CHECK_EQ(blk_pattern_check(b, 100, 15, 512, 77), -1);
	CHECK_EQ(blk_pattern_check(c, 200, 1, 512, 77), -1);
	/* The caller's fields are as it left them. */
	CHECK_EQ(r0.lba, 10);
	CHECK_EQ(r0.count, 20);
	CHECK(r0.buf == a);

	/* Discard and write-zeroes split at their own limits. */
	a_reset();
	clear_seen();
	struct blk_req d = req(BLK_OP_DISCARD, 0, 250, NULL, 0);
	struct blk_req z = req(BLK_OP_WRITE_ZEROES, 0, 61, NULL, 1);
	blkdev_submit(&bd, &d);
	blkdev_submit(&bd, &z);
	while (aq_n)
		a_complete(0);
	CHECK_EQ(aq_pieces, 3 + 3);             /* 100+100+50, 30+30+1 */
	CHECK_EQ(seen[0].calls + seen[1].calls, 2);
	CHECK_EQ(adisk[0], 0);
	CHECK_EQ(adisk[61 * 512], 0xdd);

	/* A flush reaches the driver once, with nothing to transfer. */
	a_reset();
	clear_seen();
	struct blk_req f = req(BLK_OP_FLUSH, 0, 0, NULL, 0);
	blkdev_submit(&bd, &f);
	CHECK_EQ(aq_n, 1);
	a_complete(0);
	CHECK_EQ(seen[0].calls, 1);
}

UNIT(submit_errors_through_callback)
{
	static uint8_t buf[64 * 512] __attribute__((aligned(16)));
	struct blkdev bd = { .name = "as1", .sector_size = 512, .capacity = 64,
			     .max_sectors = 4, .align = 16, .ops = &a_ops };
	struct { struct blk_req r; int want; } cases[] = {
		{ req(BLK_OP_READ, 64, 1, buf, 0), -ERANGE },
		{ req(BLK_OP_WRITE, 60, 5, buf, 1), -ERANGE },
		{ req(BLK_OP_READ, 0, 1, NULL, 2), -EINVAL },
		{ req(BLK_OP_READ, 0, 1, buf + 8, 3), -EINVAL },
		{ req(BLK_OP_READ, UINT64_MAX - 1, 4, buf, 4), -EINVAL },
		{ req(BLK_OP_DRIVER, 0, 1, buf, 5), -EINVAL },
		{ req(BLK_OP_READ, 3, 0, buf, 6), 0 },
	};
	a_reset();
	clear_seen();
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK_EQ(blkdev_submit(&bd, &cases[i].r), 0);
		CHECK_EQ(seen[i].calls, 1);         /* at once */
		CHECK_EQ(seen[i].status, cases[i].want);
	}
	CHECK_EQ(aq_n, 0);                          /* none reached the driver */
	struct blk_req r = req(BLK_OP_DISCARD, 0, 1, NULL, 7);
	bd.flags = BLKDEV_F_RO;
	blkdev_submit(&bd, &r);
	CHECK_EQ(seen[7].status, -EROFS);
	bd.flags = 0;
	r = req(BLK_OP_READ, 0, 1, buf, 8);
	CHECK_EQ(blkdev_submit(NULL, &r), 0);
	CHECK_EQ(seen[8].status, -EINVAL);
	r.done = NULL;
	CHECK_EQ(blkdev_submit(&bd, &r), -EINVAL);
	CHECK_EQ(blkdev_submit(&bd, NULL), -EINVAL);
	CHECK_EQ(seen[8].calls, 1);

	/* A piece that fails ends the request with its error: the pieces
	 * after it are never submitted. */
	clear_seen();
	a_reset();
	aq_fail_at = 1;
	r = req(BLK_OP_READ, 0, 16, buf, 0);        /* 4 pieces */
	blkdev_submit(&bd, &r);
	while (aq_n)
		a_complete(0);
	CHECK_EQ(aq_pieces, 2);
	CHECK_EQ(seen[0].calls, 1);
	CHECK_EQ(seen[0].status, -EIO);
	/* A driver answering a positive number is a bug: -EIO, not success. */
	a_reset();
	aq_positive = true;
	r = req(BLK_OP_READ, 0, 1, buf, 1);
	blkdev_submit(&bd, &r);
	a_complete(0);
	CHECK_EQ(seen[1].status, -EIO);
	a_reset();
	/* The synchronous calls over submit: checks first, then the device. */
	CHECK_EQ(blkdev_read(&bd, 64, 1, buf), -ERANGE);
	blk_pattern_fill(buf, 1, 13, 512, 5);
	CHECK_EQ(blkdev_write(&bd, 1, 13, buf), 0);
	CHECK_EQ(aq_pieces, 4);
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(blkdev_read(&bd, 1, 13, buf), 0);
	CHECK_EQ(blk_pattern_check(buf, 1, 13, 512, 5), -1);
	CHECK_EQ(blkdev_flush(&bd), 0);
	aq_fail_at = (int)aq_pieces;
	CHECK_EQ(blkdev_discard(&bd, 0, 3), -EIO);
}

/* A driver with only the synchronous ops serves blkdev_submit too: the
 * request is carried out (split) and completed before submit returns. */
UNIT(submit_on_sync_driver)
{
	static uint8_t buf[64 * 512] __attribute__((aligned(16)));
	struct blkdev bd = { .name = "ut1", .sector_size = 512, .capacity = 64,
			     .max_sectors = 5, .ops = &ops };
	clear_seen();
	calls = 0;
	blk_pattern_fill(buf, 0, 12, 512, 3);
	struct blk_req w = req(BLK_OP_WRITE, 0, 12, buf, 0);
	blkdev_submit(&bd, &w);
	CHECK_EQ(seen[0].calls, 1);
	CHECK_EQ(seen[0].status, 0);
	CHECK_EQ(calls, 3);
	struct blk_req f = req(BLK_OP_FLUSH, 0, 0, NULL, 1);
	blkdev_submit(&bd, &f);
	CHECK_EQ(seen[1].status, -EOPNOTSUPP);
	CHECK_EQ(blk_pattern_check(disk, 0, 12, 512, 3), -1);
}

/* Plugging reaches a driver that has a plug op, in pairs, and is a no-op
 * for one without (and for a sync-only driver). */
static int plug_on, plug_off;

static void p_plug(struct blkdev *bd, bool on)
{
	(void)bd;
	if (on)
		plug_on++;
	else
		plug_off++;
}

static const struct blkdev_ops p_ops = { .submit = a_submit, .plug = p_plug };

UNIT(plug_reaches_driver)
{
	static uint8_t buf[8 * 512] __attribute__((aligned(16)));
	struct blkdev bd = { .name = "ut2", .sector_size = 512, .capacity = 64, .ops = &p_ops };
	struct blkdev bs = { .name = "ut3", .sector_size = 512, .capacity = 64, .ops = &ops };
	struct blkdev ba = { .name = "ut4", .sector_size = 512, .capacity = 64, .ops = &a_ops };

	a_reset();
	clear_seen();
	blkdev_plug(&bd);
	blkdev_plug(&bd);
	struct blk_req r = req(BLK_OP_READ, 0, 8, buf, 0);
	blkdev_submit(&bd, &r);
	blkdev_unplug(&bd);
	blkdev_unplug(&bd);
	CHECK_EQ(plug_on, 2);
	CHECK_EQ(plug_off, 2);
	while (aq_n)
		a_complete(0);
	CHECK_EQ(seen[0].calls, 1);
	blkdev_plug(&bs);
	blkdev_unplug(&bs);
	blkdev_plug(&ba);
	blkdev_unplug(&ba);
	blkdev_plug(NULL);
	blkdev_unplug(NULL);
	CHECK_EQ(plug_on, 2);
}

UNIT_MAIN()
