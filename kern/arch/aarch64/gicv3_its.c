// SPDX-License-Identifier: MIT
/*
 * MSIs through the GICv3 Interrupt Translation Service (Arm GIC
 * Architecture Specification v3/v4, IHI 0069H, chapters 5 and 6).
 *
 * A device writes its EventID to GITS_TRANSLATER; the ITS tags the write
 * with the writer's DeviceID (on PCI the requester ID, translated by the
 * host bridge's msi-map), looks the pair up in the device's Interrupt
 * Translation Table (ITT) and makes the resulting LPI pending in the
 * redistributor of the pair's collection. So the set-up is:
 *  - LPIs in our redistributor (§5.1): a configuration table (one byte per
 *    LPI: priority and enable, §5.1.1) in GICR_PROPBASER and a pending
 *    table (one bit per INTID, 64 KiB aligned, §5.1.2) in GICR_PENDBASER,
 *    then GICR_CTLR.EnableLPIs;
 *  - the ITS's own memory (§5.2): a flat Device table and Collection table
 *    in the GITS_BASER<n> that say they need one, and a command queue in
 *    GITS_CBASER driven by GITS_CWRITER / GITS_CREADR (§5.3);
 *  - one collection (ICID 0) mapped to this CPU's redistributor (MAPC);
 *  - per device, MAPD with a small ITT; per vector, MAPTI of an EventID to
 *    an LPI (INTIDs from 8192) in collection 0, then INV and SYNC.
 * Every wait on the ITS is bounded. An ITS that does not drain its queue
 * or stalls is declared broken: allocation then says -ENODEV and PCI
 * drivers fall back to INTx.
 *
 * Tables are allocated zeroed and asked for as Inner Shareable write-back
 * cacheable; if the GIC answers non-shareable (it may, §12.19.1), every
 * write it must see is cleaned to the point of coherency first.
 */
#include <kern/dma.h>
#include <kern/errno.h>
#include <kern/irq.h>
#include <kern/pmm.h>
#include <kern/printk.h>
#include <kern/shell.h>
#include <kern/vm.h>
#include <drivers/fdt.h>
#include <arch/barrier.h>
#include <arch/cpu.h>
#include <arch/io.h>
#include <arch/irq.h>
#include "gic.h"

/* Redistributor LPI registers (§12.11). */
#define GICR_CTLR               0x0000
#define  GICR_CTLR_ENABLE_LPIS  (1u << 0)
#define GICR_TYPER              0x0008
#define  GICR_TYPER_PLPIS       (1ull << 0)
#define GICR_PROPBASER          0x0070
#define GICR_PENDBASER          0x0078
#define  GICR_PENDBASER_PTZ     (1ull << 62)
#define GICD_TYPER_LPIS         (1u << 17)

/* ITS registers (§12.19). */
#define GITS_CTLR               0x0000
#define  GITS_CTLR_ENABLED      (1u << 0)
#define  GITS_CTLR_QUIESCENT    (1u << 31)
#define GITS_TYPER              0x0008
#define GITS_CBASER             0x0080
#define GITS_CWRITER            0x0088
#define GITS_CREADR             0x0090
#define  GITS_CREADR_STALLED    (1ull << 0)
#define GITS_BASER(n)           (0x0100 + 8 * (n))
#define GITS_TRANSLATER         0x10040
#define GITS_SIZE               0x20000

/* Memory attributes shared by PROPBASER, PENDBASER, CBASER and BASER:
 * InnerCache in bits 61:59 (BASER/CBASER) or 9:7 (GICR_*BASER),
 * Shareability in 11:10. */
#define ATTR_SHARE_INNER        (1ull << 10)
#define ATTR_SHARE_MASK         (3ull << 10)
#define GICR_INNER_WAWB         (7ull << 7)
#define GICR_INNER_NC           (1ull << 7)
#define GITS_INNER_WAWB         (7ull << 59)
#define GITS_INNER_NC           (1ull << 59)
#define GITS_INNER_MASK         (7ull << 59)

/* GITS_BASER<n> fields (§12.19.1). */
#define BASER_VALID             (1ull << 63)
#define BASER_INDIRECT          (1ull << 62)
#define BASER_TYPE(v)           (((v) >> 56) & 7)
#define  BASER_TYPE_DEVICE      1
#define  BASER_TYPE_COLLECTION  4
#define BASER_ESIZE(v)          ((((v) >> 48) & 0x1f) + 1)
#define BASER_PSZ_SHIFT         8
#define BASER_PSZ_MASK          (3ull << 8)
#define BASER_PA_MASK           0x0000fffffffff000ull   /* bits 47:12 */

/* Command encodings (§5.3). */
#define CMD_SYNC                0x05
#define CMD_MAPD                0x08
#define CMD_MAPC                0x09
#define CMD_MAPTI               0x0a
#define CMD_INV                 0x0c
#define CMD_INVALL              0x0d
#define CMD_DISCARD             0x0f
#define CMD_SIZE                32
#define CMDQ_BYTES              4096            /* one 4 KiB page: 128 commands */

#define LPI_BASE                8192
#define LPI_NR                  512             /* LPIs we hand out */
#define LPI_IDBITS              14              /* INTIDs < 16384 */
#define LPI_PROP_BYTES          ((1u << LPI_IDBITS) - LPI_BASE)
#define LPI_ENABLE              0x01
#define ITS_MAX_DEVS            64
#define ITS_EVENT_BITS          5               /* 32 EventIDs per device */
#define ITS_WAIT                2000000         /* register polls before giving up */
#define ITS_ICID                0
#define ITS_MAX_MAP             8

struct its_dev {
	bool used;
	uint32_t devid;
	void *itt;
	unsigned itt_order;
	uint32_t events;                        /* bitmap of EventIDs in use */
};

struct its_lpi {
	bool used;
	uint16_t dev;                           /* index into devs[] */
	uint16_t event;
	irq_handler_t fn;
	void *arg;
};

static struct {
	uint8_t *base;                          /* ITS frame, mapped */
	uint64_t pa;
	uint64_t typer;
	uint8_t *rd;                            /* our redistributor */
	uint64_t rdbase;                        /* MAPC/SYNC RDbase field (bits 50:16) */
	uint8_t *prop;                          /* LPI configuration table */
	uint8_t *cmdq;
	uint32_t cwriter;
	unsigned event_bits;
	uint32_t max_devid;                     /* exclusive, as the Device table covers */
	bool flush;                             /* tables not coherent with the GIC */
	bool ready, broken;
	uint32_t phandle;
	/* msi-map of the PCI host (PCI Bus binding, msi-map): rid-base,
	 * out-base, length; mask from msi-map-mask. */
	unsigned nmap;
	struct { uint32_t rid, out, len; } map[ITS_MAX_MAP];
	uint32_t map_mask;
	bool have_map;
} its;

static struct its_dev devs[ITS_MAX_DEVS];
static struct its_lpi lpis[LPI_NR];
static uint64_t lpi_counts[LPI_NR];

/* Clean [p, p+len) to the point of coherency when the GIC reads memory
 * without snooping the caches (ARM ARM D7.5.9, DC CVAC). */
static void its_clean(const void *p, size_t len)
{
	if (!its.flush) {
		__asm__ __volatile__("dsb ishst" ::: "memory");
		return;
	}
	unsigned line = 4u << ((read_sysreg(ctr_el0) >> 16) & 0xf);
	uintptr_t a = (uintptr_t)p & ~(uintptr_t)(line - 1);

	for (; a < (uintptr_t)p + len; a += line)
		__asm__ __volatile__("dc cvac, %0" : : "r"(a) : "memory");
	__asm__ __volatile__("dsb sy" ::: "memory");
}

static void its_fail(const char *why)
{
	if (!its.broken)
		pr_warn("gic: ITS %s; MSIs disabled, devices fall back to INTx\n", why);
	its.broken = true;
}

/* Queue n commands and wait until the ITS has consumed all of them
 * (§5.3: CREADR catches up with CWRITER). @return 0, -ETIMEDOUT or -EIO. */
static int its_send(const uint64_t (*cmds)[4], unsigned n)
{
	if (its.broken)
		return -ENODEV;
	for (unsigned i = 0; i < n; i++) {
		uint32_t next = (its.cwriter + CMD_SIZE) % CMDQ_BYTES;
		int w;

		/* The queue is full while the next slot is the read pointer. */
		for (w = 0; w < ITS_WAIT; w++)
			if ((uint32_t)(mmio_read64(its.base + GITS_CREADR) & 0xfffe0) != next)
				break;
		if (w == ITS_WAIT) {
			its_fail("command queue stays full");
			return -ETIMEDOUT;
		}
		uint64_t *slot = (uint64_t *)(its.cmdq + its.cwriter);

		for (int j = 0; j < 4; j++)
			slot[j] = cmds[i][j];
		its_clean(slot, CMD_SIZE);
		its.cwriter = next;
	}
	mmio_write64(its.base + GITS_CWRITER, its.cwriter);
	for (int w = 0; w < ITS_WAIT; w++) {
		uint64_t r = mmio_read64(its.base + GITS_CREADR);

		if (r & GITS_CREADR_STALLED) {
			its_fail("stalled on a command (GITS_CREADR.Stalled)");
			return -EIO;
		}
		if ((uint32_t)(r & 0xfffe0) == its.cwriter)
			return 0;
		cpu_relax();
	}
	its_fail("does not drain its command queue");
	return -ETIMEDOUT;
}

/* Command builders (§5.3.x): DW0 holds the opcode and DeviceID. */
static void cmd_sync(uint64_t c[4])
{
	c[0] = CMD_SYNC;
	c[1] = 0;
	c[2] = its.rdbase;
	c[3] = 0;
}

static void cmd_dev(uint64_t c[4], unsigned op, uint32_t devid, uint32_t event)
{
	c[0] = op | ((uint64_t)devid << 32);
	c[1] = event;
	c[2] = 0;
	c[3] = 0;
}

/* --- memory for the redistributor and the ITS ------------------------ */

static unsigned order_for(uint64_t bytes)
{
	unsigned o = 0;

	while ((4096ull << o) < bytes)
		o++;
	return o;
}

/* Program one GITS_BASER<n> with a flat table of entries for ids 0..n-1
 * (§12.19.1). Page size: 64 KiB if we can (the block is aligned so), else
 * whatever sticks. @return the number of entries covered, or -errno. */
static long baser_setup(unsigned n, uint64_t want_entries)
{
	uint64_t v = mmio_read64(its.base + GITS_BASER(n));
	uint64_t esz = BASER_ESIZE(v);
	static const uint64_t psz[] = { 4096, 16384, 65536 };
	uint64_t bytes = want_entries * esz;

	if (bytes > (1u << 20))
		bytes = 1u << 20;               /* cap: 1 MiB per table */
	if (bytes < 65536)
		bytes = 65536;
	unsigned order = order_for(bytes);
	void *t = page_alloc_zeroed(order);

	if (!t)
		return -ENOMEM;
	its_clean(t, bytes);
	for (int p = 0; p < 3; p++) {
		uint64_t pages = bytes / psz[p];
		if (pages > 256)
			continue;
		uint64_t w = BASER_VALID | GITS_INNER_WAWB | (v & (7ull << 56)) |
			     (v & (0x1full << 48)) | ATTR_SHARE_INNER |
			     ((uint64_t)p << BASER_PSZ_SHIFT) |
			     (virt_to_phys(t) & BASER_PA_MASK) | (pages - 1);
		mmio_write64(its.base + GITS_BASER(n), w);
		uint64_t r = mmio_read64(its.base + GITS_BASER(n));
		if (((r & BASER_PSZ_MASK) >> BASER_PSZ_SHIFT) != (uint64_t)p)
			continue;               /* page size not supported */
		if (!(r & ATTR_SHARE_MASK)) {
			/* Non-shareable: make it non-cacheable and clean
			 * what we write from now on. */
			its.flush = true;
			r = (r & ~(GITS_INNER_MASK | ATTR_SHARE_MASK)) | GITS_INNER_NC;
			mmio_write64(its.base + GITS_BASER(n), r);
			its_clean(t, bytes);
		}
		return (long)(bytes / esz);
	}
	page_free(t, order);
	return -EOPNOTSUPP;
}

static int lpi_rd_setup(void)
{
	uint8_t *rd = its.rd;

	if (!(mmio_read64(rd + GICR_TYPER) & GICR_TYPER_PLPIS) ||
	    !(mmio_read32(gicv3_dist() + GICD_TYPER) & GICD_TYPER_LPIS))
		return -EOPNOTSUPP;
	unsigned idbits = ((mmio_read32(gicv3_dist() + GICD_TYPER) >> 19) & 0x1f) + 1;
	if (idbits < LPI_IDBITS)
		return -EOPNOTSUPP;
	/* PROPBASER/PENDBASER may only be written while LPIs are off, and
	 * EnableLPIs may be impossible to clear once set (§12.11.2). */
	if (mmio_read32(rd + GICR_CTLR) & GICR_CTLR_ENABLE_LPIS)
		return -EBUSY;

	its.prop = page_alloc_zeroed(order_for(LPI_PROP_BYTES));
	uint8_t *pend = page_alloc_zeroed(4);   /* 64 KiB aligned, §12.11.22 */
	if (!its.prop || !pend)
		return -ENOMEM;
	uint64_t pb = virt_to_phys(its.prop) | GICR_INNER_WAWB | ATTR_SHARE_INNER |
		      (LPI_IDBITS - 1);
	mmio_write64(rd + GICR_PROPBASER, pb);
	if (!(mmio_read64(rd + GICR_PROPBASER) & ATTR_SHARE_MASK)) {
		its.flush = true;
		mmio_write64(rd + GICR_PROPBASER,
			     (pb & ~(ATTR_SHARE_MASK | (7ull << 7))) | GICR_INNER_NC);
	}
	uint64_t qb = virt_to_phys(pend) | GICR_INNER_WAWB | ATTR_SHARE_INNER |
		      GICR_PENDBASER_PTZ;
	mmio_write64(rd + GICR_PENDBASER, qb);
	if (!(mmio_read64(rd + GICR_PENDBASER) & ATTR_SHARE_MASK)) {
		its.flush = true;
		mmio_write64(rd + GICR_PENDBASER,
			     (qb & ~(ATTR_SHARE_MASK | (7ull << 7))) | GICR_INNER_NC);
	}
	its_clean(its.prop, LPI_PROP_BYTES);
	its_clean(pend, 65536);
	mmio_write32(rd + GICR_CTLR, mmio_read32(rd + GICR_CTLR) | GICR_CTLR_ENABLE_LPIS);
	__asm__ __volatile__("dsb sy" ::: "memory");
	return 0;
}

/* The host bridge's msi-map (PCI msi-map binding): requester IDs to
 * DeviceIDs at the ITS. One host bridge is assumed, as on QEMU virt. */
static void msi_map_parse(const void *fdt)
{
	for (int node = fdt_root(fdt); node >= 0;
	     node = fdt_next_node(fdt, node, NULL)) {
		int len;
		const uint8_t *p = fdt_getprop(fdt, node, "msi-map", &len);

		if (!p || len <= 0 || !fdt_node_enabled(fdt, node))
			continue;
		its.have_map = true;
		its.map_mask = 0xffffffff;
		fdt_get_u32(fdt, node, "msi-map-mask", &its.map_mask);
		for (int off = 0; off + 16 <= len && its.nmap < ITS_MAX_MAP; off += 16) {
			if (fdt_be32(p + off + 4) != its.phandle)
				continue;
			its.map[its.nmap].rid = fdt_be32(p + off);
			its.map[its.nmap].out = fdt_be32(p + off + 8);
			its.map[its.nmap].len = fdt_be32(p + off + 12);
			its.nmap++;
		}
		return;
	}
}

/* @return the DeviceID for a requester ID, or -ENODEV when the msi-map
 * sends it elsewhere. */
static int64_t rid_to_devid(uint32_t rid)
{
	if (!its.have_map)
		return rid;
	rid &= its.map_mask;
	for (unsigned i = 0; i < its.nmap; i++)
		if (rid >= its.map[i].rid && rid - its.map[i].rid < its.map[i].len)
			return (int64_t)its.map[i].out + (rid - its.map[i].rid);
	return -ENODEV;
}

int gicv3_its_probe(const void *fdt, int gic_node)
{
	int node;

	for (node = fdt_first_child(fdt, gic_node); node >= 0;
	     node = fdt_next_sibling(fdt, node))
		if (fdt_compatible(fdt, node, "arm,gic-v3-its") &&
		    fdt_node_enabled(fdt, node) && fdt_hasprop(fdt, node, "msi-controller"))
			break;
	if (node < 0)
		return -ENODEV;
	uint64_t pa, size;
	int rc = fdt_reg(fdt, node, 0, &pa, &size);

	if (rc)
		return rc;
	if (size < GITS_SIZE)
		return -EINVAL;
	its.pa = pa;
	its.base = gic_map_frame("ITS", pa, GITS_SIZE, GITS_CTLR);
	its.rd = gicv3_rd();
	if (!its.base || !its.rd)
		return -ENODEV;
	its.phandle = 0;
	fdt_get_u32(fdt, node, "phandle", &its.phandle);

	/* The ITS must be disabled and quiescent while its tables are
	 * programmed (§12.19.1, §12.19.5). */
	uint32_t ctlr = mmio_read32(its.base + GITS_CTLR);
	if (ctlr & GITS_CTLR_ENABLED) {
		mmio_write32(its.base + GITS_CTLR, ctlr & ~GITS_CTLR_ENABLED);
	}
	int w;
	for (w = 0; w < ITS_WAIT; w++)
		if (mmio_read32(its.base + GITS_CTLR) & GITS_CTLR_QUIESCENT)
			break;
	if (w == ITS_WAIT) {
		its_fail("does not become quiescent");
		return -ETIMEDOUT;
	}

	rc = lpi_rd_setup();
	if (rc) {
		pr_warn("gic: no LPIs in the redistributor (%d); ITS not used\n", rc);
		return rc;
	}

	/* §12.19.6 GITS_TYPER: ITT entry size, EventID and DeviceID bits,
	 * PTA (how MAPC names a redistributor). */
	its.typer = mmio_read64(its.base + GITS_TYPER);
	unsigned idbits = ((its.typer >> 8) & 0x1f) + 1;
	unsigned devbits = ((its.typer >> 13) & 0x1f) + 1;
	its.event_bits = idbits < ITS_EVENT_BITS ? idbits : ITS_EVENT_BITS;
	if (its.typer & (1ull << 19))
		its.rdbase = virt_to_phys(its.rd) & 0x0007ffffffff0000ull;
	else
		its.rdbase = ((mmio_read64(its.rd + GICR_TYPER) >> 8) & 0xffff) << 16;

	for (unsigned n = 0; n < 8; n++) {
		uint64_t v = mmio_read64(its.base + GITS_BASER(n));
		long got;

		if (BASER_TYPE(v) == BASER_TYPE_DEVICE) {
			got = baser_setup(n, 1ull << (devbits < 16 ? devbits : 16));
			if (got > 0)
				its.max_devid = (uint32_t)got;
		} else if (BASER_TYPE(v) == BASER_TYPE_COLLECTION) {
			got = baser_setup(n, 256);
		} else {
			continue;
		}
		if (got < 0) {
			pr_warn("gic: ITS table %u (type %llu) not set up (%ld)\n", n,
				(unsigned long long)BASER_TYPE(v), got);
			return (int)got;
		}
	}
	if (!its.max_devid) {
		pr_warn("gic: ITS has no Device table\n");
		return -EOPNOTSUPP;
	}

	/* §12.19.2 GITS_CBASER: the command queue, one 4 KiB page. */
	its.cmdq = page_alloc_zeroed(0);
	if (!its.cmdq)
		return -ENOMEM;
	uint64_t cb = BASER_VALID | GITS_INNER_WAWB | ATTR_SHARE_INNER |
		      virt_to_phys(its.cmdq) | (CMDQ_BYTES / 4096 - 1);
	mmio_write64(its.base + GITS_CBASER, cb);
	if (!(mmio_read64(its.base + GITS_CBASER) & ATTR_SHARE_MASK)) {
		its.flush = true;
		mmio_write64(its.base + GITS_CBASER,
			     (cb & ~(GITS_INNER_MASK | ATTR_SHARE_MASK)) | GITS_INNER_NC);
	}
	its_clean(its.cmdq, CMDQ_BYTES);
	mmio_write64(its.base + GITS_CWRITER, 0);
	its.cwriter = 0;
	mmio_write32(its.base + GITS_CTLR, mmio_read32(its.base + GITS_CTLR) | GITS_CTLR_ENABLED);

	/* Collection 0 on this CPU (MAPC, §5.3.8), its LPIs re-read
	 * (INVALL, §5.3.6), and SYNC (§5.3.22). */
	uint64_t c[3][4] = {
		{ CMD_MAPC, 0, (1ull << 63) | its.rdbase | ITS_ICID, 0 },
		{ CMD_INVALL, 0, ITS_ICID, 0 },
	};
	cmd_sync(c[2]);
	rc = its_send(c, 3);
	if (rc)
		return rc;
	msi_map_parse(fdt);
	its.ready = true;
	pr_info("gic: ITS at %#llx, %u-bit DeviceIDs (table covers %u), %u-bit EventIDs, "
		"LPIs %u..%u%s%s\n", (unsigned long long)pa, devbits, its.max_devid, idbits,
		LPI_BASE, LPI_BASE + LPI_NR - 1, its.have_map ? ", msi-map" : "",
		its.flush ? ", non-coherent tables" : "");
	return 0;
}

bool gicv3_its_ready(void)
{
	return its.ready && !its.broken;
}

/* --- allocation and dispatch ------------------------------------------ */

static int dev_get(uint32_t devid)
{
	int free = -1;

	for (int i = 0; i < ITS_MAX_DEVS; i++) {
		if (devs[i].used && devs[i].devid == devid)
			return i;
		if (!devs[i].used && free < 0)
			free = i;
	}
	if (free < 0)
		return -ENOSPC;
	/* The ITT: 2^event_bits entries of GITS_TYPER's size, 256-byte
	 * aligned (§5.3.9, MAPD). */
	uint64_t bytes = ((uint64_t)((its.typer >> 4) & 0xf) + 1) << its.event_bits;
	unsigned order = order_for(bytes);
	void *itt = page_alloc_zeroed(order);

	if (!itt)
		return -ENOMEM;
	its_clean(itt, bytes);
	uint64_t c[2][4] = {
		{ CMD_MAPD | ((uint64_t)devid << 32), its.event_bits - 1,
		  (1ull << 63) | (virt_to_phys(itt) & 0x000fffffffffff00ull), 0 },
	};
	cmd_sync(c[1]);
	int rc = its_send(c, 2);

	if (rc) {
		page_free(itt, order);
		return rc;
	}
	devs[free] = (struct its_dev){ .used = true, .devid = devid, .itt = itt,
				       .itt_order = order };
	return free;
}

static void prop_set(unsigned lpi, bool on)
{
	uint8_t *b = its.prop + (lpi - LPI_BASE);

	*b = (GIC_PRIO_DEFAULT & 0xfc) | (on ? LPI_ENABLE : 0);
	its_clean(b, 1);
}

int gicv3_its_alloc(uint32_t rid, irq_handler_t fn, void *arg, struct msi_msg *msg)
{
	if (!gicv3_its_ready())
		return -ENODEV;
	int64_t devid = rid_to_devid(rid);

	if (devid < 0)
		return (int)devid;
	if ((uint64_t)devid >= its.max_devid)
		return -ENOSPC;
	unsigned long flags = irq_save();
	int rc = -ENOSPC, slot = -1;

	for (int i = 0; i < LPI_NR && slot < 0; i++)
		if (!lpis[i].used)
			slot = i;
	if (slot < 0)
		goto out;
	int d = dev_get((uint32_t)devid);
	if (d < 0) {
		rc = d;
		goto out;
	}
	unsigned ev;
	for (ev = 0; ev < (1u << its.event_bits) && (devs[d].events & (1u << ev)); ev++)
		;
	if (ev == (1u << its.event_bits))
		goto out;
	unsigned lpi = LPI_BASE + (unsigned)slot;

	lpis[slot] = (struct its_lpi){ .used = true, .dev = (uint16_t)d,
				       .event = (uint16_t)ev, .fn = fn, .arg = arg };
	prop_set(lpi, true);
	/* MAPTI (§5.3.11), then INV (§5.3.7) so the redistributor reads
	 * the configuration byte, then SYNC. */
	uint64_t c[3][4] = {
		{ CMD_MAPTI | ((uint64_t)devid << 32), ev | ((uint64_t)lpi << 32), ITS_ICID, 0 },
	};
	cmd_dev(c[1], CMD_INV, (uint32_t)devid, ev);
	cmd_sync(c[2]);
	rc = its_send(c, 3);
	if (rc) {
		prop_set(lpi, false);
		lpis[slot].used = false;
		goto out;
	}
	devs[d].events |= 1u << ev;
	msg->addr = its.pa + GITS_TRANSLATER;
	msg->data = ev;
	rc = (int)lpi;
out:
	irq_restore(flags);
	return rc;
}

void gicv3_its_free(int vector)
{
	if (vector < LPI_BASE || vector >= LPI_BASE + LPI_NR)
		return;
	unsigned long flags = irq_save();
	struct its_lpi *l = &lpis[vector - LPI_BASE];

	if (l->used) {
		struct its_dev *d = &devs[l->dev];
		uint64_t c[3][4];

		/* Disable, make the redistributor see it, then forget the
		 * translation (DISCARD, §5.3.3). */
		prop_set((unsigned)vector, false);
		cmd_dev(c[0], CMD_INV, d->devid, l->event);
		cmd_dev(c[1], CMD_DISCARD, d->devid, l->event);
		cmd_sync(c[2]);
		if (its_send(c, 3) == 0)
			d->events &= ~(1u << l->event);
		/* On failure the EventID stays marked: it may still be
		 * mapped. The ITS is marked broken anyway. */
		*l = (struct its_lpi){ 0 };
	}
	irq_restore(flags);
}

void gicv3_its_dispatch(uint32_t intid)
{
	if (intid < LPI_BASE || intid >= LPI_BASE + LPI_NR) {
		pr_warn("irq: LPI %u outside the range we allocate\n", intid);
		return;
	}
	unsigned i = intid - LPI_BASE;

	lpi_counts[i]++;
	if (lpis[i].used)
		lpis[i].fn(lpis[i].arg);
	else if (lpi_counts[i] <= 3)
		pr_warn("irq: LPI %u with no handler\n", intid);
}

uint64_t gicv3_its_count(int vector)
{
	if (vector < LPI_BASE || vector >= LPI_BASE + LPI_NR)
		return 0;
	return READ_ONCE(lpi_counts[vector - LPI_BASE]);
}

void gicv3_its_list(void)
{
	for (unsigned i = 0; i < LPI_NR; i++) {
		if (!lpis[i].used && !lpi_counts[i])
			continue;
		kprintf("INTID %4u  %10llu  LPI", LPI_BASE + i,
			(unsigned long long)lpi_counts[i]);
		if (lpis[i].used)
			kprintf(" MSI dev %#x event %u", devs[lpis[i].dev].devid,
				lpis[i].event);
		kprintf("\n");
	}
}
