// SPDX-License-Identifier: MIT
/* Host tests for the device-tree bus's BAR placement
 * (drivers/dtbus/pci_alloc.c): QEMU virt's windows, alignment, kinds of
 * BAR and window, firmware-placed BARs, full windows and nonsense sizes. */
#include "../../drivers/dtbus/dtbus_priv.h"
#include <kern/errno.h>
#include "unit.h"

/* QEMU virt's pcie@10000000 ranges: I/O at bus 0 (CPU 0x3eff0000, 64 KiB),
 * 32-bit memory 0x10000000-0x3efeffff, 64-bit memory at 512 GiB. */
static int virt_windows(struct dtbus_window *w)
{
	w[0] = (struct dtbus_window){ .io = true, .pci = 0, .cpu = 0x3eff0000, .size = 0x10000 };
	w[1] = (struct dtbus_window){ .pci = 0x10000000, .cpu = 0x10000000, .size = 0x2eff0000 };
	w[2] = (struct dtbus_window){ .pci = 0x8000000000ull, .cpu = 0x8000000000ull,
				      .size = 0x8000000000ull };
	for (int i = 0; i < 3; i++)
		dtbus_window_init(&w[i], NULL, 0);
	return 3;
}

static bool overlap(const struct dtbus_bar *a, const struct dtbus_bar *b)
{
	return a->io == b->io && a->pci < b->pci + b->size && b->pci < a->pci + a->size;
}

UNIT(virt_virtio_pci)
{
	struct dtbus_window w[3];
	int nw = virt_windows(w);
	/* Two transitional virtio-pci functions: I/O BAR 0, MSI-X BAR 1,
	 * 64-bit prefetchable BAR 4. */
	struct dtbus_bar b[6] = {
		{ .size = 0x80, .io = true }, { .size = 0x1000 },
		{ .size = 0x4000, .is64 = true, .prefetch = true },
		{ .size = 0x40, .io = true }, { .size = 0x1000 },
		{ .size = 0x4000, .is64 = true, .prefetch = true },
	};

	CHECK_EQ(dtbus_bars_assign(w, nw, b, 6), 6);
	for (int i = 0; i < 6; i++) {
		CHECK_EQ(b[i].rc, 0);
		CHECK(b[i].pci != 0);
		CHECK_EQ(b[i].pci & (b[i].size - 1), 0);
		if (b[i].io) {
			CHECK(b[i].pci >= 0x1000 && b[i].pci + b[i].size <= 0x10000);
			CHECK_EQ(b[i].cpu, 0x3eff0000 + b[i].pci);
		} else {
			/* 32-bit window first, even for 64-bit BARs. */
			CHECK(b[i].pci >= 0x10000000 && b[i].pci + b[i].size <= 0x3eff0000);
			CHECK_EQ(b[i].cpu, b[i].pci);
		}
		for (int j = 0; j < i; j++)
			CHECK(!overlap(&b[i], &b[j]));
	}
	/* Largest first: the 16 KiB BARs lead the window. */
	CHECK_EQ(b[2].pci, 0x10000000);
	CHECK_EQ(b[5].pci, 0x10004000);
}

UNIT(full_window_spills_to_64bit)
{
	struct dtbus_window w[3];
	int nw = virt_windows(w);
	struct dtbus_bar b[5] = {
		{ .size = 0x10000000, .is64 = true },     /* 256 MiB: fits low */
		{ .size = 0x10000000, .is64 = true },     /* fits low */
		{ .size = 0x10000000, .is64 = true },     /* low is full: high */
		{ .size = 0x10000000 },                   /* 32-bit: nowhere */
		{ .size = 0x1000 },
	};

	CHECK_EQ(dtbus_bars_assign(w, nw, b, 5), 4);
	CHECK_EQ(b[0].pci, 0x10000000);
	CHECK_EQ(b[1].pci, 0x20000000);
	CHECK_EQ(b[2].rc, 0);
	CHECK_EQ(b[2].pci, 0x8000000000ull);
	CHECK_EQ(b[2].cpu, 0x8000000000ull);
	CHECK_EQ(b[3].rc, -ENOSPC);
	CHECK_EQ(b[4].rc, 0);
	CHECK_EQ(b[4].pci, 0x30000000);
}

UNIT(kinds)
{
	/* A prefetchable window takes only prefetchable BARs; I/O needs an
	 * I/O window; a 32-bit BAR never lands above 4 GiB. */
	struct dtbus_window w[2] = {
		{ .prefetch = true, .pci = 0x40000000, .cpu = 0x40000000, .size = 0x10000000 },
		{ .pci = 0x100000000ull, .cpu = 0x100000000ull, .size = 0x10000000 },
	};
	struct dtbus_bar b[4] = {
		{ .size = 0x1000 },                          /* 32-bit, non-prefetch */
		{ .size = 0x1000, .prefetch = true },
		{ .size = 0x1000, .is64 = true },
		{ .size = 0x100, .io = true },
	};

	for (int i = 0; i < 2; i++)
		dtbus_window_init(&w[i], NULL, 0);
	CHECK_EQ(dtbus_bars_assign(w, 2, b, 4), 2);
	CHECK_EQ(b[0].rc, -ENOSPC);
	CHECK_EQ(b[1].rc, 0);
	CHECK_EQ(b[1].pci, 0x40000000);
	CHECK_EQ(b[2].rc, 0);
	CHECK_EQ(b[2].pci, 0x100000000ull);
	CHECK_EQ(b[3].rc, -ENOSPC);
}

UNIT(firmware_placed)
{
	struct dtbus_window w = { .pci = 0x10000000, .cpu = 0x10000000, .size = 0x100000 };
	struct dtbus_range used[2] = {
		{ 0x10000000, 0x10004000 },
		{ 0x10010000, 0x10011000 },
	};
	struct dtbus_bar b = { .size = 0x1000 };

	dtbus_window_init(&w, used, 2);
	CHECK_EQ(w.next, 0x10011000);
	CHECK_EQ(dtbus_bars_assign(&w, 1, &b, 1), 1);
	CHECK_EQ(b.pci, 0x10011000);
	/* A range outside the window does not move it; one running past its
	 * end fills it. */
	struct dtbus_range out = { 0x20000000, 0x20001000 }, past = { 0x100ff000, 0x20000000 };
	dtbus_window_init(&w, &out, 1);
	CHECK_EQ(w.next, 0x10000000);
	dtbus_window_init(&w, &past, 1);
	CHECK_EQ(w.next, 0x10100000);
	CHECK_EQ(dtbus_bars_assign(&w, 1, &b, 1), 0);
	CHECK_EQ(b.rc, -ENOSPC);
}

UNIT(io_window_at_zero)
{
	struct dtbus_window w = { .io = true, .pci = 0, .cpu = 0x3eff0000, .size = 0x1000 };
	struct dtbus_bar b = { .size = 0x100, .io = true };

	/* A 4 KiB I/O window at 0 has no room once port 0 is avoided. */
	dtbus_window_init(&w, NULL, 0);
	CHECK_EQ(dtbus_bars_assign(&w, 1, &b, 1), 0);
	w.size = 0x2000;
	dtbus_window_init(&w, NULL, 0);
	CHECK_EQ(dtbus_bars_assign(&w, 1, &b, 1), 1);
	CHECK_EQ(b.pci, 0x1000);
}

UNIT(hostile_sizes)
{
	struct dtbus_window w[3];
	int nw = virt_windows(w);
	struct dtbus_bar b[5] = {
		{ .size = 0 }, { .size = 0x3000 }, { .size = 1ull << 63, .is64 = true },
		{ .size = ~0ull }, { .size = 0x1000 },
	};

	CHECK_EQ(dtbus_bars_assign(w, nw, b, 5), 1);
	CHECK_EQ(b[0].rc, -ENOSPC);
	CHECK_EQ(b[1].rc, -ENOSPC);     /* not a power of two */
	CHECK_EQ(b[2].rc, -ENOSPC);     /* larger than any window */
	CHECK_EQ(b[3].rc, -ENOSPC);
	CHECK_EQ(b[4].rc, 0);
	/* A window that wraps the address space places nothing past it. */
	struct dtbus_window top = { .pci = ~0ull - 0xfff, .cpu = 0, .size = 0x1000 };
	struct dtbus_bar t = { .size = 0x2000, .is64 = true };
	dtbus_window_init(&top, NULL, 0);
	CHECK_EQ(dtbus_bars_assign(&top, 1, &t, 1), 0);
	/* No windows at all. */
	CHECK_EQ(dtbus_bars_assign(NULL, 0, b, 5), 0);
	CHECK_EQ(b[4].rc, -ENOSPC);
}

UNIT_MAIN()
