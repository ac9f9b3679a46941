// SPDX-License-Identifier: MIT
/* ACPI table parsing, pure logic: RSDP, RSDT/XSDT walk, MADT, HPET.
 * Everything read from a table is bounds-checked against the length the
 * table claims, and that length against what could be mapped. Multi-byte
 * fields are read with memcpy: ACPI structures are byte-packed and XSDT
 * entries are 8-byte fields at 4-byte-aligned offsets (ACPI 6.5 §5.2.8). */
#include <kern/acpi.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <string.h>

static uint8_t rd8(const uint8_t *p, size_t off) { return p[off]; }

static uint16_t rd16(const uint8_t *p, size_t off)
{
	uint16_t v;
	memcpy(&v, p + off, sizeof(v));
	return v;
}

static uint32_t rd32(const uint8_t *p, size_t off)
{
	uint32_t v;
	memcpy(&v, p + off, sizeof(v));
	return v;
}

static uint64_t rd64(const uint8_t *p, size_t off)
{
	uint64_t v;
	memcpy(&v, p + off, sizeof(v));
	return v;
}

bool acpi_checksum_ok(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += b[i];
	return sum == 0;
}

/* RSDP layout (ACPI 6.5 §5.2.5.3, Table 5.3): "RSD PTR " at 0, checksum of
 * the first 20 bytes at 8, revision at 15, RSDT address at 16; from
 * revision 2 on: length at 20, XSDT address at 24, extended checksum of the
 * whole structure at 32. */
#define RSDP_V1_LEN 20
#define RSDP_V2_LEN 36

int acpi_rsdp_parse(const void *p, size_t avail, uint64_t *root_pa, bool *is_xsdt)
{
	const uint8_t *b = p;

	if (!p || avail < RSDP_V1_LEN || memcmp(b, "RSD PTR ", 8) != 0)
		return -EINVAL;
	if (!acpi_checksum_ok(b, RSDP_V1_LEN))
		return -EBADMSG;
	uint32_t rsdt = rd32(b, 16);

	if (rd8(b, 15) >= 2 && avail >= RSDP_V2_LEN) {
		uint32_t len = rd32(b, 20);
		uint64_t xsdt = rd64(b, 24);

		/* The extended structure must be at least the 2.0 size and lie
		 * within what the caller could read. */
		if (len >= RSDP_V2_LEN && len <= avail && acpi_checksum_ok(b, len) &&
		    xsdt != 0) {
			*root_pa = xsdt;
			*is_xsdt = true;
			return 0;
		}
		if (rsdt)
			pr_warn("acpi: RSDP 2.0 part invalid, using the RSDT\n");
	}
	if (!rsdt)
		return -ENOENT;
	*root_pa = rsdt;
	*is_xsdt = false;
	return 0;
}

int acpi_table_check(const void *p, size_t avail)
{
	const struct acpi_sdt_hdr *h = p;

	if (!p || avail < sizeof(*h))
		return -EINVAL;
	uint32_t len = h->length;

	if (len < sizeof(*h) || len > avail || len > ACPI_MAX_TABLE_LEN)
		return -EINVAL;
	if (!acpi_checksum_ok(p, len))
		return -EBADMSG;
	return 0;
}

/* Map and validate the table at pa. The header is mapped first to learn
 * the length, then the whole table. want: expected signature or NULL. */
static const struct acpi_sdt_hdr *table_load(uint64_t pa, acpi_map_fn map,
					     const char *want, int *err)
{
	const struct acpi_sdt_hdr *h = map(pa, sizeof(*h));

	if (!h) {
		*err = -EFAULT;
		return NULL;
	}
	uint32_t len = h->length;

	if (want && memcmp(h->sig, want, 4) != 0) {
		*err = -EINVAL;
		return NULL;
	}
	if (len < sizeof(*h) || len > ACPI_MAX_TABLE_LEN) {
		*err = -EINVAL;
		return NULL;
	}
	h = map(pa, len);
	if (!h) {
		*err = -EFAULT;     /* runs past mapped memory */
		return NULL;
	}
	/* Re-check against the second mapping: the length is read again from
	 * memory, and it must be the one we mapped for. */
	*err = acpi_table_check(h, len);
	return *err ? NULL : h;
}

void acpi_sig_str(const void *sig, char out[5])
{
	const char *s = sig;

	for (int i = 0; i < 4; i++)
		out[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	out[4] = 0;
}

static void tables_add(struct acpi_tables *tt, const struct acpi_sdt_hdr *h)
{
	if (tt->count < ACPI_MAX_TABLES)
		tt->t[tt->count++] = h;
	else
		tt->rejected++;
}

static void table_add_pa(struct acpi_tables *tt, uint64_t pa, acpi_map_fn map,
			 const char *want)
{
	int err = 0;
	const struct acpi_sdt_hdr *h = table_load(pa, map, want, &err);

	if (!h) {
		tt->rejected++;
		pr_warn("acpi: table at %#llx rejected (%s)\n",
			(unsigned long long)pa,
			err == -EBADMSG ? "bad checksum" :
			err == -EFAULT ? "not mappable / past the end" :
			"bad signature or length");
		return;
	}
	tables_add(tt, h);
}

/* FADT (ACPI 6.5 §5.2.9, Table 5.9): DSDT at offset 40 (32-bit), X_DSDT at
 * offset 140 (64-bit, preferred when non-zero). The DSDT is not listed in
 * the root table, so it is added here. */
static void fadt_add_dsdt(struct acpi_tables *tt, const struct acpi_sdt_hdr *fadt,
			  acpi_map_fn map)
{
	const uint8_t *b = (const uint8_t *)fadt;
	uint64_t pa = 0;

	if (fadt->length >= 148)
		pa = rd64(b, 140);
	if (!pa && fadt->length >= 44)
		pa = rd32(b, 40);
	if (pa)
		table_add_pa(tt, pa, map, "DSDT");
}

static int root_walk(struct acpi_tables *tt, uint64_t root_pa, bool xsdt,
		     acpi_map_fn map)
{
	int err = 0;
	const struct acpi_sdt_hdr *root = table_load(root_pa, map,
						     xsdt ? "XSDT" : "RSDT", &err);
	if (!root)
		return err;

	const uint8_t *b = (const uint8_t *)root;
	size_t esz = xsdt ? 8 : 4;
	size_t n = (root->length - sizeof(*root)) / esz;

	tt->xsdt = xsdt;
	tt->root_pa = root_pa;
	for (size_t i = 0; i < n; i++) {
		size_t off = sizeof(*root) + i * esz;
		uint64_t pa = xsdt ? rd64(b, off) : rd32(b, off);

		if (!pa)
			continue;
		table_add_pa(tt, pa, map, NULL);
	}
	/* Look for the FADT among what was kept (the loop above only ever
	 * appends, so the DSDT lands after the listed tables). */
	unsigned listed = tt->count;

	for (unsigned i = 0; i < listed; i++)
		if (memcmp(tt->t[i]->sig, "FACP", 4) == 0) {
			fadt_add_dsdt(tt, tt->t[i], map);
			break;
		}
	return 0;
}

int acpi_tables_load(struct acpi_tables *tt, uint64_t rsdp_pa, acpi_map_fn map)
{
	memset(tt, 0, sizeof(*tt));

	const uint8_t *rsdp = map(rsdp_pa, RSDP_V1_LEN);

	if (!rsdp)
		return -EFAULT;
	size_t avail = RSDP_V1_LEN;

	if (rsdp[15] >= 2) {
		/* Revision 2+: map the extended part too (its own length field
		 * is checked by acpi_rsdp_parse against what we mapped). */
		const uint8_t *r2 = map(rsdp_pa, RSDP_V2_LEN);

		if (r2) {
			rsdp = r2;
			avail = RSDP_V2_LEN;
		}
	}
	uint64_t root_pa;
	bool xsdt;
	int err = acpi_rsdp_parse(rsdp, avail, &root_pa, &xsdt);

	if (err)
		return err;
	err = root_walk(tt, root_pa, xsdt, map);
	if (err && xsdt) {
		uint32_t rsdt = rd32(rsdp, 16);

		pr_warn("acpi: XSDT at %#llx unusable (error %d)%s\n",
			(unsigned long long)root_pa, err,
			rsdt ? ", trying the RSDT" : "");
		if (rsdt) {
			memset(tt, 0, sizeof(*tt));
			err = root_walk(tt, rsdt, false, map);
		}
	}
	if (err)
		return err;
	return (int)tt->count;
}

const struct acpi_sdt_hdr *acpi_tables_find(const struct acpi_tables *tt,
					    const char sig[4], int index)
{
	if (!tt || index < 0)
		return NULL;
	for (unsigned i = 0; i < tt->count; i++)
		if (memcmp(tt->t[i]->sig, sig, 4) == 0 && index-- == 0)
			return tt->t[i];
	return NULL;
}

/* MADT (ACPI 6.5 §5.2.12): header, Local Interrupt Controller Address (32
 * bits at 36), Flags (at 40), then interrupt controller structures, each
 * starting with a type byte and a length byte (§5.2.12.1 onwards). */
#define MADT_ENTRIES_OFF 44

enum {
	MADT_LAPIC = 0,         /* Table 5.21, 8 bytes */
	MADT_IOAPIC = 1,        /* Table 5.23, 12 bytes */
	MADT_ISO = 2,           /* Table 5.25, 10 bytes */
	MADT_NMI_SRC = 3,       /* Table 5.27, 8 bytes */
	MADT_LAPIC_NMI = 4,     /* Table 5.28, 6 bytes */
	MADT_LAPIC_ADDR = 5,    /* Table 5.29, 12 bytes */
	MADT_X2APIC = 9,        /* Table 5.34, 16 bytes */
	MADT_X2APIC_NMI = 10,   /* Table 5.35, 12 bytes */
};

static unsigned madt_min_len(uint8_t type)
{
	switch (type) {
	case MADT_LAPIC: return 8;
	case MADT_IOAPIC: return 12;
	case MADT_ISO: return 10;
	case MADT_NMI_SRC: return 8;
	case MADT_LAPIC_NMI: return 6;
	case MADT_LAPIC_ADDR: return 12;
	case MADT_X2APIC: return 16;
	case MADT_X2APIC_NMI: return 12;
	default: return 2;
	}
}

/* Local APIC flags (Table 5.22): bit 0 Enabled, bit 1 Online Capable. */
static void madt_add_cpu(struct acpi_madt_info *m, uint32_t apic_id, uint32_t flags)
{
	if (!(flags & 3))
		return;
	if (m->ncpus < ACPI_MAX_CPUS)
		m->cpu_apic_id[m->ncpus++] = apic_id;
	else
		m->nignored++;
}

int acpi_madt_parse(const void *madt, size_t len, struct acpi_madt_info *out)
{
	const uint8_t *b = madt;

	memset(out, 0, sizeof(*out));
	if (!madt || len < MADT_ENTRIES_OFF)
		return -EINVAL;
	out->from_firmware = true;
	out->lapic_addr = rd32(b, 36);
	out->flags = rd32(b, 40);

	size_t off = MADT_ENTRIES_OFF;

	while (off < len) {
		if (len - off < 2) {
			pr_warn("acpi: MADT: truncated entry header at offset %u\n", (unsigned)off);
			return -EBADMSG;
		}
		uint8_t type = b[off], elen = b[off + 1];

		/* A length below 2 would never advance: reject it rather than
		 * loop forever. */
		if (elen < 2 || elen > len - off) {
			pr_warn("acpi: MADT: entry type %u at offset %u has bad length %u\n",
				type, (unsigned)off, elen);
			return -EBADMSG;
		}
		if (elen < madt_min_len(type)) {
			pr_warn("acpi: MADT: entry type %u at offset %u truncated (%u < %u bytes)\n",
				type, (unsigned)off, elen, madt_min_len(type));
			return -EBADMSG;
		}
		const uint8_t *e = b + off;

		switch (type) {
		case MADT_LAPIC:
			madt_add_cpu(out, rd8(e, 3), rd32(e, 4));
			break;
		case MADT_X2APIC:
			madt_add_cpu(out, rd32(e, 4), rd32(e, 8));
			break;
		case MADT_IOAPIC:
			if (out->nioapics < ACPI_MAX_IOAPICS) {
				struct acpi_ioapic *io = &out->ioapic[out->nioapics++];

				io->id = rd8(e, 2);
				io->addr = rd32(e, 4);
				io->gsi_base = rd32(e, 8);
			} else {
				out->nignored++;
			}
			break;
		case MADT_ISO:
			/* Only the ISA bus (0) is defined; its IRQs are 0..15. */
			if (rd8(e, 2) == 0 && rd8(e, 3) < 16 &&
			    out->noverrides < ACPI_MAX_OVERRIDES) {
				struct acpi_irq_override *o = &out->override[out->noverrides++];

				o->bus = rd8(e, 2);
				o->irq = rd8(e, 3);
				o->gsi = rd32(e, 4);
				o->flags = rd16(e, 8);
			} else {
				out->nignored++;
			}
			break;
		case MADT_LAPIC_ADDR:
			out->lapic_addr = rd64(e, 4);
			break;
		case MADT_NMI_SRC:
		case MADT_LAPIC_NMI:
		case MADT_X2APIC_NMI:
			out->nnmi++;
			break;
		default:
			out->nignored++;
			break;
		}
		off += elen;
	}
	return 0;
}

void acpi_madt_defaults(struct acpi_madt_info *out)
{
	memset(out, 0, sizeof(*out));
	out->lapic_addr = 0xfee00000;
	/* Without a MADT the one CPU known is the one running this; its
	 * APIC id is read from the LAPIC later (0 on QEMU's boot CPU). */
	out->ncpus = 1;
	out->flags = 1;             /* assume the 8259s are there: masking is harmless */
	out->nioapics = 1;
	out->ioapic[0].addr = 0xfec00000;
	/* On PC chipsets the ISA timer (IRQ 0) is wired to IOAPIC pin 2 (pin 0
	 * carries the 8259's ExtINT); QEMU's IOAPIC does the same. */
	out->noverrides = 1;
	out->override[0] = (struct acpi_irq_override){
		.bus = 0, .irq = 0, .gsi = 2, .flags = 0,
	};
}

const struct acpi_irq_override *acpi_isa_override(const struct acpi_madt_info *m,
						   unsigned irq)
{
	for (unsigned i = 0; i < m->noverrides; i++)
		if (m->override[i].bus == 0 && m->override[i].irq == irq)
			return &m->override[i];
	return NULL;
}

/* HPET description table (IA-PC HPET spec 1.0a §3.2.4, Table 3): event
 * timer block id at 36, base address as a Generic Address Structure at 40
 * (address space id at 40, 64-bit address at 44), HPET number at 52,
 * minimum tick at 53, page protection at 55. Address space 0 is memory. */
int acpi_hpet_parse(const void *hpet, size_t len, uint64_t *base)
{
	const uint8_t *b = hpet;

	if (!hpet || len < 56)
		return -EINVAL;
	if (rd8(b, 40) != 0)
		return -EINVAL;
	uint64_t a = rd64(b, 44);

	if (!a || (a & 0x3ff))
		return -EINVAL;     /* the register block is 1 KiB, aligned */
	*base = a;
	return 0;
}

/* Generic Address Structure at off (ACPI 6.5 §5.2.3.2, Table 5.1). */
static struct acpi_gas rd_gas(const uint8_t *b, size_t off)
{
	return (struct acpi_gas){
		.space = b[off], .bit_width = b[off + 1], .bit_offset = b[off + 2],
		.access_size = b[off + 3], .addr = rd64(b, off + 4),
	};
}

/* FADT fields (ACPI 6.5 Table 5.9): PM1a_CNT_BLK (32-bit port) at 64,
 * PM1b_CNT_BLK at 68, Flags at 112, X_PM1a_CNT_BLK (GAS) at 172,
 * X_PM1b_CNT_BLK at 184, SLEEP_CONTROL_REG (GAS) at 244. Later fields
 * exist only when the table is long enough (older revisions). */
int acpi_fadt_parse(const void *fadt, size_t len, struct acpi_fadt_info *out)
{
	const uint8_t *b = fadt;

	memset(out, 0, sizeof(*out));
	if (!fadt || len < 116)
		return -EINVAL;
	out->flags = rd32(b, 112);
	if (rd32(b, 64))
		out->pm1a_cnt = (struct acpi_gas){ .space = ACPI_GAS_IO, .bit_width = 16,
						   .addr = rd32(b, 64) };
	if (rd32(b, 68))
		out->pm1b_cnt = (struct acpi_gas){ .space = ACPI_GAS_IO, .bit_width = 16,
						   .addr = rd32(b, 68) };
	if (len >= 184 && rd64(b, 176))
		out->pm1a_cnt = rd_gas(b, 172);
	if (len >= 196 && rd64(b, 188))
		out->pm1b_cnt = rd_gas(b, 184);
	if (len >= 256)
		out->sleep_ctl = rd_gas(b, 244);
	return 0;
}

/* AML (ACPI 6.5 §20.2): DefName := NameOp(0x08) NameString DataRefObject;
 * DefPackage := PackageOp(0x12) PkgLength NumElements PackageElementList.
 * PkgLength's lead byte holds in bits 7:6 how many bytes follow (§20.2.4).
 * Integer constants: ZeroOp 0x00, OneOp 0x01, BytePrefix 0x0A, WordPrefix
 * 0x0B (§20.2.3). */
static int aml_small_int(const uint8_t *p, size_t avail, uint8_t *v, size_t *used)
{
	if (avail < 1)
		return -EBADMSG;
	switch (p[0]) {
	case 0x00: *v = 0; *used = 1; return 0;
	case 0x01: *v = 1; *used = 1; return 0;
	case 0x0a:
		if (avail < 2)
			return -EBADMSG;
		*v = p[1]; *used = 2; return 0;
	case 0x0b:
		if (avail < 3)
			return -EBADMSG;
		*v = p[1]; *used = 3; return 0;   /* SLP_TYP is 3 bits */
	default:
		return -EBADMSG;
	}
}

int acpi_aml_find_s5(const void *table, size_t len, uint8_t *typa, uint8_t *typb)
{
	const uint8_t *b = table;

	if (!table || len < sizeof(struct acpi_sdt_hdr) + 4)
		return -ENOENT;
	for (size_t i = sizeof(struct acpi_sdt_hdr) + 1; i + 4 <= len; i++) {
		if (memcmp(b + i, "_S5_", 4) != 0)
			continue;
		/* NameOp right before, possibly with the root prefix '\'. */
		if (!(b[i - 1] == 0x08 || (b[i - 1] == '\\' && i >= 2 && b[i - 2] == 0x08)))
			continue;
		size_t p = i + 4;

		if (p + 2 > len || b[p] != 0x12)
			return -EBADMSG;
		p++;
		size_t follow = b[p] >> 6;

		p += 1 + follow;                    /* skip PkgLength */
		if (p + 1 > len)
			return -EBADMSG;
		unsigned n = b[p++];                /* NumElements */
		size_t used;

		if (n < 1 || aml_small_int(b + p, len - p, typa, &used))
			return -EBADMSG;
		p += used;
		*typb = *typa;
		if (n >= 2 && aml_small_int(b + p, len - p, typb, &used))
			return -EBADMSG;
		*typa &= 7;
		*typb &= 7;
		return 0;
	}
	return -ENOENT;
}
