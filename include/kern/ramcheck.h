/* SPDX-License-Identifier: MIT */
/* Is a range that firmware calls RAM really RAM? Firmware (a device tree's
 * memory nodes, an E820 table) can name RAM where there is none: flash,
 * device registers, an empty bus window, addresses past the CPU's
 * physical address size. The page allocator writes its bookkeeping into
 * the first pages it is given, so such a range must be refused before,
 * never discovered by a fault after. The arch code knows how to touch an
 * address safely (a probe whose abort is caught); this file decides where
 * to touch and what to keep.
 *
 * Pure logic: host unit-tested with a simulated memory. */
#ifndef KERN_RAMCHECK_H
#define KERN_RAMCHECK_H

#include <kern/compiler.h>

#define RAMCHECK_PAGE   4096ULL
/* Pages probed at evenly spaced points, first and last included, before
 * the search for where RAM ends. */
#define RAMCHECK_POINTS 16

struct ramcheck_ops {
	/* Write, read back and restore at pa (page-aligned, mapped by the
	 * caller's arrangement). @return 0 if it behaved as RAM, else a
	 * negative errno saying why not (-EIO abort, -ENODEV read back). */
	int (*probe)(uint64_t pa, void *ctx);
	/* Is the page at pa known to be RAM (the kernel, the device tree, a
	 * reservation): counted good without a probe, never written. */
	bool (*known)(uint64_t pa, void *ctx);
	void *ctx;
};

struct ramcheck_result {
	uint64_t keep;          /* bytes from base that are RAM: 0 .. size */
	uint64_t bad_pa;        /* the first page found not to be RAM */
	int bad_err;            /* what the probe said there; 0 if keep == size */
	unsigned probes;        /* how many probes ran */
};

/* Check [base, base + size) (base + size must not wrap): probe the first
 * whole page, the last and RAMCHECK_POINTS - 2 evenly between. At the
 * first page that fails, bisect down to the page between it and the last
 * good point: RAM that firmware overstated keeps its real part. A range
 * whose first page fails keeps nothing. A range without a whole page is
 * kept as it is (no page of it can reach the allocator).
 * @return 0 (all of it kept) or the bad probe's errno; *res says what to
 * keep either way. */
int ramcheck_range(uint64_t base, uint64_t size, const struct ramcheck_ops *ops,
		   struct ramcheck_result *res);

#endif
