// SPDX-License-Identifier: MIT
/* virtio-balloon conformance (virtio 1.2 §5.5). The balloon has no request
 * the generic checks could repeat at will (an inflate gives memory away),
 * so it has no probe: these checks give it four pages of their own and
 * take them back, and ask the host for statistics ("# conform: host:
 * stats", answered by tests/conform by setting the device's polling
 * interval through QMP). */
#include "conform.h"
#include <kern/dma.h>
#include <kern/errno.h>
#include <kern/pmm.h>
#include <kern/printk.h>
#include <kern/time.h>
#include <arch/barrier.h>
#include <string.h>

#define Q_INFLATE       0
#define Q_DEFLATE       1
#define Q_STATS         2
#define NPAGES          4
#define CFG(f)          offsetof(struct virtio_balloon_config, f)
#define STATS_WAIT_MS   5000u   /* host round trip and a 1 s polling interval */

static uint32_t cfg32(struct cf_dev *d, unsigned off)
{
	uint32_t v = 0;

	d->vdev->ops->config_read(d->vdev, off, &v, 4);
	return v;
}

CONFORM_CHECK(bal_actual, "5.5.6-actual-written-reads-back", "num_pages and actual read; actual written by the driver (1234, then 0) reads back what was written", CF_BALLOON, CF_ALL)
{
	if (cf_up(d, 0))
		return;
	uint32_t np = cfg32(d, CFG(num_pages)), ac = cfg32(d, CFG(actual));
	CF_DIAG("num_pages %u actual %u", np, ac);
	static const uint32_t vals[] = { 1234, 0 };
	for (unsigned i = 0; i < ARRAY_SIZE(vals); i++) {
		/* 5.5.6.2.1 (legacy): all four bytes in one write. */
		d->vdev->ops->config_write(d->vdev, CFG(actual), &vals[i], 4);
		uint32_t got = cfg32(d, CFG(actual));
		if (got != vals[i])
			CF_FAIL("actual written %u reads %u (the driver's field: 5.5.6 says the driver "
				"updates it)", vals[i], got);
	}
}

/* Post one buffer of PFNs on q and wait for it. @return 0 or -errno
 * (failed, diagnosed). */
static int pfn_req(struct cf_dev *d, unsigned q, struct cf_buf *b, const char *what)
{
	uint32_t len;
	struct cf_seg s = { b, 0, b->len };

	if (cf_request(d, q, &s, 1, 0, &len)) {
		CF_DIAG("%s: the device did not acknowledge (5.5.6: it acknowledges by using the "
			"descriptor)", what);
		return -EIO;
	}
	/* 5.5.6.2.1: on a legacy interface the driver ignores used lengths. */
	if (len && !d->vdev->legacy)
		CF_FAIL("%s: used len %u for a device-readable buffer (2.7.8.1: nothing was "
			"written)", what, len);
	else
		CF_DIAG("%s: used, len %u", what, len);
	return 0;
}

CONFORM_CHECK(bal_infl, "5.5.6-inflate-deflate-acknowledged", "four pages inflated (a buffer of 4 KiB frame numbers on the inflateq) and deflated again are each acknowledged by using the buffer, used len 0 (legacy: any)", CF_BALLOON, CF_ALL)
{
	void *pg[NPAGES] = { 0 };
	struct cf_buf *list;
	unsigned n = NPAGES * BALLOON_SUBPAGES;

	if (cf_up(d, VIRTIO_BIT(VIRTIO_BALLOON_F_MUST_TELL_HOST)) ||
	    !(list = cf_buf(d, n * 4, false)))
		return;
	for (unsigned i = 0; i < NPAGES; i++) {
		if (!(pg[i] = page_alloc(0))) {
			CF_FAIL("out of memory for a page to inflate");
			goto out;
		}
		for (unsigned k = 0; k < BALLOON_SUBPAGES; k++) {
			uint32_t pfn = (uint32_t)((dma_addr(pg[i]) >> VIRTIO_BALLOON_PFN_SHIFT) + k);
			memcpy(list->p + 4 * (i * BALLOON_SUBPAGES + k), &pfn, 4);
		}
	}
	if (pfn_req(d, Q_INFLATE, list, "inflate"))
		goto leak;
	/* The same list, a buffer of its own (the first is checked for
	 * writes when the check ends). */
	struct cf_buf *dl = cf_buf(d, n * 4, false);
	if (!dl)
		goto leak;
	memcpy(dl->p, list->p, n * 4);
	if (pfn_req(d, Q_DEFLATE, dl, "deflate"))
		goto leak;
out:
	for (unsigned i = 0; i < NPAGES; i++)
		page_free(pg[i], 0);
	return;
leak:
	/* Pages the device may still hold are never used again. */
	CF_DIAG("%u pages left in the balloon (not freed)", NPAGES);
}

static void stat_put(struct cf_buf *b, unsigned i, uint16_t tag, uint64_t val)
{
	struct virtio_balloon_stat s = { .tag = tag, .val = val };

	memcpy(b->p + i * sizeof(s), &s, sizeof(s));
}

/* Post a stats buffer and wait (long: the device answers on its polling
 * timer) for it to come back. @return 0, -ETIMEDOUT, -EIO. */
static int stats_round(struct cf_dev *d, struct cf_buf *b, bool ask, uint32_t *len)
{
	struct cf_seg s = { b, 0, b->len };
	uint16_t head = cf_chain(d, Q_STATS, &s, 1, 0);

	cf_avail(d, Q_STATS, head);
	cf_kick(d, Q_STATS);
	if (ask)
		kprintf("# conform: host: stats %s %s\n", d->vdev->name, d->vdev->bus_id);
	int rc = cf_wait_used(d, Q_STATS, 1, STATS_WAIT_MS);
	if (rc)
		return rc;
	struct vring_used_elem e = cf_used(d, Q_STATS, 0);
	cf_consume(d, Q_STATS, 1);
	if (e.id != head)
		CF_FAIL("statsq: used id %u, the buffer posted has head %u", e.id, head);
	*len = e.len;
	return 0;
}

CONFORM_CHECK(bal_stats, "5.5.6.3.2-stats-unknown-tags-any-order", "with STATS_VQ, the device returns the statistics buffer when the host asks for statistics, then takes one with an unknown tag and the tags out of order and returns it at its next request", CF_BALLOON, CF_ALL)
{
	struct cf_buf *b1, *b2;
	uint32_t len;

	if (cf_start(d, VIRTIO_BIT(VIRTIO_BALLOON_F_STATS_VQ)))
		return;
	if (!(d->offered & VIRTIO_BIT(VIRTIO_BALLOON_F_STATS_VQ))) {
		CF_SKIP("n/a: VIRTIO_BALLOON_F_STATS_VQ not offered");
		return;
	}
	if (cf_queues(d))
		return;
	cf_driver_ok(d);
	if (!(b1 = cf_buf(d, 2 * 10, false)) || !(b2 = cf_buf(d, 3 * 10, false)))
		return;
	stat_put(b1, 0, VIRTIO_BALLOON_S_MEMTOT, 128ull << 20);
	stat_put(b1, 1, VIRTIO_BALLOON_S_MEMFREE, 64ull << 20);
	int rc = stats_round(d, b1, true, &len);
	if (rc == -ETIMEDOUT) {
		CF_SKIP("the statistics buffer was not returned within %u ms: the host asked for "
			"no statistics (a VMM runner without QMP)", STATS_WAIT_MS);
		return;
	}
	if (rc) {
		CF_FAIL("statsq: %s", cf_why(d, rc));
		return;
	}
	CF_DIAG("first buffer returned, used len %u", len);
	if (len && !d->vdev->legacy)
		CF_FAIL("used len %u for the device-readable statistics buffer", len);
	/* 5.5.6.3.2: unknown tags ignored, any order accepted. */
	stat_put(b2, 0, 0x7777, 42);
	stat_put(b2, 1, VIRTIO_BALLOON_S_MEMFREE, 60ull << 20);
	stat_put(b2, 2, VIRTIO_BALLOON_S_MEMTOT, 128ull << 20);
	rc = stats_round(d, b2, false, &len);
	if (rc)
		CF_FAIL("the buffer with an unknown tag and tags out of order: %s (the device "
			"returned the first within the same polling interval)", cf_why(d, rc));
	else
		CF_DIAG("second buffer (unknown tag 0x7777, MEMFREE before MEMTOT) returned");
}

CONFORM_CHECK(bal_feat, "5.5.3.2-features-accepted-alone", "each balloon feature offered is accepted alone (with MUST_TELL_HOST when offered): FEATURES_OK stays set; without MUST_TELL_HOST a refusal is allowed", CF_BALLOON, CF_MODERN)
{
	uint64_t mth = VIRTIO_BIT(VIRTIO_BALLOON_F_MUST_TELL_HOST);

	if (cf_start(d, 0) && !(d->offered & mth)) {
		CF_FAIL("FEATURES_OK refused for VERSION_1 alone (MUST_TELL_HOST not offered)");
		return;
	}
	uint64_t offered = d->offered;
	CF_DIAG("offered %#llx", (unsigned long long)offered);
	for (unsigned b = 0; b <= VIRTIO_BALLOON_F_PAGE_REPORTING; b++) {
		if (!(offered & VIRTIO_BIT(b)))
			continue;
		uint64_t want = VIRTIO_BIT(b) | (offered & mth);
		if (cf_start(d, want))
			CF_FAIL("FEATURES_OK refused for feature %u%s alone (no dependency in 5.5.3)", b,
				offered & mth ? " with MUST_TELL_HOST" : "");
	}
	if ((offered & mth) && cf_start(d, 0))
		CF_DIAG("without MUST_TELL_HOST FEATURES_OK was refused (5.5.3.2: MAY)");
}
