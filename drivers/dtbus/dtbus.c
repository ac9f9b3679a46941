// SPDX-License-Identifier: MIT
/* The device-tree bus (<drivers/dtbus.h>): one walk over the boot device
 * tree at INIT_BUS that hands each enabled node some driver registered for
 * (<drivers/platdev.h>) to the platform-device registry; it knows no
 * driver itself. Interrupt specifiers are resolved with the FDT code (interrupt
 * parents and maps, DTSpec §2.4) and decoded by the interrupt controller's
 * own binding, which only the arch knows (the GIC: gic_fdt_line). */
#include "dtbus_priv.h"
#include <drivers/fdt.h>
#include <drivers/platdev.h>
#include <kern/boot.h>
#include <kern/errno.h>
#include <kern/init.h>
#include <kern/printk.h>
#include <kern/shell.h>

struct dtbus_stats dtbus_counts;

/* The counts the walk's drivers left in the registry, by the names they
 * registered under (the registry keeps them per driver and source). */
const struct dtbus_stats *dtbus_stats(void)
{
	struct platdev_stats st;

	platdev_get_stats("virtio-mmio", "dt", &st);
	dtbus_counts.virtio_mmio = st.bound;
	dtbus_counts.virtio_empty = st.empty;
	platdev_get_stats("fw_cfg-mmio", "dt", &st);
	dtbus_counts.fw_cfg = st.bound ? 1 : 0;
	return &dtbus_counts;
}

/* The interrupt controller's decoder, registered by its driver (the GIC:
 * kern/arch/aarch64/gic.c) before INIT_BUS; none on x86. */
static dtbus_irq_decoder_fn irq_decoder;

void dtbus_set_irq_decoder(dtbus_irq_decoder_fn fn)
{
	irq_decoder = fn;
}

int dtbus_irq_decode(const void *fdt, const struct fdt_irq *spec, bool *level,
		     bool *active_low)
{
	if (!irq_decoder)
		return -ENODEV;
	return irq_decoder(fdt, spec, level, active_low);
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

/* Hand one node to the registry, as the first of its compatible strings
 * that a driver takes (DTSpec §2.3.1: most specific first). The first reg
 * window and interrupt go into the descriptor; the driver may read more
 * of the node itself. @return 1 when some driver took it, else 0. */
static int bind_node(const void *fdt, int node)
{
	char path[64];
	int n = fdt_stringlist_count(fdt, node, "compatible");

	for (int k = 0; k < n; k++) {
		const char *compat = fdt_stringlist_get(fdt, node, "compatible", k, NULL);
		if (!compat || !platdrv_find(compat))
			continue;
		if (!enabled(fdt, node))
			return 1;
		struct platdev pd = { .compatible = compat, .source = "dt", .id = -1,
				      .fdt = fdt, .node = node };
		int rc = 0;
		if (fdt_reg_count(fdt, node) > 0)
			rc = fdt_reg(fdt, node, 0, &pd.base, &pd.size);
		if (rc == 0) {
			int irc = dtbus_irq_line(fdt, node, 0, &pd.level, &pd.active_low);
			if (irc >= 0) {
				pd.irq = (unsigned)irc;
				pd.has_irq = true;
			} else {
				pd.irq_err = irc;
			}
			rc = platdev_add(&pd);
		}
		if (rc && rc != -ENODEV && rc != -EEXIST) {
			dtbus_counts.errors++;
			pr_warn("dtbus: %s (%s): %d\n", node_path(fdt, node, path, sizeof(path)),
				compat, rc);
		} else if (rc == 0 && pd.irq_err && pd.irq_err != -ENOENT) {
			/* A device without a usable interrupt still works,
			 * polled; an empty slot's interrupt is nobody's
			 * business. */
			pr_warn("dtbus: %s: interrupt not usable (%d); the device will be polled\n",
				node_path(fdt, node, path, sizeof(path)), pd.irq_err);
		}
		return 1;
	}
	return 0;
}

static int dtbus_init(void)
{
	const void *fdt = (const void *)(uintptr_t)boot_info.dtb;

	if (!fdt)
		return 0;
	/* Every node once, in document order (the order Linux probes in). */
	for (int node = fdt_root(fdt); node >= 0; node = fdt_next_node(fdt, node, NULL))
		bind_node(fdt, node);
	const struct dtbus_stats *s = dtbus_stats();
	pr_info("dtbus: %u virtio-mmio device(s) (%u empty slots), %u PCI host(s), "
		"%u BAR(s) assigned, fw_cfg %s\n", s->virtio_mmio, s->virtio_empty,
		s->pci_hosts, s->pci_bars, s->fw_cfg ? "yes" : "no");
	return 0;
}
INITCALL(INIT_BUS, dtbus_init);

static int cmd_dtbus(int argc, char **argv)
{
	const struct dtbus_stats *s = dtbus_stats();

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
