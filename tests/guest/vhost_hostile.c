// SPDX-License-Identifier: MIT
/* The guest against a hostile virtio-blk device: tools/vhost-hostile, a
 * vhost-user back end, serves one disk (16 MiB, so it is told from the
 * healthy one beside it, an 8 MiB QEMU virtio-blk disk with the block
 * layer's pattern) and misbehaves after vh.after requests in the way
 * vh.mode names (tests/cases/vhost_hostile.cases; the wrapper
 * tests/hooks/vhost_hostile.sh starts it with the same words).
 *
 * What must hold whatever the device does (drivers/virtio/README.md,
 * "Hardening"): the first vh.after requests work; a batch of requests
 * posted after that either all succeed with the right data (the legal
 * modes: none, reorder, irq-storm, config-storm, and scribble, which
 * trashes the descriptors and available ring the driver must not read
 * back) or every one of them
 * ends, with 0 or -EIO and at least one -EIO, and so does every later
 * request (the device was failed); nothing is written past a buffer; the
 * heap is intact and as full as before; the other disk and the shell
 * still work. The log line naming the fault is the case's regex. */
#include <kern/test.h>
#include <kern/cmdline.h>
#include <kern/errno.h>
#include <kern/heap.h>
#include <kern/sched.h>
#include <kern/shell.h>
#include <kern/time.h>
#include <drivers/blkdev.h>
#include <drivers/virtio_blk.h>
#include <stdlib.h>
#include <string.h>

CMDLINE_OPT(vh_mode, "vh.mode", "tests: what the vhost-user disk does wrong (vhost_hostile)");
CMDLINE_OPT(vh_after, "vh.after", "tests: requests the vhost-user disk serves well first");
CMDLINE_OPT(vh_threads, "vh.threads", "tests: 1: threads meet the device's fault, not a batch");

#define VH_BYTES        (16u << 20)     /* the hostile disk's size */
#define VH_BLOCK        4096u
#define VH_BASE         (1u << 20)      /* its blocks start at 1 MiB */
#define VH_BATCH        8
#define VH_SEED         0x7a11
#define CANARY          64
#define GOOD_SEED       0x1234          /* vblk_pre.sh's pattern on disk0 */

struct batch {
	struct blk_req req[VH_BATCH];
	uint8_t *buf[VH_BATCH];
	unsigned order[VH_BATCH];       /* indices in completion order */
	unsigned ended;
	struct semaphore sem;           /* one up per completion */
};

/* Runs where the driver completes (interrupt, its poll thread, or the
 * submitter for a refusal): record the order, wake the waiter. */
static void batch_end(struct blk_req *r)
{
	struct batch *b = r->arg;
	if (b->ended < VH_BATCH)
		b->order[b->ended] = (unsigned)(r - b->req);
	b->ended++;
	sem_up(&b->sem);
}

static bool is_mode(const char *m, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(m, *list))
			return true;
	return false;
}

static uint64_t vh_lba(const struct blkdev *bd, unsigned block)
{
	return ((uint64_t)VH_BASE + (uint64_t)block * VH_BLOCK) / bd->sector_size;
}

/* One 4 KiB request through the block layer (one virtio request). */
static int vh_rw(struct blkdev *bd, unsigned block, bool write, uint8_t *buf)
{
	uint32_t n = VH_BLOCK / bd->sector_size;
	return write ? blkdev_write(bd, vh_lba(bd, block), n, buf)
		     : blkdev_read(bd, vh_lba(bd, block), n, buf);
}

static bool canary_intact(const uint8_t *buf)
{
	for (unsigned i = 0; i < CANARY; i++)
		if (buf[VH_BLOCK + i] != 0xa5)
			return false;
	return true;
}

/* Submit VH_BATCH reads of blocks 0.. at once (plugged, with interrupts
 * off: the device is told once, and none completes before all are in,
 * as the reorder and dup-id modes need) and wait for each through the block layer's
 * asynchronous requests. @return how many ended with -EIO; *other counts
 * results neither 0 nor -EIO, *bad_data good reads whose data is wrong
 * (check_data only), *reordered whether completions came out of
 * submission order. A request the driver refuses at once (the device is
 * failed already) completes through the callback too. */
static unsigned run_batch(struct blkdev *bd, bool check_data, unsigned *other,
			  unsigned *bad_data, bool *reordered, bool *canary_ok)
{
	struct batch *b = calloc(1, sizeof(*b));
	unsigned eio = 0, posted = 0;
	uint32_t ss = bd->sector_size;

	if (!b)
		return 0;
	sem_init(&b->sem, 0);
	for (unsigned i = 0; i < VH_BATCH; i++) {
		b->buf[i] = malloc(VH_BLOCK + CANARY);
		memset(b->buf[i], 0xee, VH_BLOCK);
		memset(b->buf[i] + VH_BLOCK, 0xa5, CANARY);
		b->req[i] = (struct blk_req){ .op = BLK_OP_READ, .lba = vh_lba(bd, i),
					      .count = VH_BLOCK / ss, .buf = b->buf[i],
					      .done = batch_end, .arg = b };
	}
	unsigned long f = irq_save();

	blkdev_plug(bd);        /* the device sees the batch at once */
	for (unsigned i = 0; i < VH_BATCH; i++)
		if (blkdev_submit(bd, &b->req[i]) == 0)
			posted++;
	blkdev_unplug(bd);
	irq_restore(f);
	for (unsigned i = 0; i < posted; i++)
		sem_down(&b->sem);
	for (unsigned i = 0; i < VH_BATCH; i++) {
		int err = b->req[i].status;
		if (err == -EIO)
			eio++;
		else if (err)
			(*other)++;
		else if (check_data &&
			 blk_pattern_check(b->buf[i], vh_lba(bd, i), VH_BLOCK / ss, ss, VH_SEED) != -1)
			(*bad_data)++;
		if (!canary_intact(b->buf[i]))
			*canary_ok = false;
	}
	for (unsigned i = 1; i < b->ended && i < VH_BATCH; i++)
		if (b->order[i] < b->order[i - 1])
			*reordered = true;
	if (b->ended != posted)
		test_diag("%u completions for %u requests posted", b->ended, posted);
	T_EQ(b->ended, posted);
	for (unsigned i = 0; i < VH_BATCH; i++)
		free(b->buf[i]);
	free(b);
	return eio;
}

/* ---- threads ------------------------------------------------------------- */

#define VH_THREADS      4
#define VH_THREAD_READS 50

struct vh_worker {
	struct blkdev *bd;
	unsigned id;
	bool check;             /* the block holds the pattern: compare */
	unsigned ok, eio, other, bad_data;
	bool canary_ok;
};

/* Read the thread's own block until the first error (at most
 * VH_THREAD_READS times), checking the data when told to. */
static void vh_worker_fn(void *arg)
{
	struct vh_worker *w = arg;
	uint32_t ss = w->bd->sector_size;
	uint8_t *buf = malloc(VH_BLOCK + CANARY);

	w->canary_ok = buf != NULL;
	for (unsigned i = 0; buf && i < VH_THREAD_READS; i++) {
		memset(buf + VH_BLOCK, 0xa5, CANARY);
		int rc = vh_rw(w->bd, w->id, false, buf);
		if (!canary_intact(buf))
			w->canary_ok = false;
		if (rc == -EIO) {
			w->eio++;
			break;
		}
		if (rc) {
			w->other++;
			break;
		}
		w->ok++;
		if (w->check && blk_pattern_check(buf, vh_lba(w->bd, w->id), VH_BLOCK / ss, ss,
						  VH_SEED) != -1)
			w->bad_data++;
	}
	free(buf);
}

/* VH_THREADS readers at once. A fault must end every one of them with
 * one -EIO (those waiting when the device is failed are woken with it);
 * otherwise every read is right. */
static void run_threads(struct blkdev *bd, bool fault)
{
	struct vh_worker w[VH_THREADS];
	struct thread *t[VH_THREADS];

	for (unsigned i = 0; i < VH_THREADS; i++) {
		w[i] = (struct vh_worker){ .bd = bd, .id = i, .check = !fault };
		t[i] = thread_create("vh-reader", vh_worker_fn, &w[i]);
		T_CHECK(t[i] != NULL);
	}
	for (unsigned i = 0; i < VH_THREADS; i++) {
		if (t[i])
			T_EQ(thread_join(t[i]), 0);
		test_diag("reader %u: %u ok, %u -EIO, %u other", i, w[i].ok, w[i].eio, w[i].other);
		T_EQ(w[i].other, 0);
		T_EQ(w[i].bad_data, 0);
		T_CHECK(w[i].canary_ok);
		if (fault)
			T_EQ(w[i].eio, 1);
		else
			T_EQ(w[i].ok, VH_THREAD_READS);
	}
}

/* The disks: the hostile one by its size, the healthy one beside it. */
static void find_disks(struct blkdev **bad, struct blkdev **good)
{
	*bad = *good = NULL;
	for (struct blkdev *bd = blkdev_next(NULL); bd; bd = blkdev_next(bd)) {
		if (!vblk_from_blkdev(bd))
			continue;
		if (bd->capacity * bd->sector_size == VH_BYTES)
			*bad = bd;
		else
			*good = bd;
	}
}

/* The healthy disk and the shell, after the other disk failed. */
static void rest_of_system(struct blkdev *good)
{
	uint32_t ss = good->sector_size, n = (128u << 10) / ss;
	uint8_t *buf = malloc(128u << 10);

	T_EQ(blkdev_read(good, 0, n, buf), 0);
	T_EQ(blk_pattern_check(buf, 0, n, ss, GOOD_SEED), -1);
	uint64_t lba = (2u << 20) / ss;
	blk_pattern_fill(buf, lba, n, ss, 0x600d);
	T_EQ(blkdev_write(good, lba, n, buf), 0);
	memset(buf, 0, 128u << 10);
	T_EQ(blkdev_read(good, lba, n, buf), 0);
	T_EQ(blk_pattern_check(buf, lba, n, ss, 0x600d), -1);
	free(buf);
	T_EQ(shell_exec("lsblk"), 0);
	T_EQ(shell_exec("virtio"), 0);
}

TEST(vhost_hostile)
{
	static const char *const legal[] = { "none", "reorder", "irq-storm", "config-storm",
					     "scribble", NULL };
	static const char *const faults[] = { "bad-id", "idle-id", "dup-id", "bad-len",
					      "idx-jump", "hang", "vring-err", "disconnect", NULL };
	const char *mode = cmdline_get("vh.mode");
	unsigned after = (unsigned)cmdline_get_range("vh.after", 0, 1000, 0);
	bool threads = cmdline_get_bool("vh.threads", false);
	struct blkdev *bad, *good;
	struct heap_stats h0, h1;

	if (!mode) {
		test_skip("no vh.mode (tests/cases/vhost_hostile.cases)");
		return;
	}
	bool is_legal = is_mode(mode, legal);
	if (!is_legal && !is_mode(mode, faults)) {
		test_diag("unknown vh.mode %s", mode);
		T_CHECK(0);
		return;
	}
	find_disks(&bad, &good);
	T_CHECK(bad && good);
	if (!bad || !good)
		return;
	test_diag("hostile disk %s (%s), healthy %s", bad->name, mode, good->name);
	heap_stats(&h0);
	uint32_t ss = bad->sector_size;
	uint8_t *buf = malloc(VH_BLOCK + CANARY);

	/* The requests the device serves well: writes of blocks 0.. */
	for (unsigned i = 0; i < after; i++) {
		blk_pattern_fill(buf, vh_lba(bad, i % VH_BATCH), VH_BLOCK / ss, ss, VH_SEED);
		T_EQ(vh_rw(bad, i % VH_BATCH, true, buf), 0);
	}

	unsigned other = 0, bad_data = 0, eio = 0;
	bool reordered = false, canary_ok = true;
	if (is_legal) {
		/* Still working: write the batch's blocks, read them back in
		 * batches, several rounds (a storm lasts a while). */
		for (unsigned i = 0; i < VH_BATCH; i++) {
			blk_pattern_fill(buf, vh_lba(bad, i), VH_BLOCK / ss, ss, VH_SEED);
			T_EQ(vh_rw(bad, i, true, buf), 0);
		}
		/* An interrupt storm lasts a while: keep reading through 2 s
		 * of it (a bound in time, not a speed assumption: the storm
		 * only has to overlap some of the reads). */
		uint64_t t0 = time_ns();
		for (unsigned round = 0; round < 8 || (!strcmp(mode, "irq-storm") &&
			       time_ns() - t0 < 2 * NSEC_PER_SEC && round < 100000); round++)
			eio += run_batch(bad, true, &other, &bad_data, &reordered, &canary_ok);
		T_EQ(eio, 0);
		T_EQ(other, 0);
		T_EQ(bad_data, 0);
		if (!strcmp(mode, "reorder"))
			T_CHECK(reordered);
		if (!strcmp(mode, "config-storm")) {
			/* The storm ends on one and a half times the disk; its
			 * configuration interrupt brings the driver there. */
			uint64_t want = (uint64_t)VH_BYTES * 3 / 2 / ss;
			t0 = time_ns();
			while (bad->capacity != want && time_ns() - t0 < 20 * NSEC_PER_SEC) {
				eio += run_batch(bad, true, &other, &bad_data, &reordered,
						 &canary_ok);
				thread_sleep_ns(20 * NSEC_PER_MSEC);
			}
			test_diag("capacity %llu sectors after the storm",
				  (unsigned long long)bad->capacity);
			T_EQ(bad->capacity, want);
			T_EQ(eio, 0);
			T_EQ(bad_data, 0);
		}
		T_EQ(vh_rw(bad, 0, false, buf), 0);
		if (threads)
			run_threads(bad, false);
	} else if (threads) {
		/* The fault meets several waiting threads. */
		run_threads(bad, true);
		T_EQ(vh_rw(bad, 0, false, buf), -EIO);
	} else {
		/* The fault: every request of the batch ends, each with 0 or
		 * -EIO, at least one -EIO; the device is failed for good. */
		eio = run_batch(bad, false, &other, &bad_data, &reordered, &canary_ok);
		test_diag("batch after the fault: %u -EIO, %u other errors", eio, other);
		T_CHECK(eio >= 1);
		T_EQ(other, 0);
		T_EQ(vh_rw(bad, 0, false, buf), -EIO);
		T_EQ(vh_rw(bad, 1, true, buf), -EIO);
	}
	T_CHECK(canary_ok);
	free(buf);

	rest_of_system(good);

	T_EQ(heap_check(), 0);
	heap_stats(&h1);
	test_diag("heap in use %zu before, %zu after", h0.bytes_in_use, h1.bytes_in_use);
	T_EQ(h1.bytes_in_use, h0.bytes_in_use);
	T_EQ(h1.bad_frees, h0.bad_frees);
}
