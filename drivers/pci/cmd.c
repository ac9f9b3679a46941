// SPDX-License-Identifier: MIT
/* The `pci` shell command: a short lspci. One line per function (address,
 * IDs, class, a name, driver, BARs); -v adds the capability lists. */
#include <drivers/pci.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/shell.h>
#include <stdio.h>
#include <string.h>
#include "pci_priv.h"

static const struct {
	uint16_t vendor, device;
	const char *name;
} known[] = {
	{ 0x8086, 0x29c0, "q35 host bridge" },
	{ 0x8086, 0x1237, "i440FX host bridge" },
	{ 0x8086, 0x7000, "PIIX3 ISA bridge" },
	{ 0x8086, 0x7010, "PIIX3 IDE" },
	{ 0x8086, 0x7113, "PIIX4 ACPI" },
	{ 0x8086, 0x2918, "ICH9 LPC bridge" },
	{ 0x8086, 0x2922, "ICH9 AHCI" },
	{ 0x8086, 0x2930, "ICH9 SMBus" },
	{ 0x8086, 0x100e, "e1000" },
	{ 0x8086, 0x10d3, "e1000e" },
	{ 0x1234, 0x1111, "VGA" },
	{ 0x1234, 0x11e8, "edu" },
	{ 0x1b36, 0x0005, "pci-testdev" },
	{ 0x1b36, 0x000c, "pcie-root-port" },
	{ 0x1b36, 0x0001, "pci-bridge" },
};

/* Virtio device types (virtio 1.2 §5). */
static const char *const virtio_type[] = {
	[1] = "net", [2] = "blk", [3] = "console", [4] = "rng", [5] = "balloon",
	[8] = "scsi", [9] = "9p", [16] = "gpu", [18] = "input", [19] = "vsock",
};

static const char *const class_name[] = {
	"unclassified", "storage", "network", "display", "multimedia", "memory",
	"bridge", "communication", "system", "input", "docking", "processor",
	"serial bus",
};

static void name_of(const struct pci_dev *d, char *buf, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(known); i++) {
		if (known[i].vendor == d->vendor && known[i].device == d->device) {
			strlcpy(buf, known[i].name, len);
			return;
		}
	}
	/* Virtio (virtio 1.2 §4.1.2): 1af4:1040+type for modern devices,
	 * 1af4:1000-103f transitional ones carrying the type as subsystem ID. */
	if (d->vendor == 0x1af4 && d->device >= 0x1000 && d->device <= 0x107f) {
		unsigned t = d->device >= 0x1040 ? d->device - 0x1040u : d->subsys_id;
		const char *n = t < ARRAY_SIZE(virtio_type) ? virtio_type[t] : NULL;
		snprintf(buf, len, "virtio-%s", n ? n : "?");
		return;
	}
	snprintf(buf, len, "%s", d->class < ARRAY_SIZE(class_name) ? class_name[d->class] : "?");
}

static void size_str(uint64_t size, char *buf, size_t len)
{
	static const char unit[] = "KMGTPE";
	int u = -1;
	while (size >= 1024 && (size % 1024) == 0 && u < 5) {
		size /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(buf, len, "%llu", (unsigned long long)size);
	else
		snprintf(buf, len, "%llu%c", (unsigned long long)size, unit[u]);
}

static void print_caps(const struct pci_dev *d)
{
	/* A walk with an id that never matches visits the whole list; then
	 * print each entry, bounded the same way the walker is. */
	int rc = pci_find_cap(d, 0, 0);
	kprintf("        caps:");
	if (rc == -EIO) {
		kprintf(" (list corrupt)\n");
		return;
	}
	if (pci_cfg_read(d, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST) {
		unsigned off = pci_cfg_read(d, d->hdr_type == 2 ? PCI_CAP_PTR_CARDBUS : PCI_CAP_PTR, 1) & 0xfc;
		for (int n = 0; off && n < PCI_CAP_MAX; n++) {
			uint32_t h = pci_cfg_read(d, off, 2);
			kprintf(" %02x@%02x", h & 0xff, off);
			off = (h >> 8) & 0xfc;
		}
	}
	if (d->cfg) {
		unsigned off = 0x100;
		for (int n = 0; off >= 0x100 && n < PCI_EXT_CAP_MAX; n++) {
			uint32_t h = pci_cfg_read(d, off, 4);
			if (h == 0 || h == 0xffffffffu)
				break;
			kprintf(" x%04x@%03x", h & 0xffff, off);
			off = (h >> 20) & 0xffc;
		}
	}
	if (d->msix_table)
		kprintf(" (msix on, %u vectors)", d->msix_nvec);
	kprintf("\n");
}

static int cmd_pci(int argc, char **argv)
{
	bool verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
	if (argc > 2 || (argc == 2 && !verbose)) {
		kprintf("usage: pci [-v]\n");
		return -EINVAL;
	}
	if (!pci_devices()) {
		kprintf("no PCI functions\n");
		return 0;
	}
	for (struct pci_dev *d = pci_devices(); d; d = d->next) {
		char name[24];
		name_of(d, name, sizeof(name));
		if (d->seg)
			kprintf("%04x:", d->seg);
		kprintf("%02x:%02x.%u %04x:%04x %02x%02x %-18s %-12s", d->bus, d->dev, d->fn,
			d->vendor, d->device, d->class, d->subclass, name,
			d->driver ? d->driver->name : "-");
		for (int i = 0; i < 6; i++) {
			struct pci_bar *b = &d->bar[i];
			char sz[16];
			if (!b->size)
				continue;
			size_str(b->size, sz, sizeof(sz));
			kprintf(" %d:%s%s %#llx/%s", i, b->io ? "io" : b->is64 ? "m64" : "m32",
				b->prefetch ? "p" : "", (unsigned long long)b->addr, sz);
		}
		if (d->hdr_type == 1)
			kprintf(" bus %02x-%02x", d->sec_bus, d->sub_bus);
		if (d->irq_pin)
			kprintf(" INT%c", 'A' + d->irq_pin - 1);
		if (d->irq_line >= 0)
			kprintf("@%d", d->irq_line);
		if (d->bar_bad)
			kprintf(" (bad BAR)");
		kprintf("\n");
		if (verbose) {
			kprintf("        cfg %s, subsys %04x:%04x, rev %02x, prog-if %02x\n",
				pci_cfg_method(d), d->subsys_vendor, d->subsys_id, d->revision,
				d->prog_if);
			print_caps(d);
		}
	}
	return 0;
}
SHELL_CMD("pci", "pci [-v] - list PCI functions, BARs and drivers", cmd_pci);
