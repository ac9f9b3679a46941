// SPDX-License-Identifier: MIT
/* FDT parser against hostile blobs. fdt_check must reject every broken
 * layout with an error (never crash, never hang, never read past the
 * buffer: each blob sits in a malloc of exactly its size under ASan), and
 * every reader must stay safe on whatever it is handed, checked or not. */
#include "unit.h"
#include "fdt/fdt_test_util.h"

/* A small valid tree to break in different ways. */
static void b_small(struct fdt_bld *b)
{
	static const uint32_t reg[] = { 0x0, 0x1000, 0x0, 0x100 };

	b_init(b);
	b_begin(b, "");
	b_prop_u32(b, "#address-cells", 2);
	b_prop_u32(b, "#size-cells", 2);
	b_begin(b, "dev@1000");
	b_prop_str(b, "compatible", "test,dev");
	b_prop_cells(b, "reg", reg, 4);
	b_end(b);
	b_end(b);
}

/* Build, then check; poke too when the checked size fits the buffer. */
static int check_built(const struct fdt_bld *b)
{
	size_t size;
	uint8_t *p = b_blob(b, &size);
	int r = fdt_check(p, size);

	fdt_poke(p, 64);
	free(p);
	return r;
}

static uint8_t *small_blob(size_t *size)
{
	struct fdt_bld *b = malloc(sizeof(*b));
	uint8_t *p;

	b_small(b);
	b_tok(b, FDT_END);
	p = b_blob(b, size);
	free(b);
	return p;
}

/* Check a copy of the small blob with one header word changed. */
static int check_hdr(int field, uint32_t v, size_t maxsize_delta)
{
	size_t size;
	uint8_t *p = small_blob(&size);
	int r;

	put_be32(p + field, v);
	r = fdt_check(p, size + maxsize_delta);
	if (fdt_totalsize(p) <= size)
		fdt_poke(p, 64);
	free(p);
	return r;
}

UNIT(fdt_hostile_header)
{
	size_t size;
	uint8_t *p = small_blob(&size);
	uint64_t a, s;

	CHECK_EQ(fdt_check(p, size), 0);
	CHECK_EQ(fdt_reg(p, fdt_find_node(p, "/dev"), 0, &a, &s), 0);
	CHECK_EQ(a, 0x1000);
	CHECK_EQ(fdt_check(p, 0), -EINVAL);
	CHECK_EQ(fdt_check(p, 3), -EINVAL);
	CHECK_EQ(fdt_check(p, 39), -EBADMSG);
	CHECK_EQ(fdt_check(p, size - 1), -E2BIG);
	CHECK_EQ(fdt_root(NULL), -EINVAL);
	free(p);

	CHECK_EQ(check_hdr(0, 0xedfe0dd0, 0), -EINVAL);         /* magic */
	CHECK_EQ(check_hdr(4, 0, 0), -EBADMSG);                 /* totalsize */
	CHECK_EQ(check_hdr(4, 39, 0), -EBADMSG);
	CHECK_EQ(check_hdr(4, 0xfffffff0, (size_t)1 << 40), -EBADMSG);
	CHECK_EQ(check_hdr(20, 16, 0), -EPROTO);                /* version */
	CHECK_EQ(check_hdr(24, 18, 0), -EPROTO);                /* last_comp */
	/* Structure block: misaligned, inside the header, past the end,
	 * wrapping, empty, ragged size. */
	CHECK_EQ(check_hdr(8, 58, 0), -EBADMSG);
	CHECK_EQ(check_hdr(8, 0, 0), -EBADMSG);
	CHECK_EQ(check_hdr(8, 0x1000, 0), -EBADMSG);
	CHECK_EQ(check_hdr(8, 0xfffffff0, 0), -EBADMSG);
	CHECK_EQ(check_hdr(36, 0xfffffffc, 0), -EBADMSG);
	CHECK_EQ(check_hdr(36, 0, 0), -EBADMSG);
	CHECK_EQ(check_hdr(36, 6, 0), -EBADMSG);
	/* Strings block out of bounds. */
	CHECK_EQ(check_hdr(12, 0xffffff00, 0), -EBADMSG);
	CHECK_EQ(check_hdr(32, 0xffffff00, 0), -EBADMSG);
	CHECK_EQ(check_hdr(12, 8, 0), -EBADMSG);
	/* Reservation block: misaligned, past the end, in the header. */
	CHECK_EQ(check_hdr(16, 44, 0), -EBADMSG);
	CHECK_EQ(check_hdr(16, 0xfffffff8, 0), -EBADMSG);
	CHECK_EQ(check_hdr(16, 0, 0), -EBADMSG);
}

UNIT(fdt_hostile_rsvmap)
{
	struct fdt_bld *b = malloc(sizeof(*b));
	struct fdt_mem_range r[2];
	size_t size;
	uint8_t *p;

	b_small(b);
	b_tok(b, FDT_END);
	b->rsv[0][0] = 0x1000;
	b->rsv[0][1] = 0x2000;
	b->nrsv = 1;
	p = b_blob(b, &size);
	CHECK_EQ(fdt_check(p, size), 0);
	CHECK_EQ(fdt_mem_rsvmap(p, r, 2), 1);
	/* Wrapping entry. */
	put_be64(p + 40, 0xfffffffffffff000);
	CHECK_EQ(fdt_check(p, size), -EBADMSG);
	CHECK_EQ(fdt_mem_rsvmap(p, r, 2), -EBADMSG);
	free(p);

	/* No terminator: the entries run to the end of the blob. Point the
	 * block at the last 16 bytes of the blob and make them nonzero. */
	b_small(b);
	b_tok(b, FDT_END);
	b_stroff(b, "fill-the-strings-block-up");
	p = b_blob(b, &size);
	size &= ~(size_t)7;
	put_be32(p + 4, (uint32_t)size);
	put_be32(p + 16, (uint32_t)size - 16);
	memset(p + size - 16, 0xaa, 16);
	put_be32(p + 32, (uint32_t)size - 16 - fdt_be32(p + 12));
	CHECK_EQ(fdt_check(p, size), -EBADMSG);
	CHECK_EQ(fdt_mem_rsvmap(p, r, 2), -EBADMSG);
	free(p);
	free(b);
}

UNIT(fdt_hostile_structure)
{
	struct fdt_bld *b = malloc(sizeof(*b));
	uint32_t bad = 0;

	/* Baseline, and NOPs anywhere are fine. */
	b_small(b);
	b_tok(b, FDT_END);
	CHECK_EQ(check_built(b), 0);
	b_init(b);
	b_tok(b, FDT_NOP);
	b_begin(b, "");
	b_tok(b, FDT_NOP);
	b_prop_str(b, "model", "x");
	b_tok(b, FDT_NOP);
	b_begin(b, "kid");
	b_tok(b, FDT_NOP);
	b_end(b);
	b_tok(b, FDT_NOP);
	b_end(b);
	b_tok(b, FDT_NOP);
	b_tok(b, FDT_END);
	{
		size_t size;
		uint8_t *p = b_blob(b, &size);

		CHECK_EQ(fdt_check(p, size), 0);
		CHECK_EQ(fdt_root(p), 4);
		CHECK_STR(fdt_get_string(p, fdt_root(p), "model"), "x");
		CHECK_STR(fdt_node_name(p, fdt_first_child(p, fdt_root(p)), NULL), "kid");
		CHECK_EQ(fdt_find_node(p, "/kid"), fdt_first_child(p, fdt_root(p)));
		CHECK_EQ(fdt_next_sibling(p, fdt_find_node(p, "/kid")), -ENOENT);
		free(p);
	}

	/* Missing FDT_END. */
	b_small(b);
	CHECK_EQ(check_built(b), -EBADMSG);
	/* FDT_END inside the root. */
	b_small(b);
	b->nst -= 4;
	b_tok(b, FDT_END);
	CHECK_EQ(check_built(b), -EBADMSG);
	/* An extra END_NODE. */
	b_small(b);
	b_end(b);
	b_tok(b, FDT_END);
	CHECK_EQ(check_built(b), -EBADMSG);
	/* Two roots. */
	b_small(b);
	b_begin(b, "");
	b_end(b);
	b_tok(b, FDT_END);
	CHECK_EQ(check_built(b), -EBADMSG);
	/* Properties outside any node. */
	b_init(b);
	b_prop_u32(b, "x", 1);
	b_begin(b, "");
	b_end(b);
	b_tok(b, FDT_END);
	CHECK_EQ(check_built(b), -EBADMSG);
	b_small(b);
	b_prop_u32(b, "x", 1);
	b_tok(b, FDT_END);
	CHECK_EQ(check_built(b), -EBADMSG);
	/* A property after a child node (§5.4.2 puts them first). */
	b_init(b);
	b_begin(b, "");
	b_begin(b, "kid");
	b_end(b);
	b_prop_u32(b, "late", 1);
	b_end(b);
	b_tok(b, FDT_END);
	CHECK_EQ(check_built(b), -EBADMSG);
	/* A token after FDT_END; an unknown token; nothing at all. */
	b_small(b);
	b_tok(b, FDT_END);
	b_tok(b, FDT_NOP);
	CHECK_EQ(check_built(b), -EBADMSG);
	b_small(b);
	b_tok(b, 5);
	b_tok(b, FDT_END);
	CHECK_EQ(check_built(b), -EBADMSG);
	b_init(b);
	b_tok(b, FDT_END);
	CHECK_EQ(check_built(b), -EBADMSG);
	/* Huge property lengths. */
	for (int i = 0; i < 4; i++) {
		static const uint32_t lens[] = { 0xffffffff, 0x7ffffff0, 0x80000000, 64 };

		b_init(b);
		b_begin(b, "");
		b_tok(b, FDT_PROP);
		b_tok(b, lens[i]);
		b_tok(b, b_stroff(b, "p"));
		b_raw(b, "ab\0\0", 4);
		b_end(b);
		b_tok(b, FDT_END);
		bad += check_built(b) != -EBADMSG;
	}
	CHECK_EQ(bad, 0);
	/* A property header cut by the end of the block. */
	b_init(b);
	b_begin(b, "");
	b_end(b);
	b_tok(b, FDT_PROP);
	b_tok(b, 0);
	CHECK_EQ(check_built(b), -EBADMSG);
	/* Name offsets: past the strings block, at its very end, into an
	 * unterminated last string, onto an empty name. */
	b_init(b);
	b_begin(b, "");
	b_tok(b, FDT_PROP);
	b_tok(b, 0);
	b_tok(b, 0x10000);
	b_end(b);
	b_tok(b, FDT_END);
	CHECK_EQ(check_built(b), -EBADMSG);
	b_small(b);
	b_tok(b, FDT_END);
	b->nstr--;      /* drop the last name's NUL */
	CHECK_EQ(check_built(b), -EBADMSG);
	b_init(b);
	b_stroff(b, "x");
	b_begin(b, "");
	b_tok(b, FDT_PROP);
	b_tok(b, 0);
	b_tok(b, 1);    /* "x"'s NUL: an empty name */
	b_end(b);
	b_tok(b, FDT_END);
	CHECK_EQ(check_built(b), -EBADMSG);
	/* Node names: unterminated up to the block's end, containing '/',
	 * empty (for a child). */
	b_init(b);
	b_begin(b, "");
	b_tok(b, FDT_BEGIN_NODE);
	b_raw(b, "abcdefgh", 8);
	CHECK_EQ(check_built(b), -EBADMSG);
	b_init(b);
	b_begin(b, "");
	b_begin(b, "a/b");
	b_end(b);
	b_end(b);
	b_tok(b, FDT_END);
	CHECK_EQ(check_built(b), -EBADMSG);
	b_init(b);
	b_begin(b, "");
	b_begin(b, "");
	b_end(b);
	b_end(b);
	b_tok(b, FDT_END);
	CHECK_EQ(check_built(b), -EBADMSG);
	free(b);
}

/* Nest depth levels of "n" below the root. */
static void b_deep(struct fdt_bld *b, int depth, bool close)
{
	b_init(b);
	b_begin(b, "");
	for (int i = 0; i < depth; i++) {
		b_begin(b, "n");
		if (i > FDT_MAX_DEPTH + 2)
			continue;       /* keep absurd depths within the builder */
		b_prop_u32(b, "#address-cells", 1);
		b_prop_u32(b, "#size-cells", 1);
		b_prop(b, "ranges", NULL, 0);
	}
	b_prop_cells(b, "reg", (uint32_t[]){ 0x40, 0x4 }, 2);
	if (close)
		for (int i = 0; i <= depth; i++)
			b_end(b);
	b_tok(b, FDT_END);
}

UNIT(fdt_hostile_depth)
{
	struct fdt_bld *b = malloc(sizeof(*b));
	char path[2 * FDT_MAX_DEPTH + 2];
	size_t size;
	uint8_t *p;
	int n;

	/* The deepest tree allowed parses and every reader copes with it. */
	b_deep(b, FDT_MAX_DEPTH, true);
	p = b_blob(b, &size);
	CHECK_EQ(fdt_check(p, size), 0);
	for (n = 0; n < FDT_MAX_DEPTH; n++)
		memcpy(path + 2 * n, "/n", 2);
	path[2 * n] = 0;
	n = fdt_find_node(p, path);
	CHECK(n > 0);
	CHECK_EQ(fdt_depth(p, n), FDT_MAX_DEPTH);
	CHECK_EQ(fdt_get_path(p, n, path, sizeof(path)), 2 * FDT_MAX_DEPTH);
	/* Translated through FDT_MAX_DEPTH identity ranges. */
	{
		uint64_t a = 0, sz = 0;

		CHECK_EQ(fdt_reg(p, n, 0, &a, &sz), 0);
		CHECK_EQ(a, 0x40);
		CHECK_EQ(sz, 4);
	}
	fdt_poke(p, 1000);
	free(p);

	/* One more level is rejected; so are absurd depths, and unclosed
	 * ones. The readers still must not overflow their stacks. */
	b_deep(b, FDT_MAX_DEPTH + 1, true);
	CHECK_EQ(check_built(b), -EBADMSG);
	b_deep(b, 20000, true);
	CHECK_EQ(check_built(b), -EBADMSG);
	b_deep(b, 20000, false);
	p = b_blob(b, &size);
	CHECK_EQ(fdt_check(p, size), -EBADMSG);
	for (n = fdt_root(p); n >= 0; n = fdt_next_node(p, n, NULL))
		if (fdt_depth(p, n) < 0)
			break;
	CHECK_EQ(fdt_depth(p, n), -EBADMSG);
	CHECK_EQ(fdt_parent(p, n), -EBADMSG);
	free(p);
	free(b);
}

/* Well-formed structure, nonsense contents: the semantic readers must
 * answer with errors. */
UNIT(fdt_hostile_semantics)
{
	struct fdt_bld *b = malloc(sizeof(*b));
	struct fdt_irq irq;
	struct fdt_mem_range mr[2];
	struct fdt_pci_range pr[2];
	uint64_t a, s;
	size_t size;
	uint8_t *p;
	int n;

	b_init(b);
	b_begin(b, "");
	b_prop_u32(b, "#address-cells", 2);
	b_prop_u32(b, "#size-cells", 2);
	b_prop_u32(b, "interrupt-parent", 0x77);       /* dangling */
	b_begin(b, "aliases");
	b_prop(b, "unterminated", "/bus", 4);
	b_prop_str(b, "empty", "");
	b_end(b);
	b_begin(b, "chosen");
	b_prop(b, "bootargs", "abc", 3);
	b_prop_str(b, "stdout-path", "unterminated:9600");
	b_prop_u32(b, "linux,initrd-start", 0x2000);
	b_prop_u32(b, "linux,initrd-end", 0x1000);
	b_end(b);
	b_begin(b, "memory@0");
	b_prop_str(b, "device_type", "memory");
	b_prop_cells(b, "reg", (uint32_t[]){ 0xffffffff, 0xfffff000, 0, 0x2000 }, 4);
	b_end(b);
	b_begin(b, "bigcells");
	b_prop_u32(b, "#address-cells", 0xffffffff);
	b_prop_u32(b, "#size-cells", 3);
	b_prop_u32(b, "#interrupt-cells", 1000);
	b_begin(b, "kid");
	b_prop_u32(b, "reg", 0);
	b_prop_u32(b, "interrupts", 1);
	b_end(b);
	b_end(b);
	b_begin(b, "wrap");    /* ranges onto the top of the address space */
	b_prop_u32(b, "#address-cells", 1);
	b_prop_u32(b, "#size-cells", 1);
	b_prop_cells(b, "ranges", (uint32_t[]){ 0, 0xffffffff, 0xffffff00, 0x1000,
					       0x2000, 0, 0, 0x10 }, 8);
	b_begin(b, "top@200");
	b_prop_cells(b, "reg", (uint32_t[]){ 0x200, 0x10 }, 2);
	b_end(b);
	b_begin(b, "ragged@2000");
	b_prop_cells(b, "reg", (uint32_t[]){ 0x2000, 0x10 }, 2);
	b_end(b);
	b_end(b);
	b_begin(b, "ragged");
	b_prop_u32(b, "#address-cells", 1);
	b_prop_u32(b, "#size-cells", 1);
	b_prop_cells(b, "ranges", (uint32_t[]){ 0, 0, 0, 0x10, 0 }, 5);
	b_begin(b, "kid@0");
	b_prop_cells(b, "reg", (uint32_t[]){ 0, 0x10 }, 2);
	b_end(b);
	b_end(b);
	b_begin(b, "wide");    /* 3-cell addresses reaching the root */
	b_prop_u32(b, "#address-cells", 3);
	b_prop_u32(b, "#size-cells", 1);
	b_prop(b, "ranges", NULL, 0);
	b_begin(b, "kid@1,0");
	b_prop_cells(b, "reg", (uint32_t[]){ 1, 0, 0, 0x10 }, 4);
	b_end(b);
	b_end(b);
	b_begin(b, "ctrl");
	b_prop(b, "interrupt-controller", NULL, 0);
	b_prop_u32(b, "#interrupt-cells", 2);
	b_prop_u32(b, "phandle", 1);
	b_end(b);
	b_begin(b, "nexus");
	b_prop_u32(b, "phandle", 2);
	b_prop_u32(b, "#interrupt-cells", 1);
	b_prop_u32(b, "#address-cells", 0);
	/* Entry 1 is fine; entry 2 is cut short in its parent specifier. */
	b_prop_cells(b, "interrupt-map", (uint32_t[]){ 1, 1, 5, 6, 2, 1, 7 }, 7);
	b_end(b);
	b_begin(b, "badmask");
	b_prop_u32(b, "phandle", 3);
	b_prop_u32(b, "#interrupt-cells", 1);
	b_prop_u32(b, "#address-cells", 0);
	b_prop_cells(b, "interrupt-map-mask", (uint32_t[]){ 1, 1 }, 2);
	b_prop_cells(b, "interrupt-map", (uint32_t[]){ 1, 1, 5, 6 }, 4);
	b_end(b);
	b_begin(b, "dev");
	b_prop_u32(b, "interrupt-parent", 1);
	b_prop_cells(b, "interrupts", (uint32_t[]){ 1, 2, 3 }, 3);      /* ragged */
	b_prop_cells(b, "interrupts-extended",
		     (uint32_t[]){ 2, 1, 2, 2, 3, 1, 0x55, 1, 1, 2 }, 10);
	b_prop(b, "status", "okay", 4);  /* unterminated */
	b_prop(b, "compatible", "abc", 3);
	b_end(b);
	b_end(b);
	b_tok(b, FDT_END);
	p = b_blob(b, &size);
	CHECK_EQ(fdt_check(p, size), 0);

	CHECK_EQ(fdt_find_node(p, "unterminated"), -EINVAL);
	CHECK_EQ(fdt_find_node(p, "empty"), -EINVAL);
	CHECK(fdt_bootargs(p) == NULL);
	CHECK_EQ(fdt_stdout_path(p, NULL), -EINVAL);
	CHECK_EQ(fdt_initrd(p, &a, &s), -EINVAL);
	/* The only memory region wraps: dropped, nothing left. */
	CHECK_EQ(fdt_memory(p, mr, 2), 0);
	CHECK_EQ(fdt_psci_method(p), -ENOENT);
	n = fdt_find_node(p, "/bigcells/kid");
	CHECK_EQ(fdt_address_cells(p, n), -EINVAL);
	CHECK_EQ(fdt_reg(p, n, 0, &a, &s), -EINVAL);
	CHECK_EQ(fdt_interrupts(p, n, 0, &irq), -EINVAL);
	CHECK_EQ(fdt_reg(p, fdt_find_node(p, "/wrap/top"), 0, &a, &s), -EOVERFLOW);
	CHECK_EQ(fdt_reg(p, fdt_find_node(p, "/wrap/ragged"), 0, &a, &s), 0);
	CHECK_EQ(a, 0);
	CHECK_EQ(fdt_reg(p, fdt_find_node(p, "/ragged/kid"), 0, &a, &s), -EINVAL);
	CHECK_EQ(fdt_reg(p, fdt_find_node(p, "/wide/kid"), 0, &a, &s), -EOVERFLOW);
	CHECK_EQ(fdt_reg_raw(p, fdt_find_node(p, "/wide/kid"), 0, &a, &s), -EOVERFLOW);
	CHECK_EQ(fdt_pci_ranges(p, fdt_find_node(p, "/wide"), pr, 2), -EINVAL);
	n = fdt_find_node(p, "/dev");
	CHECK(!fdt_node_enabled(p, n));
	CHECK(!fdt_compatible(p, n, "abc"));
	CHECK_EQ(fdt_stringlist_count(p, n, "compatible"), -EINVAL);
	/* interrupts-extended wins over interrupts: entry 0 maps through
	 * the nexus to ctrl <5 6>; entry 1 hits the nexus's truncated map;
	 * entry 2 names a bad mask; entry 3 a dangling phandle. */
	CHECK_EQ(fdt_interrupts(p, n, 0, &irq), 0);
	CHECK_EQ(irq.ncells, 2);
	CHECK_EQ(irq.cells[0], 5);
	CHECK_EQ(irq.cells[1], 6);
	CHECK_EQ(fdt_interrupts(p, n, 1, &irq), -EINVAL);
	CHECK_EQ(fdt_interrupts(p, n, 2, &irq), -EINVAL);
	CHECK_EQ(fdt_interrupts(p, n, 3, &irq), -EINVAL);
	CHECK_EQ(fdt_interrupt_count(p, n), -EINVAL);
	CHECK_EQ(fdt_interrupt_parent(p, fdt_find_node(p, "/aliases")), -EINVAL);
	fdt_poke(p, 1000);
	free(p);
	free(b);
}

/* Memory nodes (DTSpec §3.4): a bad region is dropped by itself; the good
 * regions, in the same node or others, are kept. */
UNIT(fdt_hostile_memory)
{
	struct fdt_bld *b = malloc(sizeof(*b));
	struct fdt_mem_range mr[4];
	struct fdt_mem_bad bad[2];
	struct fdt_boot_info bi;
	size_t size;
	uint8_t *p;
	int nbad = -1;

	b_init(b);
	b_begin(b, "");
	b_prop_u32(b, "#address-cells", 2);
	b_prop_u32(b, "#size-cells", 2);
	b_begin(b, "chosen");
	b_prop_str(b, "bootargs", "run=mem");
	b_end(b);
	b_begin(b, "memory@40000000");          /* good */
	b_prop_str(b, "device_type", "memory");
	b_prop_cells(b, "reg", (uint32_t[]){ 0, 0x40000000, 0, 0x8000000 }, 4);
	b_end(b);
	b_begin(b, "ram@ffffffff");             /* wraps, then a good entry */
	b_prop_str(b, "device_type", "memory");
	b_prop_cells(b, "reg", (uint32_t[]){ 0xffffffff, 0xfffff000, 0, 0x2000,
					     0, 0x50000000, 0, 0x1000000 }, 8);
	b_end(b);
	b_begin(b, "ram@60000000");             /* 3 cells for 2 + 2 */
	b_prop_str(b, "device_type", "memory");
	b_prop_cells(b, "reg", (uint32_t[]){ 0, 0x60000000, 0x1000000 }, 3);
	b_end(b);
	b_begin(b, "ram@0");                    /* no reg at all */
	b_prop_str(b, "device_type", "memory");
	b_end(b);
	b_begin(b, "bus");                      /* not translatable: no ranges */
	b_prop_u32(b, "#address-cells", 1);
	b_prop_u32(b, "#size-cells", 1);
	b_begin(b, "memory@70000000");
	b_prop_str(b, "device_type", "memory");
	b_prop_cells(b, "reg", (uint32_t[]){ 0x70000000, 0x1000 }, 2);
	b_end(b);
	b_end(b);
	b_end(b);
	b_tok(b, FDT_END);
	p = b_blob(b, &size);
	CHECK_EQ(fdt_check(p, size), 0);

	CHECK_EQ(fdt_memory(p, mr, 4), 2);
	CHECK_EQ(mr[0].base, 0x40000000);
	CHECK_EQ(mr[0].size, 0x8000000);
	CHECK_EQ(mr[1].base, 0x50000000);
	CHECK_EQ(mr[1].size, 0x1000000);
	/* Four bad, only two stored; the count says four. */
	CHECK_EQ(fdt_memory_checked(p, mr, 4, bad, 2, &nbad), 2);
	CHECK_EQ(nbad, 4);
	CHECK_STR(fdt_node_name(p, bad[0].node, NULL), "ram@ffffffff");
	CHECK_EQ(bad[0].index, 0);
	CHECK(bad[0].err == -EOVERFLOW);
	CHECK_STR(fdt_node_name(p, bad[1].node, NULL), "ram@60000000");
	CHECK_EQ(bad[1].index, -1);
	CHECK_EQ(bad[1].err, -EINVAL);
	/* fdt_boot_info: the good regions and what was dropped, with an
	 * error to say so; bootargs regardless. */
	CHECK(fdt_boot_info(p, &bi) < 0);
	CHECK_EQ(bi.nmem, 2);
	CHECK_EQ(bi.nmem_bad, 4);
	CHECK_EQ(bi.mem_bad[2].err, -ENOENT);
	CHECK(bi.mem_bad[3].err == -ENXIO);
	CHECK_STR(bi.bootargs, "run=mem");
	fdt_poke(p, 1000);
	free(p);
	free(b);
}

/* A tree refused in part keeps a readable /chosen: fdt_check_header passes
 * and the readers stay inside the blob (ASan would say otherwise). */
UNIT(fdt_hostile_partial_chosen)
{
	struct fdt_bld *b = malloc(sizeof(*b));
	size_t size;
	uint8_t *p;

	for (int kind = 0; kind < 2; kind++) {
		b_init(b);
		if (kind == 0) {        /* a /memreserve/ that wraps */
			b->rsv[0][0] = 0xfffffffffffff000ull;
			b->rsv[0][1] = 0x2000;
			b->nrsv = 1;
		}
		b_begin(b, "");
		b_begin(b, "chosen");
		b_prop_str(b, "bootargs", "run=\"mem\"");
		b_prop_str(b, "stdout-path", "/uart@1000:115200");
		b_end(b);
		b_begin(b, "uart@1000");
		b_end(b);
		/* kind 1: nested past FDT_MAX_DEPTH */
		for (int d = 0; kind == 1 && d < FDT_MAX_DEPTH + 8; d++)
			b_begin(b, "n");
		for (int d = 0; kind == 1 && d < FDT_MAX_DEPTH + 8; d++)
			b_end(b);
		b_end(b);
		b_tok(b, FDT_END);
		p = b_blob(b, &size);
		CHECK_EQ(fdt_check(p, size), -EBADMSG);
		CHECK_EQ(fdt_check_header(p, size), 0);
		CHECK_STR(fdt_bootargs(p), "run=\"mem\"");
		CHECK_STR(fdt_node_name(p, fdt_stdout_path(p, NULL), NULL), "uart@1000");
		/* Less than it holds, or an error, but never a stray read. */
		fdt_poke(p, 1000);
		free(p);
	}
	/* The header part still refuses what no reader could bound. */
	p = small_blob(&size);
	CHECK_EQ(fdt_check_header(p, size - 1), -E2BIG);
	put_be32(p + 8, 0x7ffffff0);            /* structure block outside */
	CHECK_EQ(fdt_check_header(p, size), -EBADMSG);
	free(p);
	free(b);
}

/* ---- Truncation and random corruption of real blobs ---- */

static const char *const real_blobs[] = {
	"test.dtb", "virt-packed.dtb", "virt-gicv3-packed.dtb",
};

UNIT(fdt_hostile_truncate)
{
	for (size_t i = 0; i < sizeof(real_blobs) / sizeof(real_blobs[0]); i++) {
		size_t size, len;
		uint8_t *orig = fdt_load(real_blobs[i], &size), *p;
		int accepted = 0, bad_e2big = 0;
		uint32_t st_size;

		CHECK(orig != NULL);
		if (!orig)
			continue;
		CHECK_EQ(fdt_check(orig, size), 0);
		/* Every prefix, as is (the header claims more than there
		 * is) and with totalsize cut to match. */
		for (len = 0; len < size; len++) {
			p = malloc(len ? len : 1);
			memcpy(p, orig, len);
			if (fdt_check(p, len) == 0)
				accepted++;
			if (len >= 40 && fdt_check(p, len) != -E2BIG)
				bad_e2big++;
			if (len >= 40) {
				put_be32(p + 4, (uint32_t)len);
				if (fdt_check(p, len) == 0)
					accepted++;
				/* The readers trust only totalsize. */
				if (len % 64 == 0)
					fdt_poke(p, 8);
			}
			free(p);
		}
		CHECK_EQ(accepted, 0);
		CHECK_EQ(bad_e2big, 0);
		/* Every shorter structure block. */
		p = malloc(size);
		st_size = fdt_be32(orig + 36);
		for (uint32_t s = 0; s < st_size; s += 4) {
			memcpy(p, orig, size);
			put_be32(p + 36, s);
			if (fdt_check(p, size) == 0)
				accepted++;
			if (s % 256 == 0)
				fdt_poke(p, 8);
		}
		CHECK_EQ(accepted, 0);
		free(p);
		free(orig);
	}
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	/* xorshift64*: fixed seed, so failures reproduce. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

/* Values that tend to sit on boundaries. */
static uint32_t interesting(uint32_t old)
{
	static const uint32_t v[] = {
		0, 1, 2, 3, 4, 8, 9, 0x10, 0x28, 0x7f, 0x80, 0xff, 0x100,
		0x7fffffff, 0x80000000, 0xfffffffc, 0xffffffff,
	};
	switch (rnd() % 4) {
	case 0: return old + 1;
	case 1: return old - 1;
	case 2: return old ^ (1u << (rnd() % 32));
	default: return v[rnd() % (sizeof(v) / sizeof(v[0]))];
	}
}

static void mutate(uint8_t *p, size_t size)
{
	int n = 1 + (int)(rnd() % 4);

	while (n--) {
		size_t at;

		switch (rnd() % 4) {
		case 0: /* a random byte */
			p[rnd() % size] = (uint8_t)rnd();
			break;
		case 1: /* a header word */
			at = 4 * (rnd() % 10);
			put_be32(p + at, interesting(fdt_be32(p + at)));
			break;
		default: /* an aligned word: tokens, lengths, cells */
			at = 4 * (rnd() % (size / 4));
			put_be32(p + at, interesting(fdt_be32(p + at)));
			break;
		}
	}
}

UNIT(fdt_hostile_corrupt)
{
	/* fdt_check is cheap, poking every node is not: check every copy,
	 * poke every stride'th that passes and a sample of the others. */
	static const int iters[] = { 20000, 5000, 5000 };
	static const int stride[] = { 8, 8, 8 };
	size_t size;

	for (size_t i = 0; i < sizeof(real_blobs) / sizeof(real_blobs[0]); i++) {
		uint8_t *orig = fdt_load(real_blobs[i], &size), *p;
		int passed = 0, poked = 0, salvaged = 0;

		CHECK(orig != NULL);
		if (!orig)
			continue;
		p = malloc(size);
		for (int it = 0; it < iters[i]; it++) {
			memcpy(p, orig, size);
			mutate(p, size);
			if (fdt_check(p, size) == 0) {
				if (passed++ % stride[i] == 0)
					fdt_poke(p, 1000);
			} else {
				/* What aarch64 boot salvages from a tree
				 * refused in part: /chosen, read from every
				 * copy whose header is sound. */
				if (fdt_check_header(p, size) == 0) {
					const char *opts;
					salvaged++;
					fdt_sink += (uintptr_t)fdt_bootargs(p);
					fdt_sink += (uint64_t)fdt_stdout_path(p, &opts);
				}
				if (fdt_totalsize(p) <= size && it % 16 == 0) {
					/* Unchecked, but within its buffer:
					 * the readers must still be safe. */
					poked++;
					fdt_poke(p, 64);
				}
			}
		}
		printf("# %s: %d corrupted copies, %d still valid, %d rejected ones poked, %d salvaged for /chosen\n",
		       real_blobs[i], iters[i], passed, poked, salvaged);
		CHECK(salvaged > 0);
		CHECK(passed > 0);
		free(p);
		free(orig);
	}
}

/* Random bytes behind a plausible header. */
UNIT(fdt_hostile_garbage)
{
	enum { SIZE = 512 };
	uint8_t *p = malloc(SIZE);
	int passed = 0;

	for (int it = 0; it < 20000; it++) {
		for (int i = 0; i < SIZE; i++)
			p[i] = (uint8_t)(rnd() % 4 ? rnd() % 16 : rnd());
		put_be32(p + 0, FDT_MAGIC);
		put_be32(p + 4, SIZE);
		put_be32(p + 8, 64);
		put_be32(p + 12, 64 + 4 * (rnd() % 100));
		put_be32(p + 16, 40 + 8 * (rnd() % 3));
		put_be32(p + 20, 17);
		put_be32(p + 24, 16);
		put_be32(p + 32, rnd() % 64);
		put_be32(p + 36, 4 * (rnd() % 100));
		/* Usually start with a root node. */
		if (rnd() % 2) {
			put_be32(p + 64, FDT_BEGIN_NODE);
			p[68] = 0;
		}
		passed += fdt_check(p, SIZE) == 0;
		fdt_poke(p, 64);
	}
	printf("# garbage: %d of 20000 passed fdt_check\n", passed);
	free(p);
}

UNIT_MAIN()
