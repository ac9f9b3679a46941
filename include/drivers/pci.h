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
	struct pci_bar bar[6];
	const struct pci_driver *driver;
	void *drvdata;
	struct pci_dev *next;       /* all functions, in bus order */
	/* private to drivers/pci: */
	uint16_t msix_cap, msix_nvec;
	void *msix_table;
	void *cfg;                  /* ECAM window for this function, or NULL */
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
 * @return the offset, or -ENOENT. */
int pci_find_cap(const struct pci_dev *d, uint8_t id, int start);
/* Enable memory/I-O decoding and bus mastering. */
void pci_enable(struct pci_dev *d);
/* Map a memory BAR. @return its virtual address, NULL for I/O or absent BARs. */
void *pci_map_bar(struct pci_dev *d, int bar);
/* Access a BAR (I/O or memory) at offset off; width 1, 2 or 4. */
uint32_t pci_bar_read(struct pci_dev *d, int bar, uint64_t off, unsigned width);
void pci_bar_write(struct pci_dev *d, int bar, uint64_t off, unsigned width, uint32_t v);

/* MSI-X: enable with up to nvec vectors. @return vectors available, or -errno
 * (-ENODEV when the function has no MSI-X: fall back to INTx). */
int pci_msix_enable(struct pci_dev *d, unsigned nvec);
/* Attach handler to table entry; returns 0 or -errno. Entry left unmasked. */
int pci_msix_attach(struct pci_dev *d, unsigned entry, irq_handler_t fn, void *arg);
void pci_msix_mask(struct pci_dev *d, unsigned entry, bool masked);
void pci_msix_disable(struct pci_dev *d);
/* Legacy INTx (shared, level-triggered). @return 0 or -errno. */
int pci_intx_attach(struct pci_dev *d, irq_handler_t fn, void *arg);

/* All enumerated functions. */
struct pci_dev *pci_devices(void);

#endif
