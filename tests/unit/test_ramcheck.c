// SPDX-License-Identifier: MIT
/* kern/mm/ramcheck.c against a simulated physical memory: RAM in
 * [ram_lo, ram_hi), anything else fails its probe. What is kept, where the
 * bad page is named, that known pages are never probed, and that the
 * number of probes stays small for huge ranges. */
#include <kern/errno.h>
#include <kern/ramcheck.h>
#include "unit.h"

#define PG RAMCHECK_PAGE
#define GiB (1ULL << 30)
#define MiB (1ULL << 20)

struct sim {
	uint64_t ram_lo, ram_hi;        /* RAM */
	uint64_t known_lo, known_hi;    /* known RAM: must not be probed */
	int err;                        /* what a bad probe says */
	int known_probed;
};

static int sim_probe(uint64_t pa, void *ctx)
{
	struct sim *s = ctx;

	CHECK_EQ(pa % PG, 0);
	if (pa >= s->known_lo && pa < s->known_hi)
		s->known_probed++;
	return pa >= s->ram_lo && pa < s->ram_hi ? 0 : s->err;
}

static bool sim_known(uint64_t pa, void *ctx)
{
	struct sim *s = ctx;

	return pa >= s->known_lo && pa < s->known_hi;
}

static int run(struct sim *s, uint64_t base, uint64_t size, struct ramcheck_result *r)
{
	struct ramcheck_ops ops = { sim_probe, sim_known, s };

	if (!s->err)
		s->err = -EIO;
	return ramcheck_range(base, size, &ops, r);
}

UNIT(all_ram_kept)
{
	struct sim s = { .ram_lo = GiB, .ram_hi = GiB + 128 * MiB };
	struct ramcheck_result r;

	CHECK_EQ(run(&s, GiB, 128 * MiB, &r), 0);
	CHECK_EQ(r.keep, 128 * MiB);
	CHECK_EQ(r.bad_err, 0);
	CHECK(r.probes <= RAMCHECK_POINTS);
}

UNIT(no_ram_dropped)
{
	/* QEMU virt's flash at 0, an empty PCI window: nothing is RAM. */
	struct sim s = { .ram_lo = GiB, .ram_hi = GiB + 128 * MiB, .err = -ENODEV };
	struct ramcheck_result r;

	CHECK_EQ(run(&s, 0, 128 * MiB, &r), -ENODEV);
	CHECK_EQ(r.keep, 0);
	CHECK_EQ(r.bad_pa, 0);
	CHECK_EQ(r.bad_err, -ENODEV);
	CHECK_EQ(r.probes, 1);
}

UNIT(unaligned_base_probes_first_whole_page)
{
	/* ram@ffffffff: the first whole page is 4 GiB, past RAM. */
	struct sim s = { .ram_lo = GiB, .ram_hi = GiB + 128 * MiB };
	struct ramcheck_result r;

	CHECK_EQ(run(&s, 0xffffffffULL, 128 * MiB, &r), -EIO);
	CHECK_EQ(r.keep, 0);
	CHECK_EQ(r.bad_pa, 4 * GiB);
}

UNIT(overstated_size_trimmed_to_the_page)
{
	/* RAM 128 MiB, firmware says 4 GiB: keep exactly 128 MiB. */
	struct sim s = { .ram_lo = GiB, .ram_hi = GiB + 128 * MiB };
	struct ramcheck_result r;

	CHECK_EQ(run(&s, GiB, 4 * GiB, &r), -EIO);
	CHECK_EQ(r.keep, 128 * MiB);
	CHECK_EQ(r.bad_pa, GiB + 128 * MiB);
	/* 16 points, then about log2(pages between two points) = 16. */
	CHECK(r.probes <= RAMCHECK_POINTS + 20);
}

UNIT(tail_in_ram_then_beyond)
{
	/* Fuzzer find 2-10: ram@47ff0000 of 0x9d25518a bytes, the first
	 * 64 KiB of it RAM. Ends mid-page; the kept part ends at RAM's end. */
	struct sim s = { .ram_lo = GiB, .ram_hi = GiB + 128 * MiB };
	struct ramcheck_result r;

	CHECK_EQ(run(&s, 0x47ff0000ULL, 0x9d25518aULL, &r), -EIO);
	CHECK_EQ(r.keep, 0x10000);
	CHECK_EQ(r.bad_pa, 0x48000000ULL);
}

UNIT(known_pages_never_probed)
{
	/* The kernel and the tree are known RAM: counted good, not written,
	 * even when the bisection lands on them. */
	struct sim s = { .ram_lo = GiB, .ram_hi = GiB + 128 * MiB,
			 .known_lo = GiB, .known_hi = GiB + 200 * MiB };
	struct ramcheck_result r;

	run(&s, GiB, 256 * MiB, &r);
	CHECK_EQ(s.known_probed, 0);
	/* Known RAM counts as RAM even past where the probe would fail. */
	CHECK(r.keep >= 200 * MiB);
	CHECK(r.keep < 256 * MiB);
}

UNIT(huge_range_few_probes)
{
	struct sim s = { .ram_lo = 0x100000000000ULL, .ram_hi = 0x100000000000ULL + GiB };
	struct ramcheck_result r;

	CHECK_EQ(run(&s, 0x100000000000ULL, 1ULL << 46, &r), -EIO);
	CHECK_EQ(r.keep, GiB);
	CHECK(r.probes <= RAMCHECK_POINTS + 40);
}

UNIT(small_and_empty_ranges)
{
	struct sim s = { .ram_lo = GiB, .ram_hi = GiB + MiB };
	struct ramcheck_result r;

	/* No whole page: kept as is, nothing probed. */
	CHECK_EQ(run(&s, 0x10, 0xff0, &r), 0);
	CHECK_EQ(r.keep, 0xff0);
	CHECK_EQ(r.probes, 0);
	CHECK_EQ(run(&s, 5, 0, &r), 0);
	CHECK_EQ(r.keep, 0);
	/* Near the top of the address space: no wrap in the arithmetic. */
	CHECK_EQ(run(&s, UINT64_MAX - 0x2000, 0x2000, &r), -EIO);
	CHECK_EQ(r.keep, 0);
	CHECK_EQ(run(&s, UINT64_MAX - 10, 10, &r), 0);
	CHECK_EQ(r.probes, 0);
	/* One page, two pages. */
	CHECK_EQ(run(&s, GiB, PG, &r), 0);
	CHECK_EQ(r.probes, 1);
	CHECK_EQ(run(&s, GiB + MiB - PG, 2 * PG, &r), -EIO);
	CHECK_EQ(r.keep, PG);
}

UNIT(every_boundary)
{
	/* For every place RAM can end in a 40-page range, the kept part
	 * ends exactly there. */
	for (uint64_t end = 1; end <= 40; end++) {
		struct sim s = { .ram_lo = GiB, .ram_hi = GiB + end * PG };
		struct ramcheck_result r;

		run(&s, GiB, 40 * PG, &r);
		CHECK_EQ(r.keep, end * PG);
	}
}

UNIT_MAIN()
