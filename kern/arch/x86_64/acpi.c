// SPDX-License-Identifier: MIT
/* ACPI on x86_64, the kernel side: find the RSDP, map tables, keep the
 * validated table list and the MADT summary. The parsing itself is in
 * acpi_tables.c (host unit-tested). */
#include <arch/io.h>
#include <kern/acpi.h>
#include <kern/boot.h>
#include <kern/dma.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/shell.h>
#include <kern/time.h>
#include <kern/vm.h>
#include <string.h>

static struct acpi_tables tables;
static struct acpi_madt_info madt;
static bool initialized, present;

/* Tables live in RAM the firmware marked ACPI or reserved, or in the BIOS
 * area below 1 MiB. Use the identity map where it already covers the
 * range, else map it uncached (vm_map_mmio is idempotent). */
static const void *acpi_map(uint64_t pa, size_t len)
{
	if (!len || pa + len < pa || pa < 4096)
		return NULL;        /* page 0 stays unmapped: NULL guard */
	if (vm_is_mapped(pa, len))
		return phys_to_virt(pa);
	return vm_map_mmio(pa, len);
}

/* Scan [pa, pa+len) on 16-byte boundaries for a valid RSDP (ACPI 6.5
 * §5.2.5.1). @return its address or 0. */
static uint64_t rsdp_scan(uint64_t pa, size_t len)
{
	const uint8_t *p = acpi_map(pa, len);

	if (!p)
		return 0;
	uint64_t want;

	memcpy(&want, "RSD PTR ", 8);
	/* One 8-byte load per candidate: this area is mapped uncached, and
	 * under nested virtualisation each uncached load is costly. */
	for (size_t off = 0; off + 20 <= len; off += 16) {
		uint64_t root, sig;
		bool x;

		sig = mmio_read64(p + off);
		if (sig != want)
			continue;
		if (acpi_rsdp_parse(p + off, len - off, &root, &x) == 0)
			return pa + off;
	}
	return 0;
}

/* ACPI 6.5 §5.2.5.1: on IA-PC systems the RSDP is in the first KiB of the
 * EBDA (its segment is the 16-bit word at 0x40E) or in the BIOS area
 * 0xE0000-0xFFFFF. Page 0 is not mapped (NULL guard), so the EBDA pointer
 * is read only if the boot map left it readable; otherwise the usual EBDA
 * spot just below 640 KiB is tried. */
static uint64_t rsdp_find(void)
{
	uint64_t ebda = 0, pa;

	if (vm_is_mapped(0x40e, 2)) {
		uint16_t seg;

		memcpy(&seg, phys_to_virt(0x40e), 2);
		ebda = (uint64_t)seg << 4;
	}
	if (ebda < 0x80000 || ebda >= 0xa0000)
		ebda = 0x9fc00;
	if ((pa = rsdp_scan(ebda, 1024)))
		return pa;
	/* The F segment first: SeaBIOS and qboot put the RSDP there. */
	if ((pa = rsdp_scan(0xf0000, 0x10000)))
		return pa;
	return rsdp_scan(0xe0000, 0x10000);
}

static void tables_print(void)
{
	for (unsigned i = 0; i < tables.count; i++) {
		const struct acpi_sdt_hdr *h = tables.t[i];
		char sig[5], oem[7];

		acpi_sig_str(h->sig, sig);
		memcpy(oem, h->oem_id, 6);
		oem[6] = 0;
		for (int k = 0; k < 6; k++)
			if (oem[k] < 0x20 || oem[k] >= 0x7f)
				oem[k] = '?';
		pr_debug("acpi: %s at %#llx len %u rev %u %s\n", sig,
			 (unsigned long long)virt_to_phys(h), h->length,
			 h->revision, oem);
	}
}

/* QEMU's IOAPIC model wires ISA IRQ 0 (the PIT) to pin 2 on every
 * machine (hw/intc/ioapic.c), as PC chipsets do, but the microvm MADT
 * carries no override saying so; without one, ACPI 6.5 §5.2.12.5 would
 * have IRQ 0 on GSI 0. Add the override for QEMU's tables. */
static void madt_quirks(const struct acpi_sdt_hdr *m)
{
	if (acpi_isa_override(&madt, 0) || memcmp(m->oem_id, "BOCHS ", 6) != 0 ||
	    madt.noverrides >= ACPI_MAX_OVERRIDES)
		return;
	madt.override[madt.noverrides++] = (struct acpi_irq_override){
		.bus = 0, .irq = 0, .gsi = 2, .flags = 0,
	};
	pr_debug("acpi: QEMU MADT without an IRQ 0 override: using GSI 2\n");
}

int acpi_init(void)
{
	if (initialized)
		return present ? 0 : -ENODEV;
	initialized = true;
	acpi_madt_defaults(&madt);

	uint64_t rsdp = boot_info.rsdp;
	const char *how = "boot loader";

	if (!rsdp) {
		rsdp = rsdp_find();
		how = "BIOS area scan";
	}
	if (!rsdp) {
		pr_warn("acpi: no RSDP found; using PC defaults (LAPIC %#x, IOAPIC %#x)\n",
			0xfee00000u, 0xfec00000u);
		return -ENODEV;
	}
	int n = acpi_tables_load(&tables, rsdp, acpi_map);

	/* A boot loader's pointer that leads nowhere: look for ourselves. */
	if (n < 0 && boot_info.rsdp) {
		uint64_t found = rsdp_find();

		pr_warn("acpi: RSDP %#llx from the boot loader unusable (%d)%s\n",
			(unsigned long long)rsdp, n, found ? "; scanning" : "");
		if (found && found != rsdp) {
			rsdp = found;
			how = "BIOS area scan";
			n = acpi_tables_load(&tables, rsdp, acpi_map);
		}
	}
	if (n < 0) {
		pr_warn("acpi: RSDP at %#llx (%s) unusable (%d); using PC defaults\n",
			(unsigned long long)rsdp, how, n);
		memset(&tables, 0, sizeof(tables));
		return -ENODEV;
	}
	present = true;
	pr_debug("acpi: RSDP at %#llx (%s), %s with %d tables%s\n",
		(unsigned long long)rsdp, how, tables.xsdt ? "XSDT" : "RSDT", n,
		tables.rejected ? " (some rejected)" : "");
	tables_print();

	const struct acpi_sdt_hdr *m = acpi_find_table("APIC", 0);
	int err = m ? acpi_madt_parse(m, m->length, &madt) : -ENOENT;

	if (err) {
		pr_warn("acpi: %s; using PC interrupt defaults\n",
			m ? "MADT invalid" : "no MADT");
		acpi_madt_defaults(&madt);
	} else {
		madt_quirks(m);
		pr_debug("acpi: MADT: %u CPU(s), %u IOAPIC(s), %u override(s), LAPIC %#llx\n",
			madt.ncpus, madt.nioapics, madt.noverrides,
			(unsigned long long)madt.lapic_addr);
		if (!madt.nioapics)
			pr_warn("acpi: MADT lists no IOAPIC\n");
		/* The CPU running this exists whatever the table says. */
		if (!madt.ncpus) {
			pr_warn("acpi: MADT lists no enabled CPU; counting the boot CPU\n");
			madt.ncpus = 1;
		}
	}
	return 0;
}

const struct acpi_sdt_hdr *acpi_find_table(const char sig[4], int index)
{
	acpi_init();
	return acpi_tables_find(&tables, sig, index);
}

bool acpi_present(void)
{
	acpi_init();
	return present;
}

const struct acpi_madt_info *acpi_madt(void)
{
	acpi_init();
	return &madt;
}

int acpi_hpet_base(uint64_t *base)
{
	const struct acpi_sdt_hdr *h = acpi_find_table("HPET", 0);

	if (!h)
		return -ENODEV;
	int rc = acpi_hpet_parse(h, h->length, base);

	if (rc)
		return rc;
	/* A table that puts the counter on RAM or the kernel would have
	 * hpet_init write its configuration register there. */
	return boot_device_window("hpet", *base, 1024);
}

static int cmd_acpi(int argc, char **argv)
{
	acpi_init();
	if (!present)
		kprintf("no ACPI tables (defaults in use)\n");
	for (unsigned i = 0; i < tables.count; i++) {
		char sig[5];

		acpi_sig_str(tables.t[i]->sig, sig);
		kprintf("%s  %#010llx  %6u bytes  rev %u\n", sig,
			(unsigned long long)virt_to_phys(tables.t[i]),
			tables.t[i]->length, tables.t[i]->revision);
	}
	kprintf("MADT%s: LAPIC %#llx, %u CPU(s)\n", madt.from_firmware ? "" : " (defaults)",
		(unsigned long long)madt.lapic_addr, madt.ncpus);
	for (unsigned i = 0; i < madt.nioapics; i++)
		kprintf("  IOAPIC id %u at %#llx, GSI base %u\n", madt.ioapic[i].id,
			(unsigned long long)madt.ioapic[i].addr, madt.ioapic[i].gsi_base);
	for (unsigned i = 0; i < madt.noverrides; i++)
		kprintf("  ISA IRQ %u -> GSI %u flags %#x\n", madt.override[i].irq,
			madt.override[i].gsi, madt.override[i].flags);
	return 0;
}
SHELL_CMD("acpi", "acpi - list ACPI tables and the interrupt topology", cmd_acpi);

/* SLP_TYP for S5 from the DSDT, else from an SSDT. */
static int s5_type(uint8_t *typa, uint8_t *typb)
{
	const struct acpi_sdt_hdr *t = acpi_find_table("DSDT", 0);
	int rc = t ? acpi_aml_find_s5(t, t->length, typa, typb) : -ENOENT;

	for (int i = 0; rc == -ENOENT && (t = acpi_find_table("SSDT", i)); i++)
		rc = acpi_aml_find_s5(t, t->length, typa, typb);
	return rc;
}

static void gas_write(const struct acpi_gas *g, unsigned width, uint32_t v)
{
	if (g->space == ACPI_GAS_IO) {
		if (width == 8)
			outb((uint16_t)g->addr, (uint8_t)v);
		else
			outw((uint16_t)g->addr, (uint16_t)v);
		return;
	}
	volatile void *p = vm_map_mmio(g->addr, width / 8);

	if (!p)
		return;
	if (width == 8)
		mmio_write8(p, (uint8_t)v);
	else
		mmio_write16(p, (uint16_t)v);
}

static uint16_t gas_read16(const struct acpi_gas *g)
{
	if (g->space == ACPI_GAS_IO)
		return inw((uint16_t)g->addr);
	const volatile void *p = vm_map_mmio(g->addr, 2);

	return p ? mmio_read16(p) : 0;
}

/* A register block in memory space must not be RAM or the kernel: the
 * FADT would otherwise aim the S5 write at them. */
static bool gas_usable(const struct acpi_gas *g)
{
	if (!g->addr)
		return false;
	if (g->space == ACPI_GAS_IO)
		return g->addr <= 0xffff;
	return g->space == ACPI_GAS_MEMORY && !boot_device_window("acpi: FADT register", g->addr, 2);
}

int acpi_poweroff(void)
{
	const struct acpi_sdt_hdr *f = acpi_find_table("FACP", 0);
	struct acpi_fadt_info fi;
	uint8_t a, b;

	if (!f || acpi_fadt_parse(f, f->length, &fi))
		return -ENODEV;
	int rc = s5_type(&a, &b);

	if (rc) {
		pr_warn("acpi: no usable \\_S5 package (%d); cannot power off the ACPI way\n", rc);
		return rc;
	}
	if (gas_usable(&fi.sleep_ctl) &&
	    ((fi.flags & ACPI_FADT_HW_REDUCED) || !gas_usable(&fi.pm1a_cnt))) {
		/* Sleep control register (§4.8.3.7): SLP_TYPx in bits 4:2,
		 * SLP_EN bit 5. */
		pr_info("acpi: entering S5 through the sleep control register\n");
		gas_write(&fi.sleep_ctl, 8, (uint32_t)(a << 2) | (1u << 5));
	} else if (gas_usable(&fi.pm1a_cnt)) {
		/* PM1 control (§4.8.3.2.1, Table 4.13): SLP_TYPx in bits
		 * 12:10, SLP_EN bit 13; keep the other bits. Both halves get
		 * written, a then b, as the spec asks. */
		pr_info("acpi: entering S5 through PM1 control\n");
		uint16_t v = gas_read16(&fi.pm1a_cnt) & ~(uint16_t)(7u << 10);

		gas_write(&fi.pm1a_cnt, 16, v | (uint16_t)(a << 10) | (1u << 13));
		if (gas_usable(&fi.pm1b_cnt)) {
			v = gas_read16(&fi.pm1b_cnt) & ~(uint16_t)(7u << 10);
			gas_write(&fi.pm1b_cnt, 16, v | (uint16_t)(b << 10) | (1u << 13));
		}
	} else {
		return -ENODEV;
	}
	/* The platform turns off asynchronously; give it a moment. */
	for (int i = 0; i < 100; i++)
		udelay(1000);
	pr_warn("acpi: still running after the S5 request\n");
	return -ETIMEDOUT;
}
