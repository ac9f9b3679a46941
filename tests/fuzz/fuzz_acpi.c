// SPDX-License-Identifier: MIT
/* Fuzz the ACPI table parsers (kern/arch/x86_64/acpi_tables.c,
 * drivers/pci/mcfg.c, the AML scans: \_S5 and by _HID,
 * drivers/platdev/acpi_hid.c). The first byte picks the mode:
 *   even  the rest is "physical memory" at MEM_BASE with the RSDP at its
 *         start: acpi_tables_load walks RSDP, XSDT/RSDT, FADT and DSDT
 *         through a map callback that refuses anything outside the input,
 *         then every table it kept goes to its parser (MADT, FADT, HPET,
 *         MCFG, the \_S5 and by-_HID AML scans of DSDT and SSDTs)
 *   odd   the rest is one table, handed straight to every parser (they
 *         take "validated" tables, but must still stay inside len)
 * The memory is a malloc of exactly the input's size, so ASan sees a read
 * past it. Seeds: QEMU's own tables (tests/fuzz/acpi-seeds.py). */
#include "fuzz.h"
#include <drivers/acpi_hid.h>
#include <kern/acpi.h>
#include <kern/errno.h>
#include "../../drivers/pci/pci_priv.h"

#define MEM_BASE 0x100000ull

static const uint8_t *mem;
static size_t memlen;

static const void *map(uint64_t pa, size_t len)
{
	if (pa < MEM_BASE || len > memlen || pa - MEM_BASE > memlen - len)
		return NULL;
	return mem + (pa - MEM_BASE);
}

static void parse_one(const void *t, size_t len)
{
	struct acpi_madt_info madt;
	struct acpi_fadt_info fadt;
	struct pci_mcfg_entry mcfg[8];
	struct platdev vd[8];
	uint64_t base;
	uint8_t a, b;
	unsigned warns = 0;
	int n;

	if (acpi_madt_parse(t, len, &madt) == 0) {
		if (madt.ncpus > ACPI_MAX_CPUS || madt.nioapics > ACPI_MAX_IOAPICS ||
		    madt.noverrides > ACPI_MAX_OVERRIDES)
			abort();
		for (unsigned irq = 0; irq < 16; irq++)
			fz_sink += (uintptr_t)acpi_isa_override(&madt, irq);
	}
	fz_sink += (uint64_t)acpi_fadt_parse(t, len, &fadt);
	fz_sink += (uint64_t)acpi_hpet_parse(t, len, &base);
	n = pci_mcfg_parse(t, len, mcfg, 8);
	if (n > 8)
		abort();
	fz_sink += (uint64_t)acpi_aml_find_s5(t, len, &a, &b);
	/* The platform registry's scan by HID: microvm's virtio-mmio
	 * transports and fw_cfg, and IDs too long or empty (nothing found,
	 * nothing read). */
	n = acpi_hid_scan(t, len, "LNRO0005", vd, 8, fz_warn, &warns);
	if (n < 0 || n > 8)
		abort();
	/* What it promises of each device: a window of some bytes that does
	 * not wrap, an interrupt in range, named by the HID asked for. */
	for (int i = 0; i < n; i++)
		if (vd[i].size == 0 || vd[i].base + vd[i].size - 1 < vd[i].base ||
		    (vd[i].has_irq && vd[i].irq > ACPI_HID_MAX_IRQ) ||
		    strcmp(vd[i].compatible, "LNRO0005"))
			abort();
	n = acpi_hid_scan(t, len, "QEMU0002", vd, 8, fz_warn, &warns);
	if (n < 0 || n > 8)
		abort();
	if (acpi_hid_scan(t, len, "", vd, 8, fz_warn, &warns) != 0 ||
	    acpi_hid_scan(t, len, "TOOLONGID", vd, 8, fz_warn, &warns) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct acpi_tables tt;
	uint8_t *buf;

	if (size < 1)
		return 0;
	buf = fz_dup(data + 1, size - 1, false);
	mem = buf;
	memlen = size - 1;
	if (data[0] & 1) {
		uint64_t root;
		bool x;

		fz_sink += (uint64_t)acpi_rsdp_parse(buf, memlen, &root, &x);
		fz_sink += (uint64_t)acpi_table_check(buf, memlen);
		parse_one(buf, memlen);
	} else {
		int n = acpi_tables_load(&tt, MEM_BASE, map);

		if (n > ACPI_MAX_TABLES)
			abort();
		for (unsigned i = 0; n > 0 && i < tt.count; i++) {
			const struct acpi_sdt_hdr *h = tt.t[i];
			const uint8_t *p = (const uint8_t *)h;
			char sig[5];

			/* Every table kept lies inside memory, whole. */
			if (p < buf || p + 36 > buf + memlen ||
			    h->length > (size_t)(buf + memlen - p))
				abort();
			acpi_sig_str(h->sig, sig);
			parse_one(h, h->length);
		}
		fz_sink += (uintptr_t)acpi_tables_find(&tt, "APIC", 0);
	}
	free(buf);
	return 0;
}
