// SPDX-License-Identifier: MIT
/* Base Address Register decoding (PCI Local Bus 3.0 §6.2.5.1). Pure logic,
 * host unit-tested: the caller does the config cycles (save, write all-ones,
 * read back, restore, with decoding off) and hands the four words here.
 *
 * The sizing rule: the device hard-wires the low address bits of a BAR to
 * zero, so after writing all-ones the writable bits read back as ones from
 * the size's bit upwards; size = ~mask + 1. A real BAR's mask is therefore
 * one contiguous run of ones reaching the top bit. Anything else is a buggy
 * or hostile device, and we refuse the BAR rather than guess. */
#include <drivers/pci.h>
#include <kern/errno.h>
#include "pci_priv.h"

#define BAR_IO          0x1u
#define BAR_MEM_TYPE    0x6u    /* bits 2:1 */
#define BAR_MEM_32      0x0u
#define BAR_MEM_1M      0x2u    /* "below 1 MiB", reserved since PCI 3.0 */
#define BAR_MEM_64      0x4u
#define BAR_MEM_PREF    0x8u

bool pci_bar_is64(uint32_t v)
{
	return !(v & BAR_IO) && (v & BAR_MEM_TYPE) == BAR_MEM_64;
}

/* A size mask is valid when its complement plus one is a power of two:
 * ones from bit n upwards, zeros below. */
static bool mask_contiguous(uint64_t mask)
{
	uint64_t size = ~mask + 1;
	return mask != 0 && IS_POW2(size);
}

int pci_bar_decode(uint32_t orig_lo, uint32_t probe_lo, uint32_t orig_hi,
		   uint32_t probe_hi, struct pci_bar *out)
{
	uint64_t mask, base;

	*out = (struct pci_bar){ 0 };
	out->io = orig_lo & BAR_IO;

	/* An all-zero read-back is the spec's "not implemented" BAR. */
	if (probe_lo == 0)
		return 0;
	/* Space and type bits are read-only: if the probe changed them the
	 * device is not behaving like a BAR (or nothing answered at all). */
	if ((orig_lo ^ probe_lo) & (out->io ? BAR_IO : 0xfu))
		return -EIO;

	if (out->io) {
		/* I/O: bits 1:0 are flags. A device decoding only 16 address
		 * bits may hard-wire the upper half to zero (§6.2.5.1), so
		 * those count as ones for sizing. */
		uint32_t m = probe_lo & ~0x3u;
		/* Bit 1 is reserved and reads as zero in a real I/O BAR;
		 * all-ones (no device, a stuck bus) fails here. */
		if ((orig_lo | probe_lo) & 0x2u)
			return -EIO;
		if (!(m & 0xffff0000u))
			m |= 0xffff0000u;
		mask = 0xffffffff00000000ull | m;
		base = orig_lo & ~0x3u;
		if (!mask_contiguous(mask) || ~mask + 1 > 0x10000)
			return -EIO;
	} else {
		uint32_t type = orig_lo & BAR_MEM_TYPE;
		if (type == 0x6u)
			return -EIO;            /* reserved encoding */
		out->prefetch = orig_lo & BAR_MEM_PREF;
		if (type == BAR_MEM_64) {
			out->is64 = true;
			mask = ((uint64_t)probe_hi << 32) | (probe_lo & ~0xfu);
			base = ((uint64_t)orig_hi << 32) | (orig_lo & ~0xfu);
		} else {
			/* 32-bit (and the legacy below-1M type, which is
			 * decoded the same way): the upper half is implied. */
			mask = 0xffffffff00000000ull | (probe_lo & ~0xfu);
			base = orig_lo & ~0xfu;
		}
		if (!mask_contiguous(mask))
			return -EIO;
	}

	uint64_t size = ~mask + 1;
	/* Hard-wired low bits must read as zero in the base too; a base that
	 * is not size-aligned, or a window that wraps, cannot be a real BAR. */
	if ((base & (size - 1)) || base + size - 1 < base)
		return -EIO;
	out->addr = base;
	out->size = size;
	return 0;
}
