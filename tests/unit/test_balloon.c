// SPDX-License-Identifier: MIT
/* Host tests for the balloon's page accounting (drivers/virtio/
 * balloon_pages.c) over the real page allocator (kern/mm/pmm.c): every
 * page taken is held, leaving or back in the allocator, whatever order
 * inflates, deflates, deflate-on-OOM and a failing device come in; the
 * audit and pmm_check agree after each step, and emptying the balloon
 * gives back exactly the pages it took. The arena and the driver's way of
 * staging pages are the simulation shared with the fuzzer
 * (balloon_sim.c). */
#include "unit.h"
#include "stubs.h"
#include "balloon_sim.h"
#include <drivers/virtio_balloon.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/panic.h>

#define MiB (1024ULL * 1024)

static uint32_t pfns[BALLOON_BATCH_PFNS];

UNIT(inflate_deflate_round_trip)
{
	struct balloon_pages bp;

	bsim_setup(64 * MiB);
	uint64_t base = bsim_free_pages();
	CHECK_EQ(bpages_init(&bp), 0);
	/* 40 MiB in batches of at most one request's frame numbers. */
	while (bp.held_pages < 10240) {
		uint64_t want = 10240 - bp.held_pages;
		uint64_t got = bsim_stage(&bp, want < 4096 ? want : 4096, BALLOON_MAX_ORDER);
		CHECK(got > 0);
		CHECK_EQ(bpages_reserve(&bp, bp.nstage), 0);
		uint32_t n = bpages_stage_pfns(&bp, pfns, BALLOON_BATCH_PFNS);
		CHECK_EQ(n, got * BALLOON_SUBPAGES);
		/* Frame numbers are the blocks' pages, all in RAM. */
		CHECK(bsim_pfns_in_arena(pfns, n));
		CHECK_EQ(bpages_audit(&bp), 0);
		CHECK_EQ(bpages_commit(&bp), 0);
		CHECK_EQ(bpages_audit(&bp), 0);
	}
	CHECK_EQ(bp.held_pages, 10240);
	CHECK_EQ(bsim_free_pages() + bpages_kernel_pages(&bp) + bp.nchunks, base);
	/* Deflate in batches: pop, tell, release. */
	while (bp.held) {
		void *b;
		for (int i = 0; i < 5 && bp.held; i++)
			CHECK(bpages_pop(&bp, &b) >= 0);
		CHECK_EQ(bpages_device_pages(&bp), bp.held_pages + bp.leaving_pages);
		uint64_t nent;
		uint32_t n = bpages_leaving_pfns(&bp, pfns, BALLOON_BATCH_PFNS, &nent);
		CHECK(n > 0);
		CHECK_EQ(nent, bp.n - bp.held);
		CHECK_EQ(bpages_audit(&bp), 0);
		bpages_release(&bp, nent);
		CHECK_EQ(bpages_audit(&bp), 0);
	}
	CHECK_EQ(bpages_device_pages(&bp), 0);
	CHECK_EQ(bp.nchunks, 1);          /* the spare */
	CHECK_EQ(bsim_free_pages() + 1, base);
	bpages_release(&bp, 0);
	CHECK_EQ(bp.nchunks, 1);
	bpages_fini(&bp);
	CHECK_EQ(bsim_free_pages(), base);
	CHECK_EQ(unit_printk_errors, 0);
}

/* Deflate-on-OOM frees at once; the device is told later; an inflate
 * committed meanwhile keeps held and leaving entries apart. */
UNIT(oom_then_inflate)
{
	struct balloon_pages bp;
	void *b;

	bsim_setup(32 * MiB);
	uint64_t base = bsim_free_pages();
	CHECK_EQ(bpages_init(&bp), 0);
	CHECK_EQ(bpages_pop_free(&bp), 0);
	CHECK(bpages_pop(&bp, &b) == -ENOENT);
	CHECK_EQ(bsim_stage(&bp, 2048, 0), 2048);    /* single pages */
	CHECK_EQ(bpages_reserve(&bp, bp.nstage), 0);
	CHECK_EQ(bpages_commit(&bp), 0);
	CHECK_EQ(bpages_pop_free(&bp), 1);
	CHECK_EQ(bpages_pop_free(&bp), 1);
	CHECK(bpages_pop(&bp, &b) == 0);        /* one leaving, not freed */
	CHECK_EQ(bp.leaving_pages, 3);
	CHECK_EQ(bp.leaving_freed_pages, 2);
	CHECK_EQ(bpages_kernel_pages(&bp), 2046);
	CHECK_EQ(bpages_device_pages(&bp), 2048);
	CHECK_EQ(bpages_audit(&bp), 0);
	/* An inflate arrives before the device was told. */
	CHECK_EQ(bsim_stage(&bp, 600, BALLOON_MAX_ORDER), 600);
	CHECK_EQ(bpages_reserve(&bp, bp.nstage), 0);
	CHECK_EQ(bpages_commit(&bp), 0);
	CHECK_EQ(bpages_audit(&bp), 0);
	CHECK_EQ(bp.held_pages, 2045 + 600);
	CHECK_EQ(bp.leaving_pages, 3);
	/* Tell in small requests: only whole blocks. */
	uint64_t nent;
	CHECK_EQ(bpages_leaving_pfns(&bp, pfns, 1, &nent), 1);
	CHECK_EQ(nent, 1);
	bpages_release(&bp, nent);
	CHECK_EQ(bpages_leaving_pfns(&bp, pfns, BALLOON_BATCH_PFNS, &nent), 2);
	bpages_release(&bp, nent);
	CHECK_EQ(bp.leaving_pages, 0);
	CHECK_EQ(bp.leaving_freed_pages, 0);
	CHECK_EQ(bpages_audit(&bp), 0);
	/* The device fails: everything comes back, the staged too. */
	CHECK_EQ(bsim_stage(&bp, 100, 3), 100);
	bpages_pop_free(&bp);
	bpages_pop(&bp, &b);
	bpages_release_all(&bp);
	CHECK_EQ(bpages_kernel_pages(&bp), 0);
	CHECK_EQ(bsim_free_pages() + bp.nchunks, base);
	CHECK_EQ(bpages_audit(&bp), 0);
	bpages_fini(&bp);
}

/* A stage of more blocks than a request holds is refused, not overrun;
 * frame numbers never run past max. */
UNIT(stage_bounds)
{
	struct balloon_pages bp;

	bsim_setup(32 * MiB);
	CHECK_EQ(bpages_init(&bp), 0);
	CHECK_EQ(bsim_stage(&bp, BALLOON_BATCH_PFNS + 10, 0), BALLOON_BATCH_PFNS);
	CHECK_EQ(bpages_stage_pfns(&bp, pfns, 100), 100);
	bpages_unstage(&bp);
	CHECK_EQ(bsim_stage(&bp, 1024, 9), 1024);   /* two 2 MiB blocks */
	CHECK_EQ(bpages_stage_pfns(&bp, pfns, 1000), 512);
	/* Commit without room reserved: refused, nothing lost. */
	CHECK_EQ(bpages_commit(&bp), -ENOMEM);
	CHECK_EQ(bpages_audit(&bp), 0);
	bpages_release_all(&bp);
	CHECK_EQ(bpages_audit(&bp), 0);
	bpages_fini(&bp);
}

UNIT(targets)
{
	CHECK_EQ(balloon_target_pages(0, 1000), 0);
	CHECK_EQ(balloon_target_pages(500, 1000), 500 / BALLOON_SUBPAGES);
	/* Not a sensible page count: more than there is. */
	CHECK_EQ(balloon_target_pages(0xffffffffu, 1000), 1000);
	CHECK_EQ(balloon_floor_pages(32768, 1024, 32), 1024 + 1024);
	CHECK_EQ(balloon_floor_pages(100, 1024, 32), 100);
	CHECK_EQ(balloon_inflate_room(500, 2000, 1800), 200);
	CHECK_EQ(balloon_inflate_room(100, 2000, 1800), 100);
	CHECK_EQ(balloon_inflate_room(500, 1000, 1800), 0);
}

/* Random operations against a count kept by the test. */
UNIT(random_ops)
{
	struct balloon_pages bp;
	unsigned seed = 12345;

	bsim_setup(48 * MiB);
	uint64_t base = bsim_free_pages();
	CHECK_EQ(bpages_init(&bp), 0);
	for (int step = 0; step < 3000; step++) {
		seed = seed * 1103515245 + 12345;
		unsigned op = (seed >> 16) % 6, arg = (seed >> 8) % 700;
		void *b;
		uint64_t nent;

		switch (op) {
		case 0: case 1:
			if (bsim_stage(&bp, arg, (seed >> 4) % 10) && !bpages_reserve(&bp, bp.nstage))
				CHECK_EQ(bpages_commit(&bp), 0);
			else
				bpages_unstage(&bp);
			break;
		case 2:
			for (unsigned i = 0; i < arg % 20; i++)
				bpages_pop(&bp, &b);
			break;
		case 3:
			for (unsigned i = 0; i < arg % 7; i++)
				bpages_pop_free(&bp);
			break;
		case 4:
			bpages_leaving_pfns(&bp, pfns, 1 + arg * 8, &nent);
			bpages_release(&bp, nent);
			break;
		case 5:
			if (arg < 10)
				bpages_release_all(&bp);
			break;
		}
		if (step % 100 == 0 || op == 5)
			CHECK_EQ(bpages_audit(&bp), 0);
		CHECK_EQ(bsim_free_pages() + bpages_kernel_pages(&bp) + bp.nchunks, base);
	}
	bpages_release_all(&bp);
	CHECK_EQ(bsim_free_pages() + bp.nchunks, base);
	CHECK_EQ(bpages_audit(&bp), 0);
	bpages_fini(&bp);
	CHECK_EQ(bsim_free_pages(), base);
	CHECK_EQ(unit_printk_errors, 0);
}

UNIT_MAIN()
