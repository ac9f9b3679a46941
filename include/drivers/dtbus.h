/* SPDX-License-Identifier: MIT */
/* The device-tree bus: at INIT_BUS it walks the boot device tree
 * (boot_info.dtb; DTSpec v0.4) and hands every enabled node whose
 * "compatible" some platform driver registered for to the registry
 * (<drivers/platdev.h>), with its first window and interrupt. Today's
 * drivers:
 *   "virtio,mmio"            the virtio-mmio transport (<drivers/virtio_mmio.h>)
 *   "pci-host-ecam-generic"  an ECAM PCI host bridge (drivers/dtbus/pci_host.c):
 *                            its window goes to drivers/pci, then BARs firmware
 *                            left unassigned get addresses from the bridge's
 *                            "ranges", and INTx pins lines from its "interrupt-map"
 *   "qemu,fw-cfg-mmio"       QEMU's fw_cfg, as the pvbus store "fw_cfg"
 * Without a device tree (x86) it does nothing. A node whose properties are
 * malformed is logged and skipped; the others still bind. */
#ifndef DRIVERS_DTBUS_H
#define DRIVERS_DTBUS_H

#include <kern/compiler.h>

struct fdt_irq;

/* Interrupt index of node as a line for irq_attach_line, with its trigger
 * and polarity: resolved through any interrupt-map to the interrupt
 * controller, then decoded by the controller's binding (the GIC's on Arm).
 * @return the line (>= 0), or -ENOENT (no such interrupt), -ENODEV (no
 * interrupt controller the kernel knows), -EINVAL (malformed). */
int dtbus_irq_line(const void *fdt, int node, int index, bool *level, bool *active_low);
/* The interrupt controller's binding: a specifier resolved to its
 * controller, as a line. @return the line, or -errno. */
typedef int (*dtbus_irq_decoder_fn)(const void *fdt, const struct fdt_irq *spec,
				    bool *level, bool *active_low);
/* Registered by the controller's driver (the GIC) before INIT_BUS. */
void dtbus_set_irq_decoder(dtbus_irq_decoder_fn fn);
/* The same for a specifier already resolved to its controller. */
int dtbus_irq_decode(const void *fdt, const struct fdt_irq *spec, bool *level,
		     bool *active_low);

/* Counts of what the walk bound, for tests and the shell. */
struct dtbus_stats {
	unsigned virtio_mmio;       /* devices registered */
	unsigned virtio_empty;      /* placeholder slots (device id 0) */
	unsigned pci_hosts;         /* ECAM windows registered */
	unsigned pci_bars;          /* BARs given an address */
	unsigned pci_intx;          /* functions given an INTx line */
	unsigned fw_cfg;            /* 1 when fw_cfg was registered */
	unsigned errors;            /* nodes skipped as malformed or failing */
};
const struct dtbus_stats *dtbus_stats(void);

/* Bind a "qemu,fw-cfg-mmio" register block (drivers/pvbus/fw_cfg_mmio.c;
 * QEMU docs/specs/fw_cfg.rst: data at +0, selector at +8, DMA address at
 * +16 when the block is 0x18 bytes or more). pvbus.fwcfg=port|dma picks the
 * transfer mode ("port": the data register).
 * @return 0, -EINVAL (block too small), -ENODEV (no fw_cfg answers),
 * -EEXIST (a fw_cfg is registered already), -ENOMEM. */
int fw_cfg_mmio_attach(uint64_t base, uint64_t size);

#endif
