// SPDX-License-Identifier: MIT
/*
 * GICv3 (Arm GIC Architecture Specification v3/v4, IHI 0069H): the
 * distributor with affinity routing, this CPU's redistributor (found by
 * its affinity among the frames of the device tree's redistributor
 * regions) and the CPU interface through the ICC_* system registers.
 * Every interrupt is Group 1 Non-secure, which works with one security
 * state (QEMU virt without secure=on) and as the Non-secure side of two.
 * At EL2 entry boot/aarch64/entry.S set ICC_SRE_EL2 so EL1 may use the
 * system registers.
 */
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/vm.h>
#include <drivers/fdt.h>
#include <arch/cpu.h>
#include <arch/io.h>
#include <arch/irq.h>
#include "gic.h"

/* Distributor (§12.9). */
#define GICD_CTLR_RWP       (1u << 31)
#define GICD_CTLR_ARE       (1u << 4)   /* ARE, or ARE_NS seen from Non-secure */
#define GICD_CTLR_GRP1      0x3         /* EnableGrp1(NS) and Grp1A/Grp0 */
#define GICD_IROUTER        0x6000
#define GICD_PIDR2          0xffe8

/* Redistributor (§12.10, §12.11): RD_base frame, then SGI_base 64 KiB on. */
#define GICR_CTLR           0x0000
#define GICR_CTLR_RWP       (1u << 3)
#define GICR_TYPER          0x0008
#define GICR_TYPER_VLPIS    (1u << 1)
#define GICR_TYPER_LAST     (1u << 4)
#define GICR_WAKER          0x0014
#define GICR_WAKER_SLEEP    (1u << 1)   /* ProcessorSleep */
#define GICR_WAKER_ASLEEP   (1u << 2)   /* ChildrenAsleep */
#define GICR_SGI_OFFSET     0x10000
#define GICR_FRAME          0x20000     /* RD_base + SGI_base */

/* ICC system registers (§12.2) by encoding, so any assembler takes them. */
#define ICC_PMR_EL1         "S3_0_C4_C6_0"
#define ICC_IAR1_EL1        "S3_0_C12_C12_0"
#define ICC_EOIR1_EL1       "S3_0_C12_C12_1"
#define ICC_BPR1_EL1        "S3_0_C12_C12_3"
#define ICC_CTLR_EL1        "S3_0_C12_C12_4"
#define ICC_SRE_EL1         "S3_0_C12_C12_5"
#define ICC_IGRPEN1_EL1     "S3_0_C12_C12_7"
#define ICC_SGI1R_EL1       "S3_0_C12_C11_5"

#define icc_read(reg) ({                                                \
	uint64_t v_;                                                    \
	__asm__ __volatile__("mrs %0, " reg : "=r"(v_) : : "memory");   \
	v_;                                                             \
})
#define icc_write(reg, val)                                             \
	__asm__ __volatile__("msr " reg ", %0\n\tisb" : : "r"((uint64_t)(val)) : "memory")

static uint8_t *dist, *rd, *sgi;
static uint64_t affinity;       /* Aff3.Aff2.Aff1.Aff0 as in IROUTER */

/* Wait for a register write to take effect, boundedly: a GIC that never
 * clears RWP is broken, and we say so rather than hang. */
static void wait_rwp(uint8_t *reg, uint32_t bit)
{
	for (int i = 0; i < 1000000; i++)
		if (!(mmio_read32(reg) & bit))
			return;
	pr_err("gic: register write pending for too long (RWP stuck)\n");
}

static uint32_t v3_ack(void)
{
	uint32_t iar = (uint32_t)icc_read(ICC_IAR1_EL1);

	__asm__ __volatile__("dsb sy" ::: "memory");
	return iar;
}

static void v3_eoi(uint32_t iar)
{
	icc_write(ICC_EOIR1_EL1, iar);
}

static uint32_t v3_iar_intid(uint32_t iar)
{
	return iar & 0xffffff;
}

static uint8_t *v3_bank(unsigned intid)
{
	return intid < GIC_SPI_BASE ? sgi : dist;
}

static void v3_sync(unsigned intid)
{
	if (intid < GIC_SPI_BASE)
		wait_rwp(rd + GICR_CTLR, GICR_CTLR_RWP);
	else
		wait_rwp(dist + GICD_CTLR, GICD_CTLR_RWP);
}

/* GICD_IROUTER<n> (§12.9.22): this CPU by affinity, IRM = 0. */
static void v3_route(unsigned intid)
{
	mmio_write64(dist + GICD_IROUTER + 8 * intid, affinity);
}

/* ICC_SGI1R_EL1 (§12.2.22): INTID, this CPU's Aff3.Aff2.Aff1 and its bit
 * in the 16-bit target list (Aff0 < 16 without range selectors). */
static void v3_sgi_self(unsigned intid)
{
	uint64_t m = read_sysreg(mpidr_el1);
	uint64_t v = ((uint64_t)(intid & 0xf) << 24) |
		     (((m >> 8) & 0xff) << 16) |          /* Aff1 */
		     (((m >> 16) & 0xff) << 32) |         /* Aff2 */
		     (((m >> 32) & 0xff) << 48) |         /* Aff3 */
		     (1u << (m & 0xf));                   /* Aff0 */

	icc_write(ICC_SGI1R_EL1, v);
}

uint8_t *gicv3_dist(void)
{
	return dist;
}

uint8_t *gicv3_rd(void)
{
	return rd;
}

static const struct gic_ops v3_ops = {
	.name = "GICv3",
	.ack = v3_ack,
	.eoi = v3_eoi,
	.iar_intid = v3_iar_intid,
	.bank = v3_bank,
	.sync = v3_sync,
	.route = v3_route,
	.sgi_self = v3_sgi_self,
};

/* Walk the frames of one redistributor region for the one whose
 * GICR_TYPER affinity is ours (§9.6: Processor_Number / Affinity_Value).
 * Frames are mapped as they are looked at. @return its RD_base or NULL. */
static uint8_t *find_rd(uint64_t pa, uint64_t size, uint32_t aff)
{
	for (uint64_t off = 0; off + GICR_FRAME <= size;) {
		uint8_t *f = gic_map_frame("redistributor", pa + off, GICR_FRAME, GICR_TYPER);
		if (!f)
			return NULL;
		uint64_t typer = mmio_read64(f + GICR_TYPER);
		if ((uint32_t)(typer >> 32) == aff)
			return f;
		if (typer & GICR_TYPER_LAST)
			break;
		/* GICv4 redistributors with virtual LPIs have two more
		 * frames (VLPI_base, reserved). */
		off += typer & GICR_TYPER_VLPIS ? 2 * GICR_FRAME : GICR_FRAME;
	}
	return NULL;
}

int gicv3_probe(const void *fdt, int node, const struct gic_ops **ops,
		unsigned *nlines)
{
	uint64_t dpa, dsz;
	int rc = fdt_reg(fdt, node, 0, &dpa, &dsz);

	if (rc) {
		pr_err("gic: GICv3 node without a distributor reg (%d)\n", rc);
		return rc;
	}
	/* The CPU must have the system register interface
	 * (ID_AA64PFR0_EL1.GIC, ARM ARM D17.2.64) and EL1 must be allowed to
	 * use it (ICC_SRE_EL1.SRE sticks, §12.2.20). */
	if (!((read_sysreg(id_aa64pfr0_el1) >> 24) & 0xf)) {
		pr_err("gic: GICv3 in the device tree but this CPU has no GIC system registers\n");
		return -ENODEV;
	}
	icc_write(ICC_SRE_EL1, icc_read(ICC_SRE_EL1) | 1);
	if (!(icc_read(ICC_SRE_EL1) & 1)) {
		pr_err("gic: ICC_SRE_EL1.SRE does not stick; GICv3 system registers unusable\n");
		return -ENODEV;
	}
	dist = gic_map_frame("distributor", dpa, 0x10000, GICD_PIDR2);
	if (!dist)
		return -ENODEV;
	unsigned arch = (mmio_read32(dist + GICD_PIDR2) >> 4) & 0xf;
	if (arch != 3 && arch != 4)
		pr_warn("gic: GICD_PIDR2 says architecture %u, expected GICv3 or v4\n", arch);

	/* Our redistributor, in any of the regions (reg 1 .. n). */
	uint64_t m = read_sysreg(mpidr_el1);
	uint32_t aff = (uint32_t)((m & 0xffffff) | ((m >> 8) & 0xff000000));
	uint32_t nregions = 1;

	affinity = (m & 0xffffff) | (((m >> 32) & 0xff) << 32);
	fdt_get_u32(fdt, node, "#redistributor-regions", &nregions);
	rd = NULL;
	for (uint32_t i = 0; i < nregions && i < 64 && !rd; i++) {
		uint64_t pa, size;
		if (fdt_reg(fdt, node, 1 + (int)i, &pa, &size))
			break;
		rd = find_rd(pa, size, aff);
	}
	if (!rd) {
		pr_err("gic: no redistributor for affinity %#x\n", aff);
		return -ENODEV;
	}
	sgi = rd + GICR_SGI_OFFSET;

	/* Distributor: off, SPIs quiesced and Group 1, affinity routing on,
	 * then Group 1 on (ARE may only change while the groups are off,
	 * §12.9.4). */
	mmio_write32(dist + GICD_CTLR, 0);
	wait_rwp(dist + GICD_CTLR, GICD_CTLR_RWP);
	unsigned n = gic_typer_lines(dist);
	gic_dist_init_spis(dist, n, true);
	mmio_write32(dist + GICD_CTLR, GICD_CTLR_ARE);
	wait_rwp(dist + GICD_CTLR, GICD_CTLR_RWP);
	for (unsigned i = GIC_SPI_BASE; i < n; i++)
		mmio_write64(dist + GICD_IROUTER + 8 * i, affinity);
	mmio_write32(dist + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_GRP1);
	wait_rwp(dist + GICD_CTLR, GICD_CTLR_RWP);

	/* Wake the redistributor (§9.11.2), then its SGIs and PPIs:
	 * Group 1, disabled, not pending, default priority. */
	mmio_write32(rd + GICR_WAKER, mmio_read32(rd + GICR_WAKER) & ~GICR_WAKER_SLEEP);
	for (int i = 0; i < 1000000 && (mmio_read32(rd + GICR_WAKER) & GICR_WAKER_ASLEEP); i++)
		;
	if (mmio_read32(rd + GICR_WAKER) & GICR_WAKER_ASLEEP) {
		pr_err("gic: redistributor does not wake up\n");
		return -EIO;
	}
	mmio_write32(sgi + GICD_IGROUPR, 0xffffffff);
	mmio_write32(sgi + GICD_ICENABLER, 0xffffffff);
	mmio_write32(sgi + GICD_ICPENDR, 0xffffffff);
	mmio_write32(sgi + GICD_ICACTIVER, 0xffffffff);
	for (unsigned i = 0; i < GIC_SPI_BASE; i += 4)
		mmio_write32(sgi + GICD_IPRIORITYR + i, 0x01010101u * GIC_PRIO_DEFAULT);
	wait_rwp(rd + GICR_CTLR, GICR_CTLR_RWP);

	/* CPU interface: priority mask, no preemption groups, EOImode 0
	 * (EOI drops priority and deactivates), Group 1 on. */
	icc_write(ICC_PMR_EL1, GIC_PMR_ALLOW);
	icc_write(ICC_BPR1_EL1, 0);
	icc_write(ICC_CTLR_EL1, icc_read(ICC_CTLR_EL1) & ~2ull);
	icc_write(ICC_IGRPEN1_EL1, 1);

	*ops = &v3_ops;
	*nlines = n;
	pr_info("gic: GICv3 distributor at %#llx, redistributor at %p (affinity %#x)\n",
		(unsigned long long)dpa, (void *)rd, aff);
	return 0;
}
