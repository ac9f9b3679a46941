// SPDX-License-Identifier: MIT
/* blkbench DEV [SECONDS] [ro]: virtio-blk throughput in the current mode
 * (virtio.mode): 4 KiB random reads at queue depth 1 and 32, sequential
 * 128 KiB reads and writes at depth 4. Depth is real: the requests go to the
 * queue asynchronously (vblk_start) and each completion is replaced at once;
 * the time-weighted average of requests in flight is printed to prove it.
 * One machine-readable line per figure, "bench: blk ...". Writes destroy the
 * disk's contents; "ro" skips them. */
#include <drivers/blkdev.h>
#include <drivers/virtio_blk.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/shell.h>
#include <kern/time.h>
#include <stdlib.h>
#include <string.h>

#define BENCH_MAX_QD    32

struct bench {
	struct vblk *vb;
	uint64_t sectors;           /* disk size in 512-byte sectors */
	struct vblk_req req[BENCH_MAX_QD];
	void *buf[BENCH_MAX_QD];
	volatile bool any;          /* some request finished */
	uint64_t rnd;
};

struct bench_result {
	uint64_t ops, bytes, errors, ns;
	uint64_t depth_x100;        /* average in flight, times 100 */
};

static void bench_end(struct vblk_req *r)
{
	struct bench *b = r->arg;
	b->any = true;
}

static uint64_t bench_rand(struct bench *b)
{
	/* xorshift64: cheap, and any spread of offsets will do. */
	b->rnd ^= b->rnd << 13;
	b->rnd ^= b->rnd >> 7;
	b->rnd ^= b->rnd << 17;
	return b->rnd;
}

static int bench_run(struct bench *b, uint32_t type, bool random, unsigned qd,
		     uint32_t bytes, uint64_t ns, struct bench_result *res)
{
	uint64_t per = bytes / VIRTIO_BLK_SECTOR;
	uint64_t slots = b->sectors / per, next_seq = 0;
	unsigned outstanding = 0;
	bool busy[BENCH_MAX_QD] = { false };

	memset(res, 0, sizeof(*res));
	if (slots == 0)
		return -ERANGE;
	for (unsigned i = 0; i < qd; i++) {
		b->buf[i] = aligned_alloc(4096, bytes);
		if (!b->buf[i])
			goto nomem;
		memset(b->buf[i], 0x5a, bytes);
		b->req[i] = (struct vblk_req){ .end = bench_end, .arg = b };
	}

	uint64_t start = time_ns(), end = start + ns, last = start, depth_ns = 0;
	int rc = 0;
	for (;;) {
		uint64_t now = time_ns();
		for (unsigned i = 0; i < qd; i++) {
			if (busy[i]) {
				if (!b->req[i].done)
					continue;
				busy[i] = false;
				outstanding--;
				res->ops++;
				res->bytes += bytes;
				if (b->req[i].err)
					res->errors++;
			}
			if (now >= end || rc)
				continue;
			uint64_t slot = random ? bench_rand(b) % slots : next_seq++ % slots;
			rc = vblk_start(b->vb, &b->req[i], type, slot * per, b->buf[i], bytes);
			if (!rc) {
				busy[i] = true;
				outstanding++;
			}
		}
		vblk_kick(b->vb);
		if (outstanding == 0)
			break;
		b->any = false;
		/* A request may have finished while we were submitting; the
		 * scan above missed it only if it is done now. */
		bool ready = false;
		for (unsigned i = 0; i < qd && !ready; i++)
			ready = busy[i] && b->req[i].done;
		if (!ready)
			vblk_wait(b->vb, &b->any);
		/* Requests submitted and not yet seen finished, over time:
		 * the device held these (less the ones that just ended). */
		now = time_ns();
		depth_ns += (uint64_t)outstanding * (now - last);
		last = now;
	}
	res->ns = last - start;
	res->depth_x100 = res->ns ? depth_ns * 100 / res->ns : 0;
	for (unsigned i = 0; i < qd; i++)
		free(b->buf[i]);
	return rc;
nomem:
	for (unsigned i = 0; i < qd; i++)
		free(b->buf[i]);
	return -ENOMEM;
}

/* Arguments after DEV, strictly: at most one SECONDS (a whole decimal
 * number, 1..600) and at most one "ro" (any case). Anything else is an
 * error before any I/O: a mistyped "ro" must never fall through to the
 * write phase, which overwrites the disk. */
static int parse_args(int argc, char **argv, long *secs, bool *ro)
{
	bool have_secs = false;

	*secs = 2;
	*ro = false;
	for (int i = 2; i < argc; i++) {
		char *end;
		long v;

		if (!strcasecmp(argv[i], "ro") && !*ro) {
			*ro = true;
			continue;
		}
		v = strtol(argv[i], &end, 10);
		if (have_secs || end == argv[i] || *end || v < 1 || v > 600) {
			kprintf("blkbench: bad argument '%s' (SECONDS is 1..600, "
				"then optionally ro)\n", argv[i]);
			return -EINVAL;
		}
		*secs = v;
		have_secs = true;
	}
	return 0;
}

static int cmd_blkbench(int argc, char **argv)
{
	if (argc < 2) {
		kprintf("usage: blkbench DEV [SECONDS] [ro]\n");
		return -EINVAL;
	}
	long secs;
	bool ro;
	int prc = parse_args(argc, argv, &secs, &ro);
	if (prc)
		return prc;
	struct blkdev *bd = blkdev_find(argv[1]);
	struct vblk *vb = vblk_from_blkdev(bd);
	if (!vb) {
		kprintf("blkbench: %s is not a virtio-blk disk\n", argv[1]);
		return -ENODEV;
	}
	ro |= (bd->flags & BLKDEV_F_RO) != 0;
	struct bench *b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->vb = vb;
	b->sectors = bd->capacity * (bd->sector_size / VIRTIO_BLK_SECTOR);
	b->rnd = 0x9e3779b97f4a7c15ull;
	const char *mode = vblk_polling(vb) ? "poll" : "irq";

	static const struct {
		const char *name, *unit;
		uint32_t type;
		bool random;
		unsigned qd;
		uint32_t bytes;
	} figs[] = {
		{ "qd1 randread", "iops", VIRTIO_BLK_T_IN, true, 1, 4096 },
		{ "qd32 randread", "iops", VIRTIO_BLK_T_IN, true, 32, 4096 },
		{ "seqread", "mibps", VIRTIO_BLK_T_IN, false, 4, 128 * 1024 },
		{ "seqwrite", "mibps", VIRTIO_BLK_T_OUT, false, 4, 128 * 1024 },
	};
	int rc = 0;
	for (unsigned f = 0; f < ARRAY_SIZE(figs) && !rc; f++) {
		if (figs[f].type == VIRTIO_BLK_T_OUT && ro)
			continue;
		struct bench_result r;
		rc = bench_run(b, figs[f].type, figs[f].random, figs[f].qd, figs[f].bytes,
			       (uint64_t)secs * NSEC_PER_SEC, &r);
		if (rc || !r.ns) {
			kprintf("blkbench: %s: error %d\n", figs[f].name, rc);
			rc = rc ? rc : -EIO;
			break;
		}
		uint64_t value = figs[f].unit[0] == 'i'
			? r.ops * NSEC_PER_SEC / r.ns
			: (r.bytes * NSEC_PER_SEC / r.ns) >> 20;
		kprintf("bench: blk %s %s=%llu depth=%llu.%02llu ops=%llu errors=%llu "
			"mode=%s dev=%s\n", figs[f].name, figs[f].unit,
			(unsigned long long)value,
			(unsigned long long)(r.depth_x100 / 100),
			(unsigned long long)(r.depth_x100 % 100),
			(unsigned long long)r.ops, (unsigned long long)r.errors, mode,
			bd->name);
		if (r.errors)
			rc = -EIO;
	}
	free(b);
	return rc;
}
SHELL_CMD("blkbench", "blkbench DEV [SECONDS] [ro] - virtio-blk IOPS and MiB/s "
	  "(writes destroy data)", cmd_blkbench);
