// SPDX-License-Identifier: MIT
/*
 * GICv2 (Arm GIC Architecture Specification v2, IHI 0048B): the
 * distributor and the memory-mapped CPU interface, both from the device
 * tree node's reg (arm,cortex-a15-gic / arm,gic-400: distributor first,
 * CPU interface second). Everything stays in one group and is signalled as
 * IRQ; with the Security Extensions present we are Non-secure and the
 * registers we may not touch read as zero and ignore writes (§4.1.2),
 * which this code tolerates.
 */
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/vm.h>
#include <drivers/fdt.h>
#include <arch/io.h>
#include <arch/irq.h>
#include "gic.h"

/* CPU interface registers (§4.1.3). */
#define GICC_CTLR       0x000
#define GICC_IIDR       0x0fc       /* §4.4.15 */
#define GICC_PMR        0x004
#define GICC_BPR        0x008
#define GICC_IAR        0x00c
#define GICC_EOIR       0x010

static uint8_t *dist, *cpu;
static uint8_t cpu_mask;

static uint32_t v2_ack(void)
{
	return mmio_read32(cpu + GICC_IAR);
}

static void v2_eoi(uint32_t iar)
{
	mmio_write32(cpu + GICC_EOIR, iar);
}

/* IAR[9:0] is the INTID; [12:10] the source CPU of an SGI (§4.4.4). */
static uint32_t v2_iar_intid(uint32_t iar)
{
	return iar & 0x3ff;
}

static uint8_t *v2_bank(unsigned intid)
{
	return dist;    /* SGIs and PPIs are banked per CPU at the same offsets */
}

static void v2_sync(unsigned intid)
{
}

static void v2_route(unsigned intid)
{
	mmio_write8(dist + GICD_ITARGETSR + intid, cpu_mask);
}

/* GICD_SGIR (§4.3.15): TargetListFilter 0b10 = "this CPU only". */
static void v2_sgi_self(unsigned intid)
{
	mmio_write32(dist + GICD_SGIR, (2u << 24) | (intid & 0xf));
}

static const struct gic_ops v2_ops = {
	.name = "GICv2",
	.ack = v2_ack,
	.eoi = v2_eoi,
	.iar_intid = v2_iar_intid,
	.bank = v2_bank,
	.sync = v2_sync,
	.route = v2_route,
	.sgi_self = v2_sgi_self,
};

int gicv2_probe(const void *fdt, int node, const struct gic_ops **ops,
		unsigned *nlines)
{
	uint64_t dpa, dsz, cpa, csz;
	int rc = fdt_reg(fdt, node, 0, &dpa, &dsz);

	if (!rc)
		rc = fdt_reg(fdt, node, 1, &cpa, &csz);
	if (rc) {
		pr_err("gic: GICv2 node without distributor and CPU interface reg (%d)\n", rc);
		return rc;
	}
	/* The CPU interface is 8 KiB (GICC_DIR is at 0x1000), whatever a
	 * short reg says. */
	dist = gic_map_frame("distributor", dpa, 0x1000, GICD_IIDR);
	cpu = dist ? gic_map_frame("CPU interface", cpa, 0x2000, GICC_IIDR) : NULL;
	if (!dist || !cpu)
		return -ENODEV;

	mmio_write32(dist + GICD_CTLR, 0);
	unsigned n = gic_typer_lines(dist);

	/* This CPU's own bit: ITARGETSR0-7 read as it (§4.3.12); a
	 * uniprocessor GIC may read them as zero, and then CPU 0 it is. */
	cpu_mask = mmio_read8(dist + GICD_ITARGETSR);
	if (!cpu_mask)
		cpu_mask = 1;
	gic_dist_init_spis(dist, n, false);
	for (unsigned i = 0; i < GIC_SPI_BASE; i += 4)
		mmio_write32(dist + GICD_IPRIORITYR + i, 0x01010101u * GIC_PRIO_DEFAULT);
	for (unsigned i = GIC_SPI_BASE; i < n; i++)
		mmio_write8(dist + GICD_ITARGETSR + i, cpu_mask);
	mmio_write32(dist + GICD_ICENABLER, 0xffffffff);
	mmio_write32(dist + GICD_ICPENDR, 0xffffffff);

	/* CPU interface: priorities below 0xf0 pass, no preemption groups,
	 * both groups enabled and signalled as IRQ (FIQEn clear), EOI both
	 * drops priority and deactivates (EOImode 0). Then the distributor. */
	mmio_write32(cpu + GICC_PMR, GIC_PMR_ALLOW);
	mmio_write32(cpu + GICC_BPR, 0);
	mmio_write32(cpu + GICC_CTLR, 0x3);
	mmio_write32(dist + GICD_CTLR, 0x3);

	*ops = &v2_ops;
	*nlines = n;
	pr_info("gic: GICv2 distributor at %#llx, CPU interface at %#llx, CPU mask %#x\n",
		(unsigned long long)dpa, (unsigned long long)cpa, cpu_mask);
	return 0;
}
