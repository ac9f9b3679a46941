// SPDX-License-Identifier: MIT
/* Host tests for the ACPI table parser (kern/arch/x86_64/acpi_tables.c) on
 * synthetic tables: well-formed ones like QEMU's, and hostile ones (bad
 * checksums, lengths past the end of memory, zero-length and truncated MADT
 * entries). "Physical memory" is a buffer at a fake base address, so any
 * read outside it is caught by the mapper (and by ASan). */
#include "unit.h"
#include "stubs.h"
#include <kern/acpi.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <stdarg.h>

/* The parser logs through printk; keep the output, it's useful on failure. */
#define MEM_BASE 0x100000ull
#define MEM_SIZE (64 * 1024)
static uint8_t mem[MEM_SIZE] __attribute__((aligned(16)));
static unsigned map_calls;

static const void *fake_map(uint64_t pa, size_t len)
{
	map_calls++;
	if (pa < MEM_BASE || len > MEM_SIZE || pa - MEM_BASE > MEM_SIZE - len)
		return NULL;
	return mem + (pa - MEM_BASE);
}

static uint8_t *at(uint64_t pa) { return mem + (pa - MEM_BASE); }

static void put8(uint64_t pa, uint8_t v) { *at(pa) = v; }
static void put16(uint64_t pa, uint16_t v) { memcpy(at(pa), &v, 2); }
static void put32(uint64_t pa, uint32_t v) { memcpy(at(pa), &v, 4); }
static void put64(uint64_t pa, uint64_t v) { memcpy(at(pa), &v, 8); }

static void fix_sum(uint64_t pa, size_t off, size_t len)
{
	uint8_t *p = at(pa), sum = 0;

	p[off] = 0;
	for (size_t i = 0; i < len; i++)
		sum += p[i];
	p[off] = (uint8_t)-sum;
}

/* A table header with the given signature and length; checksum fixed by
 * seal() once the body is written. */
static void hdr(uint64_t pa, const char *sig, uint32_t len)
{
	memset(at(pa), 0, 36);
	memcpy(at(pa), sig, 4);
	put32(pa + 4, len);
	put8(pa + 8, 1);
	memcpy(at(pa + 10), "UNITTS", 6);
}

static void seal(uint64_t pa)
{
	uint32_t len;

	memcpy(&len, at(pa + 4), 4);
	fix_sum(pa, 9, len);
}

/* Layout of the synthetic firmware. */
#define RSDP_PA  (MEM_BASE + 0x0000)
#define RSDT_PA  (MEM_BASE + 0x1000)
#define XSDT_PA  (MEM_BASE + 0x2000)
#define FACP_PA  (MEM_BASE + 0x3000)
#define DSDT_PA  (MEM_BASE + 0x4000)
#define APIC_PA  (MEM_BASE + 0x5000)
#define HPET_PA  (MEM_BASE + 0x6000)
#define SSDT1_PA (MEM_BASE + 0x7000)
#define SSDT2_PA (MEM_BASE + 0x8000)

static void mk_rsdp(int rev, uint32_t rsdt, uint64_t xsdt)
{
	memset(at(RSDP_PA), 0, 36);
	memcpy(at(RSDP_PA), "RSD PTR ", 8);
	memcpy(at(RSDP_PA + 9), "UNITTS", 6);
	put8(RSDP_PA + 15, (uint8_t)rev);
	put32(RSDP_PA + 16, rsdt);
	fix_sum(RSDP_PA, 8, 20);
	if (rev >= 2) {
		put32(RSDP_PA + 20, 36);
		put64(RSDP_PA + 24, xsdt);
		fix_sum(RSDP_PA, 32, 36);
	}
}

/* A MADT like QEMU's pc machine: 2 CPUs, one IOAPIC, ISA overrides 0->2
 * and 9 (level, active high), one LAPIC NMI entry. */
static size_t mk_madt(uint64_t pa)
{
	size_t off = 44;

	hdr(pa, "APIC", 0);
	put32(pa + 36, 0xfee00000);
	put32(pa + 40, 1);
	for (int cpu = 0; cpu < 2; cpu++) {
		put8(pa + off, 0); put8(pa + off + 1, 8);
		put8(pa + off + 2, (uint8_t)cpu); put8(pa + off + 3, (uint8_t)cpu);
		put32(pa + off + 4, 1);
		off += 8;
	}
	put8(pa + off, 1); put8(pa + off + 1, 12);
	put8(pa + off + 2, 0); put8(pa + off + 3, 0);
	put32(pa + off + 4, 0xfec00000); put32(pa + off + 8, 0);
	off += 12;
	put8(pa + off, 2); put8(pa + off + 1, 10);
	put8(pa + off + 2, 0); put8(pa + off + 3, 0);
	put32(pa + off + 4, 2); put16(pa + off + 8, 0);
	off += 10;
	put8(pa + off, 2); put8(pa + off + 1, 10);
	put8(pa + off + 2, 0); put8(pa + off + 3, 9);
	put32(pa + off + 4, 9); put16(pa + off + 8, 0xd);
	off += 10;
	put8(pa + off, 4); put8(pa + off + 1, 6);
	put8(pa + off + 2, 0xff); put16(pa + off + 3, 0); put8(pa + off + 5, 1);
	off += 6;
	put32(pa + 4, (uint32_t)off);
	seal(pa);
	return off;
}

/* The whole set: RSDP 2 -> XSDT and RSDT -> FACP (-> DSDT), APIC, HPET,
 * two SSDTs. */
static void mk_firmware(void)
{
	memset(mem, 0, sizeof(mem));
	uint64_t list[] = { FACP_PA, APIC_PA, HPET_PA, SSDT1_PA, SSDT2_PA };
	unsigned n = 5;

	hdr(DSDT_PA, "DSDT", 100);
	seal(DSDT_PA);
	hdr(FACP_PA, "FACP", 276);
	put32(FACP_PA + 40, (uint32_t)DSDT_PA);
	put64(FACP_PA + 140, DSDT_PA);
	seal(FACP_PA);
	mk_madt(APIC_PA);
	hdr(HPET_PA, "HPET", 56);
	put8(HPET_PA + 40, 0);
	put64(HPET_PA + 44, 0xfed00000);
	seal(HPET_PA);
	hdr(SSDT1_PA, "SSDT", 40);
	put32(SSDT1_PA + 36, 1);
	seal(SSDT1_PA);
	hdr(SSDT2_PA, "SSDT", 40);
	put32(SSDT2_PA + 36, 2);
	seal(SSDT2_PA);

	hdr(XSDT_PA, "XSDT", 36 + 8 * n);
	for (unsigned i = 0; i < n; i++)
		put64(XSDT_PA + 36 + 8 * i, list[i]);
	seal(XSDT_PA);
	hdr(RSDT_PA, "RSDT", 36 + 4 * n);
	for (unsigned i = 0; i < n; i++)
		put32(RSDT_PA + 36 + 4 * i, (uint32_t)list[i]);
	seal(RSDT_PA);
	mk_rsdp(2, (uint32_t)RSDT_PA, XSDT_PA);
}

static struct acpi_tables tt;

UNIT(checksum)
{
	uint8_t b[4] = { 1, 2, 3, (uint8_t)-6 };

	CHECK(acpi_checksum_ok(b, 4));
	b[0] = 2;
	CHECK(!acpi_checksum_ok(b, 4));
	CHECK(acpi_checksum_ok(b, 0));
}

UNIT(walk_xsdt)
{
	mk_firmware();
	CHECK_EQ(acpi_tables_load(&tt, RSDP_PA, fake_map), 6);
	CHECK(tt.xsdt);
	CHECK_EQ(tt.root_pa, XSDT_PA);
	CHECK_EQ(tt.rejected, 0);
	CHECK(acpi_tables_find(&tt, "APIC", 0) == (const void *)at(APIC_PA));
	CHECK(acpi_tables_find(&tt, "DSDT", 0) == (const void *)at(DSDT_PA));
	CHECK(acpi_tables_find(&tt, "SSDT", 1) == (const void *)at(SSDT2_PA));
	CHECK(acpi_tables_find(&tt, "SSDT", 2) == NULL);
	CHECK(acpi_tables_find(&tt, "SSDT", -1) == NULL);
	CHECK(acpi_tables_find(&tt, "MCFG", 0) == NULL);
}

UNIT(walk_rsdt_v1)
{
	mk_firmware();
	mk_rsdp(0, (uint32_t)RSDT_PA, 0);
	CHECK_EQ(acpi_tables_load(&tt, RSDP_PA, fake_map), 6);
	CHECK(!tt.xsdt);
	CHECK_EQ(tt.root_pa, RSDT_PA);
}

UNIT(rsdp_hostile)
{
	uint64_t root;
	bool x;

	mk_firmware();
	/* Wrong signature. */
	put8(RSDP_PA, 'X');
	CHECK_EQ(acpi_tables_load(&tt, RSDP_PA, fake_map), -EINVAL);
	/* Bad v1 checksum. */
	mk_rsdp(2, (uint32_t)RSDT_PA, XSDT_PA);
	put8(RSDP_PA + 8, (uint8_t)(*at(RSDP_PA + 8) + 1));
	CHECK_EQ(acpi_tables_load(&tt, RSDP_PA, fake_map), -EBADMSG);
	/* Bad extended checksum: falls back to the RSDT. */
	mk_rsdp(2, (uint32_t)RSDT_PA, XSDT_PA);
	put8(RSDP_PA + 32, (uint8_t)(*at(RSDP_PA + 32) + 1));
	CHECK_EQ(acpi_rsdp_parse(at(RSDP_PA), 36, &root, &x), 0);
	CHECK(!x);
	CHECK_EQ(root, RSDT_PA);
	/* Extended length larger than what was mapped. */
	mk_rsdp(2, (uint32_t)RSDT_PA, XSDT_PA);
	put32(RSDP_PA + 20, 0x10000000);
	fix_sum(RSDP_PA, 8, 20);
	CHECK_EQ(acpi_rsdp_parse(at(RSDP_PA), 36, &root, &x), 0);
	CHECK(!x);
	/* No root address at all. */
	mk_rsdp(0, 0, 0);
	CHECK_EQ(acpi_rsdp_parse(at(RSDP_PA), 20, &root, &x), -ENOENT);
	/* Short buffer. */
	CHECK_EQ(acpi_rsdp_parse(at(RSDP_PA), 19, &root, &x), -EINVAL);
	/* RSDP at the very end of memory: map fails, no read past the end. */
	CHECK_EQ(acpi_tables_load(&tt, MEM_BASE + MEM_SIZE - 10, fake_map), -EFAULT);
	CHECK_EQ(acpi_tables_load(&tt, 0, fake_map), -EFAULT);
}

UNIT(bad_xsdt_falls_back_to_rsdt)
{
	mk_firmware();
	put8(XSDT_PA + 36, 0x55);          /* checksum now wrong */
	CHECK_EQ(acpi_tables_load(&tt, RSDP_PA, fake_map), 6);
	CHECK(!tt.xsdt);
	/* XSDT length running past the end of memory. */
	mk_firmware();
	put32(XSDT_PA + 4, MEM_SIZE);
	seal(RSDT_PA);
	CHECK_EQ(acpi_tables_load(&tt, RSDP_PA, fake_map), 6);
	CHECK(!tt.xsdt);
	/* Both unusable. */
	put32(RSDT_PA + 4, 0xffffffff);
	CHECK(acpi_tables_load(&tt, RSDP_PA, fake_map) < 0);
	/* Root length shorter than a header. */
	mk_firmware();
	mk_rsdp(0, (uint32_t)RSDT_PA, 0);
	put32(RSDT_PA + 4, 10);
	CHECK_EQ(acpi_tables_load(&tt, RSDP_PA, fake_map), -EINVAL);
	/* Root with the wrong signature. */
	mk_firmware();
	mk_rsdp(0, (uint32_t)APIC_PA, 0);
	CHECK_EQ(acpi_tables_load(&tt, RSDP_PA, fake_map), -EINVAL);
}

UNIT(bad_tables_skipped)
{
	mk_firmware();
	/* SSDT1 bad checksum, HPET length past the end of memory, APIC length
	 * zero, and two XSDT entries pointing outside memory / at 0. */
	put8(SSDT1_PA + 36, 9);
	put32(HPET_PA + 4, MEM_SIZE * 2);
	put32(APIC_PA + 4, 0);
	hdr(XSDT_PA, "XSDT", 36 + 8 * 7);
	uint64_t list[] = { FACP_PA, APIC_PA, HPET_PA, SSDT1_PA, SSDT2_PA,
			    0xffffffffffffff00ull, 0 };
	for (unsigned i = 0; i < 7; i++)
		put64(XSDT_PA + 36 + 8 * i, list[i]);
	seal(XSDT_PA);
	CHECK_EQ(acpi_tables_load(&tt, RSDP_PA, fake_map), 3);   /* FACP, SSDT2, DSDT */
	CHECK_EQ(tt.rejected, 4);
	CHECK(acpi_tables_find(&tt, "SSDT", 0) == (const void *)at(SSDT2_PA));
	CHECK(acpi_tables_find(&tt, "APIC", 0) == NULL);
	CHECK(acpi_tables_find(&tt, "HPET", 0) == NULL);
	/* FADT whose DSDT pointer leads to something that isn't a DSDT. */
	mk_firmware();
	put64(FACP_PA + 140, APIC_PA);
	seal(FACP_PA);
	CHECK_EQ(acpi_tables_load(&tt, RSDP_PA, fake_map), 5);
	CHECK(acpi_tables_find(&tt, "DSDT", 0) == NULL);
	/* Old short FADT: only the 32-bit DSDT field. */
	mk_firmware();
	put32(FACP_PA + 4, 116);
	seal(FACP_PA);
	CHECK_EQ(acpi_tables_load(&tt, RSDP_PA, fake_map), 6);
	CHECK(acpi_tables_find(&tt, "DSDT", 0) != NULL);
}

UNIT(too_many_tables)
{
	mk_firmware();
	/* An XSDT listing the same SSDT 200 times: kept up to the cap. */
	unsigned n = 200;

	hdr(XSDT_PA, "XSDT", 36 + 8 * n);
	for (unsigned i = 0; i < n; i++)
		put64(XSDT_PA + 36 + 8 * i, SSDT2_PA);
	seal(XSDT_PA);
	CHECK_EQ(acpi_tables_load(&tt, RSDP_PA, fake_map), ACPI_MAX_TABLES);
	CHECK_EQ(tt.rejected, n - ACPI_MAX_TABLES);
}

UNIT(table_check)
{
	mk_firmware();
	CHECK_EQ(acpi_table_check(at(HPET_PA), 56), 0);
	CHECK_EQ(acpi_table_check(at(HPET_PA), 55), -EINVAL);
	CHECK_EQ(acpi_table_check(at(HPET_PA), 20), -EINVAL);
	CHECK_EQ(acpi_table_check(NULL, 100), -EINVAL);
	put8(HPET_PA + 50, 1);
	CHECK_EQ(acpi_table_check(at(HPET_PA), 56), -EBADMSG);
}

UNIT(madt_good)
{
	struct acpi_madt_info m;

	mk_firmware();
	size_t len = mk_madt(APIC_PA);

	CHECK_EQ(acpi_madt_parse(at(APIC_PA), len, &m), 0);
	CHECK(m.from_firmware);
	CHECK_EQ(m.lapic_addr, 0xfee00000);
	CHECK_EQ(m.flags, 1);
	CHECK_EQ(m.ncpus, 2);
	CHECK_EQ(m.cpu_apic_id[1], 1);
	CHECK_EQ(m.nioapics, 1);
	CHECK_EQ(m.ioapic[0].addr, 0xfec00000);
	CHECK_EQ(m.ioapic[0].gsi_base, 0);
	CHECK_EQ(m.noverrides, 2);
	CHECK_EQ(m.nnmi, 1);
	const struct acpi_irq_override *o = acpi_isa_override(&m, 9);

	CHECK(o != NULL);
	CHECK_EQ(o->gsi, 9);
	CHECK_EQ(ACPI_INTI_TRIGGER(o->flags), ACPI_INTI_LEVEL);
	CHECK_EQ(ACPI_INTI_POLARITY(o->flags), ACPI_INTI_HIGH);
	CHECK_EQ(acpi_isa_override(&m, 0)->gsi, 2);
	CHECK(acpi_isa_override(&m, 4) == NULL);
}

/* Append one raw entry to the MADT at APIC_PA and return the new length. */
static size_t madt_append(size_t len, const uint8_t *e, size_t n)
{
	memcpy(at(APIC_PA + len), e, n);
	put32(APIC_PA + 4, (uint32_t)(len + n));
	seal(APIC_PA);
	return len + n;
}

UNIT(madt_hostile)
{
	struct acpi_madt_info m;
	size_t base;

	mk_firmware();
	base = mk_madt(APIC_PA);

	/* Zero-length entry: would loop forever if accepted. */
	uint8_t zero[2] = { 0, 0 };
	CHECK_EQ(acpi_madt_parse(at(APIC_PA), madt_append(base, zero, 2), &m), -EBADMSG);
	/* Length 1. */
	uint8_t one[2] = { 7, 1 };
	CHECK_EQ(acpi_madt_parse(at(APIC_PA), madt_append(base, one, 2), &m), -EBADMSG);
	/* Entry claiming to run past the end of the table. */
	uint8_t past[8] = { 0, 40, 0, 0, 1, 0, 0, 0 };
	CHECK_EQ(acpi_madt_parse(at(APIC_PA), madt_append(base, past, 8), &m), -EBADMSG);
	/* Truncated IOAPIC entry (8 of 12 bytes). */
	uint8_t trio[8] = { 1, 8, 0, 0, 0, 0, 0xc0, 0xfe };
	CHECK_EQ(acpi_madt_parse(at(APIC_PA), madt_append(base, trio, 8), &m), -EBADMSG);
	/* Truncated override, truncated x2APIC. */
	uint8_t triso[6] = { 2, 6, 0, 0, 2, 0 };
	CHECK_EQ(acpi_madt_parse(at(APIC_PA), madt_append(base, triso, 6), &m), -EBADMSG);
	uint8_t trx2[12] = { 9, 12 };
	CHECK_EQ(acpi_madt_parse(at(APIC_PA), madt_append(base, trx2, 12), &m), -EBADMSG);
	/* A single trailing byte after the last entry. */
	uint8_t lone[1] = { 0 };
	CHECK_EQ(acpi_madt_parse(at(APIC_PA), madt_append(base, lone, 1), &m), -EBADMSG);
	/* Table shorter than the fixed part. */
	CHECK_EQ(acpi_madt_parse(at(APIC_PA), 40, &m), -EINVAL);
	CHECK_EQ(acpi_madt_parse(NULL, 100, &m), -EINVAL);
	/* Unknown types with sane lengths are skipped, longer known entries
	 * (future revisions) accepted. */
	uint8_t unk[5] = { 0x7f, 5, 1, 2, 3 };
	size_t len = madt_append(base, unk, 5);
	uint8_t longio[16] = { 1, 16, 5, 0, 0x00, 0x10, 0xc0, 0xfe, 24, 0, 0, 0 };
	len = madt_append(len, longio, 16);
	CHECK_EQ(acpi_madt_parse(at(APIC_PA), len, &m), 0);
	CHECK_EQ(m.nignored, 1);
	CHECK_EQ(m.nioapics, 2);
	CHECK_EQ(m.ioapic[1].id, 5);
	CHECK_EQ(m.ioapic[1].addr, 0xfec01000);
	CHECK_EQ(m.ioapic[1].gsi_base, 24);
}

UNIT(madt_entries)
{
	struct acpi_madt_info m;
	size_t len;

	mk_firmware();
	len = mk_madt(APIC_PA);
	/* LAPIC address override, x2APIC CPU, disabled CPU, x2APIC NMI,
	 * non-ISA and out-of-range overrides, too many IOAPICs. */
	uint8_t ovr[12] = { 5, 12, 0, 0, 0, 0, 0xe0, 0xfe, 1, 0, 0, 0 };
	len = madt_append(len, ovr, 12);
	uint8_t x2[16] = { 9, 16, 0, 0, 0x00, 0x01, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0 };
	len = madt_append(len, x2, 16);
	uint8_t off[8] = { 0, 8, 7, 7, 0, 0, 0, 0 };
	len = madt_append(len, off, 8);
	uint8_t x2nmi[12] = { 10, 12 };
	len = madt_append(len, x2nmi, 12);
	uint8_t pci[10] = { 2, 10, 1, 3, 20, 0, 0, 0, 0xf, 0 };
	len = madt_append(len, pci, 10);
	uint8_t big[10] = { 2, 10, 0, 200, 20, 0, 0, 0, 0xf, 0 };
	len = madt_append(len, big, 10);
	for (int i = 0; i < ACPI_MAX_IOAPICS + 2; i++) {
		uint8_t io[12] = { 1, 12, (uint8_t)(i + 1), 0, 0, 0, 0xc0, 0xfe,
				   (uint8_t)(24 * (i + 1)), 0, 0, 0 };
		len = madt_append(len, io, 12);
	}
	CHECK_EQ(acpi_madt_parse(at(APIC_PA), len, &m), 0);
	CHECK_EQ(m.lapic_addr, 0x1fee00000ull);
	CHECK_EQ(m.ncpus, 3);
	CHECK_EQ(m.cpu_apic_id[2], 0x100);
	CHECK_EQ(m.nnmi, 2);
	CHECK_EQ(m.noverrides, 2);
	CHECK_EQ(m.nioapics, ACPI_MAX_IOAPICS);
	CHECK_EQ(m.nignored, 2 + 3);
}

UNIT(madt_defaults)
{
	struct acpi_madt_info m;

	acpi_madt_defaults(&m);
	CHECK(!m.from_firmware);
	CHECK_EQ(m.lapic_addr, 0xfee00000);
	CHECK_EQ(m.ncpus, 1);           /* the boot CPU, not 0 */
	CHECK_EQ(m.nioapics, 1);
	CHECK_EQ(m.ioapic[0].addr, 0xfec00000);
	CHECK_EQ(acpi_isa_override(&m, 0)->gsi, 2);
	CHECK(acpi_isa_override(&m, 8) == NULL);
}

UNIT(hpet)
{
	uint64_t base = 0;

	mk_firmware();
	CHECK_EQ(acpi_hpet_parse(at(HPET_PA), 56, &base), 0);
	CHECK_EQ(base, 0xfed00000);
	CHECK_EQ(acpi_hpet_parse(at(HPET_PA), 52, &base), -EINVAL);
	put8(HPET_PA + 40, 1);                 /* I/O space: not supported */
	CHECK_EQ(acpi_hpet_parse(at(HPET_PA), 56, &base), -EINVAL);
	put8(HPET_PA + 40, 0);
	put64(HPET_PA + 44, 0);
	CHECK_EQ(acpi_hpet_parse(at(HPET_PA), 56, &base), -EINVAL);
}

UNIT(sig_str)
{
	char s[5];

	acpi_sig_str("AP\001C", s);
	CHECK_STR(s, "AP?C");
}

UNIT(fadt)
{
	struct acpi_fadt_info f;

	mk_firmware();
	put32(FACP_PA + 64, 0x604);
	put32(FACP_PA + 112, 1u << 20);
	CHECK_EQ(acpi_fadt_parse(at(FACP_PA), 276, &f), 0);
	CHECK_EQ(f.pm1a_cnt.space, ACPI_GAS_IO);
	CHECK_EQ(f.pm1a_cnt.addr, 0x604);
	CHECK_EQ(f.pm1b_cnt.addr, 0);
	CHECK(f.flags & ACPI_FADT_HW_REDUCED);
	/* X_PM1a overrides; sleep control register from ACPI 5. */
	put8(FACP_PA + 172, 1); put8(FACP_PA + 173, 16);
	put64(FACP_PA + 176, 0xb004);
	put8(FACP_PA + 244, 1); put8(FACP_PA + 245, 8);
	put64(FACP_PA + 248, 0x600);
	CHECK_EQ(acpi_fadt_parse(at(FACP_PA), 276, &f), 0);
	CHECK_EQ(f.pm1a_cnt.addr, 0xb004);
	CHECK_EQ(f.sleep_ctl.space, ACPI_GAS_IO);
	CHECK_EQ(f.sleep_ctl.addr, 0x600);
	/* A short (ACPI 1.0) FADT: no extended fields read past its end. */
	CHECK_EQ(acpi_fadt_parse(at(FACP_PA), 116, &f), 0);
	CHECK_EQ(f.pm1a_cnt.addr, 0x604);
	CHECK_EQ(f.sleep_ctl.addr, 0);
	CHECK_EQ(acpi_fadt_parse(at(FACP_PA), 100, &f), -EINVAL);
}

/* A DSDT body holding the given AML bytes. */
static size_t mk_dsdt_aml(const uint8_t *aml, size_t n)
{
	hdr(DSDT_PA, "DSDT", (uint32_t)(36 + n));
	memcpy(at(DSDT_PA + 36), aml, n);
	seal(DSDT_PA);
	return 36 + n;
}

UNIT(aml_s5)
{
	uint8_t a = 9, b = 9;
	/* QEMU pc: Name (_S5, Package (0x04) { Zero, Zero, Zero, Zero }),
	 * after some unrelated bytes that contain "_S5_" not after NameOp. */
	const uint8_t pc[] = { 0x10, 0x05, '_', 'S', '5', '_', 0x00,
			       0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00 };
	CHECK_EQ(acpi_aml_find_s5(at(DSDT_PA), mk_dsdt_aml(pc, sizeof(pc)), &a, &b), 0);
	CHECK_EQ(a, 0);
	CHECK_EQ(b, 0);
	/* Root-prefixed name, BytePrefix values, 2-byte PkgLength. */
	const uint8_t mv[] = { 0x08, '\\', '_', 'S', '5', '_', 0x12, 0x40, 0x00, 0x02,
			       0x0a, 0x05, 0x0a, 0x06 };
	CHECK_EQ(acpi_aml_find_s5(at(DSDT_PA), mk_dsdt_aml(mv, sizeof(mv)), &a, &b), 0);
	CHECK_EQ(a, 5);
	CHECK_EQ(b, 6);
	/* One element only: b copies a. */
	const uint8_t one[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x03, 0x01, 0x01 };
	CHECK_EQ(acpi_aml_find_s5(at(DSDT_PA), mk_dsdt_aml(one, sizeof(one)), &a, &b), 0);
	CHECK_EQ(a, 1);
	CHECK_EQ(b, 1);
	/* Hostile: truncated after the name, after PackageOp, mid-element,
	 * a method instead of a package, no _S5 at all. */
	const uint8_t t1[] = { 0x08, '_', 'S', '5', '_' };
	CHECK_EQ(acpi_aml_find_s5(at(DSDT_PA), mk_dsdt_aml(t1, sizeof(t1)), &a, &b), -EBADMSG);
	const uint8_t t2[] = { 0x08, '_', 'S', '5', '_', 0x12, 0xc0 };
	CHECK_EQ(acpi_aml_find_s5(at(DSDT_PA), mk_dsdt_aml(t2, sizeof(t2)), &a, &b), -EBADMSG);
	const uint8_t t3[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x0a };
	CHECK_EQ(acpi_aml_find_s5(at(DSDT_PA), mk_dsdt_aml(t3, sizeof(t3)), &a, &b), -EBADMSG);
	const uint8_t t4[] = { 0x08, '_', 'S', '5', '_', 0x14, 0x04, 0x00 };
	CHECK_EQ(acpi_aml_find_s5(at(DSDT_PA), mk_dsdt_aml(t4, sizeof(t4)), &a, &b), -EBADMSG);
	const uint8_t t5[] = { 0x08, '_', 'S', '4', '_', 0x12, 0x04, 0x00 };
	CHECK_EQ(acpi_aml_find_s5(at(DSDT_PA), mk_dsdt_aml(t5, sizeof(t5)), &a, &b), -ENOENT);
	CHECK_EQ(acpi_aml_find_s5(at(DSDT_PA), 20, &a, &b), -ENOENT);
}

UNIT_MAIN()
