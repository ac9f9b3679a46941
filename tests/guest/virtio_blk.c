// SPDX-License-Identifier: MIT
/* In-guest tests of virtio-blk against QEMU's real device, through the block
 * layer's synchronous calls and the driver's own requests (GET_ID). The
 * asynchronous interface (blk_req) has its own file, virtio_blk_req.c.
 *
 * Disk layout the cases and tests/hooks/vblk_*.sh agree on (byte offsets,
 * whatever the sector size; images are 8 MiB):
 *   [0, 128 KiB)        the host's pattern (vblk.seed for vda, vblk.seed2 for
 *                       vdb), verified here, never written
 *   [128 KiB, 256 KiB)  written here with vblk.wseed (vdb: wseed + 1),
 *                       verified by the post hook after QEMU exits
 *   [2 MiB, 8 MiB)      scratch for everything else
 * Sizes are kept small on purpose: nested KVM without nested paging makes
 * every guest memory access cost microseconds, and these must finish there.
 * The pattern is the block layer's (blk_pattern_*), which the hooks run on
 * the host too. */
#include <kern/test.h>
#include <kern/cmdline.h>
#include <kern/errno.h>
#include <kern/irq.h>
#include <kern/sched.h>
#include <kern/shell.h>
#include <kern/time.h>
#include <drivers/blkdev.h>
#include <drivers/virtio_blk.h>
#include <stdlib.h>
#include <string.h>

CMDLINE_OPT(vblk_seed, "vblk.seed", "tests: pattern seed of vda's first MiB (pre hook)");
CMDLINE_OPT(vblk_seed2, "vblk.seed2", "tests: pattern seed of vdb's first MiB (pre hook)");
CMDLINE_OPT(vblk_wseed, "vblk.wseed", "tests: seed to write in each disk's second MiB (post hook)");
CMDLINE_OPT(vblk_serial, "vblk.serial", "tests: the serial vda must report (GET_ID)");
CMDLINE_OPT(vblk_wrap, "vblk.wrap", "tests: 1 runs virtio_blk_wrap (70000 requests)");
CMDLINE_OPT(vblk_discard, "vblk.discard", "tests: 1 if discard must be supported");

#define MIB             (1u << 20)
#define HOST_AREA       (128u << 10)   /* host pattern, then guest writes */
#define SCRATCH         (2 * MIB)

/* The n-th virtio-blk disk (vda = 0), or NULL. */
static struct blkdev *vdisk(int n)
{
	for (struct blkdev *bd = blkdev_next(NULL); bd; bd = blkdev_next(bd))
		if (vblk_from_blkdev(bd) && n-- == 0)
			return bd;
	return NULL;
}

static struct blkdev *writable_disk(int n)
{
	for (struct blkdev *bd = blkdev_next(NULL); bd; bd = blkdev_next(bd))
		if (vblk_from_blkdev(bd) && !(bd->flags & BLKDEV_F_RO) && n-- == 0)
			return bd;
	return NULL;
}

static uint64_t lba_of(const struct blkdev *bd, uint64_t byte)
{
	return byte / bd->sector_size;
}

/* Hand r straight to the driver (below the layer's checks) and wait. */
static void drv_wake(struct blk_req *r)
{
	sem_up(r->arg);
}

static int drv_submit_wait(struct blkdev *bd, struct blk_req *r)
{
	struct semaphore sem;
	sem_init(&sem, 0);
	r->done = drv_wake;
	r->arg = &sem;
	bd->ops->submit(bd, r);
	sem_down(&sem);
	return r->status;
}

#define NEED_DISK(bd)                                                        \
	do {                                                                 \
		if (!(bd)) {                                                 \
			test_skip("no virtio-blk disk");                     \
			return;                                              \
		}                                                            \
	} while (0)

TEST(virtio_blk_present)
{
	struct blkdev *bd = vdisk(0);
	NEED_DISK(bd);
	for (int i = 0; (bd = vdisk(i)); i++) {
		test_diag("%s: %llu sectors of %u, max %u per request%s", bd->name,
			  (unsigned long long)bd->capacity, bd->sector_size, bd->max_sectors,
			  (bd->flags & BLKDEV_F_RO) ? ", read-only" : "");
		T_CHECK(IS_POW2(bd->sector_size) && bd->sector_size >= 512);
		T_CHECK(bd->capacity * bd->sector_size >= 8 * MIB);
		T_CHECK(bd->max_sectors >= 1);
		T_CHECK(!strcmp(bd->driver, "virtio-blk"));
	}
}

/* Write, read back and compare count sectors at lba through the layer
 * (which splits at max_sectors). */
static void rw_check(struct blkdev *bd, uint64_t lba, uint32_t count, uint64_t seed,
		     size_t misalign)
{
	size_t bytes = (size_t)count * bd->sector_size;
	uint8_t *w = malloc(bytes + 64), *r = malloc(bytes + 64);
	T_CHECK(w && r);
	if (!w || !r)
		goto out;
	blk_pattern_fill(w + misalign, lba, count, bd->sector_size, seed);
	memset(r, 0xee, bytes + 64);
	T_EQ(blkdev_write(bd, lba, count, w + misalign), 0);
	T_EQ(blkdev_read(bd, lba, count, r + misalign), 0);
	T_EQ(blk_pattern_check(r + misalign, lba, count, bd->sector_size, seed), -1);
	T_EQ(r[misalign + bytes], 0xee);    /* nothing written past the buffer */
out:
	free(w);
	free(r);
}

TEST(virtio_blk_rw)
{
	struct blkdev *bd = writable_disk(0);
	NEED_DISK(bd);
	uint64_t base = lba_of(bd, SCRATCH);
	/* The block layer's own tests cover splitting at max_sectors; here
	 * a 128 KiB request stands for the large ones. */
	uint32_t big = MIN(bd->max_sectors, (128u << 10) / bd->sector_size);
	rw_check(bd, base, 1, 1, 0);
	rw_check(bd, base + 1, 7, 2, 0);
	rw_check(bd, base + 16, 8, 3, 1);          /* odd buffer address */
	rw_check(bd, base + 64, big, 4, 0);
	rw_check(bd, base + 64 + big, big + 3, 5, 8);
	rw_check(bd, bd->capacity - 1, 1, 6, 0);    /* the last sector */
	rw_check(bd, bd->capacity - 5, 5, 7, 0);

	/* Past the end: the layer refuses... */
	uint8_t *buf = malloc(2 * bd->sector_size);
	T_EQ(blkdev_read(bd, bd->capacity, 1, buf), -ERANGE);
	T_EQ(blkdev_read(bd, bd->capacity - 1, 2, buf), -ERANGE);
	T_EQ(blkdev_write(bd, bd->capacity, 1, buf), -ERANGE);
	/* ...and the device itself answers IOERR below the layer. */
	struct blk_req r = { .op = BLK_OP_READ, .io = { bd->capacity, 1, buf } };
	T_EQ(drv_submit_wait(bd, &r), -EIO);
	free(buf);
}

TEST(virtio_blk_host_pattern)
{
	const char *s1 = cmdline_get("vblk.seed"), *s2 = cmdline_get("vblk.seed2");
	if (!s1) {
		test_skip("no vblk.seed: this case has no host pattern");
		return;
	}
	const char *seeds[2] = { s1, s2 };
	for (int i = 0; i < 2 && seeds[i]; i++) {
		struct blkdev *bd = vdisk(i);
		T_CHECK(bd != NULL);
		if (!bd)
			return;
		uint64_t seed = strtoull(seeds[i], NULL, 0);
		uint32_t count = HOST_AREA / bd->sector_size;
		uint8_t *buf = malloc(HOST_AREA);
		T_EQ(blkdev_read(bd, 0, count, buf), 0);
		int64_t bad = blk_pattern_check(buf, 0, count, bd->sector_size, seed);
		if (bad >= 0)
			test_diag("%s: host pattern differs at byte %lld", bd->name,
				  (long long)bad);
		T_EQ(bad, -1);
		free(buf);
	}
}

TEST(virtio_blk_guest_write)
{
	const char *ws = cmdline_get("vblk.wseed");
	if (!ws) {
		test_skip("no vblk.wseed: nothing for a post hook to check");
		return;
	}
	uint64_t seed = strtoull(ws, NULL, 0);
	uint8_t *buf = malloc(HOST_AREA);
	for (int i = 0; i < 2; i++) {
		struct blkdev *bd = writable_disk(i);
		if (!bd)
			break;
		uint64_t lba = lba_of(bd, HOST_AREA);
		uint32_t count = HOST_AREA / bd->sector_size;
		blk_pattern_fill(buf, lba, count, bd->sector_size, seed + (uint64_t)i);
		T_EQ(blkdev_write(bd, lba, count, buf), 0);
		T_EQ(blkdev_flush(bd), 0);
		memset(buf, 0, HOST_AREA);
		T_EQ(blkdev_read(bd, lba, count, buf), 0);
		T_EQ(blk_pattern_check(buf, lba, count, bd->sector_size, seed + (uint64_t)i), -1);
	}
	free(buf);
}

TEST(virtio_blk_flush)
{
	struct blkdev *bd = writable_disk(0);
	NEED_DISK(bd);
	for (int i = 0; (bd = writable_disk(i)); i++)
		T_EQ(blkdev_flush(bd), 0);
}

TEST(virtio_blk_zeroes_discard)
{
	struct blkdev *bd = writable_disk(0);
	NEED_DISK(bd);
	uint32_t ss = bd->sector_size, count = 64 * 1024 / ss;
	uint64_t lba = lba_of(bd, 4 * MIB);
	uint8_t *buf = malloc(64 * 1024);
	blk_pattern_fill(buf, lba, count, ss, 0x77);
	T_EQ(blkdev_write(bd, lba, count, buf), 0);
	/* Zero the middle half: it reads back as zeroes, the rest intact. */
	uint32_t q = count / 4;
	T_EQ(blkdev_write_zeroes(bd, lba + q, 2 * q), 0);
	memset(buf, 0xee, 64 * 1024);
	T_EQ(blkdev_read(bd, lba, count, buf), 0);
	T_EQ(blk_pattern_check(buf, lba, q, ss, 0x77), -1);
	T_EQ(blk_pattern_check(buf + 3 * q * ss, lba + 3 * q, q, ss, 0x77), -1);
	bool zero = true;
	for (size_t i = (size_t)q * ss; i < (size_t)3 * q * ss; i++)
		zero &= buf[i] == 0;
	T_CHECK(zero);
	/* Discard: the contents become unspecified; only the answer counts. */
	int rc = blkdev_discard(bd, lba, count);
	if (cmdline_get_bool("vblk.discard", false))
		T_EQ(rc, 0);
	else
		T_CHECK(rc == 0 || rc == -EOPNOTSUPP);
	test_diag("%s: discard: %d", bd->name, rc);
	/* A large write-zeroes goes out in pieces of max_write_zeroes. */
	T_EQ(blkdev_write_zeroes(bd, lba_of(bd, SCRATCH), lba_of(bd, 4 * MIB)), 0);
	T_EQ(blkdev_read(bd, lba_of(bd, 6 * MIB) - count, count, buf), 0);
	zero = true;
	for (size_t i = 0; i < 64 * 1024; i++)
		zero &= buf[i] == 0;
	T_CHECK(zero);
	free(buf);
}

TEST(virtio_blk_readonly)
{
	struct blkdev *ro = NULL;
	for (int i = 0; !ro && vdisk(i); i++)
		if (vdisk(i)->flags & BLKDEV_F_RO)
			ro = vdisk(i);
	if (!ro) {
		test_skip("no read-only virtio-blk disk");
		return;
	}
	uint8_t *buf = malloc(ro->sector_size);
	T_EQ(blkdev_read(ro, 0, 1, buf), 0);
	T_EQ(blkdev_write(ro, 0, 1, buf), -EROFS);
	T_EQ(blkdev_discard(ro, 0, 1), -EROFS);
	T_EQ(blkdev_write_zeroes(ro, 0, 1), -EROFS);
	/* Going around the layer, the driver refuses too. */
	struct blk_req r = { .op = BLK_OP_WRITE, .io = { 0, 1, buf } };
	T_EQ(drv_submit_wait(ro, &r), -EROFS);
	free(buf);
}

TEST(virtio_blk_two_disks)
{
	struct blkdev *a = writable_disk(0), *b = writable_disk(1);
	if (!a || !b) {
		test_skip("fewer than two writable virtio-blk disks");
		return;
	}
	T_CHECK(strcmp(a->name, b->name) != 0);
	uint64_t la = lba_of(a, 3 * MIB), lb = lba_of(b, 3 * MIB);
	uint32_t ca = 64 * 1024 / a->sector_size, cb = 64 * 1024 / b->sector_size;
	uint8_t *buf = malloc(64 * 1024);
	blk_pattern_fill(buf, la, ca, a->sector_size, 0xa);
	T_EQ(blkdev_write(a, la, ca, buf), 0);
	blk_pattern_fill(buf, lb, cb, b->sector_size, 0xb);
	T_EQ(blkdev_write(b, lb, cb, buf), 0);
	T_EQ(blkdev_read(a, la, ca, buf), 0);
	T_EQ(blk_pattern_check(buf, la, ca, a->sector_size, 0xa), -1);
	T_EQ(blkdev_read(b, lb, cb, buf), 0);
	T_EQ(blk_pattern_check(buf, lb, cb, b->sector_size, 0xb), -1);
	free(buf);
}

/* ---- several threads at once -------------------------------------------------- */

#define NTHREADS 4
#define ITERS    25

struct worker {
	struct blkdev *bd;
	int id;
	int errors;
	int done;                   /* iterations written, read back and matched */
	unsigned max_inflight;      /* on the queue, seen before submitting */
};

/* Workers inside a write call right now, and the most there were at once. */
static unsigned workers_active, workers_active_max;

static void worker_fn(void *arg)
{
	struct worker *w = arg;
	struct blkdev *bd = w->bd;
	struct vblk *vb = vblk_from_blkdev(bd);
	struct vblk_stats vs;
	uint32_t ss = bd->sector_size, count = MAX(4096 / ss, 1u);
	/* Each thread owns a 256 KiB slice of the scratch area. */
	uint64_t slice = lba_of(bd, SCRATCH + (uint64_t)w->id * 256 * 1024);
	uint32_t bytes = count * ss;
	uint8_t *buf = malloc(bytes);
	uint32_t rnd = 0x1234567u * (uint32_t)(w->id + 1);

	for (int i = 0; i < ITERS && buf; i++) {
		rnd = rnd * 1103515245u + 12345u;
		uint64_t lba = slice + ((rnd >> 8) % 32) * count;
		uint64_t seed = ((uint64_t)w->id << 32) | (uint32_t)i;
		blk_pattern_fill(buf, lba, count, ss, seed);
		vblk_get_stats(vb, &vs);
		if (vs.on_ring > w->max_inflight)
			w->max_inflight = vs.on_ring;
		if (++workers_active > workers_active_max)
			workers_active_max = workers_active;
		if (blkdev_write(bd, lba, count, buf))
			w->errors++;
		workers_active--;
		memset(buf, 0, bytes);
		if (blkdev_read(bd, lba, count, buf) ||
		    blk_pattern_check(buf, lba, count, ss, seed) != -1)
			w->errors++;
		else
			w->done++;
	}
	free(buf);
}

/* Several threads share the disks, each checking its own data. How many
 * have a write outstanding at once is up to the host in irq mode: QEMU
 * often finishes a request before the guest's interrupt is taken (it runs
 * the I/O in threads of its own while the vCPU goes on), and a thread
 * whose request is done does not give up the CPU. In poll mode only the
 * disk's poll thread completes requests, and it runs only once the writer
 * sleeps, so a second worker always gets into its write while the first
 * is in its own: that much is checked. */
TEST(virtio_blk_threads)
{
	struct blkdev *bd = writable_disk(0);
	NEED_DISK(bd);
	struct worker w[NTHREADS];
	struct thread *t[NTHREADS];
	bool all_poll = true;
	workers_active = workers_active_max = 0;
	for (int i = 0; i < NTHREADS; i++) {
		/* With two disks, every other thread uses the second. */
		struct blkdev *d = (i & 1) && writable_disk(1) ? writable_disk(1) : bd;
		all_poll &= (d->flags & BLKDEV_F_POLL) != 0;
		w[i] = (struct worker){ .bd = d, .id = i };
		t[i] = thread_create("vblk-worker", worker_fn, &w[i]);
		T_CHECK(t[i] != NULL);
	}
	unsigned max = 0;
	for (int i = 0; i < NTHREADS; i++) {
		if (t[i])
			T_EQ(thread_join(t[i]), 0);
		T_EQ(w[i].errors, 0);
		T_EQ(w[i].done, ITERS);
		max = MAX(max, w[i].max_inflight);
	}
	test_diag("most requests on the queue seen by a worker: %u; most workers "
		  "with a write outstanding: %u (%s)", max, workers_active_max,
		  all_poll ? "polling" : "irq: depends on the host");
	if (all_poll)
		T_CHECK(workers_active_max >= 2);
}

/* ---- a waiting thread lets the others run --------------------------------------- */

#define SHARE_TURNS 50
/* The bound on the waiter's reads is time, not a count: under TCG the
 * timer that ends the other thread's sleep is raised by QEMU's main
 * thread, which a loaded host may not run for tens of milliseconds while
 * the vCPU thread goes on reading from a vhost-user disk (its kicks need
 * no main loop): 4000 reads (about 50 ms) once passed that way. A waiter
 * or poller that kept the CPU would never see the flag, however long. */
#define SHARE_BOUND_NS (10 * NSEC_PER_SEC)

struct share {
	volatile bool flag;
	unsigned turns;
};

/* Take SHARE_TURNS turns of the CPU, then sleep on the clock, then set
 * the flag the other thread waits for. */
static void share_fn(void *arg)
{
	struct share *s = arg;
	for (s->turns = 0; s->turns < SHARE_TURNS; s->turns++)
		thread_yield();
	thread_sleep_ns(2 * 1000 * 1000);
	s->flag = true;
}

/* The rule for device waits (drivers/virtio/README.md): a thread waiting
 * for a device lets every other thread run, whether it sleeps for the
 * interrupt or the disk's thread polls. The waiter reads until a flag only
 * another thread sets, after taking turns of the CPU and a sleep on the
 * clock (its timer must fire while the poll thread spins). In poll mode
 * every read waits (only the poll thread completes it), so a waiter or
 * poller that kept the CPU would never see the flag: checked. In irq mode
 * a read QEMU finished before the guest looked needs no wait, so there the
 * number of reads is only reported. */
TEST(virtio_blk_wait_shares_cpu)
{
	struct blkdev *bd = vdisk(0);
	NEED_DISK(bd);
	struct share s = { 0 };
	struct thread *t = thread_create("vblk-share", share_fn, &s);
	T_CHECK(t != NULL);
	if (!t)
		return;
	uint8_t *buf = malloc(bd->sector_size);
	unsigned reads = 0;
	uint64_t end = time_ns() + SHARE_BOUND_NS;
	while (!s.flag && time_ns() < end) {
		T_EQ(blkdev_read(bd, reads % 64, 1, buf), 0);
		reads++;
	}
	bool poll = bd->flags & BLKDEV_F_POLL;
	if (poll)
		T_CHECK(s.flag);
	T_EQ(thread_join(t), 0);
	T_EQ(s.turns, SHARE_TURNS);
	test_diag("%s: %u reads while another thread took %u turns and slept (%s)",
		  bd->name, reads, s.turns, poll ? "polled" : "irq");
	free(buf);
}

/* ---- the driver's own requests: GET_ID, index wrap --------------------------- */

struct wrap {
	struct blk_req req[16];
	uint8_t buf[16][VIRTIO_BLK_ID_BYTES];
	bool ended[16];
	volatile unsigned n_ended;
	struct waitq wq;
};

static void wrap_done(struct blk_req *r)
{
	struct wrap *w = r->arg;
	unsigned long flags = irq_save();
	w->ended[r - w->req] = true;
	w->n_ended++;
	waitq_wake_one(&w->wq);
	irq_restore(flags);
}

/* More than 65536 requests: the 16-bit ring indices wrap on a real device.
 * GET_ID requests keep it quick: the device answers them without I/O. */
TEST(virtio_blk_wrap)
{
	struct blkdev *bd = vdisk(0);
	NEED_DISK(bd);
	if (!cmdline_get_bool("vblk.wrap", false)) {
		test_skip("vblk.wrap=1 not given");
		return;
	}
	enum { QD = 16, TOTAL = 70000 };
	struct wrap *w = calloc(1, sizeof(*w));
	unsigned submitted = 0, finished = 0, errors = 0;
	waitq_init(&w->wq);
	for (;;) {
		for (int i = 0; i < QD; i++) {
			if (w->ended[i]) {
				w->ended[i] = false;
				finished++;
				errors += w->req[i].status != 0;
			} else if (w->req[i].done) {
				continue;       /* in flight */
			}
			if (submitted < TOTAL) {
				w->req[i] = (struct blk_req){
					.op = VBLK_OP_GET_ID, .io.buf = w->buf[i],
					.done = wrap_done, .arg = w,
				};
				submitted++;
				bd->ops->submit(bd, &w->req[i]);
			} else {
				w->req[i].done = NULL;
			}
		}
		if (finished == TOTAL)
			break;
		WAIT_EVENT(&w->wq, w->n_ended != finished);
	}
	T_EQ(errors, 0);
	T_EQ(finished, TOTAL);
	free(w);
}

TEST(virtio_blk_get_id)
{
	struct blkdev *bd = vdisk(0);
	NEED_DISK(bd);
	char id[VIRTIO_BLK_ID_BYTES + 1];
	int rc = vblk_get_id(vblk_from_blkdev(bd), id);
	test_diag("%s: id \"%s\" (%d)", bd->name, id, rc);
	const char *want = cmdline_get("vblk.serial");
	if (want) {
		T_EQ(rc, 0);
		T_CHECK(!strcmp(id, want));
	} else {
		T_CHECK(rc == 0 || rc == -EOPNOTSUPP);
	}
}

/* ---- a device that stops answering ----------------------------------------- */

CMDLINE_OPT(vblk_throttled, "vblk.throttled",
	    "tests: 1 when vda is throttled far below virtio.timeout_ms");

/* A request unanswered for virtio.timeout_ms fails the device: the wait
 * ends, the request and every later one get -EIO, and nothing hangs. The
 * case throttles the disk to one request a second (QEMU's throttling
 * holds the rest back) with a 300 ms timeout, so of five reads in a row
 * at least one waits past it, whatever the host's speed. */
TEST(virtio_blk_request_timeout)
{
	struct blkdev *bd = vdisk(0);
	NEED_DISK(bd);
	if (!cmdline_get_bool("vblk.throttled", false)) {
		test_skip("vda is not throttled (vblk.throttled)");
		return;
	}
	uint8_t *buf = malloc(4096);
	uint32_t count = MAX(4096 / bd->sector_size, 1u);
	int rc = 0, i;
	uint64_t t0 = time_ns();

	for (i = 0; i < 5 && rc == 0; i++)
		rc = blkdev_read(bd, lba_of(bd, SCRATCH) + (uint64_t)i * count, count, buf);
	test_diag("read %d ended with %d after %llu ms", i - 1, rc,
		  (unsigned long long)((time_ns() - t0) / NSEC_PER_MSEC));
	T_EQ(rc, -EIO);
	T_EQ(blkdev_read(bd, lba_of(bd, SCRATCH), count, buf), -EIO);
	free(buf);
}
