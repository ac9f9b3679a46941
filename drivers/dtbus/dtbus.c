// SPDX-License-Identifier: MIT
/* The device-tree bus (<drivers/dtbus.h>): one walk over the boot device
 * tree at INIT_BUS that hands each enabled node the kernel can drive to its
 * binder. Interrupt specifiers are resolved with the FDT code (interrupt
 * parents and maps, DTSpec §2.4) and decoded by the interrupt controller's
 * own binding, which only the arch knows (the GIC: gic_fdt_line). */
#include "dtbus_priv.h"
#include <drivers/fdt.h>
#include <drivers/virtio_mmio.h>
#include <kern/boot.h>
#include <kern/errno.h>
#include <kern/init.h>
#include <kern/printk.h>
#include <kern/shell.h>

struct dtbus_stats dtbus_counts;

const struct dtbus_stats *dtbus_stats(void)
{
	return &dtbus_counts;
}

/* The GIC's decoder (kern/arch/aarch64/gic.c). Weak, so that an image
 * without a GIC (x86, which has no device tree either) still links. */
extern int gic_fdt_line(const void *fdt, const struct fdt_irq *spec, bool *level,
			bool *active_low) __attribute__((weak));

int dtbus_irq_decode(const void *fdt, const struct fdt_irq *spec, bool *level,
		     bool *active_low)
{
	if (!gic_fdt_line)
		return -ENODEV;
	return gic_fdt_line(fdt, spec, level, active_low);
}

int dtbus_irq_line(const void *fdt, int node, int index, bool *level, bool *active_low)
{
	struct fdt_irq spec;
	int rc = fdt_interrupts(fdt, node, index, &spec);

	if (rc)
		return rc == -ENXIO || rc == -EBADMSG ? -EINVAL : rc;
	return dtbus_irq_decode(fdt, &spec, level, active_low);
}

/* Name of a node for messages: its full path when it fits. */
static const char *node_path(const void *fdt, int node, char *buf, size_t len)
{
	if (fdt_get_path(fdt, node, buf, len) < 0) {
		const char *n = fdt_node_name(fdt, node, NULL);
		return n ? n : "?";
	}
	return buf;
}

/* ---- "virtio,mmio" (the Linux binding: one reg, one interrupt) ----------- */

static int bind_virtio_mmio(const void *fdt, int node)
{
	char path[64];
	struct virtio_mmio_desc d = { .id = -1, .source = "dt" };
	int rc = fdt_reg(fdt, node, 0, &d.base, &d.size);

	if (rc)
		return rc;      /* logged by the walk */
	int irc = dtbus_irq_line(fdt, node, 0, &d.level, &d.active_low);
	if (irc >= 0) {
		d.irq = (unsigned)irc;
		d.has_irq = true;
	}
	rc = virtio_mmio_add(&d);
	if (rc == 0)
		dtbus_counts.virtio_mmio++;
	else if (rc == -ENODEV)
		dtbus_counts.virtio_empty++;
	/* A device without a usable interrupt still works, polled; an
	 * empty slot's interrupt is nobody's business. */
	if (rc == 0 && irc < 0 && irc != -ENOENT)
		pr_warn("dtbus: %s: interrupt not usable (%d); the device will be polled\n",
			node_path(fdt, node, path, sizeof(path)), irc);
	return rc == -ENODEV || rc == -EEXIST ? 0 : rc;
}

/* ---- "qemu,fw-cfg-mmio" ----------------------------------------------------- */

static int bind_fw_cfg(const void *fdt, int node)
{
	uint64_t base, size;
	int rc = fdt_reg(fdt, node, 0, &base, &size);

	if (rc == 0)
		rc = fw_cfg_mmio_attach(base, size);
	if (rc == 0)
		dtbus_counts.fw_cfg = 1;
	return rc == -EEXIST ? 0 : rc;
}

static const struct {
	const char *compat;
	int (*bind)(const void *fdt, int node);
} binders[] = {
	{ "virtio,mmio", bind_virtio_mmio },
	{ "pci-host-ecam-generic", dtbus_pci_host },
	{ "qemu,fw-cfg-mmio", bind_fw_cfg },
};

/* Is node and every ancestor enabled (DTSpec §2.3.4: a disabled bus
 * disables what is on it)? */
static bool enabled(const void *fdt, int node)
{
	for (int n = node, hops = 0; n >= 0 && hops <= FDT_MAX_DEPTH; hops++) {
		if (!fdt_node_enabled(fdt, n))
			return false;
		n = fdt_parent(fdt, n);
	}
	return true;
}

static int dtbus_init(void)
{
	const void *fdt = (const void *)(uintptr_t)boot_info.dtb;
	char path[64];

	if (!fdt)
		return 0;
	/* Every node once, in document order (the order Linux probes in). */
	for (int node = fdt_root(fdt); node >= 0; node = fdt_next_node(fdt, node, NULL)) {
		for (size_t i = 0; i < ARRAY_SIZE(binders); i++) {
			if (!fdt_compatible(fdt, node, binders[i].compat))
				continue;
			if (!enabled(fdt, node))
				break;
			int rc = binders[i].bind(fdt, node);
			if (rc) {
				dtbus_counts.errors++;
				pr_warn("dtbus: %s (%s): %d\n", node_path(fdt, node, path, sizeof(path)),
					binders[i].compat, rc);
			}
			break;
		}
	}
	const struct dtbus_stats *s = &dtbus_counts;
	pr_info("dtbus: %u virtio-mmio device(s) (%u empty slots), %u PCI host(s), "
		"%u BAR(s) assigned, fw_cfg %s\n", s->virtio_mmio, s->virtio_empty,
		s->pci_hosts, s->pci_bars, s->fw_cfg ? "yes" : "no");
	return 0;
}
INITCALL(INIT_BUS, dtbus_init);

static int cmd_dtbus(int argc, char **argv)
{
	const struct dtbus_stats *s = &dtbus_counts;

	if (!boot_info.dtb) {
		kprintf("no device tree\n");
		return 0;
	}
	kprintf("virtio-mmio %u (empty %u), pci hosts %u, bars %u, intx %u, fw_cfg %u, errors %u\n",
		s->virtio_mmio, s->virtio_empty, s->pci_hosts, s->pci_bars, s->pci_intx,
		s->fw_cfg, s->errors);
	return 0;
}
SHELL_CMD("dtbus", "dtbus - what the device-tree bus bound", cmd_dtbus);
