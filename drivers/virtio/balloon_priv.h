/* SPDX-License-Identifier: MIT */
/* virtio-balloon's state, shared by its files (balloon.c: the thread,
 * inflate and deflate; balloon_stats.c: statistics and free page
 * reporting; balloon_cmd.c: the shell command and status). */
#ifndef DRIVERS_VIRTIO_BALLOON_PRIV_H
#define DRIVERS_VIRTIO_BALLOON_PRIV_H

#include <drivers/virtio.h>
#include <drivers/virtio_balloon.h>
#include <kern/sched.h>

/* Blocks per free page report (QEMU's reporting queue has 32 entries),
 * and the smallest block reported (2 MiB: a host huge page). */
#define VB_REPORT_MAX           32
#define VB_REPORT_ORDER         9
#define VB_REPORT_ROUNDS        8       /* requests per period at most */

struct vballoon;

struct vb_req {
	volatile bool done;
	int err;
	uint32_t len;
	struct vballoon *vb;        /* wake the thread on completion, or NULL */
};

struct vballoon {
	struct virtio_dev *vdev;
	struct virtqueue *inflate_vq, *deflate_vq, *stats_vq, *report_vq;
	struct thread *thread;
	struct balloon_pages bp;
	struct waitq wq;
	volatile bool event, config_event;
	struct vb_req req_infl, req_defl, req_stats, req_report;
	uint32_t *pfns;                 /* BALLOON_BATCH_PFNS frame numbers */
	struct virtio_balloon_stat *stats;
	bool must_tell, has_oom, dead, inflating;
	bool stats_posted, actual_written, floor_logged;
	uint32_t num_pages, actual;
	uint64_t total_pages, target, floor;
	uint64_t oom_until, report_ns, next_report;
	unsigned report_rounds;
	uint64_t floor_log_ns, bad_log_ns;  /* log no more often than this */
	/* Counters (the `balloon` command). */
	uint64_t inflated_pages, deflated_pages, oom_pages, oom_events;
	uint64_t oom_refused, floor_hits, bad_targets, target_changes, errors;
	uint64_t stats_sent, reported_pages, reported_blocks;
	uint64_t device_ns;             /* from posting an inflate/deflate to its answer (under TCG QEMU does the work inside the kick) */
};

extern struct vballoon *vballoon_dev;

/* balloon_stats.c */
void vb_stats_start(struct vballoon *vb);
void vb_stats_service(struct vballoon *vb);
/* Report some free blocks if it is time. @return true when more wait. */
bool vb_report_service(struct vballoon *vb);
/* How long the thread may sleep: at most def, less when a report is due. */
uint64_t vb_sleep_ns(const struct vballoon *vb, uint64_t def);

#endif
