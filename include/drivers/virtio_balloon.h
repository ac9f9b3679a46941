/* SPDX-License-Identifier: MIT */
/* virtio memory balloon (virtio 1.2 §5.5): the device's layouts, and the
 * driver's pure page accounting (drivers/virtio/balloon_pages.c, host
 * unit-tested in tests/unit/test_balloon.c).
 *
 * The balloon speaks in 4 KiB pages (VIRTIO_BALLOON_PFN_SHIFT, §5.5.6)
 * whatever the kernel's page size; BALLOON_SUBPAGES converts. It holds
 * blocks from the page allocator (up to BALLOON_MAX_ORDER, so deflating
 * one gives the kernel a large block back at once), never touching them:
 * their list lives in pages of its own. */
#ifndef DRIVERS_VIRTIO_BALLOON_H
#define DRIVERS_VIRTIO_BALLOON_H

#include <kern/compiler.h>
#include <kern/pmm.h>

#define VIRTIO_ID_BALLOON               5

/* Feature bits (§5.5.3). */
#define VIRTIO_BALLOON_F_MUST_TELL_HOST 0
#define VIRTIO_BALLOON_F_STATS_VQ       1
#define VIRTIO_BALLOON_F_DEFLATE_ON_OOM 2
#define VIRTIO_BALLOON_F_FREE_PAGE_HINT 3
#define VIRTIO_BALLOON_F_PAGE_POISON    4
#define VIRTIO_BALLOON_F_PAGE_REPORTING 5

/* §5.5.4: little-endian even for legacy devices. */
struct virtio_balloon_config {
	uint32_t num_pages;             /* the device's target */
	uint32_t actual;                /* written by the driver */
	uint32_t free_page_hint_cmd_id;
	uint32_t poison_val;
};

/* §5.5.6: page frame numbers on inflateq/deflateq are of 4 KiB pages. */
#define VIRTIO_BALLOON_PFN_SHIFT        12
#define BALLOON_SUBPAGES        (PAGE_SIZE >> VIRTIO_BALLOON_PFN_SHIFT)
_Static_assert(PAGE_SHIFT >= VIRTIO_BALLOON_PFN_SHIFT,
	       "kernel pages smaller than the balloon's");

/* §5.5.6.3: statistics, an array of packed (tag, value) pairs. */
struct virtio_balloon_stat {
	uint16_t tag;
	uint64_t val;
} __packed;
_Static_assert(sizeof(struct virtio_balloon_stat) == 10, "stat layout");

#define VIRTIO_BALLOON_S_SWAP_IN        0
#define VIRTIO_BALLOON_S_SWAP_OUT       1
#define VIRTIO_BALLOON_S_MAJFLT         2
#define VIRTIO_BALLOON_S_MINFLT         3
#define VIRTIO_BALLOON_S_MEMFREE        4
#define VIRTIO_BALLOON_S_MEMTOT         5
#define VIRTIO_BALLOON_S_AVAIL          6
#define VIRTIO_BALLOON_S_CACHES         7
#define VIRTIO_BALLOON_S_HTLB_PGALLOC   8
#define VIRTIO_BALLOON_S_HTLB_PGFAIL    9
#define VIRTIO_BALLOON_S_NR             10

/* Largest block the balloon takes (2 MiB with 4 KiB pages: a host huge
 * page), and the most 4 KiB frame numbers one inflate/deflate request
 * carries (16 KiB of them: 16 MiB per request). */
#define BALLOON_MAX_ORDER       9
#define BALLOON_BATCH_PFNS      4096u
_Static_assert((BALLOON_SUBPAGES << BALLOON_MAX_ORDER) <= BALLOON_BATCH_PFNS,
	       "a largest block must fit one request");

/* ---- the driver's state, for the shell and the tests ------------------------ */

struct balloon_status {
	bool dead, stats, deflate_on_oom, reporting;
	uint32_t num_pages, actual;     /* the device's fields (4 KiB pages) */
	uint64_t target;                /* kernel pages the balloon aims at */
	uint64_t held, leaving, staged; /* kernel pages */
	uint64_t floor, total;
	uint64_t inflated, deflated, oom_pages, oom_events, floor_hits;
	uint64_t bad_targets, target_changes, errors, stats_sent;
	uint64_t reported_pages, reported_blocks;
};
/* @return 0 with *st filled, or -ENODEV without a balloon. */
int balloon_get_status(struct balloon_status *st);
/* Audit the balloon's pages against the allocator (bpages_audit), and
 * held + free + used == managed. @return 0, -ENODEV, -EFAULT (logged). */
int balloon_audit(void);

/* ---- page accounting (pure) ------------------------------------------------ */

/* The blocks the balloon holds, as a stack of entries (pfn, order, freed):
 *   [0, held)   held: the device has them (acknowledged inflates);
 *   [held, n)   leaving: out of the balloon as far as the kernel goes, but
 *               the device not yet told (deflateq). "freed" ones are back in
 *               the allocator already (deflate-on-OOM, without
 *               MUST_TELL_HOST), the others wait for the device's answer.
 * Staged entries (up to BALLOON_BATCH_PFNS) are an inflate in flight:
 * allocated, sent, not yet acknowledged; they join [0, held) on commit.
 * Entries sit in page-sized chunks from page_alloc; the chunk directory
 * and the stage come from the heap. Not locked: one thread changes it,
 * and the deflate-on-OOM path (bpages_pop_free) runs in threads only. */
struct balloon_pages {
	uint64_t **chunk;               /* directory of chunk pages */
	uint64_t nchunks, dir_cap;
	uint64_t n, held;               /* entries stored, held */
	uint64_t *stage;
	uint32_t nstage;
	uint64_t held_pages;            /* kernel pages in [0, held) */
	uint64_t leaving_pages;         /* ... in [held, n), freed or not */
	uint64_t leaving_freed_pages;   /* ... of those, back in the allocator */
	uint64_t stage_pages;
};

/* Start empty. @return 0 or -ENOMEM. */
int bpages_init(struct balloon_pages *bp);
/* Room for k more entries (chunk pages). @return 0 or -ENOMEM. */
int bpages_reserve(struct balloon_pages *bp, uint64_t k);
/* Stage a block just taken from page_alloc. @return 0, -ENOSPC (stage
 * full: commit or drop first). */
int bpages_stage(struct balloon_pages *bp, void *block, unsigned order);
/* Write the staged blocks' 4 KiB frame numbers into pfns[] (at most max).
 * @return how many. */
uint32_t bpages_stage_pfns(const struct balloon_pages *bp, uint32_t *pfns,
			   uint32_t max);
/* The device took the staged blocks: they are held. Needs room reserved
 * for them (bpages_reserve), else -ENOMEM and nothing changes. */
int bpages_commit(struct balloon_pages *bp);
/* The inflate failed: the staged blocks go back to the allocator. */
void bpages_unstage(struct balloon_pages *bp);

/* Move the most recent held block to "leaving" (still allocated) and
 * return it: for a deflate the device must answer first. @return its
 * order, or -ENOENT when nothing is held. */
int bpages_pop(struct balloon_pages *bp, void **block);
/* Deflate-on-OOM: move the most recent held block to "leaving" and give
 * it back to the allocator at once. @return the pages freed (0: none held). */
uint64_t bpages_pop_free(struct balloon_pages *bp);
/* Leaving entries from the top, as many whole blocks as fit max 4 KiB
 * frame numbers, written to pfns[]. @return the frame numbers written;
 * *nent the entries they cover (for bpages_release). */
uint32_t bpages_leaving_pfns(const struct balloon_pages *bp, uint32_t *pfns,
			     uint32_t max, uint64_t *nent);
/* The device was told about the top nent leaving entries: the ones not
 * freed yet go back to the allocator, all of them are dropped. */
void bpages_release(struct balloon_pages *bp, uint64_t nent);
/* The device is gone (reset): everything held, leaving or staged goes
 * back to the allocator. */
void bpages_release_all(struct balloon_pages *bp);
/* Release everything and free the bookkeeping too (bpages_init again to
 * reuse). */
void bpages_fini(struct balloon_pages *bp);

/* Pages the device counts as in the balloon (held + leaving), in kernel
 * pages; and the pages the kernel cannot use (held + staged + leaving not
 * freed). */
uint64_t bpages_device_pages(const struct balloon_pages *bp);
uint64_t bpages_kernel_pages(const struct balloon_pages *bp);

/* Check every entry against the allocator (held, staged and unfreed
 * leaving blocks are allocated blocks of their order; the counters sum
 * right) and then pmm_check. @return 0 or -EFAULT, logged. */
int bpages_audit(const struct balloon_pages *bp);

/* ---- targets (pure) ---------------------------------------------------------- */

/* The pages the balloon may hold: the device's num_pages (4 KiB pages)
 * in kernel pages, clamped to what the allocator manages. */
uint64_t balloon_target_pages(uint32_t num_pages, uint64_t total_pages);
/* The free pages the balloon never takes: floor_min plus 1/floor_div of
 * the managed pages (never more than all of them). */
uint64_t balloon_floor_pages(uint64_t total_pages, uint64_t floor_min,
			     unsigned floor_div);
/* How many more pages an inflate may take now: up to want, leaving floor
 * pages free. */
uint64_t balloon_inflate_room(uint64_t want, uint64_t free_pages, uint64_t floor);

#endif
