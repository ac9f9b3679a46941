// SPDX-License-Identifier: MIT
/* In-guest tests of SCSI disks' asynchronous requests (blkdev_submit on
 * sd, over virtio-scsi) against QEMU's scsi-hd: many requests in flight at
 * once, each completed once with its own data.
 *
 * virtio_scsi_depth submits vscsi.depth (default 200) writes of 4 KiB at
 * once, more than the host's command pool (128 with QEMU) holds, with
 * interrupts disabled: nothing completes meanwhile (no interrupt is taken,
 * the poll thread cannot run), so how many commands are out, how many
 * requests wait for one, and (with a ring smaller than that,
 * virtio.queue_size) how many commands wait for ring room is exact,
 * whatever the host's speed. Then the same reads, back into separate
 * buffers, checked against the pattern. The area is [6 MiB, 6 MiB + 4 KiB
 * * depth) of the first writable SCSI disk, seed 0x3000 + 256 T + L;
 * tests/hooks/vscsi_post.sh (depth:T:L) checks it from the host. */
#include <kern/test.h>
#include <kern/cmdline.h>
#include <kern/errno.h>
#include <kern/irq.h>
#include <kern/sched.h>
#include <drivers/blkdev.h>
#include <drivers/scsi_host.h>
#include <stdlib.h>
#include <string.h>

CMDLINE_OPT(vscsi_depth, "vscsi.depth", "tests: requests virtio_scsi_depth submits at once");

#define DEPTH_AREA      (6u << 20)
#define DEPTH_BYTES     4096u
#define DEPTH_MAX       512

static struct blkdev *writable_sdisk(void)
{
	for (struct blkdev *bd = blkdev_next(NULL); bd; bd = blkdev_next(bd))
		if (scsi_disk_addr(bd, NULL, NULL, NULL) == 0 && !(bd->flags & BLKDEV_F_RO))
			return bd;
	return NULL;
}

struct sbatch {
	unsigned n;
	struct blk_req *req;
	unsigned *calls;
	volatile unsigned ended;
	struct waitq wq;
};

static void sbatch_done(struct blk_req *r)
{
	struct sbatch *b = r->arg;
	unsigned long flags = irq_save();
	b->calls[r - b->req]++;
	b->ended++;
	waitq_wake_one(&b->wq);
	irq_restore(flags);
}

/* Submit n requests of op, request i on sectors [lba + i * per, + per)
 * from or into buf, all with interrupts disabled; check the queues'
 * accounting at that moment, then wait for every completion. */
static void depth_round(struct blkdev *bd, struct sbatch *b, uint32_t op, uint64_t lba,
			uint32_t per, uint8_t *buf)
{
	uint32_t ss = bd->sector_size;
	struct scsi_host *h;
	struct scsi_pool_stats ps;
	struct scsi_host_stats hs;

	scsi_disk_addr(bd, &h, NULL, NULL);
	memset(b->calls, 0, b->n * sizeof(*b->calls));
	b->ended = 0;
	unsigned long flags = irq_save();
	for (unsigned i = 0; i < b->n; i++) {
		b->req[i] = (struct blk_req){ .op = op, .lba = lba + (uint64_t)i * per,
					      .count = per, .buf = buf + (size_t)i * per * ss,
					      .done = sbatch_done, .arg = b };
		blkdev_submit(bd, &b->req[i]);
	}
	scsi_disk_pool_stats(bd, &ps);
	h->ops->stats(h, &hs);
	unsigned ended = b->ended;
	irq_restore(flags);
	test_diag("%s: %s x %u: %u commands out of %u, %u requests waiting; %u on the ring, "
		  "%u waiting for room", bd->name, op == BLK_OP_WRITE ? "write" : "read", b->n,
		  ps.used, ps.cmds, ps.waiting, hs.on_ring, hs.waiting);
	T_EQ(ended, 0);
	/* Every request holds a command or waits for one; every command is
	 * on the ring or waits for room on it. */
	T_EQ(ps.used + ps.waiting, b->n);
	T_EQ(ps.used, MIN(b->n, ps.cmds));
	T_EQ(hs.on_ring + hs.waiting, ps.used);
	T_CHECK(hs.on_ring >= 2);
	WAIT_EVENT(&b->wq, b->ended >= b->n);
	for (unsigned i = 0; i < b->n; i++) {
		T_EQ(b->calls[i], 1);
		T_EQ(b->req[i].status, 0);
	}
}

TEST(virtio_scsi_depth)
{
	struct blkdev *bd = writable_sdisk();
	if (!bd) {
		test_skip("no writable SCSI disk");
		return;
	}
	unsigned n = (unsigned)cmdline_get_range("vscsi.depth", 2, DEPTH_MAX, 200);
	uint32_t ss = bd->sector_size, per = MAX(DEPTH_BYTES / ss, 1u);
	uint64_t lba = DEPTH_AREA / ss;
	uint16_t t = 0;
	uint32_t l = 0;
	scsi_disk_addr(bd, NULL, &t, &l);
	uint64_t seed = 0x3000 + 256u * t + l;
	if ((lba + (uint64_t)n * per) > bd->capacity) {
		test_skip("disk too small");
		return;
	}
	struct sbatch b = { .n = n };
	b.req = calloc(n, sizeof(*b.req));
	b.calls = calloc(n, sizeof(*b.calls));
	uint8_t *buf = malloc((size_t)n * per * ss);
	waitq_init(&b.wq);
	T_CHECK(b.req && b.calls && buf);
	if (!b.req || !b.calls || !buf)
		goto out;

	blk_pattern_fill(buf, lba, n * per, ss, seed);
	depth_round(bd, &b, BLK_OP_WRITE, lba, per, buf);
	memset(buf, 0xa5, (size_t)n * per * ss);
	depth_round(bd, &b, BLK_OP_READ, lba, per, buf);
	int64_t bad = blk_pattern_check(buf, lba, n * per, ss, seed);
	if (bad >= 0)
		test_diag("first difference at byte %lld", (long long)bad);
	T_EQ(bad, -1);
	T_EQ(blkdev_flush(bd), 0);
out:
	free(buf);
	free(b.req);
	free(b.calls);
}
