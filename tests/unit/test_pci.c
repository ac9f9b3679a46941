// SPDX-License-Identifier: MIT
/* Host tests for the pure PCI decoders: BAR sizing (PCI 3.0 §6.2.5.1), the
 * capability walkers (§6.7, PCIe 6.0 §7.6.3) against a simulated
 * configuration space, including hostile lists, and the MCFG parser. */
#include "unit.h"
#include <stdint.h>
#include <kern/errno.h>
#include "../../drivers/pci/pci_priv.h"

/* --- a simulated function's configuration space ------------------------- */

static uint8_t cfg[4096];

static uint32_t sim_rd(void *ctx, unsigned off, unsigned width)
{
	const uint8_t *c = ctx;
	uint32_t v = 0;
	if (off + width > 4096)
		return 0xffffffffu;
	for (unsigned i = 0; i < width; i++)
		v |= (uint32_t)c[off + i] << (8 * i);
	return v;
}

static void put16(unsigned off, uint16_t v) { cfg[off] = v & 0xff; cfg[off + 1] = v >> 8; }
static void put32(unsigned off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		cfg[off + i] = (v >> (8 * i)) & 0xff;
}

/* Start over with a type-0 header whose list begins at first. */
static void sim_reset(uint8_t first)
{
	memset(cfg, 0, sizeof(cfg));
	put16(PCI_VENDOR_ID, 0x1af4);
	put16(PCI_STATUS, PCI_STATUS_CAP_LIST);
	cfg[PCI_CAP_PTR] = first;
}

static void cap(uint8_t off, uint8_t id, uint8_t next)
{
	cfg[off] = id;
	cfg[off + 1] = next;
}

static int find(uint8_t id, int start)
{
	return pci_cap_walk(sim_rd, cfg, 0, id, start);
}

UNIT(cap_no_list)
{
	sim_reset(0x40);
	put16(PCI_STATUS, 0);       /* Status says: no list, pointer ignored */
	cap(0x40, PCI_CAP_ID_MSIX, 0);
	CHECK_EQ(find(PCI_CAP_ID_MSIX, 0), -ENOENT);
	sim_reset(0);               /* bit set, empty list */
	CHECK_EQ(find(PCI_CAP_ID_MSIX, 0), -ENOENT);
}

UNIT(cap_chain)
{
	sim_reset(0x40);
	cap(0x40, PCI_CAP_ID_PM, 0x50);
	cap(0x50, PCI_CAP_ID_MSI, 0x60);
	cap(0x60, PCI_CAP_ID_MSIX, 0x70);
	cap(0x70, PCI_CAP_ID_VNDR, 0x84);
	cap(0x84, PCI_CAP_ID_VNDR, 0);
	CHECK_EQ(find(PCI_CAP_ID_PM, 0), 0x40);
	CHECK_EQ(find(PCI_CAP_ID_MSIX, 0), 0x60);
	CHECK_EQ(find(PCI_CAP_ID_VNDR, 0), 0x70);
	CHECK_EQ(find(PCI_CAP_ID_VNDR, 0x70), 0x84);
	CHECK_EQ(find(PCI_CAP_ID_VNDR, 0x84), -ENOENT);
	CHECK_EQ(find(PCI_CAP_ID_EXP, 0), -ENOENT);
	/* A start that is not on the list finds nothing after it. */
	CHECK_EQ(find(PCI_CAP_ID_VNDR, 0x74), -ENOENT);
}

UNIT(cap_pointer_low_bits_masked)
{
	/* §6.7: the bottom two bits of each pointer are reserved. */
	sim_reset(0x43);
	cap(0x40, PCI_CAP_ID_PM, 0x52);
	cap(0x50, PCI_CAP_ID_MSIX, 0x01);
	CHECK_EQ(find(PCI_CAP_ID_MSIX, 0), 0x50);
	CHECK_EQ(find(PCI_CAP_ID_VNDR, 0), -ENOENT);
}

UNIT(cap_loops_end)
{
	sim_reset(0x40);
	cap(0x40, PCI_CAP_ID_PM, 0x50);
	cap(0x50, PCI_CAP_ID_MSI, 0x40);    /* back to the head */
	CHECK_EQ(find(PCI_CAP_ID_MSI, 0), 0x50);   /* found before the loop bites */
	CHECK_EQ(find(PCI_CAP_ID_MSIX, 0), -EIO);
	CHECK_EQ(find(PCI_CAP_ID_PM, 0x50), 0x40); /* around once: still bounded */
	sim_reset(0x40);
	cap(0x40, PCI_CAP_ID_PM, 0x40);     /* points at itself */
	CHECK_EQ(find(PCI_CAP_ID_MSIX, 0), -EIO);
	sim_reset(0xfc);
	cap(0xfc, PCI_CAP_ID_PM, 0xfc);
	CHECK_EQ(find(PCI_CAP_ID_MSIX, 0), -EIO);
}

UNIT(cap_pointer_into_header)
{
	sim_reset(0x40);
	cap(0x40, PCI_CAP_ID_PM, 0x10);     /* into the BARs */
	CHECK_EQ(find(PCI_CAP_ID_MSIX, 0), -EIO);
	sim_reset(0x3c);
	CHECK_EQ(find(PCI_CAP_ID_MSIX, 0), -EIO);
}

UNIT(cap_longest_list)
{
	/* 48 capabilities, one in every dword of the device area: legal,
	 * and the last one must still be found. */
	sim_reset(0x40);
	for (unsigned off = 0x40; off <= 0xfc; off += 4)
		cap(off, PCI_CAP_ID_VNDR, off == 0xfc ? 0 : off + 4);
	cfg[0xfc] = PCI_CAP_ID_MSIX;
	CHECK_EQ(find(PCI_CAP_ID_MSIX, 0), 0xfc);
	CHECK_EQ(find(PCI_CAP_ID_PM, 0), -ENOENT);
	/* ... and one more hop (back to the start) is a loop. */
	cfg[0xfd] = 0x40;
	CHECK_EQ(find(PCI_CAP_ID_PM, 0), -EIO);
}

UNIT(cap_cardbus_pointer)
{
	sim_reset(0);
	cfg[PCI_CAP_PTR_CARDBUS] = 0x80;
	cap(0x80, PCI_CAP_ID_PM, 0);
	CHECK_EQ(pci_cap_walk(sim_rd, cfg, 2, PCI_CAP_ID_PM, 0), 0x80);
	CHECK_EQ(pci_cap_walk(sim_rd, cfg, 0, PCI_CAP_ID_PM, 0), -ENOENT);
}

static void ext(unsigned off, uint16_t id, unsigned next)
{
	put32(off, id | 1u << 16 | (uint32_t)next << 20);
}

UNIT(ext_cap_walk)
{
	sim_reset(0);
	CHECK_EQ(pci_ext_cap_walk(sim_rd, cfg, 0x0b, 0), -ENOENT); /* zero at 0x100 */
	put32(0x100, 0xffffffffu);
	CHECK_EQ(pci_ext_cap_walk(sim_rd, cfg, 0x0b, 0), -ENOENT); /* not there */
	ext(0x100, 0x01, 0x148);
	ext(0x148, 0x0b, 0x200);
	ext(0x200, 0x0b, 0);
	CHECK_EQ(pci_ext_cap_walk(sim_rd, cfg, 0x01, 0), 0x100);
	CHECK_EQ(pci_ext_cap_walk(sim_rd, cfg, 0x0b, 0), 0x148);
	CHECK_EQ(pci_ext_cap_walk(sim_rd, cfg, 0x0b, 0x148), 0x200);
	CHECK_EQ(pci_ext_cap_walk(sim_rd, cfg, 0x0b, 0x200), -ENOENT);
	CHECK_EQ(pci_ext_cap_walk(sim_rd, cfg, 0x10, 0), -ENOENT);
}

UNIT(ext_cap_hostile)
{
	sim_reset(0);
	ext(0x100, 0x01, 0x100);            /* self loop */
	CHECK_EQ(pci_ext_cap_walk(sim_rd, cfg, 0x0b, 0), -EIO);
	ext(0x100, 0x01, 0x040);            /* into the legacy area */
	CHECK_EQ(pci_ext_cap_walk(sim_rd, cfg, 0x0b, 0), -EIO);
	ext(0x100, 0x01, 0x200);
	ext(0x200, 0x02, 0x100);            /* a two-entry cycle */
	CHECK_EQ(pci_ext_cap_walk(sim_rd, cfg, 0x0b, 0), -EIO);
	CHECK_EQ(pci_ext_cap_walk(sim_rd, cfg, 0x02, 0), 0x200);
}

/* --- BAR decoding -------------------------------------------------------- */

/* What a well-behaved BAR of this size and flags reads back. */
static void model_bar(uint64_t base, uint64_t size, uint32_t flags, bool is64,
		      uint32_t *lo, uint32_t *plo, uint32_t *hi, uint32_t *phi)
{
	uint64_t mask = ~(size - 1);
	*lo = (uint32_t)base | flags;
	*hi = (uint32_t)(base >> 32);
	*plo = ((uint32_t)mask & ~((flags & 1) ? 0x3u : 0xfu)) | flags;
	*phi = is64 ? (uint32_t)(mask >> 32) : 0;
}

UNIT(bar_not_implemented)
{
	struct pci_bar b;
	CHECK_EQ(pci_bar_decode(0, 0, 0, 0, &b), 0);
	CHECK_EQ(b.size, 0);
}

UNIT(bar_io)
{
	struct pci_bar b;
	CHECK_EQ(pci_bar_decode(0xc001, 0xffffff01, 0, 0, &b), 0);
	CHECK(b.io);
	CHECK_EQ(b.addr, 0xc000);
	CHECK_EQ(b.size, 256);
	/* A 16-bit decoder hard-wires the upper half to zero. */
	CHECK_EQ(pci_bar_decode(0xc041, 0x0000ffe1, 0, 0, &b), 0);
	CHECK_EQ(b.size, 32);
	CHECK_EQ(b.addr, 0xc040);
	/* More than 64 KiB of ports cannot be real. */
	CHECK_EQ(pci_bar_decode(0x00000001, 0xfff00001, 0, 0, &b), -EIO);
	CHECK_EQ(b.size, 0);
}

UNIT(bar_mem32)
{
	struct pci_bar b;
	CHECK_EQ(pci_bar_decode(0xfebd1000, 0xfffff000, 0, 0, &b), 0);
	CHECK(!b.io && !b.is64 && !b.prefetch);
	CHECK_EQ(b.addr, 0xfebd1000);
	CHECK_EQ(b.size, 4096);
	CHECK_EQ(pci_bar_decode(0xfd000008, 0xff000008, 0, 0, &b), 0);
	CHECK(b.prefetch);
	CHECK_EQ(b.size, 16 << 20);
	/* Legacy "below 1 MiB" type decodes like 32-bit. */
	CHECK_EQ(pci_bar_decode(0x000a0002, 0xfffe0002, 0, 0, &b), 0);
	CHECK_EQ(b.size, 128 << 10);
	CHECK_EQ(b.addr, 0xa0000);
}

UNIT(bar_mem64)
{
	struct pci_bar b;
	CHECK_EQ(pci_bar_decode(0xfe00000c, 0xffffc00c, 0, 0xffffffff, &b), 0);
	CHECK(b.is64 && b.prefetch);
	CHECK_EQ(b.addr, 0xfe000000);
	CHECK_EQ(b.size, 16 << 10);
	/* Above 4 GiB, and larger than 4 GiB. */
	CHECK_EQ(pci_bar_decode(0x0000000c, 0x0000000c, 0x4, 0xfffffffe, &b), 0);
	CHECK_EQ(b.addr, 0x400000000ull);
	CHECK_EQ(b.size, 8ull << 30);
	CHECK(pci_bar_is64(0xc) && pci_bar_is64(0x4) && !pci_bar_is64(0x5) &&
	      !pci_bar_is64(0x8) && !pci_bar_is64(0x2));
}

UNIT(bar_all_sizes)
{
	struct pci_bar b;
	uint32_t lo, plo, hi, phi;
	for (int s = 4; s < 63; s++) {
		uint64_t size = 1ull << s, base = size * 3;
		model_bar(base, size, 0xc, true, &lo, &plo, &hi, &phi);
		CHECK_EQ(pci_bar_decode(lo, plo, hi, phi, &b), 0);
		CHECK_EQ(b.size, size);
		CHECK_EQ(b.addr, base);
		if (s < 32) {
			model_bar(base & 0xffffffffu & ~(size - 1), size, 0, false,
				  &lo, &plo, &hi, &phi);
			CHECK_EQ(pci_bar_decode(lo, plo, 0, 0, &b), 0);
			CHECK_EQ(b.size, size);
		}
		if (s <= 16) {
			model_bar(0x1000 & ~(size - 1), size, 1, false, &lo, &plo, &hi, &phi);
			if (s >= 2) {
				CHECK_EQ(pci_bar_decode(lo, plo, 0, 0, &b), 0);
				CHECK_EQ(b.size, size);
			}
		}
	}
}

UNIT(bar_garbage)
{
	struct pci_bar b;
	/* Holes in the size mask. */
	CHECK_EQ(pci_bar_decode(0xfe000000, 0xff0ff000, 0, 0, &b), -EIO);
	CHECK_EQ(b.size, 0);
	CHECK_EQ(pci_bar_decode(0x0000000c, 0xfff0000c, 0, 0x0000ffff, &b), -EIO);
	/* Reserved memory type 11b. */
	CHECK_EQ(pci_bar_decode(0xfe000006, 0xfffff006, 0, 0, &b), -EIO);
	/* Type bits that change when written. */
	CHECK_EQ(pci_bar_decode(0xfe000000, 0xfffff004, 0, 0, &b), -EIO);
	CHECK_EQ(pci_bar_decode(0xfe000000, 0xfffff001, 0, 0, &b), -EIO);
	/* A base not aligned to the size. */
	CHECK_EQ(pci_bar_decode(0xfebd1800, 0xfffff000, 0, 0, &b), -EIO);
	CHECK_EQ(b.size, 0);
	/* All-ones everywhere (nothing there, or a stuck bus). */
	CHECK_EQ(pci_bar_decode(0xffffffff, 0xffffffff, 0, 0, &b), -EIO);
	CHECK_EQ(b.size, 0);
	/* I/O bit 1 is reserved (reads 0). */
	CHECK_EQ(pci_bar_decode(0xc003, 0xffffff03, 0, 0, &b), -EIO);
}

/* --- MCFG ---------------------------------------------------------------- */

static size_t mcfg_build(uint8_t *t, int n)
{
	size_t len = 44 + 16 * (size_t)n;
	memset(t, 0, len);
	memcpy(t, "MCFG", 4);
	t[4] = len & 0xff;
	t[5] = len >> 8;
	for (int i = 0; i < n; i++) {
		uint8_t *e = t + 44 + 16 * i;
		uint64_t base = 0xb0000000ull + ((uint64_t)i << 32);
		for (int k = 0; k < 8; k++)
			e[k] = (base >> (8 * k)) & 0xff;
		e[8] = i;
		e[10] = 0;
		e[11] = 0xff;
	}
	return len;
}

UNIT(mcfg_parse)
{
	uint8_t t[256];
	struct pci_mcfg_entry e[4];
	size_t len = mcfg_build(t, 2);
	CHECK_EQ(pci_mcfg_parse(t, len, e, 4), 2);
	CHECK_EQ(e[0].base, 0xb0000000ull);
	CHECK_EQ(e[1].base, 0x1b0000000ull);
	CHECK_EQ(e[1].seg, 1);
	CHECK_EQ(e[0].bus_start, 0);
	CHECK_EQ(e[0].bus_end, 255);
	CHECK_EQ(pci_mcfg_parse(t, len, e, 1), 1);     /* clipped to the room */
	len = mcfg_build(t, 0);
	CHECK_EQ(pci_mcfg_parse(t, len, e, 4), 0);
}

UNIT(mcfg_hostile)
{
	uint8_t t[256];
	struct pci_mcfg_entry e[4];
	size_t len = mcfg_build(t, 1);
	CHECK_EQ(pci_mcfg_parse(t, 40, e, 4), -EINVAL);       /* shorter than the header */
	CHECK_EQ(pci_mcfg_parse(t, len - 4, e, 4), -EINVAL);  /* part of an entry */
	t[4] = 200;                                            /* header says otherwise */
	CHECK_EQ(pci_mcfg_parse(t, len, e, 4), -EINVAL);
}

UNIT_MAIN()
