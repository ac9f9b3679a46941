// SPDX-License-Identifier: MIT
/* libFuzzer harness: virtio-balloon's page accounting (drivers/virtio/
 * balloon_pages.c) over the real page allocator, driven the way the driver
 * drives it by a device that sets any num_pages and answers each request
 * as it likes (taken, or failed: the core resets it), with deflate-on-OOM
 * calls in between. After every step the audit passes, every frame number
 * sent lies in RAM, and no page is lost: free + in the balloon + the
 * balloon's own list pages == what was free at the start. The arena and
 * the driver's staging loop are the unit test's (tests/unit/balloon_sim.c). */
#include "fuzz.h"
#include "../unit/balloon_sim.h"
#include <drivers/virtio_balloon.h>
#include <kern/panic.h>

void panic(const char *fmt, ...)
{
	(void)fmt;
	abort();
}

#define ARENA_SIZE (8u << 20)
#define FZ_BATCH   128u

static uint32_t pfns[BALLOON_BATCH_PFNS];

static void check_pfns(uint32_t n)
{
	if (!bsim_pfns_in_arena(pfns, n))
		abort();
}

/* The driver's inflate: up to want pages, blocks of at most max_order,
 * leaving floor free; the device takes them or fails. */
static void inflate(struct balloon_pages *bp, uint64_t want, unsigned max_order,
		    uint64_t floor, bool fail)
{
	uint64_t room = balloon_inflate_room(want, bsim_free_pages(), floor);

	/* Smaller batches than the driver's 4096 pages keep an execution
	 * well under a millisecond; the arithmetic is the same. */
	room = room < FZ_BATCH ? room : FZ_BATCH;
	uint64_t got = bsim_stage(bp, room, max_order % (BALLOON_MAX_ORDER + 1));
	if (!got)
		return;
	if (bpages_reserve(bp, bp->nstage)) {
		bpages_unstage(bp);
		return;
	}
	uint32_t n = bpages_stage_pfns(bp, pfns, BALLOON_BATCH_PFNS);
	if (n != got * BALLOON_SUBPAGES)
		abort();
	check_pfns(n);
	if (fail) {
		bpages_release_all(bp);
		return;
	}
	if (bpages_commit(bp))
		abort();
}

static void tell(struct balloon_pages *bp, uint32_t max, bool fail)
{
	uint64_t nent;
	uint32_t n = bpages_leaving_pfns(bp, pfns, max ? max : 1, &nent);

	check_pfns(n);
	if (n > (max ? max : 1))
		abort();
	if (fail)
		bpages_release_all(bp);
	else
		bpages_release(bp, nent);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	struct balloon_pages bp;

	bsim_setup(ARENA_SIZE);
	struct pmm_stats ps;
	pmm_stats(&ps);
	uint64_t base = ps.free_pages;
	uint64_t floor = balloon_floor_pages(ps.total_pages, fz_u8(&f), fz_u8(&f) % 64);
	if (bpages_init(&bp))
		abort();
	while (!fz_empty(&f)) {
		uint8_t op = fz_u8(&f);
		bool fail = (op & 0xc0) == 0xc0;

		switch (op & 7) {
		case 0: case 1: case 2: {
			/* A new num_pages: the driver moves one batch. */
			uint64_t t = balloon_target_pages(fz_u32(&f), ps.total_pages);
			if (t > ps.total_pages)
				abort();
			if (bp.n > bp.held)
				tell(&bp, BALLOON_BATCH_PFNS, fail);
			else if (bp.held_pages < t)
				inflate(&bp, t - bp.held_pages, fz_u8(&f), floor, fail);
			else if (bp.held_pages > t) {
				void *b;
				uint64_t p = 0;
				while (p < bp.held_pages - t && bp.held &&
				       p < FZ_BATCH) {
					int k = bpages_pop(&bp, &b);
					if (k < 0)
						abort();
					p += 1ull << k;
				}
				tell(&bp, BALLOON_BATCH_PFNS, fail);
			}
			break;
		}
		case 3: case 4:
			/* Deflate-on-OOM. */
			for (unsigned i = fz_u8(&f) % 16; i; i--)
				bpages_pop_free(&bp);
			break;
		case 5:
			tell(&bp, fz_u16(&f) % (2 * FZ_BATCH + 1), fail);
			break;
		case 6: {
			/* The kernel allocates and frees around the balloon. */
			void *b = page_alloc(fz_u8(&f) % 6);
			if (b)
				page_free(b, (unsigned)page_block_order(b));
			break;
		}
		case 7:
			bpages_release_all(&bp);
			break;
		}
		if (bsim_free_pages() + bpages_kernel_pages(&bp) + bp.nchunks != base)
			abort();
		if (bpages_device_pages(&bp) < bp.held_pages)
			abort();
	}
	if (bpages_audit(&bp))
		abort();
	bpages_fini(&bp);
	if (bsim_free_pages() != base || pmm_check())
		abort();
	return 0;
}
