// SPDX-License-Identifier: MIT
/* Configuration space access, two ways:
 *  - Configuration Mechanism #1, the x86 ports 0xCF8 (address) and 0xCFC
 *    (data) (PCI Local Bus 3.0 §3.2.2.3.2): 256 bytes per function, and an
 *    address/data pair that must not be interleaved, hence the lock;
 *  - ECAM, the memory-mapped Enhanced Configuration Access Mechanism
 *    (PCIe 6.0 §7.2.2): 4 KiB per function at base + (bus << 20 | dev << 15 |
 *    fn << 12), one plain load or store per access, no lock.
 * An ECAM window covers one segment's bus range; it comes from ACPI MCFG or
 * the device tree through pci_ecam_register. Segment 0 buses no window
 * covers fall back to the ports where they exist. */
#include <drivers/pci.h>
#include <kern/errno.h>
#include <kern/boot.h>
#include <kern/irq.h>
#include <kern/memmap.h>
#include <kern/printk.h>
#include <kern/vm.h>
#include <arch/io.h>
#include "pci_priv.h"

#define ECAM_MAX        8
#define ECAM_BUS_SIZE   (1u << 20)
#define ECAM_FN_SIZE    4096u

static struct pci_root roots[ECAM_MAX + 1];
static int nroots;
static uint8_t bus_mapped[ECAM_MAX + 1][256 / 8];  /* ECAM buses mapped so far */

static bool access_ok(unsigned off, unsigned width, unsigned limit)
{
	return (width == 1 || width == 2 || width == 4) && (off & (width - 1)) == 0 &&
	       off + width <= limit;
}

static uint32_t all_ones(unsigned width)
{
	return width == 1 ? 0xffu : width == 2 ? 0xffffu : 0xffffffffu;
}

/* --- Configuration Mechanism #1 ----------------------------------------- */

#ifdef ARCH_HAS_PORT_IO
#define CFG_ADDR 0xcf8
#define CFG_DATA 0xcfc

static int port_lock;

/* Interrupts off and a spin flag: an interrupt handler (or the other CPU)
 * writing 0xCF8 between our address write and data access would redirect it. */
static unsigned long port_acquire(void)
{
	unsigned long flags = irq_save();
	while (__atomic_exchange_n(&port_lock, 1, __ATOMIC_ACQUIRE))
		__asm__ __volatile__("pause");
	return flags;
}

static void port_release(unsigned long flags)
{
	__atomic_store_n(&port_lock, 0, __ATOMIC_RELEASE);
	irq_restore(flags);
}

static uint32_t port_addr(uint8_t bus, uint8_t devfn, unsigned off)
{
	/* Bit 31 enable, 23:16 bus, 15:11 device, 10:8 function, 7:2 dword. */
	return 0x80000000u | (uint32_t)bus << 16 | (uint32_t)devfn << 8 | (off & 0xfc);
}

static uint32_t port_read(uint8_t bus, uint8_t devfn, unsigned off, unsigned width)
{
	unsigned long f = port_acquire();
	uint32_t v;
	outl(CFG_ADDR, port_addr(bus, devfn, off));
	/* The data port is byte-addressable: 0xCFC + (off & 3) selects the
	 * bytes within the dword. */
	if (width == 1)
		v = inb(CFG_DATA + (off & 3));
	else if (width == 2)
		v = inw(CFG_DATA + (off & 2));
	else
		v = inl(CFG_DATA);
	port_release(f);
	return v;
}

static void port_write(uint8_t bus, uint8_t devfn, unsigned off, unsigned width, uint32_t v)
{
	unsigned long f = port_acquire();
	outl(CFG_ADDR, port_addr(bus, devfn, off));
	if (width == 1)
		outb(CFG_DATA + (off & 3), (uint8_t)v);
	else if (width == 2)
		outw(CFG_DATA + (off & 2), (uint16_t)v);
	else
		outl(CFG_DATA, v);
	port_release(f);
}

bool pci_port_present(void)
{
	static int present = -1;
	if (present < 0) {
		/* Mechanism #1 latches a full dword written to 0xCF8 and reads
		 * it back; nothing there reads all-ones. Restore the old
		 * address afterwards (firmware may care). */
		unsigned long f = port_acquire();
		uint32_t old = inl(CFG_ADDR);
		outl(CFG_ADDR, 0x80000000u);
		present = inl(CFG_ADDR) == 0x80000000u;
		outl(CFG_ADDR, old);
		port_release(f);
	}
	return present;
}
#else
static uint32_t port_read(uint8_t bus, uint8_t devfn, unsigned off, unsigned width)
{
	return all_ones(width);
}

static void port_write(uint8_t bus, uint8_t devfn, unsigned off, unsigned width, uint32_t v)
{
}

bool pci_port_present(void)
{
	return false;
}
#endif

/* --- ECAM --------------------------------------------------------------- */

static int ecam_root(uint16_t seg, uint8_t bus)
{
	for (int i = 0; i < nroots; i++)
		if (roots[i].ecam && roots[i].seg == seg &&
		    bus >= roots[i].bus_start && bus <= roots[i].bus_end)
			return i;
	return -1;
}

void *pci_ecam_fn(uint16_t seg, uint8_t bus, uint8_t devfn)
{
	int r = ecam_root(seg, bus);
	if (r < 0)
		return NULL;
	uint64_t pa = roots[r].ecam + ((uint64_t)bus << 20);
	/* Map one bus (1 MiB) at a time, on first use: a 256-bus window is
	 * 256 MiB of address space, most of it for buses that don't exist. */
	if (!(bus_mapped[r][bus / 8] & (1u << (bus % 8)))) {
		if (!vm_map_mmio(pa, ECAM_BUS_SIZE))
			return NULL;
		bus_mapped[r][bus / 8] |= 1u << (bus % 8);
	}
	return (char *)(uintptr_t)pa + (uint32_t)devfn * ECAM_FN_SIZE;
}

static uint32_t ecam_read(void *fn, unsigned off, unsigned width)
{
	void *p = (char *)fn + off;
	if (width == 1)
		return mmio_read8(p);
	if (width == 2)
		return mmio_read16(p);
	return mmio_read32(p);
}

static void ecam_write(void *fn, unsigned off, unsigned width, uint32_t v)
{
	void *p = (char *)fn + off;
	if (width == 1)
		mmio_write8(p, (uint8_t)v);
	else if (width == 2)
		mmio_write16(p, (uint16_t)v);
	else
		mmio_write32(p, v);
}

/* --- dispatch ----------------------------------------------------------- */

uint32_t pci_cfg_rd(int via, uint16_t seg, uint8_t bus, uint8_t devfn,
		    unsigned off, unsigned width)
{
	if (via != PCI_CFG_PORT) {
		void *fn = pci_ecam_fn(seg, bus, devfn);
		if (fn)
			return access_ok(off, width, ECAM_FN_SIZE) ?
			       ecam_read(fn, off, width) : all_ones(width);
		if (via == PCI_CFG_ECAM)
			return all_ones(width);
	}
	if (seg != 0 || !pci_port_present() || !access_ok(off, width, 256))
		return all_ones(width);
	return port_read(bus, devfn, off, width);
}

void pci_cfg_wr(int via, uint16_t seg, uint8_t bus, uint8_t devfn,
		unsigned off, unsigned width, uint32_t v)
{
	if (via != PCI_CFG_PORT) {
		void *fn = pci_ecam_fn(seg, bus, devfn);
		if (fn) {
			if (access_ok(off, width, ECAM_FN_SIZE))
				ecam_write(fn, off, width, v);
			return;
		}
		if (via == PCI_CFG_ECAM)
			return;
	}
	if (seg == 0 && pci_port_present() && access_ok(off, width, 256))
		port_write(bus, devfn, off, width, v);
}

uint32_t pci_cfg_read(const struct pci_dev *d, unsigned off, unsigned width)
{
	if (d->cfg)
		return access_ok(off, width, ECAM_FN_SIZE) ?
		       ecam_read(d->cfg, off, width) : all_ones(width);
	return pci_cfg_rd(PCI_CFG_PORT, d->seg, d->bus, PCI_DEVFN(d->dev, d->fn), off, width);
}

void pci_cfg_write(const struct pci_dev *d, unsigned off, unsigned width, uint32_t v)
{
	if (d->cfg) {
		if (access_ok(off, width, ECAM_FN_SIZE))
			ecam_write(d->cfg, off, width, v);
		return;
	}
	pci_cfg_wr(PCI_CFG_PORT, d->seg, d->bus, PCI_DEVFN(d->dev, d->fn), off, width, v);
}

uint32_t pci_cfg_read_addr(int via, uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn,
			   unsigned off, unsigned width)
{
	if (dev > 31 || fn > 7)
		return all_ones(width);
	return pci_cfg_rd(via, seg, bus, PCI_DEVFN(dev, fn), off, width);
}

const char *pci_cfg_method(const struct pci_dev *d)
{
	return d->cfg ? "ecam" : "port";
}

/* --- roots -------------------------------------------------------------- */

int pci_ecam_register(uint64_t base, uint16_t seg, uint8_t bus_start, uint8_t bus_end)
{
	uint64_t lo = base + ((uint64_t)bus_start << 20);
	uint64_t len = (uint64_t)(bus_end - bus_start + 1) << 20;

	/* Firmware can lie: the window must be a sane, 1 MiB aligned range
	 * below the 52-bit physical limit, and not overlap another window of
	 * the same segment. */
	if (bus_end < bus_start || (base & (ECAM_BUS_SIZE - 1)) || lo == 0 ||
	    lo < base || lo + len - 1 < lo || lo + len > (1ull << 52) ||
	    boot_range_is_ram(lo, len)) {
		pr_warn("pci: ECAM seg %u bus %02x-%02x at %#llx: bad window, ignored\n",
			seg, bus_start, bus_end, (unsigned long long)base);
		return -EINVAL;
	}
	for (int i = 0; i < nroots; i++)
		if (roots[i].ecam && roots[i].seg == seg &&
		    bus_start <= roots[i].bus_end && bus_end >= roots[i].bus_start)
			return -EEXIST;
	if (nroots >= ECAM_MAX) {
		pr_warn("pci: too many ECAM windows, seg %u ignored\n", seg);
		return -ENOSPC;
	}

	int r = nroots;
	roots[r] = (struct pci_root){ .seg = seg, .bus_start = bus_start,
				      .bus_end = bus_end, .ecam = base };
	for (unsigned i = 0; i < sizeof(bus_mapped[r]); i++)
		bus_mapped[r][i] = 0;
	nroots++;

	void *host = pci_ecam_fn(seg, bus_start, 0);
	if (!host) {
		nroots--;
		return -ENOMEM;
	}
	/* Cross-check against the ports where both reach the same function:
	 * an MCFG pointing at the wrong place reads all-ones, zeros or RAM. */
	if (seg == 0 && pci_port_present()) {
		uint32_t via_port = port_read(bus_start, 0, PCI_VENDOR_ID, 4);
		uint32_t via_ecam = ecam_read(host, PCI_VENDOR_ID, 4);
		if (via_port != via_ecam) {
			pr_warn("pci: ECAM at %#llx reads %08x for %02x:00.0, ports read %08x: "
				"MCFG is wrong, using the ports\n",
				(unsigned long long)base, via_ecam, bus_start, via_port);
			nroots--;
			return -EIO;
		}
	}
	pr_info("pci: ECAM seg %u bus %02x-%02x at %#llx\n", seg, bus_start, bus_end,
		(unsigned long long)lo);
	return 0;
}

static struct pci_root port_root = { .seg = 0, .bus_start = 0, .bus_end = 255 };

int pci_root_count(void)
{
	/* The ports serve segment 0 only when no window claims bus 0 of it. */
	return nroots + (pci_port_present() && ecam_root(0, 0) < 0);
}

struct pci_root *pci_root_get(int i)
{
	if (i < nroots)
		return &roots[i];
	return i == nroots && pci_port_present() && ecam_root(0, 0) < 0 ? &port_root : NULL;
}
