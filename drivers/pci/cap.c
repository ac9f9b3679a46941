// SPDX-License-Identifier: MIT
/* Capability list walkers (PCI Local Bus 3.0 §6.7; PCIe 6.0 §7.6.3 for the
 * extended list). Pure logic, host unit-tested against a simulated config
 * space. The lists live in device registers, so every pointer is untrusted:
 * a walk visits at most as many entries as the space could hold, and a
 * pointer back into the standard header ends it with -EIO. */
#include <drivers/pci.h>
#include <kern/errno.h>
#include "pci_priv.h"

int pci_cap_walk(pci_cfg_reader rd, void *ctx, uint8_t hdr_type, uint8_t id, int start)
{
	/* Status bit 4 says whether the list exists at all (§6.2.3). */
	if (!(rd(ctx, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST))
		return -ENOENT;
	unsigned ptr_reg = (hdr_type & 0x7f) == 2 ? PCI_CAP_PTR_CARDBUS : PCI_CAP_PTR;
	/* The bottom two bits of every pointer are reserved: mask them. */
	unsigned off = rd(ctx, ptr_reg, 1) & 0xfc;
	bool past_start = start == 0;

	for (int n = 0; off != 0; n++) {
		if (n >= PCI_CAP_MAX || off < 0x40)
			return -EIO;
		uint32_t hdr = rd(ctx, off, 2);
		if (past_start && (hdr & 0xff) == id)
			return (int)off;
		if ((int)off == start)
			past_start = true;
		off = (hdr >> 8) & 0xfc;
	}
	return -ENOENT;
}

int pci_ext_cap_walk(pci_cfg_reader rd, void *ctx, uint16_t id, int start)
{
	unsigned off = 0x100;
	bool past_start = start == 0;

	for (int n = 0; ; n++) {
		if (n >= PCI_EXT_CAP_MAX || off < 0x100 || off > 0xffc)
			return -EIO;
		uint32_t hdr = rd(ctx, off, 4);
		/* All-ones: no extended space (conventional PCI, or the
		 * legacy ports, which cannot reach it). All-zero at 0x100:
		 * "no extended capabilities" (§7.6.3). */
		if (hdr == 0xffffffffu || (hdr == 0 && off == 0x100))
			return -ENOENT;
		if (past_start && (hdr & 0xffff) == id)
			return (int)off;
		if ((int)off == start)
			past_start = true;
		off = (hdr >> 20) & 0xffc;
		if (off == 0)
			return -ENOENT;
	}
}
