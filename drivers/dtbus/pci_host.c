// SPDX-License-Identifier: MIT
/* "pci-host-ecam-generic" host bridges (the Linux binding
 * host-generic-pci.yaml, PCI Bus Binding to IEEE 1275): the ECAM window
 * ("reg", "bus-range", "linux,pci-domain") goes to drivers/pci, which
 * enumerates it; then this file does what firmware would have done:
 *  - BARs: QEMU's -kernel boot runs no firmware on Arm, so every BAR reads
 *    back 0 (unassigned). Each gets an address in one of the bridge's
 *    "ranges" windows (BARs firmware did place are kept, and the windows
 *    are used only above them). Functions behind PCI-to-PCI bridges would
 *    need the bridges' windows programmed too; that is not done, and they
 *    are left unassigned with a warning.
 *  - INTx: the pin of each function is routed through "interrupt-map"
 *    (after the bridge swizzle of the PCI-to-PCI Bridge Architecture 1.2
 *    §9.1) to a GIC line, stored as the function's irq_line.
 * MSI-X needs nothing here: irq_alloc_msi_dev finds the GIC's MSI frame or
 * ITS (which maps the requester ID through this node's msi-map). */
#include <drivers/platdev.h>
#include "dtbus_priv.h"
#include <drivers/fdt.h>
#include <drivers/pci.h>
#include <kern/errno.h>
#include <kern/irq.h>
#include <kern/printk.h>

#define MAX_WINDOWS     16
#define MAX_BARS        256
#define PCI_BAR_IO_MASK 0x3u
#define PCI_BAR_MEM_MASK 0xfu

struct host {
	const void *fdt;
	int node;
	uint16_t seg;
	uint8_t bus_start, bus_end;
	struct dtbus_window win[MAX_WINDOWS];
	int nwin;
};

static bool on_host(const struct host *h, const struct pci_dev *d)
{
	return d->seg == h->seg && d->bus >= h->bus_start && d->bus <= h->bus_end;
}

/* The window holding bus address a of the given kind, or NULL. */
static struct dtbus_window *window_of(struct host *h, bool io, uint64_t a)
{
	for (int k = 0; k < h->nwin; k++) {
		struct dtbus_window *w = &h->win[k];
		if (w->io == io && a >= w->pci && a - w->pci < w->size)
			return w;
	}
	return NULL;
}

static int read_windows(struct host *h)
{
	struct fdt_pci_range r[MAX_WINDOWS];
	int n = fdt_pci_ranges(h->fdt, h->node, r, MAX_WINDOWS);

	if (n < 0)
		return n;
	if (n > MAX_WINDOWS) {
		pr_warn("dtbus: PCI host has %d windows; using %d\n", n, MAX_WINDOWS);
		n = MAX_WINDOWS;
	}
	h->nwin = 0;
	for (int i = 0; i < n; i++) {
		uint32_t sp = r[i].flags & FDT_PCI_SPACE_MASK;

		if (sp == FDT_PCI_SPACE_CONFIG || !r[i].size ||
		    r[i].pci_addr + r[i].size - 1 < r[i].pci_addr)
			continue;
		h->win[h->nwin++] = (struct dtbus_window){
			.io = sp == FDT_PCI_SPACE_IO,
			.prefetch = r[i].flags & FDT_PCI_PREFETCH,
			.pci = r[i].pci_addr, .cpu = r[i].cpu_addr, .size = r[i].size,
		};
	}
	return 0;
}

/* Write a placed BAR to the function and check it took. Decoding is off
 * meanwhile (as when sizing, PCI 3.0 §6.2.5.1), so the function never
 * answers at a half-written address. */
static bool write_bar(struct pci_dev *d, int i, const struct dtbus_bar *b)
{
	unsigned reg = PCI_BAR0 + 4 * (unsigned)i;
	uint16_t cmd = pci_cfg_read(d, PCI_COMMAND, 2);
	unsigned long flags = irq_save();

	pci_cfg_write(d, PCI_COMMAND, 2, cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
	pci_cfg_write(d, reg, 4, (uint32_t)b->pci);
	if (b->is64)
		pci_cfg_write(d, reg + 4, 4, (uint32_t)(b->pci >> 32));
	uint64_t got = pci_cfg_read(d, reg, 4) & ~(uint64_t)(b->io ? PCI_BAR_IO_MASK
								  : PCI_BAR_MEM_MASK);
	if (b->is64)
		got |= (uint64_t)pci_cfg_read(d, reg + 4, 4) << 32;
	pci_cfg_write(d, PCI_COMMAND, 2, cmd);
	irq_restore(flags);
	/* An I/O BAR may implement only 16 address bits (§6.2.5.1). */
	return b->io ? (got & 0xffff) == (b->pci & 0xffff) : got == b->pci;
}

static void assign_bars(struct host *h)
{
	static struct dtbus_bar bars[MAX_BARS];
	static struct dtbus_range used[MAX_BARS];
	int n = 0, nused = 0, skipped = 0;

	for (struct pci_dev *d = pci_devices(); d; d = d->next) {
		if (!on_host(h, d))
			continue;
		unsigned nbars = d->hdr_type == 0 ? 6 : d->hdr_type == 1 ? 2 : 0;
		for (unsigned i = 0; i < nbars; i++) {
			struct pci_bar *pb = &d->bar[i];
			if (!pb->size)
				continue;
			/* A BAR firmware placed inside a window stays; its
			 * CPU address is what the kernel maps. */
			struct dtbus_window *w = pb->addr ? window_of(h, pb->io, pb->addr) : NULL;
			if (w && nused < MAX_BARS) {
				used[nused++] = (struct dtbus_range){ pb->addr, pb->addr + pb->size };
				if (!pb->io)
					pb->addr = w->cpu + (pb->addr - w->pci);
				continue;
			}
			if (d->bus != h->bus_start) {
				skipped++;
				pb->addr = 0;
				continue;
			}
			if (n >= MAX_BARS)
				continue;
			bars[n++] = (struct dtbus_bar){
				.size = pb->size, .io = pb->io, .is64 = pb->is64,
				.prefetch = pb->prefetch, .owner = d, .index = (int)i,
			};
			pb->addr = 0;       /* unusable until placed */
		}
	}
	if (skipped)
		pr_warn("dtbus: %d BAR(s) behind PCI-to-PCI bridges left unassigned\n", skipped);
	if (!n)
		return;
	for (int k = 0; k < h->nwin; k++)
		dtbus_window_init(&h->win[k], used, nused);
	dtbus_bars_assign(h->win, h->nwin, bars, n);
	for (int j = 0; j < n; j++) {
		struct dtbus_bar *b = &bars[j];
		struct pci_dev *d = b->owner;

		if (b->rc) {
			pr_warn("pci %02x:%02x.%u: BAR %d (%#llx bytes, %s) found no room\n",
				d->bus, d->dev, d->fn, b->index, (unsigned long long)b->size,
				b->io ? "io" : "mem");
			continue;
		}
		if (!write_bar(d, b->index, b)) {
			pr_warn("pci %02x:%02x.%u: BAR %d does not take %#llx\n", d->bus, d->dev,
				d->fn, b->index, (unsigned long long)b->pci);
			continue;
		}
		/* Memory BARs are mapped by CPU address; an I/O BAR keeps its
		 * port (bus) number, as on x86 (<drivers/pci.h>). */
		d->bar[b->index].addr = b->io ? b->pci : b->cpu;
		dtbus_counts.pci_bars++;
		pr_debug("pci %02x:%02x.%u: BAR %d %s %#llx+%#llx\n", d->bus, d->dev, d->fn,
			 b->index, b->io ? "io" : "mem", (unsigned long long)b->cpu,
			 (unsigned long long)b->size);
	}
}

/* Route the INTx pins of the host's functions: swizzle up to the root bus
 * (the pin rotates by the device number at each bridge), then look the
 * root-bus (device, pin) up in interrupt-map. */
static void route_intx(struct host *h)
{
	for (struct pci_dev *d = pci_devices(); d; d = d->next) {
		if (!on_host(h, d) || !d->irq_pin)
			continue;
		unsigned bus = d->bus, dev = d->dev, fn = d->fn, pin = d->irq_pin;
		int hops = 0;

		while (bus != h->bus_start && hops++ < 256) {
			struct pci_dev *br = NULL;
			for (struct pci_dev *b = pci_devices(); b && !br; b = b->next)
				if (b->hdr_type == 1 && b->seg == h->seg && b->sec_bus == bus)
					br = b;
			if (!br)
				break;
			pin = ((pin - 1 + dev) % 4) + 1;
			bus = br->bus;
			dev = br->dev;
			fn = 0;     /* the map is keyed by the bridge's device */
		}
		d->irq_line = -1;
		d->irq_active_high = false;
		if (bus != h->bus_start)
			continue;
		struct fdt_irq spec;
		bool level, low;
		int rc = fdt_pci_intx(h->fdt, h->node, bus, dev, fn, pin, &spec);
		if (rc == 0)
			rc = dtbus_irq_decode(h->fdt, &spec, &level, &low);
		if (rc < 0) {
			pr_warn("pci %02x:%02x.%u: INT%c not routed by the device tree (%d)\n",
				d->bus, d->dev, d->fn, 'A' + d->irq_pin - 1, rc);
			continue;
		}
		d->irq_line = rc;
		/* Level, and the polarity the controller sees (the GIC's
		 * binding says active-high for QEMU's virt). */
		d->irq_active_high = !low;
		dtbus_counts.pci_intx++;
	}
}

static int dtbus_pci_host(const void *fdt, int node)
{
	struct host h = { .fdt = fdt, .node = node };
	uint64_t base, size;
	uint32_t domain = 0;
	int len, rc = fdt_reg(fdt, node, 0, &base, &size);

	if (rc)
		return rc;
	/* bus-range defaults to every bus the window covers. */
	const uint8_t *br = fdt_getprop(fdt, node, "bus-range", &len);
	uint32_t start = 0, end = 255;
	if (br && len == 8) {
		start = fdt_be32(br);
		end = fdt_be32(br + 4);
	} else if (br) {
		return -EINVAL;
	}
	if (start > 255 || end > 255 || end < start || size < (1u << 20) ||
	    base < ((uint64_t)start << 20))
		return -EINVAL;
	/* A window smaller than its bus range covers fewer buses. */
	if ((uint64_t)(end - start + 1) << 20 > size)
		end = start + (uint32_t)(size >> 20) - 1;
	if (fdt_get_u32(fdt, node, "linux,pci-domain", &domain) == 0 && domain > 0xffff)
		return -EINVAL;
	h.seg = (uint16_t)domain;
	h.bus_start = (uint8_t)start;
	h.bus_end = (uint8_t)end;

	rc = pci_ecam_register(base - ((uint64_t)start << 20), h.seg, h.bus_start, h.bus_end);
	if (rc)
		return rc;
	dtbus_counts.pci_hosts++;
	rc = pci_scan();
	if (rc < 0)
		return rc;
	if ((rc = read_windows(&h)) < 0)
		pr_warn("dtbus: PCI host without usable ranges (%d): BARs stay unassigned\n", rc);
	else
		assign_bars(&h);
	route_intx(&h);
	return 0;
}

/* A platform driver for the node; it needs the node itself (bus-range,
 * ranges, interrupt-map), so only the device tree can describe it. */
static int pci_host_probe(const struct platdev *pd)
{
	if (!pd->fdt)
		return -EINVAL;
	return dtbus_pci_host(pd->fdt, pd->node);
}

static const char *const pci_host_ids[] = { "pci-host-ecam-generic", NULL };
static const struct platdrv pci_host_driver = {
	.name = "pci-host-ecam",
	.ids = pci_host_ids,
	.probe = pci_host_probe,
};
PLAT_DRIVER(pci_host_driver);
