// SPDX-License-Identifier: MIT
/* In-guest tests of the ACPI tables as the firmware hands them over: every
 * table the kernel keeps has a good checksum, the MADT summary agrees with
 * what the CPU says about itself, and without ACPI (microvm,acpi=off) the
 * PC defaults are in use. x86_64 only for now. */
#include <kern/test.h>
#include <kern/acpi.h>
#include <string.h>

#ifdef __x86_64__
#include <arch/apic.h>
#include <arch/clock.h>

TEST(acpi_tables)
{
	if (!acpi_present()) {
		test_skip("no ACPI tables on this machine");
		return;
	}
	static const char *sigs[] = { "APIC", "FACP", "DSDT", "HPET", "MCFG", "SSDT", "WAET" };
	int found = 0;

	for (unsigned s = 0; s < ARRAY_SIZE(sigs); s++) {
		for (int i = 0;; i++) {
			const struct acpi_sdt_hdr *h = acpi_find_table(sigs[s], i);

			if (!h)
				break;
			found++;
			T_CHECK(memcmp(h->sig, sigs[s], 4) == 0);
			T_CHECK(h->length >= sizeof(*h));
			T_CHECK(acpi_checksum_ok(h, h->length));
		}
	}
	T_CHECK(found >= 2);
	T_CHECK(acpi_find_table("APIC", 0) != NULL);
	T_CHECK(acpi_find_table("APIC", 1) == NULL);
	T_CHECK(acpi_find_table("XXXX", 0) == NULL);
	T_CHECK(acpi_find_table("APIC", -1) == NULL);
	test_diag("%d tables checked", found);
}

TEST(acpi_madt)
{
	const struct acpi_madt_info *m = acpi_madt();

	T_CHECK(m != NULL);
	T_CHECK(m->nioapics >= 1);
	T_CHECK(m->lapic_addr == 0xfee00000);
	if (!m->from_firmware) {
		T_CHECK(!acpi_present() || !acpi_find_table("APIC", 0));
		T_EQ(m->ioapic[0].addr, 0xfec00000);
		test_diag("defaults in use");
		return;
	}
	/* The boot CPU must be among the CPUs listed (its id comes from its
	 * LAPIC, which -cpu ...,-apic takes away). */
	if (!lapic_present()) {
		test_skip("no local APIC on this CPU to compare the MADT with");
		return;
	}
	bool me = false;

	for (unsigned i = 0; i < m->ncpus; i++)
		if (m->cpu_apic_id[i] == lapic_id())
			me = true;
	T_CHECK(me);
	T_CHECK(m->ncpus >= 1);
	/* Every override is for an ISA IRQ and lands on some IOAPIC. */
	for (unsigned i = 0; i < m->noverrides; i++) {
		T_CHECK(m->override[i].irq < 16);
		T_CHECK(ioapic_has_gsi(m->override[i].gsi));
	}
	test_diag("%u CPU(s), %u IOAPIC(s), %u override(s), %u NMI entries",
		  m->ncpus, m->nioapics, m->noverrides, m->nnmi);
}

TEST(acpi_hpet)
{
	uint64_t base;

	if (acpi_hpet_base(&base)) {
		test_skip("no HPET table");
		return;
	}
	T_EQ(base, 0xfed00000);
	T_EQ(hpet_init(), 0);
	uint64_t a = hpet_read();

	for (int i = 0; i < 100000 && hpet_read() == a; i++)
		;
	T_CHECK(hpet_read() > a);
	test_diag("HPET at %#llx, %llu Hz", (unsigned long long)base,
		  (unsigned long long)hpet_hz());
}
#endif
