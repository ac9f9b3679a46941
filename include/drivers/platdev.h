/* SPDX-License-Identifier: MIT */
/* One registry for platform devices: register blocks at fixed physical
 * addresses that firmware describes rather than a bus enumerates. Every
 * source of such devices -- device-tree nodes (drivers/dtbus), ACPI
 * namespace devices (kern/arch/x86_64/platdev_arch.c, through the AML scan
 * <drivers/acpi_hid.h>) and command-line options (virtio_mmio.device=,
 * drivers/platdev/sources.c) -- turns what it found into the same
 * struct platdev and calls platdev_add, which hands it to the driver
 * that registered for its compatible string or ACPI hardware ID
 * (PLAT_DRIVER). So a bus knows no drivers, and a driver knows no bus.
 *
 * A source fills what it knows: the first register window, the first
 * interrupt (already decoded to a line irq_attach_line takes), and, for a
 * device-tree node, the tree and node, for drivers that need more of it
 * (a PCI host's ranges and interrupt-map). */
#ifndef DRIVERS_PLATDEV_H
#define DRIVERS_PLATDEV_H

#include <kern/compiler.h>

struct platdev {
	const char *compatible;     /* the id that matched: "virtio,mmio", "LNRO0005" */
	const char *source;         /* "dt", "acpi", "cmdline": for messages */
	uint64_t base, size;        /* first register window; size 0: none */
	bool has_irq;               /* false: none, or not usable (polled) */
	int irq_err;                /* why not, when a source found one: -errno */
	unsigned irq;               /* wired line */
	bool level, active_low;
	int id;                     /* a source's own instance number, else -1 */
	const void *fdt;            /* the device tree, for "dt", else NULL */
	int node;                   /* its node */
};

struct platdrv {
	const char *name;
	const char *const *ids;     /* compatible strings and ACPI HIDs, NULL-ended */
	/* @return 0 (bound), -ENODEV (nothing there: an empty slot, silent),
	 * -EEXIST (added already from another source: silent), or -errno. */
	int (*probe)(const struct platdev *pd);
};

#define PLAT_DRIVER(drv)                                                     \
	static const struct platdrv *const platdrv_ptr_##drv                 \
		__used __section(".platdrivers") __aligned(8) = &(drv)

/* The driver registered for id, or NULL. */
const struct platdrv *platdrv_find(const char *id);
/* Iterate the registered drivers: platdrv_next(NULL) is the first. */
const struct platdrv *platdrv_next(const struct platdrv *prev);
/* Hand pd to the driver for pd->compatible.
 * @return the probe's answer, or -ENOENT when no driver takes that id. */
int platdev_add(const struct platdev *pd);

/* The arch's firmware-table source, run once at INIT_BUS after the
 * command line (kern/arch/<arch>/platdev_arch.c: ACPI on x86, none on
 * aarch64). @return the devices it added. */
int platdev_arch_scan(void);

/* A warning sink for the sources' parsers (their warn callbacks): prints
 * fmt at LOG_WARN; ctx is unused (drivers/platdev/sources.c). */
void platdev_warn(void *ctx, const char *fmt, ...) __printf(2, 3);

/* What the registry saw, per source, for the shell and tests. */
struct platdev_stats {
	unsigned bound, empty, dup, errors;
};
void platdev_get_stats(const char *driver, const char *source, struct platdev_stats *st);

#endif
