// SPDX-License-Identifier: MIT
/* In-guest tests of virtio-balloon against QEMU's device, driven from the
 * host over QMP by the during= hooks of tests/cases/virtio_balloon.cases
 * (tests/hooks/balloon_qmp.py). Each case prints a "# balloon-..." line
 * the hook waits for, and waits in turn for the target (num_pages) the
 * hook sets next, so neither side races ahead: the guest only ends once
 * the hook has sent its last command. Every case ends with the balloon
 * empty, the free pages back where they were and an audit of the pages
 * (in the balloon + free + used == managed, each balloon block allocated). */
#include <kern/test.h>
#include <drivers/virtio_balloon.h>
#include <drivers/virtio_transport.h>
#include <kern/cmdline.h>
#include <kern/errno.h>
#include <kern/pmm.h>
#include <kern/printk.h>
#include <kern/sched.h>
#include <kern/shell.h>
#include <kern/time.h>
#include <stdlib.h>
#include <string.h>

/* The hook's "I am done" target: 7 pages (value = RAM - 7 * 4096). */
#define DONE_PAGES      7
#define WAIT_MS         45000
/* Pages the kernel may allocate meanwhile on its own (heap slabs, the
 * balloon's spare chunk of entries). */
#define SLACK_PAGES     64
#define VB_TEST_ORDER   9

CMDLINE_OPT(vballoon_hook, "vballoon.hook",
	    "self-test: a host hook drives the virtio_balloon_* cases over QMP");
CMDLINE_OPT(vballoon_touch, "vballoon.touch_mb",
	    "self-test: virtio_balloon_timing writes and frees this many MiB first");

/* Without the hook nobody sets targets: skip rather than wait. */
#define NEED_BALLOON(s)                                                      \
	do {                                                                 \
		if (balloon_get_status(s)) {                                 \
			test_skip("no balloon device");                      \
			return;                                              \
		}                                                            \
		if (!cmdline_get_bool("vballoon.hook", false)) {             \
			test_skip("no host hook (vballoon.hook=1)");         \
			return;                                              \
		}                                                            \
	} while (0)

static uint64_t free_pages(void)
{
	struct pmm_stats p;

	pmm_stats(&p);
	return p.free_pages;
}

typedef bool (*bcond)(const struct balloon_status *s, uint64_t arg);

/* Wait (10 ms steps) until cond holds. @return true, or false after ms. */
static bool wait_for(bcond cond, uint64_t arg, uint64_t ms, struct balloon_status *s)
{
	uint64_t end = time_ns() + ms * NSEC_PER_MSEC;

	for (;;) {
		balloon_get_status(s);
		if (cond(s, arg))
			return true;
		if (time_ns() > end)
			return false;
		thread_sleep_ns(10 * NSEC_PER_MSEC);
	}
}

static bool target_is(const struct balloon_status *s, uint64_t np)
{
	return s->num_pages == np;
}

static bool target_nonzero(const struct balloon_status *s, uint64_t unused)
{
	(void)unused;
	return s->num_pages != 0 && s->num_pages != DONE_PAGES;
}

/* The balloon holds its target, nothing on the way. */
static bool settled(const struct balloon_status *s, uint64_t unused)
{
	(void)unused;
	return s->held == s->target && !s->leaving && !s->staged &&
	       s->actual == s->held * BALLOON_SUBPAGES;
}

/* The floor stopped it: held short of the target and not moving. */
static bool at_floor(const struct balloon_status *s, uint64_t unused)
{
	(void)unused;
	return s->floor_hits && s->held < s->target && !s->leaving && !s->staged &&
	       free_pages() <= s->floor + (1u << BALLOON_MAX_ORDER) &&
	       s->actual == s->held * BALLOON_SUBPAGES;
}

static bool empty_at(const struct balloon_status *s, uint64_t np)
{
	return s->num_pages == np && settled(s, 0);
}

/* The end of every case: the hook's target is 0; the balloon gives
 * everything back and nothing is lost; then the hook says it is done. */
static void finish(uint64_t base_free)
{
	struct balloon_status s;

	T_CHECK(wait_for(empty_at, 0, WAIT_MS, &s));
	T_EQ(s.held, 0);
	T_EQ(s.actual, 0);
	T_EQ(balloon_audit(), 0);
	/* No page lost: free again, but for what the kernel took meanwhile. */
	uint64_t f = free_pages();
	if (f + SLACK_PAGES < base_free)
		test_diag("free %llu pages, %llu before",
			  (unsigned long long)f, (unsigned long long)base_free);
	T_CHECK(f + SLACK_PAGES >= base_free);
	shell_exec("mem");
	shell_exec("balloon");
	/* Let the hook see it through query-balloon before the guest ends. */
	kprintf("# balloon-empty\n");
	T_CHECK(wait_for(target_is, DONE_PAGES, WAIT_MS, &s));
}

/* QMP balloon to half the RAM and back (the hook checks query-balloon). */
TEST(virtio_balloon_qmp)
{
	struct balloon_status s;

	NEED_BALLOON(&s);
	uint64_t base = free_pages();
	shell_exec("mem");
	kprintf("# balloon-ready total=%llu\n", (unsigned long long)s.total);
	T_CHECK(wait_for(target_nonzero, 0, WAIT_MS, &s));
	T_CHECK(wait_for(settled, 0, WAIT_MS, &s));
	T_CHECK(s.held > 0);
	T_EQ(s.actual, s.num_pages);
	/* The pages are gone from the allocator. */
	uint64_t f = free_pages();
	T_CHECK(f + s.held <= base + SLACK_PAGES);
	shell_exec("mem");
	shell_exec("balloon");
	T_EQ(balloon_audit(), 0);
	kprintf("# balloon-inflated actual=%u\n", s.actual);
	finish(base);
}

/* Statistics: the hook reads them through qom-get guest-stats; the guest
 * refills the buffer each time the device returns it. */
TEST(virtio_balloon_stats)
{
	struct balloon_status s;

	NEED_BALLOON(&s);
	if (!s.stats) {
		test_skip("no statistics queue");
		return;
	}
	uint64_t base = free_pages();
	kprintf("# balloon-ready total=%llu bytes=%llu\n", (unsigned long long)s.total,
		(unsigned long long)s.total * PAGE_SIZE);
	T_CHECK(wait_for(target_is, DONE_PAGES, WAIT_MS, &s));
	/* The device asked for fresh figures at least twice. */
	T_CHECK(s.stats_sent >= 3);
	test_diag("stats sent %llu times", (unsigned long long)s.stats_sent);
	kprintf("# balloon-done\n");
	finish(base);
}

/* Blocks of mixed orders and heap objects, each filled and checked. */
struct held_block {
	struct held_block *next;
	unsigned order;
	uint32_t pattern;
};

static bool fill_check(struct held_block *b, bool check)
{
	uint32_t *w = (uint32_t *)b;
	size_t n = (PAGE_SIZE << b->order) / sizeof(uint32_t);

	for (size_t i = 4; i < n; i += 97) {
		if (check && w[i] != (b->pattern ^ (uint32_t)i))
			return false;
		w[i] = b->pattern ^ (uint32_t)i;
	}
	return true;
}

/* deflate-on-oom=on: the balloon holds all it may; then allocations of
 * three quarters of RAM all succeed, taking pages back from it. */
TEST(virtio_balloon_oom)
{
	struct balloon_status s;
	struct held_block *list = NULL;
	uint64_t got = 0, want, failed = 0, bad = 0;
	void **heap = NULL;
	size_t nheap = 0;

	NEED_BALLOON(&s);
	if (!s.deflate_on_oom) {
		test_skip("no deflate-on-oom");
		return;
	}
	uint64_t base = free_pages();
	kprintf("# balloon-ready total=%llu\n", (unsigned long long)s.total);
	T_CHECK(wait_for(target_nonzero, 0, WAIT_MS, &s));
	T_CHECK(wait_for(at_floor, 0, WAIT_MS, &s));
	shell_exec("balloon");
	shell_exec("mem");
	want = s.total * 3 / 4;
	T_CHECK(s.held > want / 2);     /* the allocations need the balloon */
	heap = malloc(4096 * sizeof(void *));
	T_CHECK(heap != NULL);
	/* No yield in here: the balloon thread cannot re-inflate meanwhile. */
	for (unsigned i = 0; got < want && heap; i++) {
		unsigned order = i % 5;
		struct held_block *b = page_alloc(order);

		if (!b) {
			failed++;
			break;
		}
		b->order = order;
		b->pattern = 0x9e3779b9u * (i + 1);
		fill_check(b, false);
		b->next = list;
		list = b;
		got += 1ull << order;
		if (i % 8 == 0 && nheap < 4096) {
			void *p = malloc(3000 + i % 5000);

			if (!p) {
				failed++;
				break;
			}
			memset(p, (int)i, 64);
			heap[nheap++] = p;
		}
	}
	balloon_get_status(&s);
	test_diag("allocated %llu pages, %zu heap objects; balloon gave back %llu "
		  "pages in %llu calls", (unsigned long long)got, nheap,
		  (unsigned long long)s.oom_pages, (unsigned long long)s.oom_events);
	T_EQ(failed, 0);
	T_CHECK(got >= want);
	T_CHECK(s.oom_events > 0);
	T_EQ(balloon_audit(), 0);
	while (list) {
		struct held_block *b = list;

		list = b->next;
		if (!fill_check(b, true))
			bad++;
		page_free(b, b->order);
	}
	T_EQ(bad, 0);
	for (size_t i = 0; i < nheap; i++)
		free(heap[i]);
	free(heap);
	T_EQ(balloon_audit(), 0);
	kprintf("# balloon-done\n");
	finish(base);
}

/* A target past the RAM (held at the floor, counted as bad), then one
 * that changes every millisecond: no crash, no page lost, audits pass
 * all along. */
TEST(virtio_balloon_chaos)
{
	struct balloon_status s;
	unsigned audits = 0;

	NEED_BALLOON(&s);
	uint64_t base = free_pages();
	kprintf("# balloon-ready total=%llu\n", (unsigned long long)s.total);
	T_CHECK(wait_for(target_nonzero, 0, WAIT_MS, &s));
	T_CHECK(wait_for(at_floor, 0, WAIT_MS, &s));
	T_CHECK(s.bad_targets > 0);
	T_EQ(balloon_audit(), 0);
	shell_exec("balloon");
	kprintf("# balloon-floor held=%llu\n", (unsigned long long)s.held);
	/* The hook moves the target every millisecond, then ends on
	 * DONE_PAGES; audit as it goes. */
	uint64_t end = time_ns() + WAIT_MS * NSEC_PER_MSEC;
	for (;;) {
		balloon_get_status(&s);
		if (empty_at(&s, DONE_PAGES) || time_ns() > end)
			break;
		if (balloon_audit())
			break;
		audits++;
		thread_sleep_ns(50 * NSEC_PER_MSEC);
	}
	T_CHECK(empty_at(&s, DONE_PAGES));
	T_EQ(balloon_audit(), 0);
	test_diag("%u audits; %llu target changes seen", audits,
		  (unsigned long long)s.target_changes);
	T_CHECK(s.target_changes > 10);
	shell_exec("balloon");
	kprintf("# balloon-done\n");
	finish(base);
}

/* Free page reporting: 48 MiB of 2 MiB blocks, written and freed, are
 * reported to the host (the hook sees QEMU's resident memory fall). */
#define REPORT_BLOCKS   24

TEST(virtio_balloon_reporting)
{
	struct balloon_status s;
	void *blk[REPORT_BLOCKS];
	unsigned n = 0;

	NEED_BALLOON(&s);
	if (!s.reporting) {
		test_skip("no free page reporting");
		return;
	}
	uint64_t base = free_pages();
	for (; n < REPORT_BLOCKS; n++) {
		blk[n] = page_alloc(VB_TEST_ORDER);
		if (!blk[n])
			break;
		memset(blk[n], 0x5a, PAGE_SIZE << VB_TEST_ORDER);
	}
	T_EQ(n, REPORT_BLOCKS);
	uint64_t before = s.reported_pages;
	kprintf("# balloon-ready touched=%u\n", n);
	T_CHECK(wait_for(target_is, DONE_PAGES, WAIT_MS, &s));
	while (n)
		page_free(blk[--n], VB_TEST_ORDER);
	uint64_t want = (uint64_t)REPORT_BLOCKS << VB_TEST_ORDER;
	uint64_t end = time_ns() + WAIT_MS * NSEC_PER_MSEC;
	while (balloon_get_status(&s), s.reported_pages - before < want &&
	       time_ns() < end)
		thread_sleep_ns(20 * NSEC_PER_MSEC);
	test_diag("reported %llu pages in %llu blocks",
		  (unsigned long long)s.reported_pages,
		  (unsigned long long)s.reported_blocks);
	T_CHECK(s.reported_pages - before >= want);
	T_EQ(balloon_audit(), 0);
	shell_exec("balloon");
	kprintf("# balloon-reported pages=%llu\n",
		(unsigned long long)(s.reported_pages - before));
	finish(base);
}

static bool dead_empty(const struct balloon_status *s, uint64_t unused)
{
	(void)unused;
	return s->dead && !s->held && !s->leaving && !s->staged;
}

/* The device fails while the balloon fills (what the core does to a
 * device that returns a used buffer of the wrong length, a bad id or
 * DEVICE_NEEDS_RESET): the balloon empties, every page comes back, the
 * allocator's hook finds nothing to deflate. */
TEST(virtio_balloon_fail)
{
	struct balloon_status s;
	struct virtio_dev *v;

	NEED_BALLOON(&s);
	for (v = virtio_devices(); v && v->id != VIRTIO_ID_BALLOON; v = v->next)
		;
	T_CHECK(v != NULL);
	if (!v)
		return;
	uint64_t base = free_pages();
	kprintf("# balloon-ready total=%llu\n", (unsigned long long)s.total);
	/* Fail it as soon as it holds something: often mid-request. */
	uint64_t end = time_ns() + WAIT_MS * NSEC_PER_MSEC;
	while (balloon_get_status(&s), !s.held && !s.staged && time_ns() < end)
		thread_yield();
	test_diag("failing the device with %llu pages held, %llu in flight",
		  (unsigned long long)s.held, (unsigned long long)s.staged);
	T_CHECK(s.held || s.staged);
	virtio_dev_fail(v, "test");
	T_CHECK(wait_for(dead_empty, 0, WAIT_MS, &s));
	T_EQ(balloon_audit(), 0);
	uint64_t f = free_pages();
	T_CHECK(f + SLACK_PAGES >= base);
	/* Nothing to give back to a failing allocation. */
	T_CHECK(page_alloc(PMM_MAX_ORDER + 1) == NULL);
	shell_exec("balloon");
	shell_exec("mem");
	kprintf("# balloon-done\n");
}

/* The benchmark's guest side: how long the balloon takes to reach a
 * target and to give it all back, from the moment it sees it. */
TEST(virtio_balloon_timing)
{
	struct balloon_status s;

	NEED_BALLOON(&s);
	/* Optionally make the memory the balloon takes memory the host has
	 * backed (written, freed: the allocator hands it out first). */
	uint64_t touch = ((uint64_t)cmdline_get_range("vballoon.touch_mb", 0, 1 << 20, 0)
			  << 20) >> (PAGE_SHIFT + VB_TEST_ORDER);
	struct held_block *list = NULL;
	for (uint64_t i = 0; i < touch; i++) {
		struct held_block *b = page_alloc(VB_TEST_ORDER);
		if (!b)
			break;
		memset(b, 0x33, PAGE_SIZE << VB_TEST_ORDER);
		b->order = VB_TEST_ORDER;
		b->next = list;
		list = b;
	}
	while (list) {
		struct held_block *b = list;
		list = b->next;
		page_free(b, b->order);
	}
	uint64_t base = free_pages();
	kprintf("# balloon-ready total=%llu touched=%llu MiB\n", (unsigned long long)s.total,
		(unsigned long long)(touch << (PAGE_SHIFT + VB_TEST_ORDER) >> 20));
	T_CHECK(wait_for(target_nonzero, 0, WAIT_MS, &s));
	uint64_t t0 = time_ns();
	T_CHECK(wait_for(settled, 0, WAIT_MS, &s));
	uint64_t t1 = time_ns();
	kprintf("# balloon-inflated actual=%u pages in %llu ms\n", s.actual,
		(unsigned long long)((t1 - t0) / NSEC_PER_MSEC));
	uint64_t inflated = s.held;
	T_CHECK(wait_for(target_is, 0, WAIT_MS, &s));
	t0 = time_ns();
	T_CHECK(wait_for(empty_at, 0, WAIT_MS, &s));
	t1 = time_ns();
	kprintf("# balloon-deflated %llu pages in %llu ms\n",
		(unsigned long long)inflated * BALLOON_SUBPAGES,
		(unsigned long long)((t1 - t0) / NSEC_PER_MSEC));
	finish(base);
}
