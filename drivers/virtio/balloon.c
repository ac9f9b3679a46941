// SPDX-License-Identifier: MIT
/* virtio memory balloon (virtio 1.2 §5.5).
 *
 * The host sets a target, num_pages (4 KiB pages it wants back), in the
 * configuration; the driver takes that many pages from the page allocator,
 * sends their frame numbers on inflateq, and reports how many it holds in
 * actual. A lower target: frame numbers on deflateq, and the pages go back
 * to the allocator once the device has answered (§5.5.6.1).
 *
 * One thread per device does all of it, a batch (one request, at most 16
 * MiB) at a time with interrupts on, re-reading the target between batches,
 * so a target that moves every millisecond is chased, never queued up. It
 * wakes on the configuration interrupt (§5.5.5) and, in poll mode, which
 * has no interrupts at all, every BALLOON_POLL_MS.
 *
 * It never inflates into memory the kernel needs: free pages below a floor
 * (balloon.floor_mb, default 4 MiB, plus 1/32 of RAM) are not taken, and a
 * target it cannot meet is logged once. With DEFLATE_ON_OOM, an allocation
 * that would fail takes pages back from the balloon first (the allocator's
 * reclaim hook); without MUST_TELL_HOST they are reused at once and the
 * device told afterwards (§5.5.6.1 allows it). With STATS_VQ the device
 * gets memory statistics whenever it returns the buffer (§5.5.6.3); with
 * PAGE_REPORTING, large free blocks that have been in use are reported on
 * the reporting queue so that the host can reclaim them (§5.5.6.7).
 *
 * The page accounting is balloon_pages.c (pure, host unit-tested). */
#include <drivers/virtio.h>
#include <drivers/virtio_balloon.h>
#include <kern/cmdline.h>
#include <kern/errno.h>
#include <kern/irq.h>
#include <kern/pmm.h>
#include <kern/printk.h>
#include <kern/sched.h>
#include <kern/time.h>
#include <stdlib.h>
#include <string.h>
#include "balloon_priv.h"

CMDLINE_OPT(balloon_floor_mb, "balloon.floor_mb",
	    "MiB the balloon always leaves free, before 1/32 of RAM (default 4)");
CMDLINE_OPT(balloon_report_ms, "balloon.report_ms",
	    "free page reporting period in ms (default 2000)");

#define BALLOON_POLL_MS         50      /* poll mode: look at the target */
#define BALLOON_IRQ_CHECK_MS    1000    /* irq mode: look anyway */
#define BALLOON_OOM_HOLDOFF_MS  1000    /* no inflating after an OOM deflate */
#define BALLOON_OOM_PAGES       256     /* pages one OOM call gives back */
#define BALLOON_FLOOR_DIV       32

struct vballoon *vballoon_dev;

static void vb_done(struct virtqueue *vq, void *cookie, uint32_t len, int err)
{
	struct vb_req *r = cookie;
	(void)vq;
	r->len = len;
	r->err = err;
	r->done = true;
	if (r->vb) {
		r->vb->event = true;
		waitq_wake_all(&r->vb->wq);
	}
}

/* §5.5.5: the target changed. Interrupt context. */
static void vb_config_changed(struct virtio_dev *vdev)
{
	struct vballoon *vb = virtio_get_drvdata(vdev);
	if (!vb)
		return;
	vb->config_event = true;
	vb->event = true;
	waitq_wake_all(&vb->wq);
}

static uint64_t free_pages_now(void)
{
	struct pmm_stats s;
	pmm_stats(&s);
	return s.free_pages;
}

/* Post one request and wait for the device. @return 0 or -EIO. */
static int vb_send(struct vballoon *vb, struct virtqueue *vq, struct vb_req *r,
		   const struct vq_sg *sg, unsigned n_out, unsigned n_in)
{
	int rc;

	uint64_t t0 = time_ns();

	r->done = false;
	r->err = 0;
	r->vb = NULL;
	rc = virtio_enqueue(vq, r, sg, n_out, n_in);
	if (!rc)
		rc = virtio_kick(vq);
	if (rc)
		return rc;
	virtio_wait(vq, &r->done);
	vb->device_ns += time_ns() - t0;
	/* Inflate/deflate/report buffers are not written by the device
	 * (§5.5.6): the core breaks the queue for a used length past the
	 * writable bytes, so a wrong length arrives here as -EIO. */
	if (r->err)
		vb->errors++;
	return r->err;
}

/* ---- target ------------------------------------------------------------- */

static void read_target(struct vballoon *vb)
{
	uint32_t np;

	vb->config_event = false;
	if (VIRTIO_CREAD(vb->vdev, struct virtio_balloon_config, num_pages, &np))
		return;
	bool changed = np != vb->num_pages;

	if (changed) {
		vb->target_changes++;
		vb->floor_logged = false;
	}
	vb->num_pages = np;
	vb->target = balloon_target_pages(np, vb->total_pages);
	/* Not a sensible page count: more than the guest has. Counted per
	 * value, logged at most once a second. */
	if ((uint64_t)np <= vb->total_pages * BALLOON_SUBPAGES || !changed)
		return;
	vb->bad_targets++;
	if (time_ns() >= vb->bad_log_ns) {
		vb->bad_log_ns = time_ns() + NSEC_PER_SEC;
		pr_warn("%s: num_pages %u is more than the guest's %llu pages; "
			"taking what the floor allows\n", virtio_dev_name(vb->vdev),
			np, (unsigned long long)(vb->total_pages * BALLOON_SUBPAGES));
	}
}

static void write_actual(struct vballoon *vb)
{
	uint64_t a = bpages_device_pages(&vb->bp) * BALLOON_SUBPAGES;
	uint32_t v = (uint32_t)MIN(a, (uint64_t)UINT32_MAX);

	if (v == vb->actual && vb->actual_written)
		return;
	if (!virtio_config_write(vb->vdev, offsetof(struct virtio_balloon_config, actual),
				 &v, sizeof(v))) {
		vb->actual = v;
		vb->actual_written = true;
	}
}

/* ---- inflate / deflate ------------------------------------------------- */

/* Take up to want pages (largest blocks first) into the stage and send
 * them. @return pages inflated, 0 when none could be taken. */
static uint64_t inflate_batch(struct vballoon *vb, uint64_t want)
{
	uint64_t got = 0, room;
	unsigned k = BALLOON_MAX_ORDER;
	struct vq_sg sg;
	uint32_t n;
	int rc;

	room = balloon_inflate_room(want, free_pages_now(), vb->floor);
	room = MIN(room, (uint64_t)(BALLOON_BATCH_PFNS / BALLOON_SUBPAGES));
	if (!room) {
		/* Once per target, and at most once a second for a target
		 * that keeps moving. */
		if (!vb->floor_logged && time_ns() >= vb->floor_log_ns) {
			vb->floor_log_ns = time_ns() + NSEC_PER_SEC;
			pr_warn("%s: target %llu pages not met: holding %llu, the "
				"floor of %llu free pages reached\n",
				virtio_dev_name(vb->vdev),
				(unsigned long long)vb->target * BALLOON_SUBPAGES,
				(unsigned long long)bpages_device_pages(&vb->bp) *
					BALLOON_SUBPAGES,
				(unsigned long long)vb->floor);
			vb->floor_logged = true;
			vb->floor_hits++;
		}
		return 0;
	}
	/* No deflate-on-OOM for the balloon's own allocations. */
	vb->inflating = true;
	while (got < room) {
		void *b;

		while (k && (1ull << k) > room - got)
			k--;
		b = page_alloc(k);
		if (!b) {
			if (!k)
				break;
			k--;            /* fragmented: smaller blocks */
			continue;
		}
		rc = bpages_stage(&vb->bp, b, k);
		if (rc) {
			page_free(b, k);
			break;
		}
		got += 1ull << k;
	}
	if (got && bpages_reserve(&vb->bp, vb->bp.nstage)) {
		bpages_unstage(&vb->bp);
		got = 0;
	}
	vb->inflating = false;
	if (!got)
		return 0;

	n = bpages_stage_pfns(&vb->bp, vb->pfns, BALLOON_BATCH_PFNS);
	sg = (struct vq_sg){ vb->pfns, n * (uint32_t)sizeof(uint32_t) };
	if (vb_send(vb, vb->inflate_vq, &vb->req_infl, &sg, 1, 0)) {
		bpages_unstage(&vb->bp);
		return 0;
	}
	bpages_commit(&vb->bp);     /* room reserved above: cannot fail */
	vb->inflated_pages += got;
	return got;
}

/* Tell the device about leaving blocks (a deflate, or pages deflate-on-OOM
 * already reused) and let them go. @return 0 or -EIO. */
static int tell_leaving(struct vballoon *vb)
{
	uint64_t nent;
	uint32_t n = bpages_leaving_pfns(&vb->bp, vb->pfns, BALLOON_BATCH_PFNS, &nent);
	struct vq_sg sg = { vb->pfns, n * (uint32_t)sizeof(uint32_t) };
	int rc;

	if (!nent)
		return 0;
	rc = vb_send(vb, vb->deflate_vq, &vb->req_defl, &sg, 1, 0);
	if (rc)
		return rc;
	bpages_release(&vb->bp, nent);
	return 0;
}

/* Move up to want pages out of the balloon (whole blocks, at most one
 * request's worth) and tell the device. */
static int deflate_batch(struct vballoon *vb, uint64_t want)
{
	uint64_t pfns = 0, pages = 0;

	while (pages < want && vb->bp.held &&
	       pfns + (BALLOON_SUBPAGES << BALLOON_MAX_ORDER) <= BALLOON_BATCH_PFNS) {
		void *b;
		int k = bpages_pop(&vb->bp, &b);

		pages += 1ull << k;
		pfns += BALLOON_SUBPAGES << k;
	}
	vb->deflated_pages += pages;
	return tell_leaving(vb);
}

/* Deflate-on-OOM (the allocator's reclaim hook): give back held blocks at
 * once. Thread context, inside page_alloc. */
static bool vb_reclaim(unsigned order)
{
	struct vballoon *vb = vballoon_dev;
	uint64_t want = MAX(1ull << order, (uint64_t)BALLOON_OOM_PAGES), got = 0;

	if (!vb || vb->inflating || !vb->bp.held)
		return false;
	/* With MUST_TELL_HOST the device must answer before a page is used
	 * again, and page_alloc cannot wait for it. */
	if (vb->must_tell) {
		if (!vb->oom_refused++)
			pr_warn("%s: out of memory, but MUST_TELL_HOST forbids "
				"deflating without the device\n",
				virtio_dev_name(vb->vdev));
		return false;
	}
	while (got < want && vb->bp.held)
		got += bpages_pop_free(&vb->bp);
	vb->oom_pages += got;
	vb->oom_events++;
	vb->oom_until = time_ns() + BALLOON_OOM_HOLDOFF_MS * NSEC_PER_MSEC;
	vb->event = true;
	waitq_wake_all(&vb->wq);    /* tell the device soon */
	return got > 0;
}

/* ---- the thread --------------------------------------------------------- */

/* The device failed (reset): it holds nothing now, so neither do we. */
static void vb_failed(struct vballoon *vb)
{
	bpages_release_all(&vb->bp);
	vb->dead = true;
	pr_err("%s: device failed; balloon emptied\n", virtio_dev_name(vb->vdev));
}

/* One step towards the target. @return true when there is more to do. */
static bool vb_step(struct vballoon *vb)
{
	uint64_t held;

	if (vb->bp.n > vb->bp.held) {
		/* Deflate-on-OOM reused pages: tell the device first. */
		if (tell_leaving(vb))
			return false;
		return true;
	}
	held = vb->bp.held_pages;
	if (held > vb->target) {
		if (deflate_batch(vb, held - vb->target))
			return false;
		return vb->bp.held_pages > vb->target;
	}
	if (held < vb->target) {
		if (vb->has_oom && time_ns() < vb->oom_until)
			return false;
		return inflate_batch(vb, vb->target - held) > 0;
	}
	return false;
}

static void vb_thread(void *arg)
{
	struct vballoon *vb = arg;
	bool poll = virtio_polling(vb->vdev);

	vb_stats_start(vb);
	for (;;) {
		bool more;

		if (virtio_dev_broken(vb->vdev)) {
			vb_failed(vb);
			thread_exit();
		}
		vb->event = false;
		read_target(vb);
		more = vb_step(vb);
		write_actual(vb);
		if (poll) {
			virtio_poll(vb->stats_vq ? vb->stats_vq : vb->inflate_vq);
		}
		vb_stats_service(vb);
		if (!more)
			more = vb_report_service(vb);
		if (more) {
			thread_yield();
			continue;
		}
		if (poll) {
			thread_sleep_ns(BALLOON_POLL_MS * NSEC_PER_MSEC);
		} else {
			unsigned long fl = irq_save();
			if (!vb->event)
				waitq_sleep_locked(&vb->wq, vb_sleep_ns(vb,
					BALLOON_IRQ_CHECK_MS * NSEC_PER_MSEC));
			irq_restore(fl);
		}
	}
}

/* ---- probe ---------------------------------------------------------------- */

static int vb_probe(struct virtio_dev *vdev)
{
	struct virtqueue *vqs[4];
	struct virtio_vq_info info[4] = {
		{ .name = "inflateq", .done = vb_done },
		{ .name = "deflateq", .done = vb_done },
		{ .name = "statsq", .done = vb_done },
		{ .name = "reportq", .done = vb_done, .indirect_max = VB_REPORT_MAX },
	};
	struct vballoon *vb;
	struct pmm_stats ps;
	unsigned nvq = 2;
	int rc;

	if (vballoon_dev) {
		pr_warn("%s: a second balloon is not used\n", virtio_dev_name(vdev));
		return -EBUSY;
	}
	vb = calloc(1, sizeof(*vb));
	if (!vb)
		return -ENOMEM;
	vb->pfns = malloc(BALLOON_BATCH_PFNS * sizeof(uint32_t));
	vb->stats = calloc(VIRTIO_BALLOON_S_NR, sizeof(*vb->stats));
	if (!vb->pfns || !vb->stats || bpages_init(&vb->bp)) {
		free(vb->pfns);
		free(vb->stats);
		free(vb);
		return -ENOMEM;
	}
	virtio_set_name(vdev, "balloon0");
	vb->vdev = vdev;
	waitq_init(&vb->wq);
	vb->must_tell = virtio_has_feature(vdev, VIRTIO_BALLOON_F_MUST_TELL_HOST);
	vb->has_oom = virtio_has_feature(vdev, VIRTIO_BALLOON_F_DEFLATE_ON_OOM);
	/* Queue numbers (§5.5.2) as QEMU and Linux count them: statsq is 2,
	 * and the later queues follow the ones that exist (we never
	 * negotiate FREE_PAGE_HINT), so the reporting queue is 2 or 3. */
	if (virtio_has_feature(vdev, VIRTIO_BALLOON_F_STATS_VQ))
		nvq = 3;
	if (virtio_has_feature(vdev, VIRTIO_BALLOON_F_PAGE_REPORTING)) {
		if (nvq == 2)
			info[2] = info[3];
		nvq++;
	}
	rc = virtio_find_vqs(vdev, nvq, vqs, info);
	if (rc)
		return rc;   /* vb stays: a failed device's queue may name it */
	vb->inflate_vq = vqs[0];
	vb->deflate_vq = vqs[1];
	if (virtio_has_feature(vdev, VIRTIO_BALLOON_F_STATS_VQ))
		vb->stats_vq = vqs[2];
	if (virtio_has_feature(vdev, VIRTIO_BALLOON_F_PAGE_REPORTING))
		vb->report_vq = vqs[nvq - 1];

	pmm_stats(&ps);
	vb->total_pages = ps.total_pages;
	vb->floor = balloon_floor_pages(ps.total_pages,
		(uint64_t)cmdline_get_range("balloon.floor_mb", 0, 1 << 20, 4) *
			(1024 * 1024 / PAGE_SIZE), BALLOON_FLOOR_DIV);
	vb->report_ns = (uint64_t)cmdline_get_range("balloon.report_ms", 10,
			3600 * 1000, 2000) * NSEC_PER_MSEC;
	virtio_set_drvdata(vdev, vb);
	virtio_device_ready(vdev);
	vballoon_dev = vb;
	if (vb->has_oom)
		pmm_set_reclaim(vb_reclaim);
	pr_info("%s: %llu pages of RAM, floor %llu pages free (%llu MiB), "
		"stats %s, deflate-on-oom %s, page reporting %s%s\n",
		virtio_dev_name(vdev), (unsigned long long)vb->total_pages,
		(unsigned long long)vb->floor,
		(unsigned long long)(vb->floor * PAGE_SIZE >> 20),
		vb->stats_vq ? "on" : "off", vb->has_oom ? "on" : "off",
		vb->report_vq ? "on" : "off",
		vb->must_tell ? ", must tell host" : "");
	vb->thread = thread_create("balloon0", vb_thread, vb);
	if (!vb->thread)
		pr_err("%s: no thread: the balloon stays empty\n", virtio_dev_name(vdev));
	return 0;
}

static const uint16_t vb_ids[] = { VIRTIO_ID_BALLOON, 0 };

static const struct virtio_driver virtio_balloon_driver = {
	.name = "virtio-balloon",
	.ids = vb_ids,
	.features = VIRTIO_BIT(VIRTIO_BALLOON_F_MUST_TELL_HOST) |
		    VIRTIO_BIT(VIRTIO_BALLOON_F_STATS_VQ) |
		    VIRTIO_BIT(VIRTIO_BALLOON_F_DEFLATE_ON_OOM) |
		    VIRTIO_BIT(VIRTIO_BALLOON_F_PAGE_REPORTING),
	.probe = vb_probe,
	.config_changed = vb_config_changed,
};
VIRTIO_DRIVER(virtio_balloon_driver);
