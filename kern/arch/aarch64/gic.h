/* SPDX-License-Identifier: MIT */
/* Private interface between the arch-neutral side of the GIC (gic.c: the
 * include/kern/irq.h API, dispatch, distributor registers shared by both
 * versions, GICv2m MSIs) and the version-specific files (gicv2.c: GICv2
 * CPU interface; gicv3.c: redistributors and the ICC system registers). */
#ifndef A64_GIC_H
#define A64_GIC_H

#include <kern/compiler.h>
#include <kern/irq.h>

/* Distributor register offsets, the same in GICv2 (IHI 0048B §4.3) and
 * GICv3 (IHI 0069H §12.9); the per-CPU banks (SGIs and PPIs, INTIDs 0-31)
 * use the same offsets inside the GICv3 redistributor's SGI frame. */
#define GICD_CTLR       0x000
#define GICD_TYPER      0x004
#define GICD_IIDR       0x008
#define GICD_IGROUPR    0x080
#define GICD_ISENABLER  0x100
#define GICD_ICENABLER  0x180
#define GICD_ISPENDR    0x200
#define GICD_ICPENDR    0x280
#define GICD_ICACTIVER  0x380
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR  0x800           /* GICv2 only */
#define GICD_ICFGR      0xc00
#define GICD_SGIR       0xf00           /* GICv2 only */

#define GIC_PRIO_DEFAULT 0xa0           /* every line; no preemption is used */
#define GIC_PMR_ALLOW    0xf0           /* mask only priorities >= 0xf0 */

struct gic_ops {
	const char *name;
	/* Acknowledge: the raw IAR value (0 if none pending is spurious). */
	uint32_t (*ack)(void);
	/* End of interrupt for an acknowledged raw IAR value. */
	void (*eoi)(uint32_t iar);
	/* The INTID in a raw IAR value. */
	uint32_t (*iar_intid)(uint32_t iar);
	/* The register frame holding intid's enable/priority/config bits. */
	uint8_t *(*bank)(unsigned intid);
	/* Wait until an enable/disable of intid has taken effect. */
	void (*sync)(unsigned intid);
	/* Deliver SPI intid to this CPU. */
	void (*route)(unsigned intid);
	/* Raise SGI intid on this CPU only. */
	void (*sgi_self)(unsigned intid);
};

/* Probe the GIC described by node: map it, quiesce and enable it, fill
 * *ops and *nlines. @return 0 or -errno (then nothing is enabled). */
/* Map a GIC register frame that the device tree names (what: "distributor",
 * ...) and make a first read of the ID register at id_off, which may have
 * nothing behind it (probe_read32). Says why on the console when it fails.
 * @return the mapping, or NULL. */
uint8_t *gic_map_frame(const char *what, uint64_t pa, uint64_t len, unsigned id_off);

int gicv2_probe(const void *fdt, int node, const struct gic_ops **ops,
		unsigned *nlines);
int gicv3_probe(const void *fdt, int node, const struct gic_ops **ops,
		unsigned *nlines);

/* gicv3.c: the distributor and this CPU's redistributor (RD_base), both
 * mapped at their physical addresses; NULL before gicv3_probe. */
uint8_t *gicv3_dist(void);
uint8_t *gicv3_rd(void);

/* GICv3 ITS (gicv3_its.c): LPIs and MSIs. INTIDs from GIC_LPI_BASE. */
#define GIC_LPI_BASE 8192
/* Find the ITS under the GICv3 node, enable LPIs in our redistributor and
 * set the ITS up. @return 0 or -errno (then MSIs are not available). */
int gicv3_its_probe(const void *fdt, int gic_node);
/* Usable: probed, and has not misbehaved since. */
bool gicv3_its_ready(void);
/* An LPI for EventID n of the device with requester ID rid, handler fn.
 * @return the INTID, or -ENODEV (no usable ITS / not mapped), -ENOSPC. */
int gicv3_its_alloc(uint32_t rid, irq_handler_t fn, void *arg, struct msi_msg *msg);
/* Unmap and forget an LPI from gicv3_its_alloc; others ignored. */
void gicv3_its_free(int vector);
/* Count and run the handler of an acknowledged LPI. */
void gicv3_its_dispatch(uint32_t intid);
uint64_t gicv3_its_count(int vector);
/* The shell's irq listing, LPI part. */
void gicv3_its_list(void);

/* Shared helpers over a distributor or redistributor frame. */
void gic_dist_init_spis(uint8_t *dist, unsigned nlines, bool group1);
unsigned gic_typer_lines(uint8_t *dist);

#endif
