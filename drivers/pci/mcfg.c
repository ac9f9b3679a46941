// SPDX-License-Identifier: MIT
/* The ACPI MCFG table (PCI Firmware Specification 3.3 §4.1.2): a 36-byte
 * ACPI header, 8 reserved bytes, then 16-byte allocation entries
 * { u64 base; u16 segment; u8 start bus; u8 end bus; u32 reserved }.
 * Pure logic, host unit-tested. Firmware is not trusted: the length must fit
 * exactly, and each entry is checked again by pci_ecam_register. */
#include <drivers/pci.h>
#include <kern/errno.h>
#include "pci_priv.h"

#define MCFG_HDR   44
#define MCFG_ENTRY 16

static uint64_t le(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = n - 1; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

int pci_mcfg_parse(const void *tbl, size_t len, struct pci_mcfg_entry *out, int max)
{
	const uint8_t *p = tbl;

	if (len < MCFG_HDR || (len - MCFG_HDR) % MCFG_ENTRY)
		return -EINVAL;
	/* The header's own length field must agree with what we were given. */
	if (le(p + 4, 4) != len)
		return -EINVAL;
	int n = 0;
	for (size_t off = MCFG_HDR; off < len && n < max; off += MCFG_ENTRY, n++) {
		out[n].base = le(p + off, 8);
		out[n].seg = (uint16_t)le(p + off + 8, 2);
		out[n].bus_start = p[off + 10];
		out[n].bus_end = p[off + 11];
	}
	return n;
}
