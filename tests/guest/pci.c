// SPDX-License-Identifier: MIT
/* In-guest PCI tests. The cases in tests/cases/pci.cases add known devices:
 * pci-testdev (1b36:0005: a 4 KiB memory BAR 0, a 256-port I/O BAR 1 and,
 * with membar=, a 64-bit prefetchable BAR 2), edu (1234:11e8: raises INTx
 * on request), virtio-rng-pci and e1000e (MSI-X). Each case skips when its
 * device is absent. */
#include <kern/test.h>
#include <kern/arch.h>
#include <kern/errno.h>
#include <kern/irq.h>
#include <kern/memmap.h>
#include <kern/shell.h>
#include <drivers/pci.h>
#include <kern/dma.h>
#include <arch/barrier.h>
#include <string.h>

/* Host bridges the tests can name (diagnostics only: what the bridge is
 * comes from its configuration space, not from this table). */
static const struct { uint16_t vendor, device; const char *name; } known_hosts[] = {
	{ 0x8086, 0x29c0, "q35 host bridge" },
	{ 0x8086, 0x1237, "i440FX host bridge" },
	{ 0x1b36, 0x0008, "QEMU generic PCIe host bridge" },
};

static struct pci_dev *host_bridge(void)
{
	struct pci_dev *d = pci_devices();
	return d && d->seg == 0 && d->bus == 0 && d->dev == 0 && d->fn == 0 ? d : NULL;
}

static const char *host_name(const struct pci_dev *h)
{
	for (unsigned i = 0; i < ARRAY_SIZE(known_hosts); i++)
		if (h->vendor == known_hosts[i].vendor && h->device == known_hosts[i].device)
			return known_hosts[i].name;
	return "unknown host bridge";
}

/* Is this function reachable through an ECAM window? A present function
 * reads its Vendor ID there, never all-ones; an address no window covers
 * reads all-ones (pci_cfg_read_addr's contract). */
static bool ecam_reaches(const struct pci_dev *d)
{
	return pci_cfg_read_addr(PCI_CFG_ECAM, d->seg, d->bus, d->dev, d->fn,
				 PCI_VENDOR_ID, 4) != 0xffffffffu;
}

/* Physical base (bus 0) of the ECAM window that reaches d: ECAM windows are
 * mapped at their physical address, function (bus, dev, fn) at base +
 * (bus << 20 | dev << 15 | fn << 12) (PCIe 6.0 §7.2.2). */
static uint64_t ecam_base(const struct pci_dev *d)
{
	return (uintptr_t)d->cfg - ((uint64_t)d->bus << 20 | (uint64_t)d->dev << 15 |
				    (uint64_t)d->fn << 12);
}

/* A machine without PCI (microvm, aarch64 before its ECAM is registered)
 * skips the cases that need the bus. */
static bool no_pci(void)
{
	if (pci_devices())
		return false;
	test_skip("no PCI functions (no configuration access?)");
	return true;
}

/* Function 00:00.0 of segment 0 is the host bridge on every machine with
 * PCI that the project runs on (pc, q35, virt's generic PCIe host). What it
 * is, is read, not assumed: enumeration must have stored what its
 * configuration space says. */
TEST(pci_host_bridge)
{
	if (no_pci())
		return;
	struct pci_dev *h = host_bridge();
	T_CHECK(h != NULL);
	if (!h)
		return;
	T_EQ(h->vendor, pci_cfg_read(h, PCI_VENDOR_ID, 2));
	T_EQ(h->device, pci_cfg_read(h, PCI_DEVICE_ID, 2));
	T_CHECK(h->vendor != 0xffff && h->vendor != 0);
	T_EQ(h->class, PCI_CLASS_BRIDGE);
	T_EQ(h->subclass, PCI_SUBCLASS_HOST);
	T_EQ(h->class, pci_cfg_read(h, PCI_CLASS, 1));
	T_EQ(h->subclass, pci_cfg_read(h, PCI_SUBCLASS, 1));
	test_diag("host bridge %04x:%04x (%s), config through %s", h->vendor, h->device,
		  host_name(h), pci_cfg_method(h));
}

TEST(pci_list_order)
{
	if (no_pci())
		return;
	int n = 0;
	uint64_t prev = 0;
	for (struct pci_dev *d = pci_devices(); d && n < 4096; d = d->next, n++) {
		uint64_t key = (uint64_t)d->seg << 16 | d->bus << 8 | d->dev << 3 | d->fn;
		T_CHECK(n == 0 || key > prev);      /* sorted, no duplicates */
		prev = key;
		T_CHECK(d->vendor != 0xffff && d->vendor != 0);
		T_CHECK(d->dev < 32 && d->fn < 8);
		T_CHECK(d->irq_pin <= 4);
		T_CHECK(d->irq_pin || d->irq_line < 0);
	}
	/* The list holds every function enumeration counted; how many there
	 * are is the machine's business (virt with nothing attached has only
	 * its host bridge). */
	T_EQ(pci_scan(), n);
	test_diag("%d functions", n);
}

/* Each function is reached through ECAM exactly when a window covers it
 * (ACPI MCFG on q35, the device tree on aarch64 virt), else through the
 * legacy ports (Configuration Mechanism #1, x86 only; all of pc). Where both
 * reach a function they must read the same. */
TEST(pci_ecam_vs_ports)
{
	if (no_pci())
		return;
	bool ports = pci_port_present();
	int necam = 0;
	for (struct pci_dev *d = pci_devices(); d; d = d->next) {
		T_EQ(d->cfg != NULL, ecam_reaches(d));
		if (!d->cfg)    /* then only the ports (segment 0) can reach it */
			T_CHECK(ports && d->seg == 0);
		necam += d->cfg != NULL;
		if (!ports || d->seg != 0)
			continue;
		/* The standard header reads the same both ways. */
		static const unsigned regs[] = { PCI_VENDOR_ID, PCI_REVISION_ID, 0x0c, PCI_BAR0,
						 0x2c, PCI_INTERRUPT_LINE };
		for (unsigned i = 0; i < ARRAY_SIZE(regs); i++)
			T_EQ(pci_cfg_read(d, regs[i], 4),
			     pci_cfg_read_addr(PCI_CFG_PORT, d->seg, d->bus, d->dev, d->fn,
					       regs[i], 4));
	}
	test_diag("ports %s, %d functions through ECAM", ports ? "present" : "absent", necam);
	/* Extended config space (0x100+) only exists through ECAM; without
	 * the ports, the port path reaches nothing at all. */
	T_EQ(pci_cfg_read_addr(PCI_CFG_PORT, 0, 0, 0, 0, 0x100, 4), 0xffffffffu);
	if (!ports)
		T_EQ(pci_cfg_read_addr(PCI_CFG_PORT, 0, 0, 0, 0, 0, 4), 0xffffffffu);
	struct pci_dev *h = host_bridge();
	if (!h || !h->cfg) {
		/* No window for segment 0 bus 0 (pc): ECAM reaches nothing there. */
		T_EQ(pci_cfg_read_addr(PCI_CFG_ECAM, 0, 0, 0, 0, 0, 4), 0xffffffffu);
		return;
	}
	/* Brute force bus 0 through ECAM (and the ports, where they exist):
	 * same set of functions, all enumerated. */
	int found = 0;
	for (uint8_t dev = 0; dev < 32; dev++) {
		for (uint8_t fn = 0; fn < 8; fn++) {
			uint32_t e = pci_cfg_read_addr(PCI_CFG_ECAM, 0, 0, dev, fn, 0, 4);
			if (ports)
				T_EQ(pci_cfg_read_addr(PCI_CFG_PORT, 0, 0, dev, fn, 0, 4), e);
			if ((e & 0xffff) == 0xffff)
				continue;
			/* Functions >0 of a single-function device may alias
			 * function 0 on some hardware; QEMU does not. */
			bool listed = false;
			for (struct pci_dev *d = pci_devices(); d; d = d->next)
				listed |= d->seg == 0 && d->bus == 0 && d->dev == dev && d->fn == fn;
			T_CHECK(listed);
			found++;
		}
	}
	T_CHECK(found >= 1);
}

/* The top MiB of the highest usable RAM range, 1 MiB aligned: RAM on this
 * machine whatever its size and map (0 if the map is empty). */
static uint64_t some_ram_mib(void)
{
	uint64_t top = 0;
	for (uint32_t i = 0; i < memmap_boot.count && i < MEMMAP_MAX; i++) {
		const struct mem_range *r = &memmap_boot.r[i];
		if (r->type == MEM_USABLE && r->size && r->base + r->size - 1 > top)
			top = r->base + r->size - 1;
	}
	return top & ~0xfffffull;
}

/* What firmware could lie about in MCFG or a device tree: each bad window
 * is refused and leaves enumeration as it was. The addresses come from this
 * machine's own memory map and windows. */
TEST(pci_ecam_lies)
{
	if (no_pci())
		return;
	extern char __image_start[];
	uint64_t kern = (uintptr_t)__image_start & ~0xfffffull;
	uint64_t ram = some_ram_mib();
	T_EQ(pci_ecam_register(kern, 1, 0, 0), -EINVAL);             /* over the kernel */
	T_CHECK(ram != 0);
	if (ram)
		T_EQ(pci_ecam_register(ram, 1, 0, 0), -EINVAL);      /* over RAM */
	T_EQ(pci_ecam_register(0xe0080000, 1, 0, 0), -EINVAL);       /* not 1 MiB aligned */
	T_EQ(pci_ecam_register(0xe0000000, 1, 5, 4), -EINVAL);       /* end before start */
	T_EQ(pci_ecam_register(0, 1, 0, 0), -EINVAL);                /* address 0 */
	T_EQ(pci_ecam_register(0xfffffffffff00000ull, 1, 0, 1), -EINVAL); /* wraps */
	struct pci_dev *h = host_bridge();
	if (h && h->cfg) {
		/* Overlapping the window firmware already gave (q35's MCFG,
		 * virt's device tree). */
		T_EQ(pci_ecam_register(ecam_base(h), h->seg, h->bus, h->bus), -EEXIST);
	} else if (h && pci_port_present()) {
		/* Segment 0 on the ports only (pc, no MCFG). 0xe0000000 is in
		 * the x86 32-bit PCI hole, never RAM, and nothing there reads
		 * as the host bridge does through the ports: the cross-check
		 * refuses it. */
		T_EQ(pci_ecam_register(0xe0000000, 0, 0, 0), -EIO);
		T_CHECK(h->cfg == NULL);
		T_EQ(pci_cfg_read_addr(PCI_CFG_ECAM, 0, 0, 0, 0, 0, 4), 0xffffffffu);
	}
	int n = 0;
	for (struct pci_dev *d = pci_devices(); d; d = d->next)
		n++;
	T_EQ(pci_scan(), n);        /* idempotent: nothing new, nothing twice */
}

TEST(pci_cfg_bounds)
{
	struct pci_dev *h = host_bridge();
	if (!h) {
		test_skip("no host bridge");
		return;
	}
	T_EQ(pci_cfg_read(h, 0, 3), 0xffffffffu);       /* bad width */
	T_EQ(pci_cfg_read(h, 2, 4), 0xffffffffu);       /* misaligned */
	T_EQ(pci_cfg_read(h, 1, 2), 0xffff);
	T_EQ(pci_cfg_read(h, 4096, 1), 0xff);           /* past the space */
	T_EQ(pci_cfg_read(h, 4094, 4), 0xffffffffu);
	T_EQ(pci_cfg_read_addr(PCI_CFG_ANY, 0, 0, 32, 0, 0, 4), 0xffffffffu);
	T_EQ(pci_cfg_read_addr(PCI_CFG_ANY, 0, 0, 0, 8, 0, 2), 0xffff);
	T_EQ(pci_cfg_read_addr(PCI_CFG_PORT, 0, 0, 0, 0, 256, 4), 0xffffffffu);
	T_EQ(pci_cfg_read_addr(PCI_CFG_ANY, 7, 0, 0, 0, 0, 4), 0xffffffffu); /* no segment 7 */
	/* Writes that are out of bounds are dropped, not wrapped. */
	uint32_t id = pci_cfg_read(h, 0, 4);
	pci_cfg_write(h, 4096, 4, 0);
	pci_cfg_write(h, 1, 4, 0);
	T_EQ(pci_cfg_read(h, 0, 4), id);
	T_CHECK(pci_map_bar(h, 6) == NULL);
	T_CHECK(pci_map_bar(h, -1) == NULL);
	T_EQ(pci_find_cap(h, 0xee, 0), -ENOENT);
	T_CHECK(pci_find_device(h->vendor, h->device, NULL) == h);
	T_CHECK(pci_find_device(0xffff, 0xffff, NULL) == h);
}

/* A memory BAR that firmware placed on RAM (here: a page of this image's
 * .bss) is refused, not mapped as a device: the driver would write its
 * registers over whatever lives there. Runs on every machine: the device
 * is made up, nothing touches the bus. */
static uint8_t bar_on_ram[4096] __attribute__((aligned(4096)));

TEST(pci_bar_on_ram)
{
	struct pci_dev fake;

	memset(&fake, 0, sizeof(fake));
	memset(bar_on_ram, 0x5a, sizeof(bar_on_ram));
	fake.bar[0].addr = virt_to_phys(bar_on_ram);
	fake.bar[0].size = sizeof(bar_on_ram);
	T_CHECK(pci_map_bar(&fake, 0) == NULL);
	T_CHECK(fake.bar[0].virt == NULL);
	for (unsigned i = 0; i < sizeof(bar_on_ram); i++)
		if (bar_on_ram[i] != 0x5a) {
			T_CHECK(!"the BAR's page was written");
			break;
		}
}

TEST(pci_testdev_bars)
{
	struct pci_dev *d = pci_find_device(0x1b36, 0x0005, NULL);
	if (!d) {
		test_skip("no -device pci-testdev");
		return;
	}
	test_diag("pci-testdev at %02x:%02x.%u", d->bus, d->dev, d->fn);
	T_CHECK(!d->bar_bad);
	T_CHECK(!d->bar[0].io && !d->bar[0].is64);
	T_EQ(d->bar[0].size, 4096);
	T_CHECK(d->bar[0].addr != 0 && (d->bar[0].addr & 4095) == 0);
	T_CHECK(d->bar[1].io);
	T_EQ(d->bar[1].size, 256);
	T_CHECK(d->bar[1].addr != 0 && (d->bar[1].addr & 255) == 0);
	/* membar=1M (the case's argument): 64-bit, prefetchable, BAR 2+3. */
	T_CHECK(d->bar[2].is64 && d->bar[2].prefetch && !d->bar[2].io);
	T_EQ(d->bar[2].size, 1 << 20);
	T_EQ(d->bar[3].size, 0);
	T_EQ(d->bar[4].size, 0);
	T_EQ(d->bar[5].size, 0);
	/* Sizing restored the firmware's addresses. */
	T_EQ(pci_cfg_read(d, PCI_BAR0, 4) & ~0xfu, d->bar[0].addr);
	T_EQ(pci_cfg_read(d, PCI_BAR0 + 4, 4) & ~0x3u, d->bar[1].addr);
	T_EQ((pci_cfg_read(d, PCI_BAR0 + 8, 4) & ~0xfu) |
	     (uint64_t)pci_cfg_read(d, PCI_BAR0 + 12, 4) << 32, d->bar[2].addr);
	/* Map and access; accesses outside a BAR are refused. */
	pci_enable(d);
	uint16_t cmd = pci_cfg_read(d, PCI_COMMAND, 2);
	T_CHECK((cmd & (PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER)) ==
		(PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER));
	void *p = pci_map_bar(d, 0);
	T_CHECK(p != NULL && (uint64_t)(uintptr_t)p == d->bar[0].addr);
	T_CHECK(pci_map_bar(d, 0) == p);
	T_CHECK(pci_map_bar(d, 1) == NULL);             /* I/O: nothing to map */
	T_CHECK(pci_map_bar(d, 2) != NULL);
	T_EQ(pci_bar_read(d, 0, 4096, 4), 0xffffffffu);
	T_EQ(pci_bar_read(d, 0, 4094, 4), 0xffffffffu);
	T_EQ(pci_bar_read(d, 1, 256, 1), 0xffffffffu);
	T_EQ(pci_bar_read(d, 3, 0, 4), 0xffffffffu);
}

TEST(pci_bridges)
{
	if (no_pci())
		return;
	int bridges = 0, unset = 0, behind = 0;
	for (struct pci_dev *b = pci_devices(); b; b = b->next) {
		if (b->hdr_type != 1)
			continue;
		T_EQ(b->class, PCI_CLASS_BRIDGE);
		/* Secondary and subordinate bus numbers reset to 0 (PCI-to-PCI
		 * Bridge Architecture 1.2 §3.2.5.3, .4) and are set by whoever
		 * enumerates first: x86 firmware does; on aarch64 virt nothing
		 * runs before the kernel, which does not number buses yet
		 * (it warns "bridge ... not followed"). */
		if (b->sec_bus == 0 && b->sub_bus == 0) {
			unset++;
			continue;
		}
		bridges++;
		T_CHECK(b->sec_bus > b->bus && b->sec_bus <= b->sub_bus);
		for (struct pci_dev *d = pci_devices(); d; d = d->next)
			if (d->seg == b->seg && d->bus >= b->sec_bus && d->bus <= b->sub_bus) {
				behind++;
				/* Config space behind a bridge is reached
				 * through ECAM exactly when a window covers
				 * its bus, else through the ports. */
				T_EQ(d->cfg != NULL, ecam_reaches(d));
				T_EQ(pci_cfg_read(d, 0, 4),
				     pci_cfg_read_addr(d->cfg ? PCI_CFG_ECAM : PCI_CFG_PORT,
						       d->seg, d->bus, d->dev, d->fn, 0, 4));
			}
	}
	if (!bridges) {
		if (unset)
			test_skip("%d bridge(s) without bus numbers: nothing configured them", unset);
		else
			test_skip("no PCI-to-PCI bridge");
		return;
	}
	test_diag("%d bridges, %d functions behind them", bridges, behind);
	T_CHECK(behind >= 1);
}

extern const struct shell_cmd __shellcmds_start[], __shellcmds_end[];

TEST(pci_shell_cmd)
{
	const struct shell_cmd *c;
	for (c = __shellcmds_start; c < __shellcmds_end; c++)
		if (strcmp(c->name, "pci") == 0)
			break;
	T_CHECK(c < __shellcmds_end);
	if (c >= __shellcmds_end)
		return;
	char *v[] = { "pci", "-v", NULL }, *plain[] = { "pci", NULL }, *bad[] = { "pci", "-x", NULL };
	T_EQ(c->fn(1, plain), 0);
	T_EQ(c->fn(2, v), 0);
	T_EQ(c->fn(2, bad), -EINVAL);
}

TEST(pci_caps)
{
	struct pci_dev *d = pci_find_device(0x1af4, 0xffff, NULL);
	if (!d) {
		test_skip("no virtio device");
		return;
	}
	/* A modern virtio-pci function has a chain of vendor capabilities:
	 * common, notify, ISR, PCI-config access (virtio 1.2 §4.1.4). */
	int n = 0, last = 0;
	for (int off = pci_find_cap(d, PCI_CAP_ID_VNDR, 0); off > 0 && n < 64;
	     off = pci_find_cap(d, PCI_CAP_ID_VNDR, off), n++) {
		T_CHECK(off >= 0x40 && off <= 0xfc && (off & 3) == 0);
		T_CHECK(off != last);
		last = off;
	}
	test_diag("%04x:%04x has %d vendor capabilities", d->vendor, d->device, n);
	T_CHECK(n >= 4);
	T_CHECK(pci_find_cap(d, PCI_CAP_ID_MSIX, 0) >= 0x40);
	T_EQ(pci_find_cap(d, 0xee, 0), -ENOENT);
	/* Every function's lists are well formed (QEMU's are). */
	for (struct pci_dev *f = pci_devices(); f; f = f->next) {
		T_EQ(pci_find_cap(f, 0xee, 0), -ENOENT);
		T_EQ(pci_find_ext_cap(f, 0xeeee, 0), -ENOENT);
	}
}

/* MSI-X on a function no driver owns (e1000e, or an unbound virtio one). */
static int msix_hits;
static void msix_handler(void *arg)
{
	msix_hits++;
}

TEST(pci_msix_table)
{
	struct pci_dev *d;
	for (d = pci_devices(); d; d = d->next)
		if (!d->driver && !d->msix_table && pci_find_cap(d, PCI_CAP_ID_MSIX, 0) >= 0)
			break;
	if (!d) {
		test_skip("no unbound function with MSI-X");
		return;
	}
	test_diag("MSI-X on %02x:%02x.%u %04x:%04x", d->bus, d->dev, d->fn, d->vendor, d->device);
	int cap = pci_find_cap(d, PCI_CAP_ID_MSIX, 0);
	unsigned tsize = (pci_cfg_read(d, cap + 2, 2) & 0x7ff) + 1;
	int n = pci_msix_enable(d, 2);
	T_CHECK(n >= 1 && n <= 2 && (unsigned)n <= tsize);
	if (n < 1)
		return;
	T_EQ(pci_msix_enable(d, 2), -EBUSY);
	uint16_t ctrl = pci_cfg_read(d, cap + 2, 2);
	T_CHECK(ctrl & 0x8000);                          /* enabled */
	T_CHECK(!(ctrl & 0x4000));                       /* function unmasked */
	T_CHECK(pci_cfg_read(d, PCI_COMMAND, 2) & PCI_COMMAND_INTX_DISABLE);
	T_CHECK(pci_cfg_read(d, PCI_COMMAND, 2) & PCI_COMMAND_MASTER);

	/* Entries start masked. */
	struct msi_msg msg;
	bool masked = false;
	T_EQ(pci_msix_entry(d, 0, &msg, &masked), 0);
	T_CHECK(masked);

	int rc = pci_msix_attach(d, 0, msix_handler, NULL);
	T_EQ(rc, 0);
	if (rc == 0) {
		T_EQ(pci_msix_entry(d, 0, &msg, &masked), 0);
		T_CHECK(!masked);                        /* attach leaves it unmasked */
		T_CHECK(msg.addr != 0);
#ifdef __x86_64__
		T_EQ(msg.addr & 0xfff00000u, 0xfee00000u);   /* the LAPIC window (SDM 10.11.1) */
#endif
		pci_msix_mask(d, 0, true);
		T_EQ(pci_msix_entry(d, 0, NULL, &masked), 0);
		T_CHECK(masked);
		pci_msix_mask(d, 0, false);
		T_EQ(pci_msix_entry(d, 0, NULL, &masked), 0);
		T_CHECK(!masked);
		/* Re-attach reprograms the entry (and frees the old vector). */
		T_EQ(pci_msix_attach(d, 0, msix_handler, NULL), 0);
		T_CHECK(pci_msix_pending(d, 0) == 0 || pci_msix_pending(d, 0) == 1);
	}
	T_EQ(pci_msix_attach(d, n, msix_handler, NULL), -EINVAL);
	T_EQ(pci_msix_attach(d, 0, NULL, NULL), -EINVAL);
	T_EQ(pci_msix_entry(d, n, &msg, NULL), -EINVAL);
	T_EQ(pci_msix_pending(d, n), -EINVAL);
	pci_msix_mask(d, 5000, true);                    /* ignored, with a warning */

	pci_msix_disable(d);
	T_CHECK(d->msix_table == NULL);
	T_CHECK(!(pci_cfg_read(d, cap + 2, 2) & 0x8000));
	T_EQ(pci_msix_entry(d, 0, &msg, NULL), -ENODEV);
	T_EQ(pci_msix_attach(d, 0, msix_handler, NULL), -ENODEV);
	/* And it can be enabled again. */
	T_CHECK(pci_msix_enable(d, 1) == 1);
	pci_msix_disable(d);
	T_EQ(msix_hits, 0);     /* nothing asked the device to interrupt */

	struct pci_dev *h = host_bridge();
	if (h && pci_find_cap(h, PCI_CAP_ID_MSIX, 0) < 0)
		T_EQ(pci_msix_enable(h, 1), -ENODEV);
}

/* edu (QEMU's teaching device, docs/specs/edu.rst): BAR 0 registers
 * 0x00 id, 0x04 inverting liveness check, 0x24 interrupt status,
 * 0x60 raise interrupt (ORs into status), 0x64 acknowledge (clears bits).
 * Without MSI it uses INTA, level-triggered, so a handler that did not
 * acknowledge would be called again and again. */
#define EDU_ID      0x00
#define EDU_LIVE    0x04
#define EDU_STATUS  0x24
#define EDU_RAISE   0x60
#define EDU_ACK     0x64

#define SECOND 3000000000ull  /* cycles: about a second on a recent CPU */

static volatile int edu_hits, other_hits;
static volatile uint32_t edu_seen;

static void edu_irq(void *arg)
{
	struct pci_dev *d = arg;
	uint32_t st = pci_bar_read(d, 0, EDU_STATUS, 4);
	if (!st)
		return;             /* another function on the shared line */
	edu_seen |= st;
	pci_bar_write(d, 0, EDU_ACK, 4, st);
	edu_hits++;
}

static void other_irq(void *arg)
{
	other_hits++;
}

static bool wait_for(volatile int *v, int n, uint64_t cycles)
{
	/* Bounded by cycles, not by the timer, which this test must not
	 * depend on. */
	uint64_t start = arch_cycles();
	while (*v < n && arch_cycles() - start < cycles)
		cpu_relax();
	return *v >= n;
}

TEST(pci_intx_edu)
{
	struct pci_dev *d = pci_find_device(0x1234, 0x11e8, NULL);
	if (!d) {
		test_skip("no -device edu");
		return;
	}
	T_EQ(d->bar[0].size, 1 << 20);
	pci_enable(d);
	T_EQ(pci_bar_read(d, 0, EDU_ID, 4) & 0xff, 0xed);
	pci_bar_write(d, 0, EDU_LIVE, 4, 0x12345678);
	T_EQ(pci_bar_read(d, 0, EDU_LIVE, 4), ~0x12345678u);

	T_EQ(d->irq_pin, 1);
	T_CHECK(d->irq_line >= 0);
	test_diag("edu INTA on line %d", d->irq_line);
	int rc = pci_intx_attach(d, edu_irq, d);
	T_EQ(rc, 0);
	if (rc)
		return;
	T_EQ(pci_intx_attach(d, other_irq, NULL), 0);   /* a second sharer */
	T_CHECK(!(pci_cfg_read(d, PCI_COMMAND, 2) & PCI_COMMAND_INTX_DISABLE));
	T_CHECK(irq_enabled());

	edu_hits = other_hits = 0;
	edu_seen = 0;
	pci_bar_write(d, 0, EDU_RAISE, 4, 0x5);
	T_CHECK(wait_for(&edu_hits, 1, SECOND));
	T_EQ(edu_seen, 0x5);
	T_CHECK(other_hits >= 1);   /* the dispatcher offered it to every sharer */
	T_EQ(pci_bar_read(d, 0, EDU_STATUS, 4), 0);
	/* Once more: the line was deasserted and works again. */
	pci_bar_write(d, 0, EDU_RAISE, 4, 0x100);
	T_CHECK(wait_for(&edu_hits, 2, SECOND));
	T_EQ(edu_hits, 2);          /* acknowledged: no storm */
	pci_intx_detach(d, other_irq, NULL);
	pci_intx_detach(d, edu_irq, d);
	T_CHECK(pci_cfg_read(d, PCI_COMMAND, 2) & PCI_COMMAND_INTX_DISABLE);
	/* Detached and disabled: raising now reaches nobody. */
	pci_bar_write(d, 0, EDU_RAISE, 4, 0x1);
	T_CHECK(!wait_for(&edu_hits, 3, SECOND / 100));
	pci_bar_write(d, 0, EDU_ACK, 4, 0x1);
	T_EQ(edu_hits, 2);

	struct pci_dev *h = host_bridge();
	if (h && !h->irq_pin)
		T_EQ(pci_intx_attach(h, edu_irq, h), -ENODEV);
}
