// SPDX-License-Identifier: MIT
/* In-guest tests of the aarch64 port: the boot protocol (Image header,
 * exception level, MMU set-up, device-tree reservations), PSCI, and the
 * GIC (SGIs, software-pended SPIs, GICv2m MSIs, argument checks), plus
 * deliberate faults whose dumps tests/cases/aarch64.cases checks.
 * aarch64 only: the body is empty on other architectures. */
#ifdef __aarch64__
#include <kern/test.h>
#include <kern/boot.h>
#include <kern/errno.h>
#include <kern/irq.h>
#include <kern/memmap.h>
#include <kern/time.h>
#include <kern/vm.h>
#include <drivers/fdt.h>
#include <arch/barrier.h>
#include <arch/cpu.h>
#include <arch/io.h>
#include <arch/irq.h>
#include <string.h>

extern char __image_start[], __text_end[], __rodata_end[];
extern char exc_stack_guard[];
extern unsigned a64_entry_el;
int psci_version(void);

static volatile unsigned hits;
static volatile void *last_arg;

static void count_handler(void *arg)
{
	hits++;
	last_arg = arg;
}

/* Spin with interrupts enabled until hits >= want or ms pass. */
static bool wait_hits(unsigned want, unsigned ms)
{
	uint64_t end = time_ns() + ms * NSEC_PER_MSEC;

	irq_enable();
	while (hits < want && time_ns() < end)
		cpu_relax();
	return hits >= want;
}

TEST(boot_aarch64_image)
{
	const uint8_t *h = (const uint8_t *)__image_start;
	uint64_t text_offset, flags;

	memcpy(&text_offset, h + 8, 8);
	memcpy(&flags, h + 24, 8);
	T_CHECK(memcmp(h + 0x38, "ARM\x64", 4) == 0);
	T_EQ(text_offset, 0x200000);
	T_EQ(flags & 7, 2);             /* little-endian, 4 KiB pages */
	T_EQ((uintptr_t)__image_start, 0x40200000);
	T_CHECK(strcmp(boot_info.protocol, "linux-arm64") == 0);
}

TEST(boot_aarch64_el)
{
	uint64_t sctlr = read_sysreg(sctlr_el1);

	T_EQ(current_el(), 1);
	T_CHECK(a64_entry_el == 1 || a64_entry_el == 2);
	T_CHECK(sctlr & 1);             /* M */
	T_CHECK(sctlr & (1u << 2));     /* C */
	T_CHECK(sctlr & (1u << 12));    /* I */
	T_CHECK(!(sctlr & (1u << 1)));  /* A: alignment checks off */
	T_CHECK((read_sysreg(vbar_el1) & 0x7ff) == 0);
	/* The kernel runs on SP_EL0; exceptions on SP_EL1. */
	T_EQ(read_sysreg(spsel) & 1, 0);
	test_diag("entered at EL%u, MIDR %#llx", a64_entry_el,
		  (unsigned long long)read_sysreg(midr_el1));
}

TEST(boot_aarch64_mmu)
{
	/* Text, rodata and the exception stack's guard page. */
	T_CHECK(vm_is_mapped((uintptr_t)__image_start, 4096));
	T_CHECK(vm_is_mapped((uintptr_t)__text_end, 4096));
	T_CHECK(!vm_is_mapped((uintptr_t)exc_stack_guard, 4096));
	/* Below RAM, nothing is mapped but what vm_map_mmio asked for. */
	T_CHECK(!vm_is_mapped(0x1000, 1));
	T_CHECK(!vm_is_mapped(1ULL << 48, 1));
	/* Device pages on demand, idempotent; the PL011 is already there. */
	T_CHECK(vm_is_mapped(0x09000000, 4096));
	void *p = vm_map_mmio(0x09010000, 4096);        /* virt's PL031 RTC */
	T_CHECK(p == (void *)0x09010000);
	T_CHECK(vm_map_mmio(0x09010000, 4096) == p);
	T_CHECK(mmio_read32((uint8_t *)p + 0xfe0) == 0x31);  /* PeriphID0 */
	T_CHECK(vm_map_mmio(1ULL << 48, 4096) == NULL);
	T_CHECK(vm_map_mmio(0x09010000, 0) == NULL);
}

TEST(boot_aarch64_dtb)
{
	const void *fdt = (const void *)(uintptr_t)boot_info.dtb;

	/* A boot loader that passed none, or a blob the kernel refused
	 * (the boot log says why; the a64_dtb_* and bootfuzz cases check
	 * those messages): nothing here to check. */
	if (!fdt) {
		test_skip("no usable device tree");
		return;
	}
	T_EQ(fdt_check(fdt, fdt_totalsize(fdt)), 0);
	/* The blob is reserved, so the page allocator never hands it out. */
	const struct mem_range *r = memmap_lookup(&memmap_boot, boot_info.dtb);
	T_CHECK(r && r->type == MEM_RESERVED);
	r = memmap_lookup(&memmap_boot, boot_info.dtb + fdt_totalsize(fdt) - 1);
	T_CHECK(r && r->type == MEM_RESERVED);
	r = memmap_lookup(&memmap_boot, boot_info.kernel_start);
	T_CHECK(r && r->type == MEM_RESERVED);
}

/* Every reservation the device tree makes (header block, /reserved-memory)
 * stays out of the page allocator; no-map regions are not even mapped.
 * QEMU's own tree has none; the resv case's -dtb has three. */
TEST(boot_aarch64_reservations)
{
	const void *fdt = (const void *)(uintptr_t)boot_info.dtb;
	static struct fdt_boot_info bi;

	if (!fdt) {
		test_skip("no device tree");
		return;
	}
	if (fdt_boot_info(fdt, &bi)) {
		test_skip("reservations malformed (the badresv case checks the message)");
		return;
	}
	for (int i = 0; i < bi.nresv; i++) {
		uint64_t b = bi.resv[i].base, e = b + bi.resv[i].size - 1;
		const struct mem_range *r = memmap_lookup(&memmap_boot, b);
		const struct mem_range *q = memmap_lookup(&memmap_boot, e);

		T_CHECK(!r || r->type != MEM_USABLE);
		T_CHECK(!q || q->type != MEM_USABLE);
		if (bi.resv[i].nomap)
			T_CHECK(!vm_is_mapped(b, bi.resv[i].size));
		else
			T_CHECK(vm_is_mapped(b, bi.resv[i].size));
		test_diag("reserved %#llx..%#llx%s", (unsigned long long)b,
			  (unsigned long long)e, bi.resv[i].nomap ? " no-map" : "");
	}
}

TEST(boot_aarch64_psci)
{
	int v = psci_version();

	/* PSCI 0.2 or later: SYSTEM_OFF and SYSTEM_RESET exist. */
	T_CHECK(v >= 0x2);
	test_diag("PSCI %d.%d", v >> 16, v & 0xffff);
}

/* The GIC cases need a GIC in use. A device tree without a usable one
 * (none, malformed, or its set-up failed: the boot log says which) leaves
 * the kernel running with polled timers and devices; these cases then
 * have nothing to check. The a64_* case table checks that the GIC comes
 * up on QEMU's own trees, so a probe that broke cannot hide here. */
static bool need_gic(void)
{
	if (gic_version())
		return true;
	test_skip("no interrupt controller in use");
	return false;
}

TEST(irq_gic_sgi)
{
	if (!need_gic())
		return;
	T_CHECK(gic_version() == 2 || gic_version() == 3);
	int v = gic_attach_sgi(5, count_handler, (void *)&hits);

	T_EQ(v, 5);
	if (v < 0)
		return;
	hits = 0;
	uint64_t before = irq_count(5);

	T_EQ(gic_send_sgi_self(5), 0);
	T_CHECK(wait_hits(1, 1000));
	for (int i = 0; i < 10; i++)
		gic_send_sgi_self(5);
	T_CHECK(wait_hits(2, 1000));    /* SGIs may merge while pending */
	T_CHECK(last_arg == (void *)&hits);
	T_CHECK(irq_count(5) >= before + 2);
	irq_free(5);
	test_diag("GICv%d, %u lines, %u SGIs taken", gic_version(), gic_num_lines(), hits);
}

/* The GIC's size is what the machine says, not one QEMU version's number
 * (QEMU 7.2's virt reports 256 lines on GICv3, QEMU 10's 288). The number
 * of lines the driver uses must equal GICD_TYPER.ITLinesNumber's
 * 32 * (N + 1), capped at 1020 (IHI 0048B §4.3.2; IHI 0069H §12.9.38; INTIDs
 * 1020..1023 are special), read here from the distributor the device tree
 * names (first reg entry in both GIC bindings); and every SPI the device
 * tree gives a device must fit. */
TEST(irq_gic_lines)
{
	static const char *const compat[] = { "arm,gic-v3", "arm,gic-400",
		"arm,cortex-a15-gic", "arm,cortex-a9-gic", "arm,cortex-a7-gic" };
	const void *fdt = (const void *)(uintptr_t)boot_info.dtb;
	int gic = -1;
	uint64_t pa, size;

	if (!need_gic())
		return;
	T_CHECK(fdt != NULL);
	if (!fdt)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(compat) && gic < 0; i++)
		fdt_for_each_compatible(fdt, gic, compat[i])
			if (fdt_node_enabled(fdt, gic) &&
			    fdt_hasprop(fdt, gic, "interrupt-controller"))
				break;
	T_CHECK(gic >= 0);
	if (gic < 0)
		return;
	T_EQ(fdt_reg(fdt, gic, 0, &pa, &size), 0);
	uint8_t *dist = vm_map_mmio(pa, 0x1000);
	T_CHECK(dist != NULL);
	if (!dist)
		return;
	unsigned itlines = mmio_read32(dist + 0x004) & 0x1f;       /* GICD_TYPER */
	unsigned want = 32 * (itlines + 1);

	if (want > GIC_MAX_INTID)
		want = GIC_MAX_INTID;
	T_EQ(gic_num_lines(), want);

	/* Every SPI a device-tree node routes to this GIC is a line we have. */
	unsigned spis = 0, top = 0;
	for (int n = fdt_root(fdt); n >= 0; n = fdt_next_node(fdt, n, NULL)) {
		int cnt = fdt_interrupt_count(fdt, n);
		for (int i = 0; i < cnt && i < 64; i++) {
			struct fdt_irq spec;
			bool level, low;

			if (fdt_interrupts(fdt, n, i, &spec) || spec.ctrl != gic ||
			    spec.ncells < 3 || spec.cells[0] != 0)
				continue;
			spis++;
			top = MAX(top, GIC_SPI_BASE + spec.cells[1]);
			T_CHECK(GIC_SPI_BASE + spec.cells[1] < want);
			T_EQ(gic_fdt_line(fdt, &spec, &level, &low),
			     (int)(GIC_SPI_BASE + spec.cells[1]));
		}
	}
	T_CHECK(spis >= 1);     /* the PL011 at least */
	test_diag("GICv%d: GICD_TYPER.ITLinesNumber %u, %u interrupt lines; "
		  "device tree routes %u SPIs, highest INTID %u", gic_version(), itlines,
		  gic_num_lines(), spis, top);
}

/* The highest SPI nobody uses, set pending from software. */
TEST(irq_gic_spi_pending)
{
	if (!need_gic())
		return;
	unsigned line = gic_num_lines() - 1;
	int v = irq_attach_line(line, false, false, count_handler, NULL);

	T_EQ(v, (int)line);
	if (v < 0)
		return;
	hits = 0;
	T_EQ(gic_set_pending(line), 0);
	T_CHECK(wait_hits(1, 1000));
	/* Masked, a pending SPI waits; unmasked, it is taken. */
	irq_mask_line(line, true);
	gic_set_pending(line);
	udelay(2000);
	T_EQ(hits, 1);
	irq_mask_line(line, false);
	T_CHECK(wait_hits(2, 1000));
	irq_free(v);
	T_EQ(irq_count(v), 2);
}

TEST(irq_gic_bad_lines)
{
	if (!need_gic())
		return;
	T_EQ(irq_attach_line(0, false, false, count_handler, NULL), -EINVAL);   /* SGI */
	T_EQ(irq_attach_line(15, false, false, count_handler, NULL), -EINVAL);
	T_EQ(irq_attach_line(gic_num_lines(), false, false, count_handler, NULL), -EINVAL);
	T_EQ(irq_attach_line(1023, true, false, count_handler, NULL), -EINVAL);
	T_EQ(irq_attach_line(100, true, false, NULL, NULL), -EINVAL);
	T_EQ(gic_attach_sgi(16, count_handler, NULL), -EINVAL);
	T_EQ(gic_send_sgi_self(16), -EINVAL);
	T_EQ(gic_set_pending(3), -EINVAL);

	/* An edge line is not shared; a level line is, up to a limit. */
	unsigned line = gic_num_lines() - 2;

	T_EQ(irq_attach_line(line, false, false, count_handler, NULL), (int)line);
	T_EQ(irq_attach_line(line, false, false, count_handler, NULL), -EBUSY);
	irq_free((int)line);
	T_EQ(irq_attach_line(line, true, false, count_handler, NULL), (int)line);
	T_EQ(irq_attach_line(line, true, false, count_handler, NULL), (int)line);
	T_EQ(irq_attach_line(line, false, false, count_handler, NULL), -EBUSY);
	irq_free((int)line);
	irq_free(-1);                   /* ignored */
	irq_free(5000);
}

TEST(irq_gic_dt_specifiers)
{
	const void *fdt = (const void *)(uintptr_t)boot_info.dtb;
	int node = fdt_next_compatible(fdt, -1, "arm,pl011");
	struct fdt_irq spec;
	bool level = false, low = true;

	if (!need_gic())
		return;
	T_CHECK(node >= 0);
	if (node < 0)
		return;
	T_EQ(fdt_interrupts(fdt, node, 0, &spec), 0);
	/* virt's PL011: <GIC_SPI 1 IRQ_TYPE_LEVEL_HIGH>. */
	T_EQ(gic_fdt_line(fdt, &spec, &level, &low), 33);
	T_CHECK(level && !low);
	/* A PPI, an edge, out-of-range numbers, a short specifier. */
	struct fdt_irq s = spec;
	s.cells[0] = 1;
	s.cells[1] = 11;
	s.cells[2] = 0x104;
	T_EQ(gic_fdt_line(fdt, &s, &level, &low), 27);
	s.cells[0] = 0;
	s.cells[2] = 1;
	T_EQ(gic_fdt_line(fdt, &s, &level, &low), 43);
	T_CHECK(!level);
	s.cells[1] = 5000;
	T_EQ(gic_fdt_line(fdt, &s, &level, &low), -EINVAL);
	s.cells[0] = 1;
	s.cells[1] = 16;
	T_EQ(gic_fdt_line(fdt, &s, &level, &low), -EINVAL);
	s.cells[0] = 7;
	T_EQ(gic_fdt_line(fdt, &s, &level, &low), -EINVAL);
	s = spec;
	s.ncells = 2;
	T_EQ(gic_fdt_line(fdt, &s, &level, &low), -EINVAL);
}

/* An MSI through the GICv2m frame: the CPU writes the message itself, as
 * a device would. GICv3 machines on QEMU have an ITS instead, which needs
 * the writer's DeviceID: irq_alloc_msi, which has none, must say -ENODEV
 * (irq_gic_its covers irq_alloc_msi_dev). */
TEST(irq_gic_msi)
{
	struct msi_msg msg = { 0, 0 };
	int v = irq_alloc_msi(count_handler, NULL, &msg);

	if (strcmp(gic_msi_name(), "GICv2m") != 0) {
		T_EQ(v, -ENODEV);
		test_skip("no GICv2m frame (%s)", gic_msi_name());
		return;
	}
	T_CHECK(v >= 32);
	if (v < 0)
		return;
	T_EQ(msg.data, (uint32_t)v);
	T_EQ(msg.addr & 0xfff, 0x040);
	void *db = vm_map_mmio(msg.addr & ~0xfffull, 4096);

	T_CHECK(db != NULL);
	hits = 0;
	mmio_write32((uint8_t *)db + (msg.addr & 0xfff), msg.data);
	T_CHECK(wait_hits(1, 1000));

	/* Allocate the rest of the frame: then it is full. */
	int got[1024], n = 0;
	struct msi_msg m2;

	while (n < 1024 && (got[n] = irq_alloc_msi(count_handler, NULL, &m2)) >= 0)
		n++;
	T_CHECK(n > 0 && n < 1024);
	T_EQ(irq_alloc_msi(count_handler, NULL, &m2), -ENOSPC);
	for (int i = 0; i < n; i++)
		irq_free(got[i]);
	irq_free(v);
	T_EQ(irq_alloc_msi(NULL, NULL, &m2), -EINVAL);
	test_diag("MSI %d at %#llx, %d more in the frame", v,
		  (unsigned long long)msg.addr, n);
}

/* An LPI through the GICv3 ITS. QEMU tags the CPU's own writes to
 * GITS_TRANSLATER with requester ID 0 (the host bridge, 00:00.0, which
 * takes no MSIs itself), so the CPU can play that device. */
TEST(irq_gic_its)
{
	struct msi_msg msg = { 0, 0 }, m2;

	if (strcmp(gic_msi_name(), "ITS") != 0) {
		test_skip("no usable ITS (%s)", gic_msi_name());
		return;
	}
	T_EQ(irq_alloc_msi_dev(0, NULL, NULL, &msg), -EINVAL);
	int v = irq_alloc_msi_dev(0, count_handler, (void *)&hits, &msg);

	T_CHECK(v >= 8192);
	if (v < 0)
		return;
	T_EQ(msg.addr & 0xffff, 0x0040);        /* GITS_TRANSLATER */
	int v2 = irq_alloc_msi_dev(0, count_handler, (void *)&hits, &m2);

	T_CHECK(v2 >= 8192 && v2 != v);
	T_CHECK(m2.data != msg.data);           /* another EventID */
	T_EQ(m2.addr, msg.addr);
	void *db = vm_map_mmio(msg.addr & ~0xffffull, 0x10000);

	T_CHECK(db != NULL);
	uint64_t before = irq_count(v), before2 = irq_count(v2);

	hits = 0;
	mmio_write32((uint8_t *)db + (msg.addr & 0xffff), msg.data);
	T_CHECK(wait_hits(1, 1000));
	T_EQ(irq_count(v) - before, 1);
	mmio_write32((uint8_t *)db + (msg.addr & 0xffff), m2.data);
	T_CHECK(wait_hits(2, 1000));
	T_EQ(irq_count(v2) - before2, 1);
	/* Freed: the event is discarded, the write goes nowhere. */
	irq_free(v2);
	mmio_write32((uint8_t *)db + (msg.addr & 0xffff), m2.data);
	for (int i = 0; i < 100000; i++)
		cpu_relax();
	T_EQ(hits, 2);
	irq_free(v);
	test_diag("LPIs %d, %d; EventIDs %u, %u; doorbell %#llx", v, v2, msg.data,
		  m2.data, (unsigned long long)msg.addr);
}

/* Deliberate faults: each must print a dump and leave with a failure. */
TEST(crash_aarch64_undef)
{
	__asm__ __volatile__("udf #0");
}

TEST(crash_aarch64_write_rodata)
{
	/* The first page after the text is read-only data. */
	*(volatile char *)__text_end = 1;
}
#endif
