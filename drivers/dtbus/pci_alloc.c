// SPDX-License-Identifier: MIT
/* Placing PCI BARs in a host bridge's windows. Pure logic, host
 * unit-tested: the caller reads the windows from the device tree and the
 * BAR sizes from the functions, and writes the answers back.
 *
 * A BAR is a naturally aligned power-of-two block (PCI Local Bus 3.0
 * §6.2.5.1), so placing the largest first in a bump allocator per window
 * wastes nothing but what the windows' own alignment costs. */
#include "dtbus_priv.h"
#include <kern/errno.h>

#define FOUR_GIB        (1ull << 32)
#define IO_SKIP         0x1000u

void dtbus_window_init(struct dtbus_window *w, const struct dtbus_range *used, int nused)
{
	uint64_t end = w->pci + w->size;

	w->next = w->pci;
	if (w->io && w->pci == 0)
		w->next = w->size > IO_SKIP ? IO_SKIP : end;
	for (int i = 0; i < nused; i++)
		if (used[i].start >= w->pci && used[i].start < end && used[i].end > w->next)
			w->next = used[i].end < end ? used[i].end : end;
}

/* Can w hold b at all (type, prefetchability, reach)? */
static bool fits_kind(const struct dtbus_window *w, const struct dtbus_bar *b)
{
	if (w->io != b->io)
		return false;
	if (w->prefetch && !b->prefetch)
		return false;   /* prefetching a register block could read it twice */
	if (!b->io && !b->is64 && w->pci >= FOUR_GIB)
		return false;
	return true;
}

/* Take size bytes aligned to size from w. @return 0 and *pci, or -ENOSPC. */
static int take(struct dtbus_window *w, uint64_t size, bool below_4g, uint64_t *pci)
{
	uint64_t end = w->pci + w->size;
	uint64_t at = (w->next + size - 1) & ~(size - 1);

	if (at < w->next || at > end || size > end - at)
		return -ENOSPC;
	if (at == 0)
		return -ENOSPC;  /* address 0 means "unassigned" to everyone */
	if (below_4g && (at >= FOUR_GIB || size > FOUR_GIB - at))
		return -ENOSPC;
	w->next = at + size;
	*pci = at;
	return 0;
}

int dtbus_bars_assign(struct dtbus_window *windows, int nw, struct dtbus_bar *bars, int n)
{
	int placed = 0;
	bool done_mark[256];

	for (int i = 0; i < n; i++)
		bars[i].rc = -ENOSPC;
	/* More than a bus could hold is a caller's bug: the rest stay out. */
	if (n > (int)ARRAY_SIZE(done_mark))
		n = (int)ARRAY_SIZE(done_mark);
	for (int i = 0; i < n; i++)
		done_mark[i] = false;
	/* Largest first (selection, n is small); equal sizes in array
	 * order, so the result does not depend on the sort. */
	for (int round = 0; round < n; round++) {
		int pick = -1;

		for (int i = 0; i < n; i++)
			if (!done_mark[i] && (pick < 0 || bars[i].size > bars[pick].size))
				pick = i;
		struct dtbus_bar *b = &bars[pick];

		done_mark[pick] = true;
		if (!b->size || (b->size & (b->size - 1)))
			continue;       /* not a BAR a device could have */
		/* Two passes: windows below 4 GiB first (every device reaches
		 * them), then the rest for 64-bit BARs. */
		for (int pass = 0; pass < 2 && b->rc; pass++) {
			for (int k = 0; k < nw && b->rc; k++) {
				struct dtbus_window *w = &windows[k];
				bool low = w->pci < FOUR_GIB;

				if ((pass == 0) != low || !fits_kind(w, b))
					continue;
				uint64_t pci;
				if (take(w, b->size, !b->io && !b->is64, &pci) == 0) {
					b->pci = pci;
					b->cpu = w->cpu + (pci - w->pci);
					b->rc = 0;
					placed++;
				}
			}
		}
	}
	return placed;
}
