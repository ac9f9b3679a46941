/* SPDX-License-Identifier: MIT */
/* aarch64 interrupts: the GIC (GICv2, IHI 0048B; GICv3, IHI 0069H) behind
 * include/kern/irq.h.
 *
 * Interrupt numbers are GIC INTIDs (GICv3 §2.2): 0-15 SGIs, 16-31 PPIs
 * (per-CPU: the timers, the PMU), 32-1019 SPIs (wired devices and GICv2m
 * MSIs), 1020-1023 special. irq_attach_line(intid, ...) takes a PPI or an
 * SPI; drivers get the INTID of a device-tree node's interrupt from
 * gic_fdt_line, and the vector that irq_attach_line / irq_alloc_msi return
 * is the same INTID (for irq_free and irq_count). */
#ifndef ARCH_IRQ_H
#define ARCH_IRQ_H

#include <kern/irq.h>

struct fdt_irq;

#define GIC_SGI_BASE    0
#define GIC_PPI_BASE    16
#define GIC_SPI_BASE    32
#define GIC_MAX_INTID   1020            /* exclusive: 1020.. are special */
#define GIC_SPURIOUS    1023

/* Decode a GIC interrupt specifier from the device tree (the binding's
 * three cells: type 0 SPI / 1 PPI, number, flags where bits 3:0 are 1 edge
 * rising, 2 edge falling, 4 level high, 8 level low). spec must belong to
 * the GIC (spec->ctrl is its node).
 * @return the INTID and *level, *active_low, or -EINVAL (not a GIC
 * specifier, out of range), -ENODEV (no GIC). */
int gic_fdt_line(const void *fdt, const struct fdt_irq *spec, bool *level,
		 bool *active_low);

/* Find and initialise the GIC named in the device tree (boot_info.dtb).
 * Idempotent; INIT_ARCH runs it. @return 0 or -errno. */
int gic_setup(void);
/* 2 or 3 once set up, 0 without a GIC. */
int gic_version(void);
/* Number of INTIDs the distributor implements (GICD_TYPER). */
unsigned gic_num_lines(void);
/* Raise SGI intid (0..15) on this CPU (tests). @return 0 or -EINVAL. */
int gic_send_sgi_self(unsigned intid);
/* Set an SPI or PPI pending from software (GICD_ISPENDR), as the device
 * would (tests). @return 0 or -EINVAL. */
int gic_set_pending(unsigned intid);
/* Attach a handler to an SGI (0..15). @return intid or -errno. */
int gic_attach_sgi(unsigned intid, irq_handler_t fn, void *arg);
/* "GICv2", "GICv3", with the MSI frame in use ("GICv2m", "none"). */
const char *gic_msi_name(void);

#endif
