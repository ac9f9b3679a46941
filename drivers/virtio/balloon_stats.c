// SPDX-License-Identifier: MIT
/* virtio-balloon: memory statistics (virtio 1.2 §5.5.6.3) and free page
 * reporting (§5.5.6.7).
 *
 * Statistics: one buffer of (tag, value) pairs, posted at start; the device
 * keeps it and returns it when it wants fresh figures (QEMU does so every
 * guest-stats-polling-interval seconds), and the driver refills and posts
 * it again. Every tag the kernel can fill is sent: it has no swap, no page
 * faults that read from disk, no page cache and no huge-page pool, so
 * those are 0; free, total and available memory are the allocator's.
 *
 * Reporting: the allocator's free blocks of 2 MiB and more that have been
 * in use (untouched ones hold nothing on the host) are taken out of the
 * allocator, sent as device-writable buffers, and given back once the
 * device has answered, as untouched blocks: the allocator hands them out
 * after the touched ones, and they are not reported again until used. The
 * floor is respected, so reporting never takes what the kernel needs. */
#include <kern/errno.h>
#include <kern/pmm.h>
#include <kern/printk.h>
#include <kern/time.h>
#include "balloon_priv.h"

static void stats_fill(struct vballoon *vb)
{
	struct pmm_stats ps;
	struct virtio_balloon_stat *s = vb->stats;

	pmm_stats(&ps);
	for (unsigned t = 0; t < VIRTIO_BALLOON_S_NR; t++) {
		s[t].tag = (uint16_t)t;
		s[t].val = 0;
	}
	/* In bytes (§5.5.6.3). */
	s[VIRTIO_BALLOON_S_MEMFREE].val = ps.free_pages * PAGE_SIZE;
	s[VIRTIO_BALLOON_S_MEMTOT].val = ps.total_pages * PAGE_SIZE;
	s[VIRTIO_BALLOON_S_AVAIL].val = ps.free_pages * PAGE_SIZE;
}

static void stats_post(struct vballoon *vb)
{
	struct vq_sg sg = { vb->stats,
			    VIRTIO_BALLOON_S_NR * sizeof(struct virtio_balloon_stat) };

	stats_fill(vb);
	vb->req_stats.done = false;
	vb->req_stats.err = 0;
	vb->req_stats.vb = vb;
	if (virtio_enqueue_nowait(vb->stats_vq, &vb->req_stats, &sg, 1, 0) ||
	    virtio_kick(vb->stats_vq)) {
		vb->errors++;
		return;
	}
	vb->stats_posted = true;
	vb->stats_sent++;
}

void vb_stats_start(struct vballoon *vb)
{
	if (vb->stats_vq)
		stats_post(vb);
}

void vb_stats_service(struct vballoon *vb)
{
	if (!vb->stats_vq || !vb->stats_posted || !vb->req_stats.done)
		return;
	vb->stats_posted = false;
	if (vb->req_stats.err)
		return;             /* the device failed: the thread sees it */
	stats_post(vb);
}

uint64_t vb_sleep_ns(const struct vballoon *vb, uint64_t def)
{
	uint64_t now = time_ns();

	if (vb->report_vq && !vb->dead) {
		if (vb->next_report <= now)
			return 1;
		def = MIN(def, vb->next_report - now);
	}
	return def;
}

bool vb_report_service(struct vballoon *vb)
{
	struct vq_sg sg[VB_REPORT_MAX];
	unsigned order[VB_REPORT_MAX], n = 0;
	uint64_t now = time_ns(), pages = 0;
	int rc;

	if (!vb->report_vq || vb->dead || now < vb->next_report)
		return false;
	/* A few requests per period at most: blocks that cannot be kept
	 * untouched (the allocator's table of them is full) would come
	 * straight back otherwise. */
	if (++vb->report_rounds > VB_REPORT_ROUNDS) {
		vb->report_rounds = 0;
		vb->next_report = now + vb->report_ns;
		return false;
	}
	/* Only while the balloon is where the host wants it: inflating
	 * wants those free pages itself. */
	if (vb->bp.held_pages != vb->target || vb->bp.n != vb->bp.held) {
		vb->next_report = now + vb->report_ns;
		return false;
	}
	while (n < VB_REPORT_MAX) {
		struct pmm_stats ps;
		void *b = page_alloc_touched(VB_REPORT_ORDER, PMM_MAX_ORDER, &order[n]);

		if (!b)
			break;
		pmm_stats(&ps);
		if (ps.free_pages < vb->floor) {
			page_free(b, order[n]);
			break;
		}
		sg[n].addr = b;
		sg[n].len = (uint32_t)(PAGE_SIZE << order[n]);
		pages += 1ull << order[n];
		n++;
	}
	if (!n) {
		vb->report_rounds = 0;
		vb->next_report = now + vb->report_ns;
		return false;
	}
	rc = 0;
	{
		struct vb_req *r = &vb->req_report;

		r->done = false;
		r->err = 0;
		r->vb = NULL;
		rc = virtio_enqueue(vb->report_vq, r, sg, 0, n);
		if (!rc)
			rc = virtio_kick(vb->report_vq);
		if (!rc) {
			virtio_wait(vb->report_vq, &r->done);
			rc = r->err;
		}
	}
	for (unsigned i = 0; i < n; i++) {
		if (rc)
			page_free(sg[i].addr, order[i]);
		else
			page_free_untouched(sg[i].addr, order[i]);
	}
	if (rc) {
		vb->errors++;
		vb->report_rounds = 0;
		vb->next_report = now + vb->report_ns;
		return false;
	}
	vb->reported_pages += pages;
	vb->reported_blocks += n;
	if (n < VB_REPORT_MAX) {
		vb->report_rounds = 0;
		vb->next_report = now + vb->report_ns;
	}
	return n == VB_REPORT_MAX;
}
