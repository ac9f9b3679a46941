// SPDX-License-Identifier: MIT
/* Buddy page allocator.
 *
 * Free blocks that have been in use sit on one doubly linked list per order,
 * the list node in the free block itself (untouched ones are "fresh", see
 * below). Whether a block is free or allocated is recorded
 * outside the blocks, in two bitmaps per order and per region (one bit per
 * block of that order: "free" and "allocated"), so that
 *  - coalescing asks the free bitmap whether a buddy is free, never trusting
 *    bytes inside a page someone else may have written, and
 *  - page_free can check exactly that the block was allocated with that order
 *    (double free, wrong order and foreign pointers all fail that test).
 * The bitmaps of all orders sum to about 2 bits per page each, so a region
 * spends 4 bits per page (768 KiB for 6 GiB) on bookkeeping. They live in
 * the region's first pages.
 *
 * Fresh blocks. Writing a list node into a block touches its page, and the
 * first touch of guest RAM is what costs under a hypervisor (the host faults
 * in, and zeroes, a 4 KiB or 2 MiB page: about 8 ms each under TCG on a slow
 * host). So a new region's maximal aligned blocks, and the pieces split off
 * them, are not linked: they are listed by (page, order) in a small table in
 * the region's metadata. A free block is then either "linked" (on its
 * order's list) or "fresh" (in its region's table); the free bitmap covers
 * both. Adding a region is one memset of its bitmaps and touches no page it
 * hands out, and memory is touched only when it is about to be used.
 *
 * Region bitmaps are indexed from the region's first page, metadata pages
 * included (they are simply never marked free), which avoids the circular
 * "metadata size depends on the managed size" computation. */
#include <kern/pmm.h>
#include <kern/memmap.h>
#include <kern/dma.h>
#include <kern/errno.h>
#include <kern/panic.h>
#include <kern/printk.h>
#include <string.h>

#define ORDERS (PMM_MAX_ORDER + 1)

struct pmm_region {
	uint64_t spfn, epfn;    /* pages covered by the bitmaps */
	uint64_t first;         /* first managed page (after this metadata) */
	uint64_t nwords;        /* 64-bit words per bitmap kind */
	uint64_t off[ORDERS];   /* word offset of each order's bitmap */
	uint64_t *fresh;        /* untouched free blocks: pfn << 8 | order */
	uint32_t nfresh, fresh_cap;
	uint64_t bits[];        /* free bitmaps, then allocated bitmaps */
};

/* Spare fresh-table slots beyond a region's initial blocks, for the pieces
 * of split fresh blocks (best fit keeps that to about one per order). When
 * full, pieces are linked instead. A host test shrinks it to 0. */
#ifndef PMM_FRESH_SPARE
#define PMM_FRESH_SPARE 64
#endif

enum { BM_FREE = 0, BM_ALLOC = 1 };

/* Node at the start of every free block. check ties the node to its address
 * and order, so a stray write into a free page is noticed when the block is
 * next taken instead of silently handing out garbage. */
struct free_block {
	struct free_block *next, *prev;
	struct pmm_region *region;
	uint64_t check;
};

#define FREE_MAGIC 0x9e3779b97f4a7c15ULL

static struct free_block *free_list[ORDERS];
static uint64_t nfree_blocks[ORDERS];   /* linked and fresh */
static uint64_t nfresh_blocks[ORDERS];
static struct pmm_region *regions[PMM_MAX_REGIONS];   /* sorted by spfn */
static unsigned nregions;
static uint64_t total_pages, free_pages, meta_pages, bad_frees;
static pmm_reclaim_fn reclaim_fn;
static bool reclaiming;

static uint64_t block_check(const struct free_block *b, unsigned order)
{
	return FREE_MAGIC ^ (uint64_t)(uintptr_t)b ^ order;
}

static uint64_t *bm_word(struct pmm_region *r, int kind, unsigned k,
			 uint64_t pfn, uint64_t *mask)
{
	uint64_t i = (pfn >> k) - (r->spfn >> k);

	*mask = 1ULL << (i % 64);
	return &r->bits[kind * r->nwords + r->off[k] + i / 64];
}

static bool bm_test(struct pmm_region *r, int kind, unsigned k, uint64_t pfn)
{
	uint64_t mask, *w = bm_word(r, kind, k, pfn, &mask);

	return *w & mask;
}

static void bm_set(struct pmm_region *r, int kind, unsigned k, uint64_t pfn)
{
	uint64_t mask, *w = bm_word(r, kind, k, pfn, &mask);

	*w |= mask;
}

static void bm_clear(struct pmm_region *r, int kind, unsigned k, uint64_t pfn)
{
	uint64_t mask, *w = bm_word(r, kind, k, pfn, &mask);

	*w &= ~mask;
}

static void *pfn_ptr(uint64_t pfn)
{
	return phys_to_virt(pfn << PAGE_SHIFT);
}

/* Does the block of order k at pfn lie inside the region's managed pages? */
static bool block_managed(const struct pmm_region *r, unsigned k, uint64_t pfn)
{
	return pfn >= r->first && pfn < r->epfn &&
	       (1ULL << k) <= r->epfn - pfn;
}

static struct pmm_region *region_of(uint64_t pfn)
{
	unsigned lo = 0, hi = nregions;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if (pfn < regions[mid]->spfn)
			hi = mid;
		else if (pfn >= regions[mid]->epfn)
			lo = mid + 1;
		else
			return regions[mid];
	}
	return NULL;
}

static void list_push(struct pmm_region *r, unsigned k, uint64_t pfn)
{
	struct free_block *b = pfn_ptr(pfn);

	b->region = r;
	b->check = block_check(b, k);
	b->prev = NULL;
	b->next = free_list[k];
	if (b->next)
		b->next->prev = b;
	free_list[k] = b;
}

static void list_unlink(struct pmm_region *r, unsigned k, uint64_t pfn)
{
	struct free_block *b = pfn_ptr(pfn);

	if (b->check != block_check(b, k) || b->region != r)
		panic("pmm: free block %p (order %u) overwritten", (void *)b, k);
	if (b->prev)
		b->prev->next = b->next;
	else
		free_list[k] = b->next;
	if (b->next)
		b->next->prev = b->prev;
	b->check = 0;
}

static uint64_t fresh_entry(uint64_t pfn, unsigned k)
{
	return pfn << 8 | k;
}

/* Index of the fresh block (k, pfn) in r's table, or -1. The table is
 * short (its initial blocks plus FRESH_SPARE) and empties as memory gets
 * used, so a linear scan is fine. */
static int fresh_find(const struct pmm_region *r, unsigned k, uint64_t pfn)
{
	uint64_t e = fresh_entry(pfn, k);

	for (uint32_t i = 0; i < r->nfresh; i++)
		if (r->fresh[i] == e)
			return (int)i;
	return -1;
}

static void fresh_drop(struct pmm_region *r, uint32_t i)
{
	nfresh_blocks[r->fresh[i] & 0xff]--;
	r->fresh[i] = r->fresh[--r->nfresh];
}

/* Make (k, pfn) a free block: fresh when it has never been touched and the
 * table has room, linked otherwise. */
static void block_put(struct pmm_region *r, unsigned k, uint64_t pfn,
		      bool untouched)
{
	if (untouched && r->nfresh < r->fresh_cap) {
		r->fresh[r->nfresh++] = fresh_entry(pfn, k);
		nfresh_blocks[k]++;
	} else {
		list_push(r, k, pfn);
	}
	bm_set(r, BM_FREE, k, pfn);
	nfree_blocks[k]++;
}

/* Take the free block (k, pfn) out of the free set, wherever it is kept.
 * @return whether it was fresh (never touched). */
static bool block_take(struct pmm_region *r, unsigned k, uint64_t pfn)
{
	int i = r->nfresh ? fresh_find(r, k, pfn) : -1;

	if (i >= 0)
		fresh_drop(r, (uint32_t)i);
	else
		list_unlink(r, k, pfn);
	bm_clear(r, BM_FREE, k, pfn);
	nfree_blocks[k]--;
	return i >= 0;
}

/* The order of the largest naturally aligned block at pfn below end. */
static unsigned span_order(uint64_t pfn, uint64_t end)
{
	unsigned k = pfn ? (unsigned)__builtin_ctzll(pfn) : PMM_MAX_ORDER;

	k = MIN(k, PMM_MAX_ORDER);
	while ((1ULL << k) > end - pfn)
		k--;
	return k;
}

/* Some fresh block of order k, from any region: (region, pfn). Highest
 * region first, leaving low memory for devices that can only address
 * 32 bits for as long as possible. */
static bool fresh_pick(unsigned k, struct pmm_region **rp, uint64_t *pfn)
{
	for (unsigned ri = nregions; ri-- > 0;) {
		struct pmm_region *r = regions[ri];

		/* From the end: the newest pieces, from the last split. */
		for (uint32_t i = r->nfresh; i-- > 0;) {
			if ((r->fresh[i] & 0xff) == k) {
				*rp = r;
				*pfn = r->fresh[i] >> 8;
				return true;
			}
		}
	}
	return false;
}

int pmm_add_range(uint64_t base, uint64_t size)
{
	uint64_t spfn, epfn, npages, nwords = 0, meta_bytes, mpages, fresh_cap;
	struct pmm_region *r;
	unsigned pos;

	if (size == 0 || size > UINT64_MAX - base)
		return -EINVAL;
	spfn = (base >> PAGE_SHIFT) + ((base & (PAGE_SIZE - 1)) != 0);
	epfn = (base + size) >> PAGE_SHIFT;
	if (epfn <= spfn)
		return 0;
	npages = epfn - spfn;

	for (unsigned i = 0; i < nregions; i++)
		if (spfn < regions[i]->epfn && regions[i]->spfn < epfn)
			return -EEXIST;
	if (nregions == PMM_MAX_REGIONS)
		return -ENOSPC;

	/* Size the bitmaps: at order k the region spans the blocks from
	 * spfn >> k to (epfn - 1) >> k. */
	uint64_t off[ORDERS];
	for (unsigned k = 0; k < ORDERS; k++) {
		uint64_t nbits = ((epfn - 1) >> k) - (spfn >> k) + 1;

		off[k] = nwords;
		nwords += (nbits + 63) / 64;
	}
	/* A greedy split of a span into aligned blocks climbs to the top
	 * order and back down: at most two blocks per order below the top,
	 * plus the top-order ones. */
	fresh_cap = 2 * PMM_MAX_ORDER + 1 + (npages >> PMM_MAX_ORDER) +
		    PMM_FRESH_SPARE;
	meta_bytes = sizeof(*r) + (2 * nwords + fresh_cap) * sizeof(uint64_t);
	mpages = (meta_bytes + PAGE_SIZE - 1) >> PAGE_SHIFT;
	if (mpages >= npages)
		return 0;

	r = pfn_ptr(spfn);
	memset(r, 0, meta_bytes);
	r->spfn = spfn;
	r->epfn = epfn;
	r->first = spfn + mpages;
	r->nwords = nwords;
	for (unsigned k = 0; k < ORDERS; k++)
		r->off[k] = off[k];
	r->fresh = &r->bits[2 * nwords];
	r->fresh_cap = (uint32_t)fresh_cap;

	for (pos = nregions; pos > 0 && regions[pos - 1]->spfn > spfn; pos--)
		regions[pos] = regions[pos - 1];
	regions[pos] = r;
	nregions++;

	for (uint64_t pfn = r->first; pfn < epfn;) {
		unsigned k = span_order(pfn, epfn);

		block_put(r, k, pfn, true);
		pfn += 1ULL << k;
	}
	total_pages += npages - mpages;
	free_pages += npages - mpages;
	meta_pages += mpages;
	return 0;
}

int pmm_add_memmap(const struct memmap *m, uint64_t lo, uint64_t hi)
{
	int ret = 0;

	for (uint32_t i = 0; i < m->count; i++) {
		const struct mem_range *mr = &m->r[i];
		uint64_t b = MAX(mr->base, lo);
		uint64_t e = MIN(mr->base + mr->size, hi);
		int err;

		if (mr->type != MEM_USABLE || b >= e)
			continue;
		err = pmm_add_range(b, e - b);
		if (err) {
			pr_err("pmm: cannot add [%#llx-%#llx): %d\n",
			       (unsigned long long)b, (unsigned long long)e,
			       err);
			ret = err;
		}
	}
	return ret;
}

void pmm_set_reclaim(pmm_reclaim_fn fn)
{
	reclaim_fn = fn;
}

/* Nothing free fits: ask the reclaimer (the balloon's deflate-on-OOM) for
 * pages, once at a time (it frees pages, which must not ask it again).
 * @return whether it gave any back, so that the caller looks again. */
static bool reclaim(unsigned order)
{
	bool more;

	if (!reclaim_fn || reclaiming)
		return false;
	reclaiming = true;
	more = reclaim_fn(order);
	reclaiming = false;
	return more;
}

void *page_alloc(unsigned order)
{
	struct pmm_region *r = NULL;
	uint64_t pfn = 0;
	unsigned k;
	bool fresh;

	if (order > PMM_MAX_ORDER)
		return NULL;
again:
	/* Best fit: the smallest order with a free block, linked (already
	 * touched) before fresh. */
	for (k = order; k <= PMM_MAX_ORDER; k++) {
		if (free_list[k]) {
			pfn = virt_to_phys(free_list[k]) >> PAGE_SHIFT;
			r = region_of(pfn);
			if (!r)
				panic("pmm: free list %u holds %p, outside every "
				      "region", k, (void *)free_list[k]);
			break;
		}
		if (nfresh_blocks[k] && fresh_pick(k, &r, &pfn))
			break;
	}
	if (k > PMM_MAX_ORDER) {
		if (reclaim(order))
			goto again;
		return NULL;
	}

	fresh = block_take(r, k, pfn);
	/* Split: keep the lower half, free the upper, until small enough.
	 * Pieces of a fresh block are fresh too. */
	while (k > order) {
		k--;
		block_put(r, k, pfn + (1ULL << k), fresh);
	}
	bm_set(r, BM_ALLOC, order, pfn);
	free_pages -= 1ULL << order;
	return pfn_ptr(pfn);
}

void *page_alloc_zeroed(unsigned order)
{
	void *p = page_alloc(order);

	if (p)
		memset(p, 0, PAGE_SIZE << order);
	return p;
}

/* The region holding the allocated block of order k at p, or NULL. */
static struct pmm_region *alloc_block_region(const void *p, unsigned k)
{
	uint64_t pa = virt_to_phys(p), pfn = pa >> PAGE_SHIFT;
	struct pmm_region *r;

	if (k > PMM_MAX_ORDER || (pa & ((PAGE_SIZE << k) - 1)))
		return NULL;
	r = region_of(pfn);
	if (!r || !block_managed(r, k, pfn) || !bm_test(r, BM_ALLOC, k, pfn))
		return NULL;
	return r;
}

/* page_free, with the block kept fresh when untouched says it is and the
 * buddies it merges with are fresh too. */
static void free_block(void *p, unsigned order, bool untouched)
{
	struct pmm_region *r;
	uint64_t pfn;
	unsigned k = order;

	if (!p)
		return;
	r = alloc_block_region(p, order);
	if (!r) {
		/* Never a bad input, always a kernel bug: say where, and
		 * leak rather than corrupt the lists. */
		pr_err("pmm: page_free(%p, %u): not an allocated block "
		       "(double free, wrong order or foreign pointer)\n",
		       p, order);
		bad_frees++;
		return;
	}
	pfn = virt_to_phys(p) >> PAGE_SHIFT;
	bm_clear(r, BM_ALLOC, order, pfn);
	free_pages += 1ULL << order;

	/* Merge with the buddy while it is a free block of the same order. */
	while (k < PMM_MAX_ORDER) {
		uint64_t buddy = pfn ^ (1ULL << k);

		if (!block_managed(r, k, buddy) || !bm_test(r, BM_FREE, k, buddy))
			break;
		untouched &= block_take(r, k, buddy);
		pfn &= ~(1ULL << k);
		k++;
	}
	/* Part of it was just in use: linked, not fresh (unless the caller
	 * knows better). */
	block_put(r, k, pfn, untouched);
}

void page_free(void *p, unsigned order)
{
	free_block(p, order, false);
}

void page_free_untouched(void *p, unsigned order)
{
	free_block(p, order, true);
}

void *page_alloc_touched(unsigned min_order, unsigned max_order, unsigned *order)
{
	struct pmm_region *r;
	uint64_t pfn;

	max_order = MIN(max_order, PMM_MAX_ORDER);
	for (unsigned k = max_order + 1; k-- > min_order;) {
		if (!free_list[k])
			continue;
		pfn = virt_to_phys(free_list[k]) >> PAGE_SHIFT;
		r = region_of(pfn);
		if (!r)
			panic("pmm: free list %u holds %p, outside every region",
			      k, (void *)free_list[k]);
		block_take(r, k, pfn);
		bm_set(r, BM_ALLOC, k, pfn);
		free_pages -= 1ULL << k;
		*order = k;
		return pfn_ptr(pfn);
	}
	return NULL;
}

int page_block_order(const void *p)
{
	uint64_t pa = virt_to_phys(p);

	for (unsigned k = 0; k <= PMM_MAX_ORDER; k++) {
		if (pa & ((PAGE_SIZE << k) - 1))
			break;
		if (alloc_block_region(p, k))
			return (int)k;
	}
	return -EINVAL;
}

void pmm_stats(struct pmm_stats *s)
{
	s->total_pages = total_pages;
	s->free_pages = free_pages;
	s->meta_pages = meta_pages;
	s->bad_frees = bad_frees;
	s->regions = nregions;
	s->largest_free_order = -1u;
	for (unsigned k = 0; k < ORDERS; k++) {
		s->free_blocks[k] = nfree_blocks[k];
		if (nfree_blocks[k])
			s->largest_free_order = k;
	}
}

/* Set bits in n words. Not __builtin_popcountll: without -mpopcnt that is
 * a libgcc call, and the kernel links no libgcc. Bitmaps are sparse, so
 * clearing the lowest bit per step is quick. */
static uint64_t popcount_range(const uint64_t *w, uint64_t n)
{
	uint64_t c = 0;

	for (uint64_t i = 0; i < n; i++)
		for (uint64_t x = w[i]; x; x &= x - 1)
			c++;
	return c;
}

#define CHECK_FAIL(...)                                                      \
	do {                                                                 \
		pr_err("pmm_check: " __VA_ARGS__);                           \
		return -EFAULT;                                              \
	} while (0)

/* Checks shared by linked and fresh blocks. */
static int check_block(struct pmm_region *r, unsigned k, uint64_t pfn)
{
	if (!r || k > PMM_MAX_ORDER || !block_managed(r, k, pfn) ||
	    (pfn & ((1ULL << k) - 1)))
		CHECK_FAIL("block %#llx order %u: misplaced\n",
			   (unsigned long long)pfn << PAGE_SHIFT, k);
	if (!bm_test(r, BM_FREE, k, pfn) || bm_test(r, BM_ALLOC, k, pfn))
		CHECK_FAIL("block %#llx order %u: bitmap says not free\n",
			   (unsigned long long)pfn << PAGE_SHIFT, k);
	if (k < PMM_MAX_ORDER) {
		uint64_t buddy = pfn ^ (1ULL << k);

		if (block_managed(r, k, buddy) && bm_test(r, BM_FREE, k, buddy))
			CHECK_FAIL("block %#llx order %u: buddy free, not "
				   "merged\n",
				   (unsigned long long)pfn << PAGE_SHIFT, k);
	}
	return 0;
}

int pmm_check(void)
{
	uint64_t free_sum = 0, nbits[ORDERS] = { 0 }, nfresh[ORDERS] = { 0 };
	int err;

	for (unsigned i = 1; i < nregions; i++)
		if (regions[i - 1]->epfn > regions[i]->spfn)
			CHECK_FAIL("regions %u and %u overlap\n", i - 1, i);

	for (unsigned i = 0; i < nregions; i++) {
		struct pmm_region *r = regions[i];

		if (r->nfresh > r->fresh_cap)
			CHECK_FAIL("region %u: fresh table overflow\n", i);
		for (uint32_t j = 0; j < r->nfresh; j++) {
			unsigned k = r->fresh[j] & 0xff;
			uint64_t pfn = r->fresh[j] >> 8;

			err = check_block(r, k, pfn);
			if (err)
				return err;
			for (uint32_t l = j + 1; l < r->nfresh; l++)
				if (r->fresh[l] == r->fresh[j])
					CHECK_FAIL("fresh block %#llx listed "
						   "twice\n",
						   (unsigned long long)pfn
							   << PAGE_SHIFT);
			nfresh[k]++;
		}
	}

	for (unsigned k = 0; k < ORDERS; k++) {
		uint64_t n = 0;

		if (nfresh[k] != nfresh_blocks[k])
			CHECK_FAIL("order %u: %llu fresh, counter says %llu\n",
				   k, (unsigned long long)nfresh[k],
				   (unsigned long long)nfresh_blocks[k]);
		for (struct free_block *b = free_list[k]; b; b = b->next) {
			uint64_t pfn = virt_to_phys(b) >> PAGE_SHIFT;
			struct pmm_region *r = region_of(pfn);

			if (++n > nfree_blocks[k])
				CHECK_FAIL("order %u list longer than %llu\n",
					   k, (unsigned long long)nfree_blocks[k]);
			if (b->check != block_check(b, k) || b->region != r)
				CHECK_FAIL("block %p order %u: bad node\n",
					   (void *)b, k);
			err = check_block(r, k, pfn);
			if (err)
				return err;
			if (fresh_find(r, k, pfn) >= 0)
				CHECK_FAIL("block %p order %u: both linked and "
					   "fresh\n", (void *)b, k);
			if (b->next && b->next->prev != b)
				CHECK_FAIL("block %p order %u: broken link\n",
					   (void *)b, k);
		}
		if (n + nfresh[k] != nfree_blocks[k])
			CHECK_FAIL("order %u: %llu linked + %llu fresh, %llu "
				   "counted\n", k, (unsigned long long)n,
				   (unsigned long long)nfresh[k],
				   (unsigned long long)nfree_blocks[k]);
		free_sum += nfree_blocks[k] << k;
	}
	if (free_sum != free_pages)
		CHECK_FAIL("%llu pages in free blocks, counter says %llu\n",
			   (unsigned long long)free_sum,
			   (unsigned long long)free_pages);

	/* Every free bit must belong to a listed block. */
	for (unsigned i = 0; i < nregions; i++) {
		struct pmm_region *r = regions[i];

		for (unsigned k = 0; k < ORDERS; k++) {
			uint64_t end = k + 1 < ORDERS ? r->off[k + 1] : r->nwords;

			nbits[k] += popcount_range(&r->bits[r->off[k]],
						   end - r->off[k]);
		}
	}
	for (unsigned k = 0; k < ORDERS; k++)
		if (nbits[k] != nfree_blocks[k])
			CHECK_FAIL("order %u: %llu free bits, %llu blocks\n", k,
				   (unsigned long long)nbits[k],
				   (unsigned long long)nfree_blocks[k]);

	/* And every page is free or in an allocated block: the allocated
	 * bitmaps, weighted by order, sum to the rest (no page lost). */
	uint64_t used = 0;
	for (unsigned i = 0; i < nregions; i++) {
		struct pmm_region *r = regions[i];

		for (unsigned k = 0; k < ORDERS; k++) {
			uint64_t end = k + 1 < ORDERS ? r->off[k + 1] : r->nwords;

			used += popcount_range(&r->bits[r->nwords + r->off[k]],
					       end - r->off[k]) << k;
		}
	}
	if (used + free_pages != total_pages)
		CHECK_FAIL("%llu pages allocated + %llu free, %llu managed\n",
			   (unsigned long long)used,
			   (unsigned long long)free_pages,
			   (unsigned long long)total_pages);
	return 0;
}

#ifdef UNIT_TEST
void pmm_reset(void)
{
	memset(free_list, 0, sizeof(free_list));
	memset(nfree_blocks, 0, sizeof(nfree_blocks));
	memset(nfresh_blocks, 0, sizeof(nfresh_blocks));
	memset(regions, 0, sizeof(regions));
	nregions = 0;
	total_pages = free_pages = meta_pages = bad_frees = 0;
	reclaim_fn = NULL;
	reclaiming = false;
}
#endif
