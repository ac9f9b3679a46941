/* SPDX-License-Identifier: MIT */
/* Private to drivers/pci: the pieces the files here share, and the pure
 * decoders (BARs, capability lists, MCFG) that the host unit tests drive
 * with a simulated configuration space. */
#ifndef DRIVERS_PCI_PRIV_H
#define DRIVERS_PCI_PRIV_H

#include <drivers/pci.h>

/* --- pure logic: bar.c, cap.c, mcfg.c ----------------------------------- */

/* Does this BAR value (as read) declare a 64-bit memory BAR, i.e. is the
 * next BAR register its upper half? (PCI 3.0 §6.2.5.1, type bits 2:1 = 10b) */
bool pci_bar_is64(uint32_t v);

/* Decode one BAR from what it held (orig) and what it read back after
 * all-ones were written (probe); the _hi words are the upper register of a
 * 64-bit BAR, ignored otherwise. Fills out (size 0: not implemented).
 * @return 0, or -EIO when the read-back is not a BAR a device could have
 * (non-contiguous size mask, reserved type, base not aligned to the size,
 * type bits that changed under the probe); out->size is then 0. */
int pci_bar_decode(uint32_t orig_lo, uint32_t probe_lo, uint32_t orig_hi,
		   uint32_t probe_hi, struct pci_bar *out);

/* A configuration-space reader for the walkers: width 1, 2 or 4. */
typedef uint32_t (*pci_cfg_reader)(void *ctx, unsigned off, unsigned width);

/* Walk the capability list (PCI 3.0 §6.7) of a function with this header
 * type and Status register; return the next capability with id after the one
 * at start (0: from the head). At most PCI_CAP_MAX entries are visited.
 * @return the offset, -ENOENT, or -EIO when the list is corrupt (a loop, or a
 * pointer into the standard header). */
#define PCI_CAP_MAX 48      /* (256 - 64) / 4: every dword of the device area */
int pci_cap_walk(pci_cfg_reader rd, void *ctx, uint8_t hdr_type, uint8_t id, int start);

/* The same for the extended list at 0x100 (PCIe 6.0 §7.6.3). */
#define PCI_EXT_CAP_MAX 960 /* (4096 - 256) / 4 */
int pci_ext_cap_walk(pci_cfg_reader rd, void *ctx, uint16_t id, int start);

/* One MCFG allocation (PCI Firmware 3.3 §4.1.2, table 4-3). */
struct pci_mcfg_entry {
	uint64_t base;
	uint16_t seg;
	uint8_t bus_start, bus_end;
};

/* Parse an MCFG table of len bytes (header included) into out[0..max).
 * @return the number of entries stored, or -EINVAL when the table is too
 * short or its length is not header + a whole number of entries. */
int pci_mcfg_parse(const void *tbl, size_t len, struct pci_mcfg_entry *out, int max);

/* --- configuration access: cfg.c --------------------------------------- */

#define PCI_DEVFN(dev, fn)  ((uint8_t)(((dev) << 3) | (fn)))

/* A (segment, bus range) and how its configuration space is reached. */
struct pci_root {
	uint16_t seg;
	uint8_t bus_start, bus_end;
	uint64_t ecam;          /* physical base for bus 0, 0 for the legacy ports */
	bool scanned;
};

/* Raw access by address through whatever covers (seg, bus); width 1, 2, 4.
 * Reads of anything unreachable return all-ones. */
uint32_t pci_cfg_rd(int via, uint16_t seg, uint8_t bus, uint8_t devfn,
		    unsigned off, unsigned width);
void pci_cfg_wr(int via, uint16_t seg, uint8_t bus, uint8_t devfn,
		unsigned off, unsigned width, uint32_t v);
/* The mapped ECAM window of one function, or NULL when no ECAM covers it. */
void *pci_ecam_fn(uint16_t seg, uint8_t bus, uint8_t devfn);
/* The config roots: ECAM windows, plus segment 0 through the ports. */
int pci_root_count(void);
struct pci_root *pci_root_get(int i);


#endif
