// SPDX-License-Identifier: MIT
/* PCI enumeration, BARs, capabilities and driver binding.
 *
 * Enumeration walks each configuration root breadth-first from its first bus
 * and follows PCI-to-PCI bridges through the secondary bus numbers firmware
 * assigned (PCI-to-PCI Bridge Architecture 1.2 §3.2.5.3); the bus numbers
 * seen are remembered, so a bridge that points back at a visited bus (a
 * buggy or hostile topology) cannot make the walk loop. pci.scanall=1 also
 * probes every bus of the range that no bridge led to.
 *
 * It runs at INIT_BUS; drivers registered with PCI_DRIVER are probed at
 * INIT_DRIVER, so every function is known before any driver starts. */
#include <drivers/pci.h>
#include <kern/acpi.h>
#include <kern/boot.h>
#include <kern/cmdline.h>
#include <kern/errno.h>
#include <kern/init.h>
#include <kern/irq.h>
#include <kern/printk.h>
#include <kern/vm.h>
#include <arch/io.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pci_priv.h"

CMDLINE_OPT(pci_scanall, "pci.scanall", "probe every bus, not only those bridges lead to");

#define PCI_MAX_FUNCS 1024      /* a bus full of lying devices stops here */

static struct pci_dev *dev_list;
static int ndevs;

struct pci_dev *pci_devices(void)
{
	return dev_list;
}

struct pci_dev *pci_find_device(uint16_t vendor, uint16_t device, struct pci_dev *prev)
{
	for (struct pci_dev *d = prev ? prev->next : dev_list; d; d = d->next)
		if ((vendor == 0xffff || d->vendor == vendor) &&
		    (device == 0xffff || d->device == device))
			return d;
	return NULL;
}

static uint64_t dev_key(const struct pci_dev *d)
{
	return (uint64_t)d->seg << 16 | (uint64_t)d->bus << 8 | PCI_DEVFN(d->dev, d->fn);
}

/* Keep the list in (segment, bus, device, function) order whatever order
 * the breadth-first walk found things in. */
static void dev_insert(struct pci_dev *n)
{
	struct pci_dev **pp = &dev_list;
	while (*pp && dev_key(*pp) < dev_key(n))
		pp = &(*pp)->next;
	n->next = *pp;
	*pp = n;
}

static bool dev_known(uint16_t seg, uint8_t bus, uint8_t devfn)
{
	uint64_t key = (uint64_t)seg << 16 | (uint64_t)bus << 8 | devfn;
	for (struct pci_dev *d = dev_list; d; d = d->next)
		if (dev_key(d) == key)
			return true;
	return false;
}

/* --- BARs --------------------------------------------------------------- */

/* Size every BAR (PCI 3.0 §6.2.5.1): save it, write all-ones, read back,
 * restore. Decoding is switched off meanwhile (Command bits 0 and 1), or the
 * function would briefly claim whatever address all-ones spells, and
 * interrupts are off so no handler touches the device in between. */
static void size_bars(struct pci_dev *d)
{
	unsigned nbars = d->hdr_type == 0 ? 6 : d->hdr_type == 1 ? 2 : 0;
	if (!nbars)
		return;

	unsigned long flags = irq_save();
	uint16_t cmd = pci_cfg_read(d, PCI_COMMAND, 2);
	pci_cfg_write(d, PCI_COMMAND, 2, cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));

	for (unsigned i = 0; i < nbars; i++) {
		unsigned reg = PCI_BAR0 + 4 * i;
		uint32_t lo = pci_cfg_read(d, reg, 4), hi = 0, plo, phi = 0;
		bool is64 = pci_bar_is64(lo);

		pci_cfg_write(d, reg, 4, 0xffffffffu);
		plo = pci_cfg_read(d, reg, 4);
		pci_cfg_write(d, reg, 4, lo);
		if (is64 && i + 1 < nbars) {
			hi = pci_cfg_read(d, reg + 4, 4);
			pci_cfg_write(d, reg + 4, 4, 0xffffffffu);
			phi = pci_cfg_read(d, reg + 4, 4);
			pci_cfg_write(d, reg + 4, 4, hi);
		}
		if (is64 && i + 1 >= nbars) {
			/* The upper half would be past the last BAR. */
			d->bar_bad = true;
			d->bar[i] = (struct pci_bar){ 0 };
		} else if (pci_bar_decode(lo, plo, hi, phi, &d->bar[i]) < 0) {
			d->bar_bad = true;
		}
		if (is64)
			i++;    /* the upper half is not a BAR of its own */
	}

	pci_cfg_write(d, PCI_COMMAND, 2, cmd);
	irq_restore(flags);
}

void *pci_map_bar(struct pci_dev *d, int bar)
{
	if (bar < 0 || bar >= 6)
		return NULL;
	struct pci_bar *b = &d->bar[bar];
	if (b->io || !b->size)
		return NULL;
	/* Base 0 means firmware never assigned the BAR; mapping page 0 as a
	 * device would only hide the bug. A BAR firmware placed on RAM or the
	 * kernel is refused: the driver's register writes would land there. */
	if (!b->virt && b->addr) {
		char what[32];

		snprintf(what, sizeof(what), "pci %02x:%02x.%u BAR%d", d->bus, d->dev, d->fn, bar);
		if (boot_device_window(what, b->addr, b->size))
			return NULL;
		b->virt = vm_map_mmio(b->addr, b->size);
	}
	return b->virt;
}

/* Check a BAR access: known BAR, width 1/2/4, naturally aligned, inside. */
static struct pci_bar *bar_check(struct pci_dev *d, int bar, uint64_t off, unsigned width)
{
	if (bar < 0 || bar >= 6 || !d->bar[bar].size ||
	    !(width == 1 || width == 2 || width == 4) || (off & (width - 1)) ||
	    off >= d->bar[bar].size || width > d->bar[bar].size - off) {
		pr_warn("pci %02x:%02x.%u: bad access bar %d off %#llx width %u\n",
			d->bus, d->dev, d->fn, bar, (unsigned long long)off, width);
		return NULL;
	}
	return &d->bar[bar];
}

uint32_t pci_bar_read(struct pci_dev *d, int bar, uint64_t off, unsigned width)
{
	struct pci_bar *b = bar_check(d, bar, off, width);
	if (!b)
		return 0xffffffffu;
	if (b->io) {
#ifdef ARCH_HAS_PORT_IO
		uint64_t port = b->addr + off;
		if (port + width <= 0x10000)
			return width == 1 ? inb(port) : width == 2 ? inw(port) : inl(port);
#endif
		return 0xffffffffu;
	}
	char *p = pci_map_bar(d, bar);
	if (!p)
		return 0xffffffffu;
	p += off;
	return width == 1 ? mmio_read8(p) : width == 2 ? mmio_read16(p) : mmio_read32(p);
}

void pci_bar_write(struct pci_dev *d, int bar, uint64_t off, unsigned width, uint32_t v)
{
	struct pci_bar *b = bar_check(d, bar, off, width);
	if (!b)
		return;
	if (b->io) {
#ifdef ARCH_HAS_PORT_IO
		uint64_t port = b->addr + off;
		if (port + width > 0x10000)
			return;
		if (width == 1)
			outb(port, (uint8_t)v);
		else if (width == 2)
			outw(port, (uint16_t)v);
		else
			outl(port, v);
#endif
		return;
	}
	char *p = pci_map_bar(d, bar);
	if (!p)
		return;
	p += off;
	if (width == 1)
		mmio_write8(p, (uint8_t)v);
	else if (width == 2)
		mmio_write16(p, (uint16_t)v);
	else
		mmio_write32(p, v);
}

void pci_enable(struct pci_dev *d)
{
	uint16_t cmd = pci_cfg_read(d, PCI_COMMAND, 2), want = PCI_COMMAND_MASTER;
	for (int i = 0; i < 6; i++)
		if (d->bar[i].size)
			want |= d->bar[i].io ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY;
	if ((cmd & want) != want)
		pci_cfg_write(d, PCI_COMMAND, 2, cmd | want);
}

/* --- capabilities ------------------------------------------------------- */

static uint32_t dev_reader(void *ctx, unsigned off, unsigned width)
{
	return pci_cfg_read(ctx, off, width);
}

int pci_find_cap(const struct pci_dev *d, uint8_t id, int start)
{
	return pci_cap_walk(dev_reader, (void *)d, d->hdr_type, id, start);
}

int pci_find_ext_cap(const struct pci_dev *d, uint16_t id, int start)
{
	if (!d->cfg)
		return -ENOENT;     /* the ports reach only the first 256 bytes */
	return pci_ext_cap_walk(dev_reader, (void *)d, id, start);
}

/* --- enumeration -------------------------------------------------------- */

static struct pci_dev *add_function(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn,
				    uint32_t id, uint8_t hdr)
{
	if (ndevs >= PCI_MAX_FUNCS)
		return NULL;
	struct pci_dev *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	ndevs++;
	d->seg = seg;
	d->bus = bus;
	d->dev = dev;
	d->fn = fn;
	d->cfg = pci_ecam_fn(seg, bus, PCI_DEVFN(dev, fn));
	d->vendor = id & 0xffff;
	d->device = id >> 16;
	d->hdr_type = hdr & 0x7f;
	uint32_t cls = pci_cfg_read(d, PCI_REVISION_ID, 4);
	d->revision = cls & 0xff;
	d->prog_if = (cls >> 8) & 0xff;
	d->subclass = (cls >> 16) & 0xff;
	d->class = cls >> 24;
	if (d->hdr_type == 0) {
		d->subsys_vendor = pci_cfg_read(d, PCI_SUBSYS_VENDOR_ID, 2);
		d->subsys_id = pci_cfg_read(d, PCI_SUBSYS_ID, 2);
	} else if (d->hdr_type == 1) {
		d->sec_bus = pci_cfg_read(d, PCI_SECONDARY_BUS, 1);
		d->sub_bus = pci_cfg_read(d, PCI_SUBORDINATE_BUS, 1);
	}
	/* Interrupt Pin 1..4 = INTA..INTD; Line is what firmware routed it to
	 * (on x86 an IRQ/GSI; 0xFF "unknown or not connected", §6.2.4). */
	uint8_t pin = pci_cfg_read(d, PCI_INTERRUPT_PIN, 1);
	uint8_t line = pci_cfg_read(d, PCI_INTERRUPT_LINE, 1);
	d->irq_pin = pin <= 4 ? pin : 0;
	d->irq_line = d->irq_pin && line != 0xff ? line : -1;
	size_bars(d);
	if (d->bar_bad)
		pr_warn("pci %02x:%02x.%u: a BAR reads back as garbage; ignored\n", bus, dev, fn);
	if (pci_find_cap(d, 0, 0) == -EIO)
		pr_warn("pci %02x:%02x.%u: capability list is corrupt\n", bus, dev, fn);
	dev_insert(d);
	pr_debug("pci %02x:%02x.%u %04x:%04x class %02x%02x%02x\n", bus, dev, fn,
		 d->vendor, d->device, d->class, d->subclass, d->prog_if);
	return d;
}

static bool present(uint32_t id)
{
	/* All-ones: nobody answered. Vendor 0 is not assigned, and is what
	 * unbacked memory behind a bad ECAM window tends to read. */
	return (id & 0xffff) != 0xffff && (id & 0xffff) != 0;
}

/* Probe the 32 devices of one bus; queue the secondary buses of bridges. */
static void scan_bus(struct pci_root *r, uint8_t bus, uint8_t *queue, int *qt, uint8_t *seen)
{
	for (uint8_t dev = 0; dev < 32; dev++) {
		uint8_t nfn = 1;
		for (uint8_t fn = 0; fn < nfn; fn++) {
			uint8_t devfn = PCI_DEVFN(dev, fn);
			uint32_t id = pci_cfg_rd(PCI_CFG_ANY, r->seg, bus, devfn, PCI_VENDOR_ID, 4);
			if (!present(id))
				continue;
			uint8_t hdr = pci_cfg_rd(PCI_CFG_ANY, r->seg, bus, devfn, PCI_HEADER_TYPE, 1);
			/* Functions 1-7 exist only if function 0 says it is
			 * multi-function (header type bit 7, §6.2.1). */
			if (fn == 0 && (hdr & PCI_HEADER_MULTIFN))
				nfn = 8;
			if (dev_known(r->seg, bus, devfn))
				continue;
			struct pci_dev *d = add_function(r->seg, bus, dev, fn, id, hdr);
			if (!d) {
				pr_warn("pci: out of room at %02x:%02x.%u, scan stopped\n",
					bus, dev, fn);
				return;
			}
			if (d->hdr_type != 1)
				continue;
			/* A bridge forwards to [secondary, subordinate]. Follow
			 * it only forward, inside this root, once. */
			uint8_t sec = d->sec_bus;
			if (sec <= bus || sec < r->bus_start || sec > r->bus_end ||
			    sec > d->sub_bus) {
				pr_warn("pci %02x:%02x.%u: bridge to bus %02x-%02x not followed\n",
					bus, dev, fn, sec, d->sub_bus);
				continue;
			}
			if (!(seen[sec / 8] & (1u << (sec % 8)))) {
				seen[sec / 8] |= 1u << (sec % 8);
				queue[(*qt)++] = sec;
			}
		}
	}
}

static void scan_root(struct pci_root *r)
{
	uint8_t queue[256], seen[32] = { 0 };
	int qh = 0, qt = 0;

	queue[qt++] = r->bus_start;
	seen[r->bus_start / 8] |= 1u << (r->bus_start % 8);
	while (qh < qt)
		scan_bus(r, queue[qh++], queue, &qt, seen);

	if (cmdline_get_bool("pci.scanall", false)) {
		for (unsigned b = r->bus_start; b <= r->bus_end; b++) {
			if (seen[b / 8] & (1u << (b % 8)))
				continue;
			seen[b / 8] |= 1u << (b % 8);
			qt = qh = 0;
			queue[qt++] = b;
			while (qh < qt)
				scan_bus(r, queue[qh++], queue, &qt, seen);
		}
	}
	r->scanned = true;
}

int pci_scan(void)
{
	int n = pci_root_count();
	if (n == 0)
		return -ENODEV;
	for (int i = 0; i < n; i++) {
		struct pci_root *r = pci_root_get(i);
		if (r && !r->scanned)
			scan_root(r);
	}
	return ndevs;
}

/* x86 firmware describes ECAM in the ACPI MCFG table (PCI Firmware 3.3
 * §4.1.2). Each window is checked by pci_ecam_register; one that fails is
 * skipped and its buses stay on the ports. */
/* Weak: an image without the ACPI code (aarch64 booted with only a device
 * tree) still links, and simply has no MCFG. */
extern __typeof__(acpi_find_table) acpi_find_table __attribute__((weak));

static void pci_mcfg(void)
{
	const struct acpi_sdt_hdr *t = acpi_find_table ? acpi_find_table("MCFG", 0) : NULL;
	struct pci_mcfg_entry e[8];
	if (!t)
		return;
	int n = pci_mcfg_parse(t, t->length, e, ARRAY_SIZE(e));
	if (n < 0) {
		pr_warn("pci: MCFG is malformed (length %u), not used\n", t->length);
		return;
	}
	for (int i = 0; i < n; i++)
		pci_ecam_register(e[i].base, e[i].seg, e[i].bus_start, e[i].bus_end);
}

static int pci_init(void)
{
	pci_mcfg();
	int n = pci_scan();
	if (n < 0) {
		pr_info("pci: no configuration access\n");
		return 0;
	}
	unsigned necam = 0;
	for (struct pci_dev *d = dev_list; d; d = d->next)
		necam += d->cfg != NULL;
	pr_info("pci: %d functions (%u through ECAM)\n", n, necam);
	return 0;
}
INITCALL(INIT_BUS, pci_init);

/* --- drivers ------------------------------------------------------------ */

extern const struct pci_driver *const __pcidrivers_start[], *const __pcidrivers_end[];

static int pci_probe_drivers(void)
{
	for (struct pci_dev *d = dev_list; d; d = d->next) {
		if (d->driver)
			continue;
		for (const struct pci_driver *const *p = __pcidrivers_start;
		     p < __pcidrivers_end; p++) {
			const struct pci_driver *drv = *p;
			if (!drv->match || !drv->probe || !drv->match(d))
				continue;
			int rc = drv->probe(d);
			if (rc == 0) {
				d->driver = drv;
				pr_info("pci %02x:%02x.%u: %s\n", d->bus, d->dev, d->fn, drv->name);
				break;
			}
			pr_warn("pci %02x:%02x.%u: %s probe failed: %s\n", d->bus, d->dev,
				d->fn, drv->name, strerror(rc));
		}
	}
	return 0;
}
INITCALL(INIT_DRIVER, pci_probe_drivers);
