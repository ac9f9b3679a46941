/* SPDX-License-Identifier: MIT */
/* Helpers shared by the FDT unit tests: loading the blobs that
 * tests/unit/fdt/gen.sh made, a tiny blob builder for hand-made (and
 * hand-broken) trees, and fdt_poke(), which calls every reader on every
 * node of a blob so that ASan/UBSan can object. */
#ifndef TESTS_UNIT_FDT_TEST_UTIL_H
#define TESTS_UNIT_FDT_TEST_UTIL_H

#include <drivers/fdt.h>
#include <kern/errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Data files ---- */

/* Read $UNIT_DATA/fdt/<name> (default build/unit/data) into a malloc'ed
 * buffer of exactly its size, so ASan sees any read past the end. */
static inline uint8_t *fdt_load(const char *name, size_t *size)
{
	const char *dir = getenv("UNIT_DATA");
	char path[512];
	FILE *f;
	uint8_t *buf;
	long n;

	snprintf(path, sizeof(path), "%s/fdt/%s", dir && *dir ? dir : "build/unit/data",
		 name);
	f = fopen(path, "rb");
	if (!f) {
		printf("# cannot open %s: generate it with tests/unit/fdt/gen.sh\n", path);
		return NULL;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n > 0 ? (size_t)n : 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	*size = (size_t)n;
	return buf;
}

static inline void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static inline void put_be64(uint8_t *p, uint64_t v)
{
	put_be32(p, v >> 32);
	put_be32(p + 4, (uint32_t)v);
}

/* ---- Builder ---- */

struct fdt_bld {
	uint8_t st[1 << 18];
	uint32_t nst;
	char str[4096];
	uint32_t nstr;
	uint64_t rsv[16][2];
	int nrsv;
};

static inline void b_init(struct fdt_bld *b)
{
	memset(b, 0, sizeof(*b));
}

static inline void b_raw(struct fdt_bld *b, const void *p, uint32_t n)
{
	if (b->nst + n > sizeof(b->st))
		abort();
	if (n)
		memcpy(b->st + b->nst, p, n);
	b->nst += n;
}

static inline void b_tok(struct fdt_bld *b, uint32_t v)
{
	uint8_t w[4];

	put_be32(w, v);
	b_raw(b, w, 4);
}

static inline void b_pad(struct fdt_bld *b)
{
	static const uint8_t zero[4];

	b_raw(b, zero, (4 - (b->nst & 3)) & 3);
}

static inline void b_begin(struct fdt_bld *b, const char *name)
{
	b_tok(b, FDT_BEGIN_NODE);
	b_raw(b, name, (uint32_t)strlen(name) + 1);
	b_pad(b);
}

static inline void b_end(struct fdt_bld *b)
{
	b_tok(b, FDT_END_NODE);
}

static inline uint32_t b_stroff(struct fdt_bld *b, const char *name)
{
	uint32_t off = 0, n = (uint32_t)strlen(name) + 1;

	while (off < b->nstr) {
		if (strcmp(b->str + off, name) == 0)
			return off;
		off += (uint32_t)strlen(b->str + off) + 1;
	}
	if (b->nstr + n > sizeof(b->str))
		abort();
	memcpy(b->str + b->nstr, name, n);
	b->nstr += n;
	return off;
}

static inline void b_prop(struct fdt_bld *b, const char *name, const void *val,
		   uint32_t len)
{
	b_tok(b, FDT_PROP);
	b_tok(b, len);
	b_tok(b, b_stroff(b, name));
	b_raw(b, val, len);
	b_pad(b);
}

static inline void b_prop_u32(struct fdt_bld *b, const char *name, uint32_t v)
{
	uint8_t w[4];

	put_be32(w, v);
	b_prop(b, name, w, 4);
}

static inline void b_prop_cells(struct fdt_bld *b, const char *name,
			 const uint32_t *c, int n)
{
	uint8_t w[64 * 4];

	for (int i = 0; i < n; i++)
		put_be32(w + 4 * i, c[i]);
	b_prop(b, name, w, (uint32_t)n * 4);
}

static inline void b_prop_str(struct fdt_bld *b, const char *name, const char *s)
{
	b_prop(b, name, s, (uint32_t)strlen(s) + 1);
}

/* Lay out header, reservation block, structure and strings (the order dtc
 * uses) in a malloc'ed buffer of exactly the blob's size. The caller adds
 * the final FDT_END token itself, so tests can leave it out. */
static inline uint8_t *b_blob(const struct fdt_bld *b, size_t *size)
{
	uint32_t rsv = 40, st = rsv + 16 * ((uint32_t)b->nrsv + 1);
	uint32_t strs = st + b->nst, total = strs + b->nstr;
	uint8_t *p = calloc(1, total);

	if (!p)
		abort();
	put_be32(p + 0, FDT_MAGIC);
	put_be32(p + 4, total);
	put_be32(p + 8, st);
	put_be32(p + 12, strs);
	put_be32(p + 16, rsv);
	put_be32(p + 20, 17);
	put_be32(p + 24, 16);
	put_be32(p + 28, 0);
	put_be32(p + 32, b->nstr);
	put_be32(p + 36, b->nst);
	for (int i = 0; i < b->nrsv; i++) {
		put_be64(p + rsv + 16 * i, b->rsv[i][0]);
		put_be64(p + rsv + 16 * i + 8, b->rsv[i][1]);
	}
	memcpy(p + st, b->st, b->nst);
	memcpy(p + strs, b->str, b->nstr);
	*size = total;
	return p;
}

/* ---- Poke everything ---- */

static volatile uint64_t fdt_sink;

static inline void fdt_poke_node(const void *fdt, int node)
{
	static const char *const props[] = {
		"compatible", "reg", "ranges", "interrupts", "status",
		"#address-cells", "#size-cells", "phandle", "device_type",
		"interrupt-map", "method", "bootargs",
	};
	struct fdt_irq irq;
	struct fdt_pci_range pr[4];
	uint64_t a, s;
	uint32_t u32;
	uint64_t u64;
	char path[256];
	const char *name, *str;
	int len, p, n, i, cnt;

	name = fdt_node_name(fdt, node, &len);
	if (name)
		fdt_sink += (uint64_t)len + (uint8_t)name[0];
	fdt_sink += (uint64_t)fdt_parent(fdt, node) + (uint64_t)fdt_depth(fdt, node);
	fdt_sink += (uint64_t)fdt_first_child(fdt, node);
	fdt_sink += (uint64_t)fdt_next_sibling(fdt, node);
	n = fdt_get_path(fdt, node, path, sizeof(path));
	if (n >= 0)
		fdt_sink += (uint64_t)fdt_find_node(fdt, path);
	/* Every property, through the iterator and by name. */
	i = 0;
	for (p = fdt_first_prop(fdt, node); p >= 0 && i < 256;
	     p = fdt_next_prop(fdt, p), i++) {
		const char *pn;
		const uint8_t *v = fdt_prop_at(fdt, p, &pn, &len);

		if (v) {
			fdt_sink += (uint64_t)len + strlen(pn);
			if (len > 0)
				fdt_sink += v[len - 1];
			fdt_sink += (uint64_t)(uintptr_t)fdt_getprop(fdt, node, pn, NULL);
		}
	}
	for (i = 0; i < (int)(sizeof(props) / sizeof(props[0])); i++) {
		fdt_sink += (uint64_t)fdt_get_u32(fdt, node, props[i], &u32);
		fdt_sink += (uint64_t)fdt_get_u64(fdt, node, props[i], &u64);
		str = fdt_get_string(fdt, node, props[i]);
		if (str)
			fdt_sink += strlen(str);
		cnt = fdt_stringlist_count(fdt, node, props[i]);
		for (int j = 0; j < cnt && j < 8; j++) {
			str = fdt_stringlist_get(fdt, node, props[i], j, &len);
			if (str)
				fdt_sink += (uint64_t)len + strlen(str);
		}
		fdt_sink += (uint64_t)fdt_stringlist_search(fdt, node, props[i], "virtio,mmio");
	}
	fdt_sink += fdt_compatible(fdt, node, "arm,pl011");
	fdt_sink += fdt_node_enabled(fdt, node);
	if (fdt_get_u32(fdt, node, "phandle", &u32) == 0)
		fdt_sink += (uint64_t)fdt_node_by_phandle(fdt, u32);
	/* Addresses. */
	fdt_sink += (uint64_t)fdt_address_cells(fdt, node) + (uint64_t)fdt_size_cells(fdt, node);
	cnt = fdt_reg_count(fdt, node);
	for (i = 0; i < cnt && i < 4; i++) {
		if (fdt_reg(fdt, node, i, &a, &s) == 0)
			fdt_sink += a + s;
		if (fdt_reg_raw(fdt, node, i, &a, &s) == 0)
			fdt_sink += a + s;
	}
	fdt_sink += (uint64_t)fdt_reg(fdt, node, 0, &a, NULL);
	n = fdt_pci_ranges(fdt, node, pr, 4);
	for (i = 0; i < n && i < 4; i++)
		fdt_sink += pr[i].cpu_addr + pr[i].size;
	/* Interrupts. */
	fdt_sink += (uint64_t)fdt_interrupt_parent(fdt, node);
	cnt = fdt_interrupt_count(fdt, node);
	for (i = 0; i < cnt && i < 4; i++)
		if (fdt_interrupts(fdt, node, i, &irq) == 0)
			fdt_sink += irq.cells[0] + (uint64_t)irq.ctrl;
	fdt_sink += (uint64_t)fdt_interrupts(fdt, node, 0, &irq);
	for (i = 0; i < 4; i++)
		if (fdt_pci_intx(fdt, node, 0, (unsigned)i, 0, 1 + (unsigned)i, &irq) == 0)
			fdt_sink += irq.cells[1];
}

/* Call everything on every node (at most max_nodes of them) and the
 * whole-tree helpers. Safe on any blob whose totalsize fits its buffer. */
static inline void fdt_poke(const void *fdt, int max_nodes)
{
	struct fdt_boot_info bi;
	struct fdt_mem_range mr[4];
	struct fdt_resv_range rr[4];
	const char *opts;
	uint64_t s, e;
	int node, depth = 0, n = 0;

	fdt_sink += (uint64_t)fdt_root(fdt);
	for (node = fdt_root(fdt); node >= 0 && n < max_nodes;
	     node = fdt_next_node(fdt, node, &depth), n++)
		fdt_poke_node(fdt, node);
	for (node = fdt_next_compatible(fdt, -1, "virtio,mmio"); node >= 0;
	     node = fdt_next_compatible(fdt, node, "virtio,mmio"))
		fdt_sink += (uint64_t)node;
	fdt_sink += (uint64_t)fdt_find_node(fdt, "/chosen");
	fdt_sink += (uint64_t)fdt_find_node(fdt, "serial0:115200");
	fdt_sink += (uint64_t)fdt_find_node(fdt, "/memory");
	fdt_sink += (uint64_t)fdt_find_node(fdt, "/soc/uart/x");
	fdt_sink += (uintptr_t)fdt_bootargs(fdt);
	fdt_sink += (uint64_t)fdt_stdout_path(fdt, &opts);
	fdt_sink += (uint64_t)fdt_initrd(fdt, &s, &e);
	fdt_sink += (uint64_t)fdt_memory(fdt, mr, 4);
	{
		struct fdt_mem_bad mb[2];
		int nb;
		fdt_sink += (uint64_t)fdt_memory_checked(fdt, mr, 4, mb, 2, &nb);
		fdt_sink += (uint64_t)nb;
	}
	fdt_sink += (uint64_t)fdt_mem_rsvmap(fdt, mr, 4);
	fdt_sink += (uint64_t)fdt_reserved_memory(fdt, rr, 4);
	fdt_sink += (uint64_t)fdt_psci_method(fdt);
	fdt_sink += (uint64_t)fdt_boot_info(fdt, &bi);
	fdt_sink += (uint64_t)fdt_node_by_phandle(fdt, 1);
	fdt_sink += (uint64_t)fdt_node_by_phandle(fdt, 0x8000);
}

#endif
