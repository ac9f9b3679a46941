// SPDX-License-Identifier: MIT
/* blkbench DEV [SECONDS] [ro] [qd=N] [bs=BYTES] [rw=MODE]: block-device
 * throughput through the block layer's asynchronous interface
 * (blkdev_submit), on any disk. Without options: 4 KiB random reads at
 * queue depth 1 and 32, then sequential 128 KiB reads and writes at depth
 * 4. With any of qd=, bs=, rw= (randread, randwrite, read, write): that one
 * figure (defaults qd=1 bs=4096 rw=randread). Depth is real: every
 * request is its own blk_req, submitted at once and replaced as soon as
 * its completion is seen; the time-weighted average of requests between
 * submit and completion is printed to prove it (a driver without submit
 * completes inside blkdev_submit: at most 1). One machine-readable line per figure,
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

struct bench_fig {
	char name[24];
	const char *unit;           /* "iops" or "mibps" */
	bool write, random;
	unsigned qd;
	uint32_t bytes;
};

/* One figure's run. The fields after "shared" change with interrupts
 * disabled: the completion callbacks update them too. */
struct bench {
	struct blkdev *bd;
	const struct bench_fig *fig;
	bool async;                 /* callbacks may resubmit (driver has submit) */
	uint32_t bytes;
	uint64_t per, slots;        /* sectors per request, request-sized slots */
	uint64_t end;               /* time_ns() after which nothing is submitted */
	struct blk_req req[BENCH_MAX_QD];
	void *buf[BENCH_MAX_QD];
	struct waitq wq;            /* the bench thread waits here */
	/* shared */
	uint64_t rnd, next_seq;
	bool stop;                  /* an error: submit nothing more */
	bool parked[BENCH_MAX_QD];  /* done, for the thread to resubmit or retire */
	volatile unsigned n_parked; /* ever */
	unsigned inflight;          /* submitted, not completed */
	uint64_t depth_ns, last_ns; /* the integral of inflight over time */
	uint64_t ops, errors;
};

struct bench_result {
	uint64_t ops, bytes, errors, ns;
	uint64_t depth_x100;        /* average in flight, times 100 */
};

static uint64_t bench_rand(struct bench *b)
{
	/* xorshift64: cheap, and any spread of offsets will do. */
	b->rnd ^= b->rnd << 13;
	b->rnd ^= b->rnd >> 7;
	b->rnd ^= b->rnd << 17;
	return b->rnd;
}

/* inflight changes by delta now (interrupts disabled). */
static void depth_step(struct bench *b, int delta)
{
	uint64_t now = time_ns();
	b->depth_ns += (uint64_t)b->inflight * (now - b->last_ns);
	b->last_ns = now;
	b->inflight += delta;
}

static void bench_done(struct blk_req *r);

/* Fill request i for its next offset (interrupts disabled). */
static void bench_prepare(struct bench *b, unsigned i)
{
	uint64_t slot = b->fig->random ? bench_rand(b) % b->slots : b->next_seq++ % b->slots;
	b->req[i] = (struct blk_req){
		.op = b->fig->write ? BLK_OP_WRITE : BLK_OP_READ,
		.lba = slot * b->per, .count = b->per, .buf = b->buf[i],
		.done = bench_done, .arg = b,
	};
	depth_step(b, 1);
}

/* Completion: interrupt context, the driver's poll thread, or (a driver
 * without submit) inside blkdev_submit. On a driver with submit the
 * request goes straight back out from here, so the depth never sags
 * while the bench thread sleeps; otherwise, or when the time is up, it is
 * parked for the thread. */
static void bench_done(struct blk_req *r)
{
	struct bench *b = r->arg;
	unsigned i = (unsigned)(r - b->req);
	unsigned long flags = irq_save();
	depth_step(b, -1);
	b->ops++;
	if (r->status) {
		b->errors++;
		b->stop = true;         /* a failed disk fails every request */
	}
	if (b->async && !b->stop && time_ns() < b->end) {
		bench_prepare(b, i);
		blkdev_submit(b->bd, r);
	} else {
		b->parked[i] = true;
		b->n_parked++;
		waitq_wake_one(&b->wq);
	}
	irq_restore(flags);
}

/* Submit request i from the thread. */
static void bench_start(struct bench *b, unsigned i)
{
	unsigned long flags = irq_save();
	bench_prepare(b, i);
	irq_restore(flags);
	/* With interrupts on: a driver without submit may sleep. */
	blkdev_submit(b->bd, &b->req[i]);
}

static int bench_run(struct bench *b, const struct bench_fig *f, uint64_t ns,
		     struct bench_result *res)
{
	struct blkdev *bd = b->bd;
	size_t align = MAX(4096u, bd->align);
	unsigned live = 0, reaped = 0, qd = f->qd;
	int rc = 0;

	memset(res, 0, sizeof(*res));
	b->fig = f;
	b->async = bd->ops->submit != NULL;
	b->bytes = MAX(f->bytes, bd->sector_size);
	b->per = b->bytes / bd->sector_size;
	b->slots = bd->capacity / b->per;
	if (b->slots == 0)
		return -ERANGE;
	memset(b->buf, 0, sizeof(b->buf));
	for (unsigned i = 0; i < qd; i++) {
		b->buf[i] = aligned_alloc(align, b->bytes);
		if (!b->buf[i]) {
			rc = -ENOMEM;
			goto out;
		}
		memset(b->buf[i], 0x5a, b->bytes);
	}
	memset(b->parked, 0, sizeof(b->parked));
	b->n_parked = 0;
	b->next_seq = 0;
	b->stop = false;
	b->inflight = 0;
	b->ops = b->errors = 0;
	b->depth_ns = 0;

	/* Fill the queue; the callbacks keep it full until the time is up
	 * (or, without submit, park each request for this loop to send
	 * again); then every request parks and the run is over. */
	uint64_t start = time_ns();
	b->end = start + ns;
	b->last_ns = start;
	for (unsigned i = 0; i < qd; i++, live++)
		bench_start(b, i);
	while (live) {
		/* The callbacks may have run already (even inside
		 * blkdev_submit): the count says. */
		WAIT_EVENT(&b->wq, b->n_parked != reaped);
		for (unsigned i = 0; i < qd; i++) {
			unsigned long flags = irq_save();
			bool parked = b->parked[i], again = !b->stop && time_ns() < b->end;
			b->parked[i] = false;
			irq_restore(flags);
			if (!parked)
				continue;
			reaped++;
			if (again)
				bench_start(b, i);
			else
				live--;
		}
	}
	unsigned long flags = irq_save();
	res->ns = b->last_ns - start;
	res->ops = b->ops;
	res->errors = b->errors;
	res->bytes = b->ops * b->bytes;
	res->depth_x100 = res->ns ? b->depth_ns * 100 / res->ns : 0;
	irq_restore(flags);
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
