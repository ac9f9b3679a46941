// SPDX-License-Identifier: MIT
/* blkbench DEV [SECONDS] [ro] [qd=N] [bs=BYTES] [rw=MODE]: block-device
 * throughput through the block layer's asynchronous interface
 * (blkdev_submit), on any disk. Without options: 4 KiB random reads at
 * queue depth 1 and 32, then sequential 128 KiB reads and writes at depth
 * 4. With any of qd=, bs=, rw= (randread, randwrite, read, write): that one
 * figure (defaults qd=1 bs=4096 rw=randread). Depth is real: every
 * request is its own blk_req, submitted at once and replaced as soon as
 * its completion is seen; the time-weighted average of requests in flight
 * is printed to prove it. One machine-readable line per figure,
 * "bench: blk NAME UNIT=VALUE depth=D ops=N errors=N mode=M dev=DEV"
 * (tests/bench/blk.py reads it). Writes destroy the disk's contents; "ro"
 * skips them. */
#include <drivers/blkdev.h>
#include <kern/errno.h>
#include <kern/irq.h>
#include <kern/printk.h>
#include <kern/sched.h>
#include <kern/shell.h>
#include <kern/time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BENCH_MAX_QD    128
#define BENCH_MAX_BS    (1u << 20)
#define BENCH_MAX_MEM   (16u << 20)     /* qd * bs */

struct bench {
	struct blkdev *bd;
	struct blk_req req[BENCH_MAX_QD];
	void *buf[BENCH_MAX_QD];
	bool ended[BENCH_MAX_QD];   /* set by the callback, cleared by the thread */
	volatile unsigned n_ended;  /* completions so far */
	struct waitq wq;            /* the bench thread waits here */
	uint64_t rnd;
};

struct bench_fig {
	char name[24];
	const char *unit;           /* "iops" or "mibps" */
	bool write, random;
	unsigned qd;
	uint32_t bytes;
};

struct bench_result {
	uint64_t ops, bytes, errors, ns;
	uint64_t depth_x100;        /* average in flight, times 100 */
};

/* Completion: interrupt context, the driver's poll thread, or inside
 * blkdev_submit. Only note it and wake the bench thread, which submits the
 * replacement (irq_save: the contexts may interleave). */
static void bench_done(struct blk_req *r)
{
	struct bench *b = r->arg;
	unsigned long flags = irq_save();
	b->ended[r - b->req] = true;
	b->n_ended++;
	waitq_wake_one(&b->wq);
	irq_restore(flags);
}

static uint64_t bench_rand(struct bench *b)
{
	/* xorshift64: cheap, and any spread of offsets will do. */
	b->rnd ^= b->rnd << 13;
	b->rnd ^= b->rnd >> 7;
	b->rnd ^= b->rnd << 17;
	return b->rnd;
}

static void bench_submit(struct bench *b, const struct bench_fig *f, unsigned i,
			 uint64_t per, uint64_t slots, uint64_t *next_seq)
{
	uint64_t slot = f->random ? bench_rand(b) % slots : (*next_seq)++ % slots;
	b->req[i] = (struct blk_req){
		.op = f->write ? BLK_OP_WRITE : BLK_OP_READ,
		.lba = slot * per, .count = per, .buf = b->buf[i],
		.done = bench_done, .arg = b,
	};
	blkdev_submit(b->bd, &b->req[i]);
}

static int bench_run(struct bench *b, const struct bench_fig *f, uint64_t ns,
		     struct bench_result *res)
{
	struct blkdev *bd = b->bd;
	uint32_t bytes = MAX(f->bytes, bd->sector_size);
	uint64_t per = bytes / bd->sector_size;
	uint64_t slots = bd->capacity / per, next_seq = 0;
	size_t align = MAX(4096u, bd->align);
	unsigned outstanding = 0, reaped = 0, qd = f->qd;
	int rc = 0;

	memset(res, 0, sizeof(*res));
	if (slots == 0)
		return -ERANGE;
	memset(b->buf, 0, sizeof(b->buf));
	for (unsigned i = 0; i < qd; i++) {
		b->buf[i] = aligned_alloc(align, bytes);
		if (!b->buf[i]) {
			rc = -ENOMEM;
			goto out;
		}
		memset(b->buf[i], 0x5a, bytes);
	}
	b->n_ended = 0;
	memset(b->ended, 0, sizeof(b->ended));

	/* Fill the queue, then replace each request as its completion is
	 * seen, until the time is up; then let the last ones finish. */
	uint64_t start = time_ns(), end = start + ns, last = start, depth_ns = 0;
	bool stop = false;
	for (unsigned i = 0; i < qd; i++, outstanding++)
		bench_submit(b, f, i, per, slots, &next_seq);
	while (outstanding) {
		/* The callbacks may have run already (even inside
		 * blkdev_submit): the count says. */
		WAIT_EVENT(&b->wq, b->n_ended != reaped);
		/* Requests submitted and not yet seen finished, over time:
		 * the device held these (less the ones that just ended). */
		uint64_t now = time_ns();
		depth_ns += (uint64_t)outstanding * (now - last);
		last = now;
		stop |= now >= end;
		for (unsigned i = 0; i < qd; i++) {
			if (!b->ended[i])
				continue;
			b->ended[i] = false;
			reaped++;
			outstanding--;
			res->ops++;
			res->bytes += bytes;
			if (b->req[i].status) {
				res->errors++;
				stop = true;    /* a failed disk fails every request */
			}
			if (!stop) {
				outstanding++;
				bench_submit(b, f, i, per, slots, &next_seq);
			}
		}
	}
	res->ns = last - start;
	res->depth_x100 = res->ns ? depth_ns * 100 / res->ns : 0;
out:
	for (unsigned i = 0; i < qd; i++)
		free(b->buf[i]);
	return rc;
}

/* A whole decimal number in [lo, hi]. */
static bool parse_num(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (end == s || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

struct bench_args {
	long secs;
	bool ro;
	bool custom;                /* qd=, bs= or rw= given: one figure */
	struct bench_fig fig;
};

/* Arguments after DEV, strictly: at most one SECONDS (1..600), at most one
 * "ro" (any case), and qd=N (1..128), bs=BYTES (a multiple of 512 up to
 * 1 MiB), rw=randread|randwrite|read|write. Anything else is an error
 * before any I/O: a mistyped "ro" must never fall through to the write
 * phase, which overwrites the disk. */
static int parse_args(int argc, char **argv, struct bench_args *a)
{
	bool have_secs = false;
	long v;

	*a = (struct bench_args){ .secs = 2 };
	a->fig = (struct bench_fig){ .unit = "iops", .random = true, .qd = 1, .bytes = 4096 };
	for (int i = 2; i < argc; i++) {
		const char *s = argv[i];
		if (!strcasecmp(s, "ro") && !a->ro) {
			a->ro = true;
		} else if (!strncmp(s, "qd=", 3) && parse_num(s + 3, 1, BENCH_MAX_QD, &v)) {
			a->fig.qd = (unsigned)v;
			a->custom = true;
		} else if (!strncmp(s, "bs=", 3) && parse_num(s + 3, 512, BENCH_MAX_BS, &v) &&
			   v % 512 == 0) {
			a->fig.bytes = (uint32_t)v;
			a->custom = true;
		} else if (!strncmp(s, "rw=", 3) &&
			   (!strcmp(s + 3, "randread") || !strcmp(s + 3, "randwrite") ||
			    !strcmp(s + 3, "read") || !strcmp(s + 3, "write"))) {
			a->fig.random = !strncmp(s + 3, "rand", 4);
			a->fig.write = strstr(s + 3, "write") != NULL;
			a->custom = true;
		} else if (!have_secs && parse_num(s, 1, 600, &v)) {
			a->secs = v;
			have_secs = true;
		} else {
			kprintf("blkbench: bad argument '%s' (SECONDS is 1..600, then "
				"optionally ro, qd=1..%u, bs=BYTES, rw=randread|randwrite|"
				"read|write)\n", s, BENCH_MAX_QD);
			return -EINVAL;
		}
	}
	if ((uint64_t)a->fig.qd * a->fig.bytes > BENCH_MAX_MEM) {
		kprintf("blkbench: qd * bs is over %u MiB\n", BENCH_MAX_MEM >> 20);
		return -EINVAL;
	}
	if (a->custom && a->fig.write && a->ro) {
		kprintf("blkbench: rw=%swrite with ro\n", a->fig.random ? "rand" : "");
		return -EINVAL;
	}
	a->fig.unit = a->fig.random ? "iops" : "mibps";
	snprintf(a->fig.name, sizeof(a->fig.name), "qd%u %s%s", a->fig.qd,
		 a->fig.random ? "rand" : "seq", a->fig.write ? "write" : "read");
	return 0;
}

static const struct bench_fig default_figs[] = {
	{ "qd1 randread", "iops", false, true, 1, 4096 },
	{ "qd32 randread", "iops", false, true, 32, 4096 },
	{ "seqread", "mibps", false, false, 4, 128 * 1024 },
	{ "seqwrite", "mibps", true, false, 4, 128 * 1024 },
};

static int cmd_blkbench(int argc, char **argv)
{
	if (argc < 2) {
		kprintf("usage: blkbench DEV [SECONDS] [ro] [qd=N] [bs=BYTES] [rw=MODE]\n");
		return -EINVAL;
	}
	struct bench_args a;
	int rc = parse_args(argc, argv, &a);
	if (rc)
		return rc;
	struct blkdev *bd = blkdev_find(argv[1]);
	if (!bd) {
		kprintf("blkbench: no block device %s\n", argv[1]);
		return -ENODEV;
	}
	if (a.custom && a.fig.write && (bd->flags & BLKDEV_F_RO)) {
		kprintf("blkbench: %s is read-only\n", bd->name);
		return -EROFS;
	}
	bool ro = a.ro || (bd->flags & BLKDEV_F_RO);
	struct bench *b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->bd = bd;
	waitq_init(&b->wq);
	b->rnd = 0x9e3779b97f4a7c15ull;
	/* How completions reach us: the driver's interrupt, its poll
	 * thread, or (no submit op) the submitter itself. */
	const char *mode = !bd->ops->submit ? "sync" :
			   (bd->flags & BLKDEV_F_POLL) ? "poll" : "irq";

	const struct bench_fig *figs = a.custom ? &a.fig : default_figs;
	unsigned nfigs = a.custom ? 1 : ARRAY_SIZE(default_figs);
	for (unsigned f = 0; f < nfigs && !rc; f++) {
		if (figs[f].write && ro)
			continue;
		struct bench_result r;
		rc = bench_run(b, &figs[f], (uint64_t)a.secs * NSEC_PER_SEC, &r);
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
SHELL_CMD("blkbench", "blkbench DEV [SECONDS] [ro] [qd=N] [bs=BYTES] [rw=MODE] - "
	  "block-device IOPS and MiB/s (writes destroy data)", cmd_blkbench);
