/* SPDX-License-Identifier: MIT */
/* The physical page allocator: a buddy allocator over 4 KiB pages.
 *
 * RAM is identity-mapped (<kern/dma.h>), so pages are handed out as
 * pointers whose value is the physical address. A block of order k is 2^k
 * contiguous pages aligned to its own size.
 *
 * Memory arrives incrementally: pmm_add_range() may be called at any time,
 * and the allocator never touches a range before it is added. Each range
 * keeps its own bookkeeping (a few bitmaps, 4 bits per page, i.e. 1/8192 of
 * the range) in its own first pages, so adding RAM needs no memory from
 * elsewhere and costs one memset of those bitmaps, not a loop over pages.
 *
 * No locking: one CPU, cooperative threads, and interrupt handlers never
 * allocate (<kern/irq.h>). Calls must not be made from interrupt context. */
#ifndef KERN_PMM_H
#define KERN_PMM_H

#include <kern/compiler.h>

struct memmap;

/* Guarded: an arch header may define the same values. */
#ifndef PAGE_SHIFT
#define PAGE_SHIFT      12
#endif
#ifndef PAGE_SIZE
#define PAGE_SIZE       (1UL << PAGE_SHIFT)
#endif
/* Largest block: 2^18 pages = 1 GiB. */
#define PMM_MAX_ORDER   18
/* At most this many separately added ranges. */
#define PMM_MAX_REGIONS 64

/* Hand [base, base+size) of usable RAM to the allocator. base is rounded
 * up and the end down to whole pages. The range must be mapped (identity)
 * and must not be added twice. A range too small to hold its own
 * bookkeeping plus one page is ignored (returns 0).
 * @return 0, -EINVAL (empty or wrapping range), -EEXIST (overlaps a range
 * added before), -ENOSPC (PMM_MAX_REGIONS ranges already added). */
int pmm_add_range(uint64_t base, uint64_t size);

/* pmm_add_range() every MEM_USABLE range of a normalized map, clipped to
 * [lo, hi): the boot code adds what its early page tables map first
 * (lo=0, hi=4 GiB), then the rest once it has mapped it.
 * @return 0, or the last error from pmm_add_range (the others are added). */
int pmm_add_memmap(const struct memmap *m, uint64_t lo, uint64_t hi);

/* 2^order contiguous pages, aligned to 2^order pages, contents undefined.
 * @return the first page, or NULL when no block that large is free. */
void *page_alloc(unsigned order);
/* The same, zero-filled. */
void *page_alloc_zeroed(unsigned order);
/* Give back a block from page_alloc with the same order. NULL is ignored.
 * A pointer that is not an allocated block of that order (double free,
 * wrong order, not ours) is a kernel bug: it is logged and ignored. */
void page_free(void *p, unsigned order);
/* Free reporting (the balloon's VIRTIO_BALLOON_F_PAGE_REPORTING): take a
 * free block of order min_order..max_order that has been in use since
 * boot (a "fresh" one was never touched, so the host holds nothing for
 * it), the largest first. @return it with *order set, or NULL. */
void *page_alloc_touched(unsigned min_order, unsigned max_order, unsigned *order);
/* Give back a block whose contents the host has discarded: like
 * page_free, but it counts as never touched, so it is handed out after
 * touched ones and never reported again until it has been used. */
void page_free_untouched(void *p, unsigned order);

/* Deflate-on-OOM: called by page_alloc (in thread context, never from an
 * interrupt) when no free block fits order; it may page_free pages it
 * holds, and page_alloc then looks again. Not called again while it runs.
 * @return true when it gave pages back. One reclaimer (NULL: none). */
typedef bool (*pmm_reclaim_fn)(unsigned order);
void pmm_set_reclaim(pmm_reclaim_fn fn);

/* The order of the allocated block that starts at p, or -EINVAL when p is
 * not the first page of an allocated block. (For the heap, which does not
 * store sizes of its page-sized allocations.) */
int page_block_order(const void *p);

struct pmm_stats {
	uint64_t total_pages;   /* pages managed (bookkeeping excluded) */
	uint64_t free_pages;
	uint64_t meta_pages;    /* pages used for the allocator's bitmaps */
	uint64_t bad_frees;     /* page_free calls rejected as bugs */
	uint32_t regions;
	uint32_t largest_free_order; /* -1u when nothing is free */
	uint64_t free_blocks[PMM_MAX_ORDER + 1]; /* free blocks per order */
};
void pmm_stats(struct pmm_stats *s);

/* Cross-check the free lists against the bitmaps and counters, and that
 * allocated plus free pages make up every managed page (tests).
 * @return 0, or -EFAULT after logging the first inconsistency. */
int pmm_check(void);

#ifdef UNIT_TEST
/* Forget every range (host tests only: the arena is the test's). */
void pmm_reset(void);
#endif

#endif
