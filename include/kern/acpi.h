/* SPDX-License-Identifier: MIT */
/* ACPI static tables: find the RSDP, walk the RSDT/XSDT, hand out validated
 * tables, and summarise the MADT (ACPI 6.5 §5.2). Firmware tables are input
 * like any other: a bad checksum, a length past the mapped memory or a
 * truncated MADT entry is an error with a log line, never a crash. Without
 * ACPI the MADT summary falls back to the PC defaults.
 *
 * The parsers below the kernel API are pure logic (kern/arch/x86_64/
 * acpi_tables.c) and are host unit-tested on hostile tables. */
#ifndef KERN_ACPI_H
#define KERN_ACPI_H

#include <kern/compiler.h>

/* System description table header (ACPI 6.5 §5.2.6, Table 5.4). */
struct acpi_sdt_hdr {
	char sig[4];
	uint32_t length;            /* of the whole table, header included */
	uint8_t revision;
	uint8_t checksum;           /* all bytes of the table sum to 0 mod 256 */
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __packed;
_Static_assert(sizeof(struct acpi_sdt_hdr) == 36, "ACPI SDT header");

/* --- kernel API ------------------------------------------------------- */

/* Find the RSDP (boot_info.rsdp, else the EBDA and 0xE0000-0xFFFFF), walk
 * the root table and parse the MADT. Idempotent; runs at INIT_ARCH.
 * @return 0, or -ENODEV when there is no usable ACPI (defaults are used). */
int acpi_init(void);
/* The index-th (0-based) validated table with signature sig ("APIC",
 * "HPET", "MCFG", "DSDT", ...), or NULL. Checksum and length were checked. */
const struct acpi_sdt_hdr *acpi_find_table(const char sig[4], int index);
/* Did acpi_init find a valid root table? */
bool acpi_present(void);

/* --- MADT summary (ACPI 6.5 §5.2.12) ----------------------------------- */

#define ACPI_MAX_CPUS       64
#define ACPI_MAX_IOAPICS    8
#define ACPI_MAX_OVERRIDES  24

/* MPS INTI flags of an interrupt source override (ACPI 6.5 Table 5.26). */
#define ACPI_INTI_POLARITY(f)   ((f) & 3)
#define ACPI_INTI_TRIGGER(f)    (((f) >> 2) & 3)
#define ACPI_INTI_CONFORMS      0   /* to the bus: ISA is edge, active high */
#define ACPI_INTI_HIGH          1   /* polarity: active high */
#define ACPI_INTI_LOW           3   /* polarity: active low */
#define ACPI_INTI_EDGE          1   /* trigger: edge */
#define ACPI_INTI_LEVEL         3   /* trigger: level */

struct acpi_ioapic {
	uint8_t id;
	uint64_t addr;              /* physical MMIO base */
	uint32_t gsi_base;          /* first GSI served by this IOAPIC */
};

struct acpi_irq_override {
	uint8_t bus;                /* 0: ISA */
	uint8_t irq;                /* bus-relative source (ISA IRQ) */
	uint32_t gsi;
	uint16_t flags;             /* ACPI_INTI_* */
};

struct acpi_madt_info {
	bool from_firmware;         /* false: the defaults below */
	uint64_t lapic_addr;        /* after any address override (type 5) */
	uint32_t flags;             /* bit 0 PCAT_COMPAT: 8259s present */
	unsigned ncpus;             /* enabled or online-capable LAPICs */
	uint32_t cpu_apic_id[ACPI_MAX_CPUS];
	unsigned nioapics;
	struct acpi_ioapic ioapic[ACPI_MAX_IOAPICS];
	unsigned noverrides;
	struct acpi_irq_override override[ACPI_MAX_OVERRIDES];
	unsigned nnmi;              /* NMI entries (types 3, 4, 0xA): ignored */
	unsigned nignored;          /* unknown types, entries past the arrays */
};

/* The interrupt topology in use: the MADT's, or the defaults (LAPIC at
 * 0xFEE00000, one IOAPIC at 0xFEC00000 with GSI base 0, ISA IRQ 0 on GSI 2,
 * the other ISA IRQs identity-mapped). Never NULL (calls acpi_init). */
const struct acpi_madt_info *acpi_madt(void);

/* The HPET base address from the HPET table (ACPI HPET spec 1.0a §3.2.4).
 * @return 0 and *base, or -ENODEV / -EINVAL. */
int acpi_hpet_base(uint64_t *base);

/* Enter S5 (soft off) the FADT's way: the PM1 control registers, or the
 * sleep control register on hardware-reduced platforms (microvm), with
 * SLP_TYP from the \_S5 package (ACPI 6.5 §4.8.3.2.1, §4.8.3.7, §7.4.2).
 * arch_poweroff tries it first. @return -errno if it did not power off. */
int acpi_poweroff(void);

/* --- pure parsers (host unit-tested) ------------------------------------ */

#define ACPI_MAX_TABLES     64
#define ACPI_MAX_TABLE_LEN  (4u << 20)   /* sanity cap; real DSDTs are < 1 MiB */

/* Map [pa, pa+len) readable and return its address, or NULL when it can't
 * (outside memory, overflow). The kernel maps uncached; tests use a buffer. */
typedef const void *(*acpi_map_fn)(uint64_t pa, size_t len);

struct acpi_tables {
	unsigned count;
	unsigned rejected;          /* tables skipped: bad header or checksum */
	bool xsdt;                  /* walked the XSDT (else the RSDT) */
	uint64_t root_pa;
	const struct acpi_sdt_hdr *t[ACPI_MAX_TABLES];
};

/* Bytes of p sum to 0 mod 256 (ACPI 6.5 §5.2.5.3, §5.2.6). */
bool acpi_checksum_ok(const void *p, size_t len);
/* Check an RSDP (avail bytes readable at p: 20 for revision 0, 36 for 2+).
 * Picks the XSDT when the revision is >= 2, the extended checksum holds and
 * the XSDT address is non-zero, else the RSDT.
 * @return 0 and *root_pa and *is_xsdt, -EINVAL (signature, short), -EBADMSG
 * (checksum), -ENOENT (no root table address). */
int acpi_rsdp_parse(const void *p, size_t avail, uint64_t *root_pa, bool *is_xsdt);
/* Check a whole table with avail readable bytes at p: 36 <= length <= avail,
 * length <= ACPI_MAX_TABLE_LEN, checksum. @return 0, -EINVAL, -EBADMSG. */
int acpi_table_check(const void *p, size_t avail);
/* Walk RSDP -> XSDT or RSDT -> tables (and FADT -> DSDT) through map.
 * Bad tables are skipped and counted; a bad XSDT falls back to the RSDT.
 * @return number of tables kept, or -errno when no root table is usable. */
int acpi_tables_load(struct acpi_tables *tt, uint64_t rsdp_pa, acpi_map_fn map);
/* The index-th table with signature sig in tt, or NULL. */
const struct acpi_sdt_hdr *acpi_tables_find(const struct acpi_tables *tt,
					    const char sig[4], int index);
/* Parse a validated MADT of len bytes into out (zeroed first). Every entry
 * must have length >= 2, fit in the table and be long enough for its type.
 * @return 0, or -EINVAL (short table) / -EBADMSG (bad entry). */
int acpi_madt_parse(const void *madt, size_t len, struct acpi_madt_info *out);
/* Fill out with the no-ACPI defaults described at acpi_madt(). */
void acpi_madt_defaults(struct acpi_madt_info *out);
/* The override for ISA IRQ irq in m, or NULL. */
const struct acpi_irq_override *acpi_isa_override(const struct acpi_madt_info *m,
						   unsigned irq);
/* Generic Address Structure (ACPI 6.5 §5.2.3.2). */
struct acpi_gas {
	uint8_t space;              /* 0 system memory, 1 system I/O */
	uint8_t bit_width, bit_offset, access_size;
	uint64_t addr;              /* 0: not present */
};
#define ACPI_GAS_MEMORY 0
#define ACPI_GAS_IO     1

/* What the FADT (ACPI 6.5 §5.2.9, Table 5.9) says about sleep control. */
struct acpi_fadt_info {
	uint32_t flags;             /* bit 20: HW_REDUCED_ACPI */
	struct acpi_gas pm1a_cnt, pm1b_cnt;   /* X_ fields preferred */
	struct acpi_gas sleep_ctl;  /* ACPI 5.0+, hardware-reduced */
};
#define ACPI_FADT_HW_REDUCED (1u << 20)

/* Parse a validated FADT. @return 0, or -EINVAL when too short. */
int acpi_fadt_parse(const void *fadt, size_t len, struct acpi_fadt_info *out);
/* Find Name(\_S5, Package(){ a, b, ... }) in a DSDT/SSDT (header
 * included) and return SLP_TYPa/b. Only the encodings firmware uses for
 * these values are accepted (Zero, One, BytePrefix, WordPrefix).
 * @return 0, -ENOENT (no _S5), -EBADMSG (malformed). */
int acpi_aml_find_s5(const void *table, size_t len, uint8_t *typa, uint8_t *typb);
/* sig as a printable NUL-terminated string (non-printables become '?'). */
void acpi_sig_str(const void *sig, char out[5]);
/* Parse a validated HPET table. @return 0 and *base, or -EINVAL. */
int acpi_hpet_parse(const void *hpet, size_t len, uint64_t *base);

#endif
