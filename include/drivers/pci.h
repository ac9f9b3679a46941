/* SPDX-License-Identifier: MIT */
/* PCI: enumeration (legacy 0xCF8/0xCFC or ECAM), BARs, capabilities, MSI-X
 * and INTx. A driver registers with PCI_DRIVER and is probed for every
 * function its match() accepts, after enumeration (INIT_BUS). */
#ifndef DRIVERS_PCI_H
#define DRIVERS_PCI_H

#include <kern/compiler.h>
#include <kern/irq.h>

struct pci_bar {
	uint64_t addr;      /* bus address (physical for memory BARs, port for I/O) */
	uint64_t size;      /* 0: BAR not implemented */
	bool io, is64, prefetch;
	void *virt;         /* mapped MMIO, NULL until pci_map_bar / for I/O */
};

struct pci_driver;

struct pci_dev {
	uint16_t seg;
	uint8_t bus, dev, fn;
	uint16_t vendor, device, subsys_vendor, subsys_id;
	uint8_t class, subclass, prog_if, revision;
	uint8_t irq_pin;            /* 1..4 = INTA..INTD, 0 none */
	int irq_line;               /* GSI/SPI for INTx, -1 unknown */
	bool irq_active_high;       /* the line is active-high at the interrupt
				       controller (a device tree says so); else
				       PCI's active-low INTx */
	struct pci_bar bar[6];
	const struct pci_driver *driver;
	void *drvdata;
	struct pci_dev *next;       /* all functions, in bus order */
	/* private to drivers/pci: */
	uint16_t msix_cap, msix_nvec;
	void *msix_table;
	void *cfg;                  /* ECAM window for this function, or NULL */
	uint8_t hdr_type;           /* header layout (0 device, 1 bridge, 2 CardBus) */
	uint8_t sec_bus, sub_bus;   /* bridges: secondary/subordinate bus numbers */
	bool bar_bad;               /* some BAR decoded to garbage (logged, size 0) */
};

struct pci_driver {
	const char *name;
	bool (*match)(const struct pci_dev *d);
	int (*probe)(struct pci_dev *d);   /* 0 binds; -errno leaves it unbound */
};

#define PCI_DRIVER(drv)                                                      \
	static const struct pci_driver *const pci_driver_ptr_##drv           \
		__used __section(".pcidrivers") __aligned(8) = &(drv)

/* Configuration space access; width is 1, 2 or 4; off < 4096 (256 legacy). */
uint32_t pci_cfg_read(const struct pci_dev *d, unsigned off, unsigned width);
void pci_cfg_write(const struct pci_dev *d, unsigned off, unsigned width, uint32_t v);
/* Offset of the next capability with id after offset start (0 = first).
 * @return the offset, or -ENOENT; -EIO when the list is corrupt (a loop or a
 * pointer into the header: at most 48 entries are visited). */
int pci_find_cap(const struct pci_dev *d, uint8_t id, int start);
/* Enable memory/I-O decoding and bus mastering. */
void pci_enable(struct pci_dev *d);
/* Map a memory BAR. @return its virtual address, NULL for I/O or absent BARs. */
void *pci_map_bar(struct pci_dev *d, int bar);
/* Access a BAR (I/O or memory) at offset off; width 1, 2 or 4. */
uint32_t pci_bar_read(struct pci_dev *d, int bar, uint64_t off, unsigned width);
void pci_bar_write(struct pci_dev *d, int bar, uint64_t off, unsigned width, uint32_t v);

/* MSI-X: enable with up to nvec vectors, every entry masked, INTx disabled.
 * @return vectors available (min(nvec, table size)), or -errno (-ENODEV when
 * the function has no MSI-X: fall back to INTx; -EBUSY already enabled;
 * -EIO the table lies outside its BAR; -ENXIO its BAR is unassigned). */
int pci_msix_enable(struct pci_dev *d, unsigned nvec);
/* Attach handler to table entry (re-attaching replaces the old handler and
 * vector); returns 0 or -errno (-EINVAL entry >= vectors available, -ENODEV
 * not enabled, or irq_alloc_msi's error). Entry left unmasked. */
int pci_msix_attach(struct pci_dev *d, unsigned entry, irq_handler_t fn, void *arg);
void pci_msix_mask(struct pci_dev *d, unsigned entry, bool masked);
void pci_msix_disable(struct pci_dev *d);
/* Legacy INTx (shared, level-triggered): fn is called for every interrupt
 * on the line, whichever function raised it, so it must check its device's
 * status first. Clears the function's INTx Disable bit.
 * @return 0 or -errno (-ENODEV no interrupt pin, -ENXIO line unknown). */
int pci_intx_attach(struct pci_dev *d, irq_handler_t fn, void *arg);

/* All enumerated functions. */
struct pci_dev *pci_devices(void);

/* --- extensions to the first contract ----------------------------------- */

/* First function with this vendor/device after prev (NULL: from the start),
 * 0xFFFF matches any. @return the function, or NULL. */
struct pci_dev *pci_find_device(uint16_t vendor, uint16_t device, struct pci_dev *prev);
/* Offset of the next PCI Express extended capability (config space 0x100+,
 * PCIe 6.0 §7.6.3) with id after start (0 = first). @return offset or -ENOENT. */
int pci_find_ext_cap(const struct pci_dev *d, uint16_t id, int start);
/* Undo pci_intx_attach for this (fn, arg). */
void pci_intx_detach(struct pci_dev *d, irq_handler_t fn, void *arg);
/* Read back one MSI-X table entry (for tests and the shell).
 * @return 0, -ENODEV (MSI-X not enabled) or -EINVAL (entry out of range). */
int pci_msix_entry(const struct pci_dev *d, unsigned entry, struct msi_msg *msg,
		   bool *masked);
/* The entry's Pending Bit (PCI 3.0 §6.8.2.10). @return 0/1 or -errno. */
int pci_msix_pending(const struct pci_dev *d, unsigned entry);

/* Where configuration space comes from. x86 has the legacy ports; an ECAM
 * window (PCIe 6.0 §7.2.2) comes from ACPI MCFG (found by drivers/pci itself)
 * or from the device tree (the FDT code calls pci_ecam_register, then
 * pci_scan). base is the physical address of bus 0's window, as in MCFG; a DT
 * "reg" that starts at bus_start passes reg - (bus_start << 20).
 * @return 0, -EINVAL (bad range or alignment, or over RAM), -EEXIST (overlaps
 * a registered window), -ENOSPC (too many windows), -EIO (the window
 * disagrees with the legacy ports), -ENOMEM (can't map). */
int pci_ecam_register(uint64_t base, uint16_t seg, uint8_t bus_start, uint8_t bus_end);
/* Enumerate every config window not yet scanned (idempotent).
 * @return number of functions found so far, or -ENODEV with no config access. */
int pci_scan(void);

/* Config access by address, for tests and early code. via picks the path;
 * an absent function or an unreachable address reads as all-ones and a
 * write to one is dropped. */
enum { PCI_CFG_ANY = 0, PCI_CFG_PORT = 1, PCI_CFG_ECAM = 2 };
uint32_t pci_cfg_read_addr(int via, uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn,
			   unsigned off, unsigned width);
/* Does the legacy 0xCF8/0xCFC mechanism (x86 only) exist? Probed once;
 * always false on an architecture without port I/O. */
bool pci_port_present(void);
/* "ecam" or "port": how d's config space is reached. */
const char *pci_cfg_method(const struct pci_dev *d);

/* --- configuration space layout (PCI Local Bus 3.0 §6.1, §6.2) ----------- */
#define PCI_VENDOR_ID           0x00    /* 16 */
#define PCI_DEVICE_ID           0x02    /* 16 */
#define PCI_COMMAND             0x04    /* 16 */
#define  PCI_COMMAND_IO         0x0001
#define  PCI_COMMAND_MEMORY     0x0002
#define  PCI_COMMAND_MASTER     0x0004
#define  PCI_COMMAND_INTX_DISABLE 0x0400
#define PCI_STATUS              0x06    /* 16 */
#define  PCI_STATUS_INTX        0x0008
#define  PCI_STATUS_CAP_LIST    0x0010
#define PCI_REVISION_ID         0x08
#define PCI_PROG_IF             0x09
#define PCI_SUBCLASS            0x0a
#define PCI_CLASS               0x0b
#define PCI_HEADER_TYPE         0x0e
#define  PCI_HEADER_MULTIFN     0x80
#define PCI_BAR0                0x10
#define PCI_PRIMARY_BUS         0x18    /* type 1 */
#define PCI_SECONDARY_BUS       0x19
#define PCI_SUBORDINATE_BUS     0x1a
#define PCI_SUBSYS_VENDOR_ID    0x2c    /* type 0 */
#define PCI_SUBSYS_ID           0x2e
#define PCI_CAP_PTR             0x34
#define PCI_CAP_PTR_CARDBUS     0x14
#define PCI_INTERRUPT_LINE      0x3c
#define PCI_INTERRUPT_PIN       0x3d

/* Capability IDs (PCI Code and ID Assignment Spec §2). */
#define PCI_CAP_ID_PM           0x01
#define PCI_CAP_ID_MSI          0x05
#define PCI_CAP_ID_VNDR         0x09    /* vendor specific: virtio's transport caps */
#define PCI_CAP_ID_EXP          0x10
#define PCI_CAP_ID_MSIX         0x11

#define PCI_CLASS_BRIDGE        0x06
#define PCI_SUBCLASS_HOST       0x00
#define PCI_SUBCLASS_PCI        0x04

#endif
