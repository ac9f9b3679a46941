// SPDX-License-Identifier: MIT
/* In-guest tests of the virtio-mmio transport and the device-tree bus
 * against QEMU's real devices (tests/cases/virtio_mmio.cases): the devices
 * the case put there, register version, where they came from, errors for
 * windows that can't be devices; on a device tree, the PCI host bridge's
 * BARs and INTx lines and fw_cfg over MMIO. The virtio-blk/-rng data tests
 * themselves are tests/guest/virtio_*.c, run over this transport by glob.
 *
 * Options (vmmio.*) say what the case expects. */
#include <kern/test.h>
#include <kern/boot.h>
#include <kern/cmdline.h>
#include <kern/errno.h>
#include <drivers/dtbus.h>
#include <drivers/fdt.h>
#include <drivers/fw_cfg.h>
#include <drivers/pci.h>
#include <drivers/virtio_mmio.h>
#include <drivers/virtio_transport.h>
#include <stdlib.h>
#include <string.h>

CMDLINE_OPT(vmmio_ndev, "vmmio.ndev", "tests: number of virtio-mmio devices expected");
CMDLINE_OPT(vmmio_version, "vmmio.version", "tests: 1|2, the register version expected");
CMDLINE_OPT(vmmio_source, "vmmio.source", "tests: cmdline|dt|acpi, where devices come from");
CMDLINE_OPT(vmmio_empty, "vmmio.empty", "tests: address of an empty virtio-mmio slot");
CMDLINE_OPT(vmmio_notdev, "vmmio.notdev", "tests: address of registers that are no virtio-mmio");
CMDLINE_OPT(vmmio_noirq, "vmmio.noirq", "tests: name of a device expected to have no interrupt");
CMDLINE_OPT(dtbus_slots, "dtbus.slots", "tests: virtio-mmio nodes (devices + empty) expected");
CMDLINE_OPT(dtbus_errors, "dtbus.errors", "tests: device-tree nodes expected to fail");
CMDLINE_OPT(dtbus_intx, "dtbus.intx", "tests: PCI functions expected to get an INTx line");

static int count_mmio(void)
{
	int n = 0;

	for (struct virtio_dev *v = virtio_devices(); v; v = v->next)
		n += virtio_mmio_version(v) != 0;
	return n;
}

/* Every virtio-mmio device: what the case put there, and in a state a
 * driver could use. */
TEST(virtio_mmio_devices)
{
	long long want = cmdline_get_int("vmmio.ndev", -1);
	long long ver = cmdline_get_int("vmmio.version", 0);
	const char *src = cmdline_get("vmmio.source"), *noirq = cmdline_get("vmmio.noirq");
	int n = count_mmio();

	if (want < 0 && n == 0) {
		test_skip("no virtio-mmio devices");
		return;
	}
	for (struct virtio_dev *v = virtio_devices(); v; v = v->next) {
		int version = virtio_mmio_version(v);
		struct virtio_mmio_desc d;

		if (!version)
			continue;
		T_EQ(virtio_mmio_info(v, &d), 0);
		test_diag("%s: v%d at %#llx+%#llx from %s, irq %d%s, %s", v->name, version,
			  (unsigned long long)d.base, (unsigned long long)d.size, d.source,
			  d.has_irq ? (int)d.irq : -1, d.has_irq ? (d.level ? " level" : " edge") : "",
			  v->poll ? "polled" : "interrupts");
		if (ver)
			T_EQ(version, ver);
		if (src)
			T_CHECK(!strcmp(d.source, src));
		T_CHECK(!strcmp(v->transport, version == 1 ? "mmio-legacy" : "mmio"));
		T_EQ(v->legacy, version == 1);
		/* §4.2.4: legacy has 32 feature bits; §6.1: modern offers
		 * VERSION_1 and we took it. */
		if (version == 1)
			T_EQ(v->dev_features >> 32, 0);
		else
			T_CHECK(virtio_has_feature(v, VIRTIO_F_VERSION_1));
		T_CHECK(d.size >= VIRTIO_MMIO_MIN_SIZE);
		T_CHECK(!strncmp(v->bus_id, "mmio.", 5));
		/* One shared line per device, or polling when it has none. */
		if (!v->poll)
			T_CHECK(d.has_irq && v->irq_shared);
		if (noirq && !strcmp(noirq, v->name)) {
			T_CHECK(!d.has_irq);
			T_CHECK(v->poll);
		}
	}
	if (want >= 0)
		T_EQ(n, want);
}

/* What can't be a device is refused, and nothing that works breaks. */
TEST(virtio_mmio_add_errors)
{
	struct virtio_dev *first = NULL;
	struct virtio_mmio_desc d;

	for (struct virtio_dev *v = virtio_devices(); v && !first; v = v->next)
		if (virtio_mmio_version(v))
			first = v;
	int before = count_mmio();

	/* The same window again (two sources naming one device). */
	if (first) {
		T_EQ(virtio_mmio_info(first, &d), 0);
		T_EQ(virtio_mmio_add(&d), -EEXIST);
		d.base += 4;            /* overlapping, not equal */
		T_EQ(virtio_mmio_add(&d), -EEXIST);
	}
	/* Windows that can't hold the registers, or that wrap. */
	d = (struct virtio_mmio_desc){ .base = 0xfe000000, .size = 0x10, .id = -1,
				       .source = "test" };
	T_EQ(virtio_mmio_add(&d), -EINVAL);
	d.size = 0x200;
	d.base = 0xfe000002;
	T_EQ(virtio_mmio_add(&d), -EINVAL);
	d.base = 0;
	T_EQ(virtio_mmio_add(&d), -EINVAL);
	d.base = ~0ull - 0xff;
	T_EQ(virtio_mmio_add(&d), -EINVAL);
	d.base = 0xfe000000;
	d.size = VIRTIO_MMIO_MAX_SIZE * 2;
	T_EQ(virtio_mmio_add(&d), -EINVAL);
	d.size = 0x200;
	d.has_irq = true;
	d.irq = VIRTIO_MMIO_MAX_IRQ + 1;
	T_EQ(virtio_mmio_add(&d), -EINVAL);
	d.has_irq = false;
	/* RAM, the kernel itself: never mapped as a device. */
	d.base = ALIGN_DOWN(boot_info.kernel_start, 0x1000);
	T_EQ(virtio_mmio_add(&d), -EINVAL);
	/* An empty slot (device id 0) and registers of something else. */
	const char *empty = cmdline_get("vmmio.empty"), *notdev = cmdline_get("vmmio.notdev");
	if (empty) {
		d.base = strtoull(empty, NULL, 0);
		T_EQ(virtio_mmio_add(&d), -ENODEV);
	}
	if (notdev) {
		d.base = strtoull(notdev, NULL, 0);
		T_EQ(virtio_mmio_add(&d), -ENODEV);
	}
	T_EQ(count_mmio(), before);
	for (struct virtio_dev *v = virtio_devices(); v; v = v->next)
		T_CHECK(!v->broken);
}

/* §4.2.2: ConfigGeneration (version 2) holds still while nothing changes;
 * the legacy layout has none and reads as 0 through the core. */
TEST(virtio_mmio_config_generation)
{
	int n = 0;

	for (struct virtio_dev *v = virtio_devices(); v; v = v->next) {
		int version = virtio_mmio_version(v);
		if (!version)
			continue;
		n++;
		uint32_t g1 = v->ops->config_generation(v), g2 = v->ops->config_generation(v);
		T_EQ(g1, g2);
		if (version == 1)
			T_EQ(g1, 0);
		/* Past the configuration window: refused, not read. */
		struct virtio_mmio_desc d;
		uint8_t b;
		T_EQ(virtio_mmio_info(v, &d), 0);
		T_EQ(v->ops->config_read(v, (unsigned)(d.size - VIRTIO_MMIO_CONFIG), &b, 1),
		     -EINVAL);
		T_EQ(v->ops->config_read(v, 0, &b, 0), -EINVAL);
	}
	if (!n)
		test_skip("no virtio-mmio devices");
}

/* The devices QEMU named on the command line are the ones we have (or
 * empty slots), parsed the same way again. */
TEST(virtio_mmio_cmdline)
{
	static struct virtio_mmio_desc d[VIRTIO_MMIO_MAX_DEVS];
	int n = virtio_mmio_cmdline_scan(cmdline_raw(), d, VIRTIO_MMIO_MAX_DEVS, NULL, NULL);

	if (n == 0) {
		test_skip("no virtio_mmio.device= on the command line");
		return;
	}
	for (int i = 0; i < n; i++) {
		bool found = false;
		for (struct virtio_dev *v = virtio_devices(); v; v = v->next) {
			struct virtio_mmio_desc o;
			if (virtio_mmio_info(v, &o) == 0 && o.base == d[i].base) {
				found = true;
				T_EQ(o.size, d[i].size);
				T_EQ(o.irq, d[i].irq);
			}
		}
		test_diag("%#llx+%#llx irq %u: %s", (unsigned long long)d[i].base,
			  (unsigned long long)d[i].size, d[i].irq, found ? "a device" : "not one");
	}
}

/* ---- the device-tree bus ------------------------------------------------------ */

/* Weak: x86 builds without the device-tree bus (kern/arch/x86_64/arch.mk). */
extern __typeof__(dtbus_stats) dtbus_stats __attribute__((weak));

static const void *dtb(void)
{
	return dtbus_stats ? (const void *)(uintptr_t)boot_info.dtb : NULL;
}

TEST(dtbus_counts)
{
	if (!dtb()) {
		test_skip("no device tree");
		return;
	}
	const struct dtbus_stats *s = dtbus_stats();
	test_diag("virtio-mmio %u, empty %u, pci hosts %u, bars %u, intx %u, fw_cfg %u, errors %u",
		  s->virtio_mmio, s->virtio_empty, s->pci_hosts, s->pci_bars, s->pci_intx,
		  s->fw_cfg, s->errors);
	long long slots = cmdline_get_int("dtbus.slots", -1);
	if (slots >= 0)
		T_EQ(s->virtio_mmio + s->virtio_empty, slots);
	T_EQ(s->errors, cmdline_get_int("dtbus.errors", 0));
	if (cmdline_get("dtbus.intx"))
		T_EQ(s->pci_intx, cmdline_get_int("dtbus.intx", 0));
	if (cmdline_get("vmmio.ndev") && cmdline_get("vmmio.source") &&
	    !strcmp(cmdline_get("vmmio.source"), "dt"))
		T_EQ(s->virtio_mmio, cmdline_get_int("vmmio.ndev", 0));
}

/* Every BAR of every function on a device-tree host bridge got an address
 * inside one of the bridge's windows, aligned to its size, overlapping no
 * other BAR. */
TEST(dtbus_pci_bars)
{
	const void *fdt = dtb();
	struct fdt_pci_range r[16];
	int host, nr, nbars = 0;

	if (!fdt || (host = fdt_next_compatible(fdt, -1, "pci-host-ecam-generic")) < 0 ||
	    !pci_devices()) {
		test_skip("no device-tree PCI host with functions");
		return;
	}
	nr = fdt_pci_ranges(fdt, host, r, 16);
	T_CHECK(nr > 0);
	for (struct pci_dev *d = pci_devices(); d; d = d->next) {
		for (int i = 0; i < 6; i++) {
			struct pci_bar *b = &d->bar[i];
			if (!b->size)
				continue;
			nbars++;
			T_CHECK(b->addr != 0);
			T_EQ(b->addr & (b->size - 1), 0);
			bool inside = false;
			for (int k = 0; k < nr && k < 16; k++) {
				uint64_t lo = b->io ? r[k].pci_addr : r[k].cpu_addr;
				bool io = (r[k].flags & FDT_PCI_SPACE_MASK) == FDT_PCI_SPACE_IO;
				if (io == b->io && b->addr >= lo && b->addr + b->size <= lo + r[k].size)
					inside = true;
			}
			if (!inside)
				test_diag("%02x:%02x.%u BAR %d %#llx+%#llx outside every window",
					  d->bus, d->dev, d->fn, i, (unsigned long long)b->addr,
					  (unsigned long long)b->size);
			T_CHECK(inside);
			/* What the function decodes is what we recorded. */
			uint64_t reg = pci_cfg_read(d, PCI_BAR0 + 4 * i, 4) & (b->io ? ~3u : ~0xfu);
			if (b->is64)
				reg |= (uint64_t)pci_cfg_read(d, PCI_BAR0 + 4 * i + 4, 4) << 32;
			if (b->io)
				T_EQ(reg & 0xffff, b->addr & 0xffff);
			else
				T_EQ(reg, b->addr);     /* QEMU's virt: bus == CPU address */
			for (struct pci_dev *e = pci_devices(); e; e = e->next)
				for (int j = 0; j < 6; j++) {
					struct pci_bar *o = &e->bar[j];
					if ((e == d && j == i) || !o->size || o->io != b->io)
						continue;
					T_CHECK(o->addr + o->size <= b->addr ||
						b->addr + b->size <= o->addr);
				}
		}
	}
	test_diag("%d BARs checked", nbars);
}

/* INTx pins routed through interrupt-map to GIC SPIs. */
TEST(dtbus_pci_intx)
{
	int n = 0;

	if (!dtb() || !pci_devices()) {
		test_skip("no device-tree PCI functions");
		return;
	}
	for (struct pci_dev *d = pci_devices(); d; d = d->next) {
		if (!d->irq_pin)
			continue;
		n++;
		test_diag("%02x:%02x.%u INT%c -> %d%s", d->bus, d->dev, d->fn,
			  'A' + d->irq_pin - 1, d->irq_line,
			  d->irq_active_high ? " (active-high)" : "");
		T_CHECK(d->irq_line >= 32);     /* an SPI */
		T_CHECK(d->irq_active_high);
	}
	if (!n)
		test_skip("no function with an interrupt pin");
}

/* fw_cfg came from the device tree, over MMIO. */
TEST(dtbus_fw_cfg)
{
	struct fw_cfg *fc = fw_cfg_get();
	int node = dtb() ? fdt_next_compatible(dtb(), -1, "qemu,fw-cfg-mmio") : -ENOENT;

	if (node < 0 || !fdt_node_enabled(dtb(), node)) {
		test_skip("no qemu,fw-cfg-mmio node");
		return;
	}
	T_CHECK(fc != NULL);
	if (!fc)
		return;
	T_CHECK(!strncmp(fc->transport, "mmio", 4));
	T_CHECK(fc->features & FW_CFG_ID_TRAD);
	T_EQ(fw_cfg_mmio_attach(0x9020000, 0x18), -EEXIST);
	uint8_t sig[4];
	T_EQ(fw_cfg_read_item(fc, FW_CFG_SIGNATURE, sig, 4), 0);
	T_EQ(memcmp(sig, "QEMU", 4), 0);
}
