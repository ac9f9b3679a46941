// SPDX-License-Identifier: MIT
/* Host tests for the fw_cfg core (drivers/pvbus/fw_cfg.c): a simulated
 * device following QEMU's docs/specs/fw_cfg.rst, reached through both the
 * data register and DMA, then hostile devices (truncated or lying
 * directories, unterminated names, DMA that never completes or fails). */
#include <drivers/fw_cfg.h>
#include <drivers/pvbus.h>
#include <kern/errno.h>
#include "unit.h"

#define MAXITEMS 64
#define DIRMAX   (4 + 64 * MAXITEMS + 64)

struct item {
	uint16_t key;
	uint8_t *data;
	uint32_t size;
};

static struct sim {
	struct item items[MAXITEMS];
	int nitems;
	uint8_t dir[DIRMAX];
	uint32_t dirlen;
	uint16_t sel;
	uint32_t off;
	bool dma;            /* advertise DMA */
	bool dma_stuck;      /* never complete */
	bool dma_error;      /* complete with the error bit */
	bool no_device;      /* registers float */
	int reg_reads, dma_ops;
} S;

static void sim_reset(void)
{
	for (int i = 0; i < S.nitems; i++)
		free(S.items[i].data);
	memset(&S, 0, sizeof(S));
}

static void add_item(uint16_t key, const void *data, uint32_t size)
{
	struct item *it = &S.items[S.nitems++];

	it->key = key;
	it->size = size;
	it->data = malloc(size ? size : 1);
	memcpy(it->data, data, size);
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
}

/* A device: signature, ID, and files laid out as QEMU does. */
static void sim_qemu(bool dma, int nfiles, const char *const *names,
		     const void *const *data, const uint32_t *sizes)
{
	uint32_t id = 1 | (dma ? 2 : 0);

	sim_reset();
	S.dma = dma;
	add_item(FW_CFG_SIGNATURE, "QEMU", 4);
	add_item(FW_CFG_ID, &id, 4);
	put_be32(S.dir, (uint32_t)nfiles);
	S.dirlen = 4;
	for (int i = 0; i < nfiles; i++) {
		uint8_t *e = S.dir + 4 + 64 * i;
		uint16_t key = (uint16_t)(FW_CFG_FILE_FIRST + i);

		put_be32(e, sizes[i]);
		e[4] = key >> 8;
		e[5] = key & 0xff;
		strncpy((char *)e + 8, names[i], 56);
		add_item(key, data[i], sizes[i]);
		S.dirlen += 64;
	}
	add_item(FW_CFG_FILE_DIR, S.dir, S.dirlen);
}

static struct item *find_item(uint16_t key)
{
	for (int i = 0; i < S.nitems; i++)
		if (S.items[i].key == key)
			return &S.items[i];
	return NULL;
}

/* Reads past an item's end give zeros (fw_cfg.rst, Data Register). */
static void sim_copy(void *buf, size_t n)
{
	struct item *it = find_item(S.sel);
	uint8_t *p = buf;

	for (size_t i = 0; i < n; i++, S.off++)
		p[i] = (it && S.off < it->size) ? it->data[S.off] : 0;
}

static void op_select(void *ctx, uint16_t key)
{
	(void)ctx;
	S.sel = key;
	S.off = 0;
}

static void op_read(void *ctx, void *buf, size_t n)
{
	(void)ctx;
	S.reg_reads++;
	if (S.no_device) {
		memset(buf, 0xff, n);
		return;
	}
	sim_copy(buf, n);
}

static uint64_t op_dma_probe(void *ctx)
{
	(void)ctx;
	return S.dma ? FW_CFG_DMA_SIGNATURE : 0;
}

static uint32_t rd_be32(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3];
}

static void op_dma_kick(void *ctx, uint64_t pa)
{
	struct fw_cfg_dma_access *a = (void *)(uintptr_t)pa;
	uint32_t ctl = rd_be32(&a->control), len = rd_be32(&a->length);
	uint64_t addr = (uint64_t)rd_be32(&a->address) << 32 |
			rd_be32((uint8_t *)&a->address + 4);

	(void)ctx;
	S.dma_ops++;
	if (S.dma_stuck)
		return;
	if (S.dma_error) {
		a->control = __builtin_bswap32(FW_CFG_DMA_ERROR);
		return;
	}
	if (ctl & FW_CFG_DMA_SELECT)
		op_select(NULL, ctl >> 16);
	if (ctl & FW_CFG_DMA_READ)
		sim_copy((void *)(uintptr_t)addr, len);
	else if (ctl & FW_CFG_DMA_SKIP)
		S.off += len;
	else if (ctl & FW_CFG_DMA_WRITE) {
		a->control = __builtin_bswap32(FW_CFG_DMA_ERROR);
		return;
	}
	a->control = 0;
}

static const struct fw_cfg_ops sim_ops = { op_select, op_read, op_dma_probe, op_dma_kick };

static uint8_t pattern[70000];
static char name55[56];
static char out[PVBUS_KV_MAX];

static void make_pattern(void)
{
	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (uint8_t)((i * 7 + (i >> 8)) & 0xff);
	memset(name55, 0, sizeof(name55));
	memcpy(name55, "opt/org.example/", 16);
	memset(name55 + 16, 'n', 55 - 16);
}

static void standard_device(bool dma)
{
	static const char *names[4];
	static const void *data[4];
	static uint32_t sizes[4];

	make_pattern();
	names[0] = "opt/org.example/greeting"; data[0] = "hello"; sizes[0] = 5;
	names[1] = "opt/org.example/big"; data[1] = pattern; sizes[1] = 65535;
	names[2] = name55; data[2] = "long name"; sizes[2] = 9;
	names[3] = "opt/org.example/huge"; data[3] = pattern; sizes[3] = 70000;
	sim_qemu(dma, 4, names, data, sizes);
}

static void read_all_checks(struct fw_cfg *fc)
{
	struct pvbus_store st = { "t", &fw_cfg_store_ops, fc, NULL };
	char small[5];

	CHECK_EQ(st.ops->read(fc, "opt/org.example/greeting", out, sizeof(out)), 5);
	CHECK_STR(out, "hello");
	CHECK_EQ(st.ops->read(fc, "opt/org.example/big", out, sizeof(out)), 65535);
	CHECK(memcmp(out, pattern, 65535) == 0);
	CHECK_EQ(out[65535], 0);
	CHECK_EQ(st.ops->read(fc, name55, out, sizeof(out)), 9);
	CHECK_STR(out, "long name");
	CHECK_EQ(st.ops->read(fc, "opt/org.example/huge", out, sizeof(out)), -ERANGE);
	CHECK_EQ(st.ops->read(fc, "opt/org.example/greeting", small, sizeof(small)), -ERANGE);
	CHECK_EQ(st.ops->read(fc, "opt/org.example/missing", out, sizeof(out)), -ENOENT);
	/* Names longer than 55 characters can't exist. */
	CHECK_EQ(st.ops->read(fc, "opt/org.example/nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnx",
			      out, sizeof(out)), -ENOENT);
	CHECK_EQ(st.ops->write(fc, "opt/org.example/greeting", "x"), -EPERM);
	CHECK_EQ(st.ops->list(fc, "opt/org.example/g", out, sizeof(out)), 25);
	CHECK_STR(out, "opt/org.example/greeting\n");
	CHECK(st.ops->list(fc, "", out, sizeof(out)) > 0);
	CHECK(strstr(out, name55) != NULL);
	CHECK_EQ(st.ops->list(fc, "", out, 30), -ERANGE);
}

UNIT(port_interface_reads_items)
{
	struct fw_cfg fc;

	standard_device(false);
	CHECK_EQ(fw_cfg_probe(&fc, &sim_ops, NULL, "sim"), 0);
	CHECK(!fc.has_dma);
	CHECK_EQ(fc.xfer, FW_CFG_XFER_REG);
	CHECK_EQ(fw_cfg_set_xfer(&fc, FW_CFG_XFER_DMA), -EOPNOTSUPP);
	read_all_checks(&fc);
	CHECK_EQ(S.dma_ops, 0);
}

UNIT(dma_interface_reads_items)
{
	struct fw_cfg fc;
	int reads;

	standard_device(true);
	CHECK_EQ(fw_cfg_probe(&fc, &sim_ops, NULL, "sim"), 0);
	CHECK(fc.has_dma);
	CHECK_EQ(fc.xfer, FW_CFG_XFER_DMA);
	reads = S.reg_reads;
	read_all_checks(&fc);
	CHECK(S.dma_ops > 0);
	CHECK_EQ(S.reg_reads, reads);
	/* And the same device through the data register. */
	CHECK_EQ(fw_cfg_set_xfer(&fc, FW_CFG_XFER_REG), 0);
	S.dma_ops = 0;
	read_all_checks(&fc);
	CHECK_EQ(S.dma_ops, 0);
}

UNIT(dma_bit_without_signature_is_not_trusted)
{
	struct fw_cfg fc;

	standard_device(true);
	S.dma = false;          /* keeps the ID bit, loses the register */
	find_item(FW_CFG_ID)->data[0] = 3;
	CHECK_EQ(fw_cfg_probe(&fc, &sim_ops, NULL, "sim"), 0);
	CHECK(!fc.has_dma);
}

UNIT(no_device_no_signature)
{
	struct fw_cfg fc;

	sim_reset();
	S.no_device = true;
	CHECK_EQ(fw_cfg_probe(&fc, &sim_ops, NULL, "sim"), -ENODEV);
}

UNIT(dma_never_completing_is_bounded)
{
	struct fw_cfg fc;
	struct fw_cfg_file f;

	standard_device(true);
	CHECK_EQ(fw_cfg_probe(&fc, &sim_ops, NULL, "sim"), 0);
	S.dma_stuck = true;
	CHECK_EQ(fw_cfg_find(&fc, "opt/org.example/greeting", &f), -ETIMEDOUT);
	/* Abandoned: back on the data register, DMA refused from now on. */
	CHECK(fc.broken);
	CHECK_EQ(fc.xfer, FW_CFG_XFER_REG);
	CHECK_EQ(fw_cfg_set_xfer(&fc, FW_CFG_XFER_DMA), -EOPNOTSUPP);
	CHECK_EQ(fw_cfg_find(&fc, "opt/org.example/greeting", &f), 0);
}

UNIT(dma_error_bit_is_eio)
{
	struct fw_cfg fc;

	standard_device(true);
	CHECK_EQ(fw_cfg_probe(&fc, &sim_ops, NULL, "sim"), 0);
	S.dma_error = true;
	CHECK_EQ(fw_cfg_store_ops.read(&fc, "opt/org.example/greeting", out, sizeof(out)), -EIO);
}

UNIT(directory_parser_rejects_bad_entries)
{
	struct fw_cfg_dir_entry e;
	struct fw_cfg_file f;

	memset(&e, 0, sizeof(e));
	put_be32((uint8_t *)&e.size, 1234);
	e.select = __builtin_bswap16(0x0025);
	strcpy(e.name, "opt/x");
	CHECK_EQ(fw_cfg_dir_parse(&e, &f), 0);
	CHECK_EQ(f.size, 1234);
	CHECK_EQ(f.select, 0x25);
	CHECK_STR(f.name, "opt/x");
	e.select = __builtin_bswap16(0x0019);
	CHECK_EQ(fw_cfg_dir_parse(&e, &f), -EBADMSG);
	e.select = __builtin_bswap16(0x4020);
	CHECK_EQ(fw_cfg_dir_parse(&e, &f), -EBADMSG);
	e.select = __builtin_bswap16(0x0025);
	memset(e.name, 'a', sizeof(e.name));     /* no NUL */
	CHECK_EQ(fw_cfg_dir_parse(&e, &f), -EBADMSG);
	memset(e.name, 0, sizeof(e.name));       /* empty */
	CHECK_EQ(fw_cfg_dir_parse(&e, &f), -EBADMSG);
}

/* The directory claims more entries than it holds: the missing ones read
 * as zeros, and the walk ends at the first of them; a directory of
 * entries that are all invalid but not zero is bounded by the key space. */
UNIT(truncated_and_lying_directory)
{
	static const char *names[] = { "opt/a", "opt/b" };
	static const void *data[] = { "A", "B" };
	static const uint32_t sizes[] = { 1, 1 };
	struct fw_cfg fc;
	struct fw_cfg_file f;

	for (int dma = 0; dma < 2; dma++) {
		sim_qemu(dma, 2, names, data, sizes);
		put_be32(S.dir, 0xffffffff);
		memcpy(find_item(FW_CFG_FILE_DIR)->data, S.dir, 4);
		CHECK_EQ(fw_cfg_probe(&fc, &sim_ops, NULL, "sim"), 0);
		CHECK_EQ(fw_cfg_find(&fc, "opt/b", &f), 0);
		S.reg_reads = S.dma_ops = 0;
		CHECK_EQ(fw_cfg_find(&fc, "opt/zzz", &f), -ENOENT);
		/* The count, the two entries and the zero one after them. */
		CHECK(S.reg_reads + S.dma_ops <= 4);
		CHECK_EQ(fw_cfg_store_ops.list(&fc, "", out, sizeof(out)), 12);
		CHECK_STR(out, "opt/a\nopt/b\n");
	}
}

UNIT(unterminated_name_entry_skipped)
{
	static const char *names[] = { "opt/a", "opt/b" };
	static const void *data[] = { "A", "B" };
	static const uint32_t sizes[] = { 1, 1 };
	struct fw_cfg fc;
	struct fw_cfg_file f;

	sim_qemu(false, 2, names, data, sizes);
	memset(find_item(FW_CFG_FILE_DIR)->data + 4 + 8, 'x', 56);
	CHECK_EQ(fw_cfg_probe(&fc, &sim_ops, NULL, "sim"), 0);
	CHECK_EQ(fw_cfg_find(&fc, "opt/a", &f), -ENOENT);
	CHECK_EQ(fw_cfg_find(&fc, "opt/b", &f), 0);
}

/* The directory says a file is bigger than the item: the rest reads as
 * zeros, never past our buffer. */
UNIT(size_larger_than_item)
{
	static const char *names[] = { "opt/a" };
	static const void *data[] = { "AB" };
	static const uint32_t sizes[] = { 2 };
	struct fw_cfg fc;

	sim_qemu(true, 1, names, data, sizes);
	put_be32(find_item(FW_CFG_FILE_DIR)->data + 4, 10);
	CHECK_EQ(fw_cfg_probe(&fc, &sim_ops, NULL, "sim"), 0);
	CHECK_EQ(fw_cfg_store_ops.read(&fc, "opt/a", out, sizeof(out)), 10);
	CHECK(memcmp(out, "AB\0\0\0\0\0\0\0\0", 11) == 0);
	CHECK_EQ(fw_cfg_store_ops.read(&fc, "opt/a", out, 10), -ERANGE);
}

UNIT(registered_as_pvbus_store)
{
	static struct fw_cfg fc;

	standard_device(true);
	CHECK_EQ(fw_cfg_probe(&fc, &sim_ops, NULL, "sim"), 0);
	CHECK(fw_cfg_get() == NULL);
	CHECK_EQ(fw_cfg_register(&fc), 0);
	CHECK(fw_cfg_get() == &fc);
	CHECK_EQ(fw_cfg_register(&fc), -EEXIST);
	CHECK_EQ(pvbus_kv_read(NULL, "opt/org.example/greeting", out, sizeof(out)), 5);
	CHECK_STR(out, "hello");
	CHECK_EQ(pvbus_kv_read("fw_cfg", "opt/org.example/greeting", out, 5), -ERANGE);
	CHECK_EQ(pvbus_kv_read("fw_cfg", "nope", out, sizeof(out)), -ENOENT);
	CHECK_EQ(pvbus_kv_write(NULL, "opt/org.example/greeting", "x"), -EPERM);
	CHECK_EQ(pvbus_kv_read("fw_cfg", "opt/org.example/big", out, sizeof(out)), 65535);
	fw_cfg_store_ops.describe(&fc, out, 200);
	CHECK(strstr(out, "DMA offered") != NULL);
}

UNIT_MAIN()
