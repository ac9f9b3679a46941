// SPDX-License-Identifier: MIT
/* The balloon's page accounting (virtio 1.2 §5.5.6): which blocks of the
 * page allocator it holds, which it has sent and not had acknowledged,
 * which are on their way back. Pure logic over <kern/pmm.h>, host
 * unit-tested (tests/unit/test_balloon.c); the layout is described in
 * <drivers/virtio_balloon.h>.
 *
 * Why a list of its own: a page in the balloon belongs to the host, which
 * has discarded it; writing a list node into it would fault it back in on
 * the host (and a deflate must find the same blocks). So entries live in
 * chunk pages the balloon allocates, 512 to a page, and they cost the
 * kernel 8 bytes per block held (one 4 KiB page per 2 GiB of 2 MiB
 * blocks, per 2 MiB when memory is so fragmented that only single pages
 * are left).
 *
 * Blocks leaving the balloon go back to the allocator as untouched
 * (page_free_untouched): the host has discarded them, and a free-list
 * node written into each would fault a page (a 2 MiB one with host huge
 * pages) back in on the host for nothing; deflating 1 GiB spent most of
 * its time there. */
#include <drivers/virtio_balloon.h>
#include <kern/dma.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <stdlib.h>
#include <string.h>

#define PER_CHUNK       (PAGE_SIZE / sizeof(uint64_t))
#define E_ORDER_MASK    0x1full
#define E_FREED         0x20ull
#define E_PFN_SHIFT     6

static uint64_t entry(uint64_t pfn, unsigned order, bool freed)
{
	return pfn << E_PFN_SHIFT | (freed ? E_FREED : 0) | order;
}

static unsigned e_order(uint64_t e) { return (unsigned)(e & E_ORDER_MASK); }
static uint64_t e_pfn(uint64_t e) { return e >> E_PFN_SHIFT; }
static bool e_freed(uint64_t e) { return e & E_FREED; }
static void *e_block(uint64_t e) { return phys_to_virt(e_pfn(e) << PAGE_SHIFT); }

static uint64_t *slot(const struct balloon_pages *bp, uint64_t i)
{
	return &bp->chunk[i / PER_CHUNK][i % PER_CHUNK];
}

int bpages_init(struct balloon_pages *bp)
{
	memset(bp, 0, sizeof(*bp));
	bp->stage = malloc(BALLOON_BATCH_PFNS * sizeof(uint64_t));
	return bp->stage ? 0 : -ENOMEM;
}

int bpages_reserve(struct balloon_pages *bp, uint64_t k)
{
	uint64_t need = (bp->n + k + PER_CHUNK - 1) / PER_CHUNK;

	if (need > bp->dir_cap) {
		uint64_t cap = MAX(need, 2 * bp->dir_cap);
		uint64_t **d = realloc(bp->chunk, cap * sizeof(*d));

		if (!d)
			return -ENOMEM;
		bp->chunk = d;
		bp->dir_cap = cap;
	}
	while (bp->nchunks < need) {
		uint64_t *c = page_alloc(0);

		if (!c)
			return -ENOMEM;
		bp->chunk[bp->nchunks++] = c;
	}
	return 0;
}

/* Keep one spare chunk past the last one in use, so that a target that
 * swings around a chunk boundary does not allocate and free a page per
 * block. */
static void trim(struct balloon_pages *bp)
{
	uint64_t keep = (bp->n + PER_CHUNK - 1) / PER_CHUNK + 1;

	while (bp->nchunks > keep)
		page_free(bp->chunk[--bp->nchunks], 0);
	if (!bp->nchunks) {
		free(bp->chunk);
		bp->chunk = NULL;
		bp->dir_cap = 0;
	}
}

int bpages_stage(struct balloon_pages *bp, void *block, unsigned order)
{
	uint64_t pa = virt_to_phys(block);
	uint64_t last = (pa >> VIRTIO_BALLOON_PFN_SHIFT) +
			(BALLOON_SUBPAGES << order) - 1;

	if (order > E_ORDER_MASK || bp->nstage >= BALLOON_BATCH_PFNS)
		return -ENOSPC;
	/* §5.5.6: frame numbers are 32 bits; RAM past 16 TiB cannot go. */
	if (last > UINT32_MAX)
		return -ERANGE;
	bp->stage[bp->nstage++] = entry(pa >> PAGE_SHIFT, order, false);
	bp->stage_pages += 1ull << order;
	return 0;
}

static uint32_t block_pfns(uint64_t e, uint32_t *pfns)
{
	uint32_t first = (uint32_t)(e_pfn(e) * BALLOON_SUBPAGES);
	uint32_t n = (uint32_t)(BALLOON_SUBPAGES << e_order(e));

	for (uint32_t i = 0; i < n; i++)
		pfns[i] = first + i;
	return n;
}

uint32_t bpages_stage_pfns(const struct balloon_pages *bp, uint32_t *pfns,
			   uint32_t max)
{
	uint32_t k = 0;

	for (uint32_t i = 0; i < bp->nstage; i++) {
		if ((BALLOON_SUBPAGES << e_order(bp->stage[i])) > max - k)
			break;
		k += block_pfns(bp->stage[i], pfns + k);
	}
	return k;
}

int bpages_commit(struct balloon_pages *bp)
{
	if ((bp->n + bp->nstage + PER_CHUNK - 1) / PER_CHUNK > bp->nchunks)
		return -ENOMEM;
	for (uint32_t i = 0; i < bp->nstage; i++) {
		/* Keep [held, n) contiguous: the leaving entry at held moves
		 * to the end, the new one takes its place. */
		if (bp->n > bp->held)
			*slot(bp, bp->n) = *slot(bp, bp->held);
		*slot(bp, bp->held) = bp->stage[i];
		bp->held++;
		bp->n++;
	}
	bp->held_pages += bp->stage_pages;
	bp->nstage = 0;
	bp->stage_pages = 0;
	return 0;
}

void bpages_unstage(struct balloon_pages *bp)
{
	for (uint32_t i = 0; i < bp->nstage; i++)
		page_free(e_block(bp->stage[i]), e_order(bp->stage[i]));
	bp->nstage = 0;
	bp->stage_pages = 0;
}

int bpages_pop(struct balloon_pages *bp, void **block)
{
	uint64_t e;

	if (!bp->held)
		return -ENOENT;
	e = *slot(bp, --bp->held);
	bp->held_pages -= 1ull << e_order(e);
	bp->leaving_pages += 1ull << e_order(e);
	*block = e_block(e);
	return (int)e_order(e);
}

uint64_t bpages_pop_free(struct balloon_pages *bp)
{
	uint64_t *s, pages;

	if (!bp->held)
		return 0;
	s = slot(bp, --bp->held);
	pages = 1ull << e_order(*s);
	bp->held_pages -= pages;
	bp->leaving_pages += pages;
	bp->leaving_freed_pages += pages;
	*s |= E_FREED;
	page_free_untouched(e_block(*s), e_order(*s));
	return pages;
}

uint32_t bpages_leaving_pfns(const struct balloon_pages *bp, uint32_t *pfns,
			     uint32_t max, uint64_t *nent)
{
	uint32_t k = 0;
	uint64_t i = bp->n;

	while (i > bp->held) {
		uint64_t e = *slot(bp, i - 1);

		if ((BALLOON_SUBPAGES << e_order(e)) > max - k)
			break;
		k += block_pfns(e, pfns + k);
		i--;
	}
	*nent = bp->n - i;
	return k;
}

void bpages_release(struct balloon_pages *bp, uint64_t nent)
{
	nent = MIN(nent, bp->n - bp->held);
	while (nent--) {
		uint64_t e = *slot(bp, --bp->n);
		uint64_t pages = 1ull << e_order(e);

		bp->leaving_pages -= pages;
		if (e_freed(e))
			bp->leaving_freed_pages -= pages;
		else
			page_free_untouched(e_block(e), e_order(e));
	}
	trim(bp);
}

void bpages_release_all(struct balloon_pages *bp)
{
	bpages_unstage(bp);
	while (bp->held)
		bpages_pop_free(bp);
	bpages_release(bp, bp->n);
}

void bpages_fini(struct balloon_pages *bp)
{
	bpages_release_all(bp);
	while (bp->nchunks)
		page_free(bp->chunk[--bp->nchunks], 0);
	free(bp->chunk);
	free(bp->stage);
	memset(bp, 0, sizeof(*bp));
}

uint64_t bpages_device_pages(const struct balloon_pages *bp)
{
	return bp->held_pages + bp->leaving_pages;
}

uint64_t bpages_kernel_pages(const struct balloon_pages *bp)
{
	return bp->held_pages + bp->stage_pages + bp->leaving_pages -
	       bp->leaving_freed_pages;
}

#define AUDIT_FAIL(...)                                                      \
	do {                                                                 \
		pr_err("balloon audit: " __VA_ARGS__);                       \
		return -EFAULT;                                              \
	} while (0)

/* Is e an allocated block of its order (when not freed)? */
static int audit_entry(uint64_t e, const char *what, uint64_t i)
{
	if (e_freed(e))
		return 0;
	if (page_block_order(e_block(e)) != (int)e_order(e))
		AUDIT_FAIL("%s entry %llu (%#llx, order %u) is not an allocated "
			   "block of its order\n", what, (unsigned long long)i,
			   (unsigned long long)(e_pfn(e) << PAGE_SHIFT), e_order(e));
	return 0;
}

int bpages_audit(const struct balloon_pages *bp)
{
	uint64_t held = 0, leaving = 0, freed = 0, staged = 0;

	if (bp->held > bp->n || bp->n > bp->nchunks * PER_CHUNK)
		AUDIT_FAIL("%llu held of %llu entries in %llu chunks\n",
			   (unsigned long long)bp->held, (unsigned long long)bp->n,
			   (unsigned long long)bp->nchunks);
	for (uint64_t i = 0; i < bp->n; i++) {
		uint64_t e = *slot(bp, i);

		if (i < bp->held && e_freed(e))
			AUDIT_FAIL("held entry %llu marked freed\n",
				   (unsigned long long)i);
		if (audit_entry(e, i < bp->held ? "held" : "leaving", i))
			return -EFAULT;
		if (i < bp->held)
			held += 1ull << e_order(e);
		else
			leaving += 1ull << e_order(e);
		if (e_freed(e))
			freed += 1ull << e_order(e);
	}
	for (uint32_t i = 0; i < bp->nstage; i++) {
		if (audit_entry(bp->stage[i], "staged", i))
			return -EFAULT;
		staged += 1ull << e_order(bp->stage[i]);
	}
	if (held != bp->held_pages || leaving != bp->leaving_pages ||
	    freed != bp->leaving_freed_pages || staged != bp->stage_pages)
		AUDIT_FAIL("counted %llu held, %llu leaving (%llu freed), %llu "
			   "staged; counters say %llu, %llu (%llu), %llu\n",
			   (unsigned long long)held, (unsigned long long)leaving,
			   (unsigned long long)freed, (unsigned long long)staged,
			   (unsigned long long)bp->held_pages,
			   (unsigned long long)bp->leaving_pages,
			   (unsigned long long)bp->leaving_freed_pages,
			   (unsigned long long)bp->stage_pages);
	return pmm_check();
}

/* ---- targets ---------------------------------------------------------------- */

uint64_t balloon_target_pages(uint32_t num_pages, uint64_t total_pages)
{
	/* Round up: a partial kernel page would leave the device short. */
	uint64_t k = ((uint64_t)num_pages + BALLOON_SUBPAGES - 1) / BALLOON_SUBPAGES;

	return MIN(k, total_pages);
}

uint64_t balloon_floor_pages(uint64_t total_pages, uint64_t floor_min,
			     unsigned floor_div)
{
	uint64_t f = floor_min + (floor_div ? total_pages / floor_div : 0);

	return MIN(f, total_pages);
}

uint64_t balloon_inflate_room(uint64_t want, uint64_t free_pages, uint64_t floor)
{
	return free_pages > floor ? MIN(want, free_pages - floor) : 0;
}
