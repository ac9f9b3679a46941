/* SPDX-License-Identifier: MIT */
/* Private to drivers/dtbus: the PCI host bridge glue, and the pure BAR
 * allocator the host unit tests drive (tests/unit/test_virtio_mmio_dt.c). */
#ifndef DRIVERS_DTBUS_PRIV_H
#define DRIVERS_DTBUS_PRIV_H

#include <drivers/dtbus.h>

extern struct dtbus_stats dtbus_counts;

/* ---- BAR allocation (pci_alloc.c, pure) ----------------------------------- */

/* One window of a host bridge's "ranges" (PCI Bus Binding to IEEE 1275
 * §2.2.1.1), with a bump pointer. */
struct dtbus_window {
	bool io;                /* I/O space, else memory */
	bool prefetch;          /* the window is prefetchable */
	uint64_t pci, cpu, size;        /* bus start, CPU start, length */
	uint64_t next;          /* first free bus address */
};

/* A BAR to place. */
struct dtbus_bar {
	uint64_t size;          /* a power of two */
	bool io, is64, prefetch;
	/* Out: */
	uint64_t pci, cpu;      /* bus address (for the register), CPU address */
	int rc;                 /* 0 placed, -ENOSPC no window had room */
	void *owner;            /* the caller's */
	int index;
};

/* A bus address range [start, end) already taken (a BAR firmware placed). */
struct dtbus_range {
	uint64_t start, end;
};

/* Set up w's bump pointer: past its first 4 KiB for I/O windows that start
 * at bus address 0 (port 0 reads as "unassigned"), else its start; then
 * past every range of used[0..nused) that starts inside it. */
void dtbus_window_init(struct dtbus_window *w, const struct dtbus_range *used, int nused);

/* Place bars[0..n) in windows[0..nw): largest first, each aligned to its
 * size, I/O BARs in I/O windows, 32-bit memory BARs below 4 GiB, a
 * non-prefetchable BAR never in a prefetchable window, 32-bit windows
 * preferred. Every BAR gets rc; the order of bars[] is unchanged.
 * @return the number placed. */
int dtbus_bars_assign(struct dtbus_window *windows, int nw, struct dtbus_bar *bars, int n);

#endif
