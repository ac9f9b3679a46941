// SPDX-License-Identifier: MIT
/* virtio-balloon: the `balloon` shell command and the status the tests
 * read (<drivers/virtio_balloon.h>). */
#include <kern/errno.h>
#include <kern/irq.h>
#include <kern/pmm.h>
#include <kern/printk.h>
#include <kern/shell.h>
#include <string.h>
#include "balloon_priv.h"

int balloon_get_status(struct balloon_status *st)
{
	struct vballoon *vb = vballoon_dev;

	memset(st, 0, sizeof(*st));
	if (!vb)
		return -ENODEV;
	st->dead = vb->dead;
	st->stats = vb->stats_vq != NULL;
	st->deflate_on_oom = vb->has_oom;
	st->reporting = vb->report_vq != NULL;
	st->num_pages = vb->num_pages;
	st->actual = vb->actual;
	st->target = vb->target;
	st->held = vb->bp.held_pages;
	st->leaving = vb->bp.leaving_pages;
	st->staged = vb->bp.stage_pages;
	st->floor = vb->floor;
	st->total = vb->total_pages;
	st->inflated = vb->inflated_pages;
	st->deflated = vb->deflated_pages;
	st->oom_pages = vb->oom_pages;
	st->oom_events = vb->oom_events;
	st->floor_hits = vb->floor_hits;
	st->bad_targets = vb->bad_targets;
	st->target_changes = vb->target_changes;
	st->errors = vb->errors;
	st->stats_sent = vb->stats_sent;
	st->reported_pages = vb->reported_pages;
	st->reported_blocks = vb->reported_blocks;
	return 0;
}

int balloon_audit(void)
{
	struct vballoon *vb = vballoon_dev;
	struct pmm_stats ps;
	int rc;

	if (!vb)
		return -ENODEV;
	rc = bpages_audit(&vb->bp);
	if (rc)
		return rc;
	pmm_stats(&ps);
	/* bpages_audit checked that its blocks are allocated ones, and
	 * pmm_check that allocated + free == managed: so the rest is what
	 * the kernel uses. */
	if (bpages_kernel_pages(&vb->bp) > ps.total_pages - ps.free_pages) {
		pr_err("balloon audit: %llu pages in the balloon, only %llu "
		       "allocated\n",
		       (unsigned long long)bpages_kernel_pages(&vb->bp),
		       (unsigned long long)(ps.total_pages - ps.free_pages));
		return -EFAULT;
	}
	return 0;
}

static void show(void)
{
	struct balloon_status s;
	struct pmm_stats ps;

	balloon_get_status(&s);
	pmm_stats(&ps);
	kprintf("balloon0: target %u (kernel pages %llu), actual %u, held %llu, "
		"leaving %llu, floor %llu, free %llu, total %llu%s\n",
		s.num_pages, (unsigned long long)s.target, s.actual,
		(unsigned long long)s.held, (unsigned long long)s.leaving,
		(unsigned long long)s.floor, (unsigned long long)ps.free_pages,
		(unsigned long long)ps.total_pages, s.dead ? " (device failed)" : "");
	kprintf("  inflated %llu, deflated %llu, oom %llu pages in %llu, floor hits "
		"%llu, targets %llu (%llu bad), errors %llu, %llu ms waiting for "
		"the device\n",
		(unsigned long long)s.inflated, (unsigned long long)s.deflated,
		(unsigned long long)s.oom_pages, (unsigned long long)s.oom_events,
		(unsigned long long)s.floor_hits, (unsigned long long)s.target_changes,
		(unsigned long long)s.bad_targets, (unsigned long long)s.errors,
		(unsigned long long)(vballoon_dev->device_ns / 1000000));
	kprintf("  stats %s (%llu sent), deflate-on-oom %s, reporting %s (%llu "
		"pages in %llu blocks)\n",
		s.stats ? "on" : "off", (unsigned long long)s.stats_sent,
		s.deflate_on_oom ? "on" : "off", s.reporting ? "on" : "off",
		(unsigned long long)s.reported_pages,
		(unsigned long long)s.reported_blocks);
	if (s.stats && vballoon_dev) {
		const struct virtio_balloon_stat *st = vballoon_dev->stats;
		kprintf("  last stats: free %llu, total %llu, available %llu bytes\n",
			(unsigned long long)st[VIRTIO_BALLOON_S_MEMFREE].val,
			(unsigned long long)st[VIRTIO_BALLOON_S_MEMTOT].val,
			(unsigned long long)st[VIRTIO_BALLOON_S_AVAIL].val);
	}
}

/* balloon [audit]: the balloon's state, or an audit of its pages. */
static int cmd_balloon(int argc, char **argv)
{
	if (!vballoon_dev) {
		kprintf("balloon: no balloon device\n");
		return -ENODEV;
	}
	if (argc > 1 && !strcmp(argv[1], "audit")) {
		int rc = balloon_audit();
		kprintf("balloon audit: %s\n", rc ? "FAILED" : "ok");
		return rc;
	}
	if (argc > 1) {
		kprintf("usage: balloon [audit]\n");
		return -EINVAL;
	}
	show();
	return 0;
}
SHELL_CMD("balloon", "balloon [audit] - the memory balloon: target, actual, floor, stats", cmd_balloon);
