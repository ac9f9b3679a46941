// SPDX-License-Identifier: MIT
/*
 * include/kern/irq.h on the Arm Generic Interrupt Controller: the local
 * interrupt mask (PSTATE.I), the handler table indexed by INTID, the IRQ
 * dispatcher the vectors call, and what is common to GICv2 (IHI 0048B) and
 * GICv3 (IHI 0069H): finding the GIC in the device tree, the distributor's
 * enable/pending/priority/configuration registers, and message-signalled
 * interrupts through a GICv2m frame (SPIs set by a write to the frame's
 * MSI_SETSPI_NS register; Arm's "GICv2m" architecture, as described by the
 * device-tree binding arm,gic-v2m-frame).
 *
 * A wired line has a short chain of handlers so that PCI INTx lines, which
 * are shared and level-triggered, can carry several devices; irq_free
 * detaches every handler of the INTID. On GICv3 with an ITS (and no v2m
 * frame) MSIs are LPIs set up by gicv3_its.c; the ITS needs the writer's
 * DeviceID, so only irq_alloc_msi_dev can allocate them and irq_alloc_msi
 * says -ENODEV.
 */
#include <drivers/dtbus.h>
#include <kern/boot.h>
#include <kern/cmdline.h>
#include <kern/errno.h>
#include <kern/init.h>
#include <kern/irq.h>
#include <kern/printk.h>
#include <kern/shell.h>
#include <kern/vm.h>
#include <drivers/fdt.h>
#include <arch/cpu.h>
#include <arch/io.h>
#include <arch/irq.h>
#include <stdio.h>
#include "a64.h"
#include "gic.h"

CMDLINE_OPT(gic_its, "gic.its", "use the GICv3 ITS for MSIs (default on; off: INTx)");

#define HANDLERS_PER_LINE 4

/* GICv2m frame registers (the arm,gic-v2m-frame binding's frame layout). */
#define V2M_MSI_TYPER       0x008
#define V2M_MSI_SETSPI_NS   0x040

struct line {
	bool used;
	bool level;
	bool msi;
	unsigned nhandlers;
	struct {
		irq_handler_t fn;
		void *arg;
	} h[HANDLERS_PER_LINE];
};

static struct line lines[GIC_MAX_INTID];
static uint64_t counts[GIC_MAX_INTID];
static const struct gic_ops *ops;
static unsigned nlines;
static int version;
static bool setup_done;
static int setup_rc;

static struct {
	uint64_t doorbell;          /* physical address of MSI_SETSPI_NS */
	unsigned first, count;      /* SPI range */
} v2m;

/* --- local interrupt mask (PSTATE.I, ARM ARM D1.3.6) ------------------ */

void irq_enable(void)
{
	__asm__ __volatile__("msr daifclr, #2" ::: "memory");
}

void irq_disable(void)
{
	__asm__ __volatile__("msr daifset, #2" ::: "memory");
}

bool irq_enabled(void)
{
	return !(read_sysreg(daif) & DAIF_I);
}

uint64_t irq_count(int vector)
{
	if (vector >= GIC_LPI_BASE)
		return gicv3_its_count(vector);
	if (vector < 0 || vector >= GIC_MAX_INTID)
		return 0;
	return READ_ONCE(counts[vector]);
}

/* --- distributor-style registers ------------------------------------ */

static void reg_bit(unsigned base, unsigned intid)
{
	mmio_write32(ops->bank(intid) + base + 4 * (intid / 32), 1u << (intid % 32));
}

static void line_enable(unsigned intid, bool on)
{
	reg_bit(on ? GICD_ISENABLER : GICD_ICENABLER, intid);
	ops->sync(intid);
}

/* Level or edge (GICD_ICFGR: two bits per INTID, bit 1 set = edge).
 * SGIs are always edge; a PPI's configuration may be fixed, in which
 * case the write is ignored (GICv3 §12.9.8). */
static void line_config(unsigned intid, bool level)
{
	if (intid < GIC_PPI_BASE)
		return;
	uint8_t *r = ops->bank(intid) + GICD_ICFGR + 4 * (intid / 16);
	unsigned shift = 2 * (intid % 16) + 1;
	uint32_t v = mmio_read32(r);

	v = level ? v & ~(1u << shift) : v | (1u << shift);
	mmio_write32(r, v);
}

static void line_priority(unsigned intid)
{
	mmio_write8(ops->bank(intid) + GICD_IPRIORITYR + intid, GIC_PRIO_DEFAULT);
}

unsigned gic_typer_lines(uint8_t *dist)
{
	unsigned n = 32 * ((mmio_read32(dist + GICD_TYPER) & 0x1f) + 1);
	return MIN(n, (unsigned)GIC_MAX_INTID);
}

/* Quiesce every SPI: disabled, not pending, not active, default priority,
 * level-triggered, and (GICv3) Group 1 Non-secure. */
void gic_dist_init_spis(uint8_t *dist, unsigned n, bool group1)
{
	for (unsigned i = GIC_SPI_BASE; i < n; i += 32) {
		if (group1)
			mmio_write32(dist + GICD_IGROUPR + i / 8, 0xffffffff);
		mmio_write32(dist + GICD_ICENABLER + i / 8, 0xffffffff);
		mmio_write32(dist + GICD_ICPENDR + i / 8, 0xffffffff);
		mmio_write32(dist + GICD_ICACTIVER + i / 8, 0xffffffff);
	}
	for (unsigned i = GIC_SPI_BASE; i < n; i += 4)
		mmio_write32(dist + GICD_IPRIORITYR + i, 0x01010101u * GIC_PRIO_DEFAULT);
	for (unsigned i = GIC_SPI_BASE; i < n; i += 16)
		mmio_write32(dist + GICD_ICFGR + i / 4, 0);
}

/* --- set-up ---------------------------------------------------------- */

uint8_t *gic_map_frame(const char *what, uint64_t pa, uint64_t len, unsigned id_off)
{
	uint32_t id;
	char who[40];

	/* A frame on RAM would make the set-up below write over memory
	 * (the device tree, the kernel's data): refuse it before mapping. */
	snprintf(who, sizeof(who), "gic: %s", what);
	if (boot_device_window(who, pa, len))
		return NULL;
	uint8_t *p = vm_map_mmio(pa, len);

	if (!p) {
		pr_err("gic: cannot map the %s at %#llx+%#llx\n", what,
		       (unsigned long long)pa, (unsigned long long)len);
		return NULL;
	}
	/* Every GIC frame has read-only ID registers (IHI 0048B §4.1.2,
	 * IHI 0069H §12.1.1); reading one has no side effect. */
	if (probe_read32(p + id_off, &id)) {
		pr_err("gic: nothing answers at the %s address %#llx\n", what,
		       (unsigned long long)pa);
		return NULL;
	}
	return p;
}

static int v2m_probe(const void *fdt, int node)
{
	uint64_t pa, size;
	int rc = fdt_reg(fdt, node, 0, &pa, &size);

	if (rc)
		return rc;
	uint8_t *frame = gic_map_frame("v2m MSI frame", pa, 0x1000, V2M_MSI_TYPER);
	if (!frame)
		return -ENODEV;
	uint32_t typer = mmio_read32(frame + V2M_MSI_TYPER);
	uint32_t first = (typer >> 16) & 0x3ff, count = typer & 0x3ff;

	/* The binding lets the device tree override a wrong MSI_TYPER. */
	fdt_get_u32(fdt, node, "arm,msi-base-spi", &first);
	fdt_get_u32(fdt, node, "arm,msi-num-spis", &count);
	if (first < GIC_SPI_BASE || !count || first + count > nlines) {
		pr_err("gic: v2m frame at %#llx claims SPIs %u..%u, outside 32..%u; not used\n",
		       (unsigned long long)pa, first, first + count - 1, nlines - 1);
		return -EINVAL;
	}
	v2m.doorbell = pa + V2M_MSI_SETSPI_NS;
	v2m.first = first;
	v2m.count = count;
	pr_info("gic: v2m MSI frame at %#llx, SPIs %u..%u\n",
		(unsigned long long)pa, first, first + count - 1);
	return 0;
}

int gic_setup(void)
{
	static const struct { const char *compat; int version; } gics[] = {
		{ "arm,gic-v3", 3 },
		{ "arm,gic-400", 2 },
		{ "arm,cortex-a15-gic", 2 },
		{ "arm,cortex-a9-gic", 2 },
		{ "arm,cortex-a7-gic", 2 },
	};
	const void *fdt = (const void *)(uintptr_t)boot_info.dtb;
	int node = -ENOENT, v = 0;

	if (setup_done)
		return setup_rc;
	setup_done = true;
	setup_rc = -ENODEV;
	if (!fdt) {
		pr_err("gic: no device tree, no interrupt controller\n");
		return setup_rc;
	}
	for (size_t i = 0; i < ARRAY_SIZE(gics) && node < 0; i++) {
		fdt_for_each_compatible(fdt, node, gics[i].compat)
			if (fdt_node_enabled(fdt, node) &&
			    fdt_hasprop(fdt, node, "interrupt-controller"))
				break;
		v = gics[i].version;
	}
	if (node < 0) {
		pr_err("gic: no GICv2 or GICv3 in the device tree\n");
		return setup_rc;
	}
	setup_rc = v == 3 ? gicv3_probe(fdt, node, &ops, &nlines)
			  : gicv2_probe(fdt, node, &ops, &nlines);
	if (setup_rc) {
		/* Run without it, as without a device tree: the timer list
		 * and every device are polled (arch_idle, virtio's poll
		 * mode), slower but correct; stopping would gain nothing. */
		pr_err("gic: GICv%d set-up failed (%d); no interrupts, timers and devices are polled\n",
		       v, setup_rc);
		ops = NULL;
		return setup_rc;
	}
	version = v;
	int f;
	fdt_for_each_compatible(fdt, f, "arm,gic-v2m-frame")
		if (fdt_node_enabled(fdt, f) && v2m_probe(fdt, f) == 0)
			break;
	if (!v2m.count && v == 3 && fdt_next_compatible(fdt, -1, "arm,gic-v3-its") >= 0) {
		if (!cmdline_get_bool("gic.its", true))
			pr_info("gic: ITS not used (gic.its=off); no MSIs\n");
		else if (gicv3_its_probe(fdt, node) != 0)
			pr_warn("gic: ITS not usable; no MSIs, devices use INTx\n");
	}
	pr_info("gic: %s, %u interrupt lines\n", ops->name, nlines);
	return 0;
}

static int gic_init(void)
{
	int rc = gic_setup();

	/* The device-tree bus decodes interrupt specifiers through us. */
	dtbus_set_irq_decoder(gic_fdt_line);
	boot_stamp("irq");
	return rc;
}
INITCALL(INIT_ARCH, gic_init);

int gic_version(void)
{
	return version;
}

unsigned gic_num_lines(void)
{
	return nlines;
}

const char *gic_msi_name(void)
{
	return v2m.count ? "GICv2m" : gicv3_its_ready() ? "ITS" : "none";
}

/* --- dispatch -------------------------------------------------------- */

void gic_handle_irq(void)
{
	if (!ops)
		return;
	/* Take every pending interrupt before returning (bounded, so that
	 * a stuck level line can't keep us here forever). */
	for (int n = 0; n < 64; n++) {
		uint32_t iar = ops->ack();
		uint32_t intid = ops->iar_intid(iar);

		/* LPIs (GICv3 §5.1): edge-like, no active state; EOI
		 * drops the priority as for the others. */
		if (intid >= GIC_LPI_BASE) {
			gicv3_its_dispatch(intid);
			ops->eoi(iar);
			continue;
		}
		if (intid >= GIC_MAX_INTID)
			return;         /* 1020..1023: none (spurious) */
		counts[intid]++;
		struct line *l = &lines[intid];
		if (!l->nhandlers && counts[intid] <= 3)
			pr_warn("irq: INTID %u with no handler\n", intid);
		for (unsigned i = 0; i < l->nhandlers; i++)
			l->h[i].fn(l->h[i].arg);
		ops->eoi(iar);
	}
}

/* --- the irq.h API --------------------------------------------------- */

static int line_claim(unsigned intid, bool level, bool msi, irq_handler_t fn, void *arg)
{
	struct line *l = &lines[intid];

	if (l->used) {
		/* Share a level line; edges can't be shared reliably. */
		if (l->msi || msi || !level || !l->level ||
		    l->nhandlers >= HANDLERS_PER_LINE)
			return -EBUSY;
		l->h[l->nhandlers].fn = fn;
		l->h[l->nhandlers].arg = arg;
		l->nhandlers++;
		return (int)intid;
	}
	*l = (struct line){ .used = true, .level = level, .msi = msi, .nhandlers = 1 };
	l->h[0].fn = fn;
	l->h[0].arg = arg;
	line_config(intid, level);
	line_priority(intid);
	if (intid >= GIC_SPI_BASE)
		ops->route(intid);
	line_enable(intid, true);
	return (int)intid;
}

int irq_attach_line(unsigned line, bool level, bool active_low,
		    irq_handler_t fn, void *arg)
{
	if (!fn)
		return -EINVAL;
	int rc = gic_setup();

	if (rc)
		return rc;
	if (line < GIC_PPI_BASE || line >= nlines)
		return -EINVAL;
	/* The GIC takes level-high and rising-edge inputs only (GICv3
	 * §1.2.2); an inverted line needs an inverter in front of it, which
	 * the device tree would have to describe. Warn, then take it as
	 * it is. */
	if (active_low)
		pr_warn("irq: INTID %u described as active-low; the GIC senses active-high\n",
			line);
	unsigned long flags = irq_save();

	rc = line_claim(line, level, false, fn, arg);
	irq_restore(flags);
	return rc;
}

int gic_attach_sgi(unsigned intid, irq_handler_t fn, void *arg)
{
	if (!fn || intid >= GIC_PPI_BASE)
		return -EINVAL;
	int rc = gic_setup();

	if (rc)
		return rc;
	unsigned long flags = irq_save();

	rc = line_claim(intid, false, false, fn, arg);
	irq_restore(flags);
	return rc;
}

int irq_alloc_msi(irq_handler_t fn, void *arg, struct msi_msg *msg)
{
	if (!fn || !msg)
		return -EINVAL;
	int rc = gic_setup();

	if (rc)
		return rc;
	if (!v2m.count)
		return -ENODEV;
	unsigned long flags = irq_save();

	rc = -ENOSPC;
	for (unsigned i = v2m.first; i < v2m.first + v2m.count; i++) {
		if (lines[i].used)
			continue;
		/* MSIs are edges: one write, one interrupt. */
		rc = line_claim(i, false, true, fn, arg);
		if (rc >= 0) {
			msg->addr = v2m.doorbell;
			msg->data = i;
		}
		break;
	}
	irq_restore(flags);
	return rc;
}

int irq_alloc_msi_dev(uint32_t requester_id, irq_handler_t fn, void *arg,
		      struct msi_msg *msg)
{
	if (!fn || !msg)
		return -EINVAL;
	int rc = gic_setup();

	if (rc)
		return rc;
	/* A v2m frame takes writes from anyone: the ID does not matter. */
	if (v2m.count)
		return irq_alloc_msi(fn, arg, msg);
	return gicv3_its_alloc(requester_id, fn, arg, msg);
}

void irq_free(int vector)
{
	if (vector >= GIC_LPI_BASE) {
		gicv3_its_free(vector);
		return;
	}
	if (!ops || vector < 0 || vector >= (int)nlines)
		return;
	unsigned long flags = irq_save();

	if (lines[vector].used)
		line_enable((unsigned)vector, false);
	lines[vector] = (struct line){ 0 };
	irq_restore(flags);
}

void irq_mask_line(unsigned line, bool masked)
{
	if (!ops || line >= nlines)
		return;
	line_enable(line, !masked);
}

int gic_send_sgi_self(unsigned intid)
{
	if (!ops || intid >= GIC_PPI_BASE)
		return -EINVAL;
	ops->sgi_self(intid);
	return 0;
}

int gic_set_pending(unsigned intid)
{
	if (!ops || intid < GIC_PPI_BASE || intid >= nlines)
		return -EINVAL;
	reg_bit(GICD_ISPENDR, intid);
	return 0;
}

int gic_fdt_line(const void *fdt, const struct fdt_irq *spec, bool *level,
		 bool *active_low)
{
	int rc = gic_setup();

	if (rc)
		return rc;
	/* The GIC bindings (arm,gic.yaml / arm,gic-v3.yaml): cell 0 type
	 * (0 SPI, 1 PPI), cell 1 number, cell 2 trigger flags. */
	if (spec->ncells < 3 || !fdt_hasprop(fdt, spec->ctrl, "interrupt-controller") ||
	    !(fdt_compatible(fdt, spec->ctrl, "arm,gic-v3") ||
	      fdt_compatible(fdt, spec->ctrl, "arm,gic-400") ||
	      fdt_compatible(fdt, spec->ctrl, "arm,cortex-a15-gic") ||
	      fdt_compatible(fdt, spec->ctrl, "arm,cortex-a9-gic") ||
	      fdt_compatible(fdt, spec->ctrl, "arm,cortex-a7-gic")))
		return -EINVAL;
	uint32_t type = spec->cells[0], num = spec->cells[1], flags = spec->cells[2] & 0xf;
	uint64_t intid;

	if (type == 0)
		intid = GIC_SPI_BASE + (uint64_t)num;
	else if (type == 1 && num < 16)
		intid = GIC_PPI_BASE + (uint64_t)num;
	else
		return -EINVAL;
	if (intid >= nlines)
		return -EINVAL;
	*level = (flags & 0xc) != 0 || flags == 0;
	*active_low = (flags & 0xa) != 0;
	return (int)intid;
}

static int cmd_irq(int argc, char **argv)
{
	kprintf("%s, %u lines, MSI %s\n", ops ? ops->name : "no GIC", nlines,
		gic_msi_name());
	for (unsigned i = 0; i < nlines; i++) {
		if (!counts[i] && !lines[i].used)
			continue;
		kprintf("INTID %4u  %10llu  %s%s\n", i, (unsigned long long)counts[i],
			i < GIC_PPI_BASE ? "SGI" : i < GIC_SPI_BASE ? "PPI" : "SPI",
			!lines[i].used ? "" : lines[i].msi ? " MSI" :
			lines[i].level ? " level" : " edge");
	}
	if (gicv3_its_ready())
		gicv3_its_list();
	return 0;
}
SHELL_CMD("irq", "irq - interrupt lines in use and their counts", cmd_irq);
