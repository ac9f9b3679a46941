// SPDX-License-Identifier: MIT
/* Where to probe a range that firmware calls RAM, and what of it to keep
 * (see include/kern/ramcheck.h). Probing every page would take seconds
 * for gigabytes under emulation; a sparse sample catches what firmware
 * gets wrong in practice: a range that is not RAM at all (its first page
 * fails) and one whose size is overstated (a later point fails; the
 * bisection then finds the last page of real RAM to within one page,
 * assuming RAM does not come back further on, which a range with holes in
 * it is not worth the probes to find). */
#include <kern/ramcheck.h>

/* Probe page pa unless it is known RAM. @return 0 or the probe's errno. */
static int check_page(uint64_t pa, const struct ramcheck_ops *ops,
		      struct ramcheck_result *res)
{
	if (ops->known && ops->known(pa, ops->ctx))
		return 0;
	res->probes++;
	return ops->probe(pa, ops->ctx);
}

int ramcheck_range(uint64_t base, uint64_t size, const struct ramcheck_ops *ops,
		   struct ramcheck_result *res)
{
	uint64_t first, end, npages, good = 0, bad = 0;
	int err = 0;
	bool any_good = false;

	*res = (struct ramcheck_result){ .keep = size };
	if (size == 0 || base > UINT64_MAX - size || base > UINT64_MAX - (RAMCHECK_PAGE - 1))
		return 0;
	first = ALIGN_UP(base, RAMCHECK_PAGE);
	end = ALIGN_DOWN(base + size, RAMCHECK_PAGE);
	if (end <= first)
		return 0;
	npages = (end - first) / RAMCHECK_PAGE;

	/* Points i = 0 .. n-1 at page i * (npages - 1) / (n - 1): the first
	 * page, the last, and the rest spread evenly (fewer when the range
	 * has fewer pages). The product stays below 2^56: npages < 2^52,
	 * i < 16. */
	uint64_t n = MIN(npages, (uint64_t)RAMCHECK_POINTS);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t page = n > 1 ? i * (npages - 1) / (n - 1) : 0;

		if (any_good && page <= good)
			continue;
		err = check_page(first + page * RAMCHECK_PAGE, ops, res);
		if (err) {
			bad = page;
			break;
		}
		good = page;
		any_good = true;
	}
	if (!err)
		return 0;
	if (!any_good) {
		/* The first page is not RAM: nothing of it is kept. */
		res->keep = 0;
		res->bad_pa = first;
		res->bad_err = err;
		return err;
	}
	/* RAM at page good, not at page bad: bisect for the boundary. */
	while (bad - good > 1) {
		uint64_t mid = good + (bad - good) / 2;
		int e = check_page(first + mid * RAMCHECK_PAGE, ops, res);

		if (e) {
			bad = mid;
			err = e;
		} else {
			good = mid;
		}
	}
	res->bad_pa = first + bad * RAMCHECK_PAGE;
	res->bad_err = err;
	res->keep = res->bad_pa - base;
	return err;
}
