// SPDX-License-Identifier: MIT
/* FDT parser on real blobs: tests/unit/fdt/test.dts (compiled by dtc) and
 * QEMU's own aarch64 virt trees (dumpdtb), both made by
 * tests/unit/fdt/gen.sh into $UNIT_DATA/fdt/. */
#include "unit.h"
#include "fdt/fdt_test_util.h"

/* Load and validate a blob; NULL (and a failed check) if unavailable. */
static uint8_t *load_ok(const char *name, size_t *size)
{
	uint8_t *b = fdt_load(name, size);

	CHECK(b != NULL);
	if (b) {
		CHECK_EQ(fdt_check(b, *size), 0);
		if (fdt_check(b, *size) != 0) {
			free(b);
			b = NULL;
		}
	}
	return b;
}

static int node(const void *fdt, const char *path)
{
	int n = fdt_find_node(fdt, path);

	if (n < 0)
		printf("#   node %s: %d\n", path, n);
	return n;
}

static const char *name_of(const void *fdt, int n)
{
	const char *s = fdt_node_name(fdt, n, NULL);

	return s ? s : "(null)";
}

/* ---- test.dts ---- */

UNIT(fdt_check_and_header)
{
	size_t size;
	uint8_t *b = load_ok("test.dtb", &size);

	if (!b)
		return;
	CHECK_EQ(fdt_totalsize(b), size);
	CHECK_EQ(fdt_check(b, size - 1), -E2BIG);
	CHECK_EQ(fdt_check(NULL, size), -EINVAL);
	free(b);
}

UNIT(fdt_walk_tree)
{
	size_t size;
	uint8_t *b = load_ok("test.dtb", &size);
	int root, n, depth, count, d;
	const char *want[] = { "aliases", "chosen", "memory@40000000" };
	char path[128];

	if (!b)
		return;
	root = fdt_root(b);
	CHECK_EQ(root, 0);
	CHECK_STR(name_of(b, root), "");
	CHECK_EQ(fdt_parent(b, root), -ENOENT);
	CHECK_EQ(fdt_next_sibling(b, root), -ENOENT);
	n = fdt_first_child(b, root);
	for (int i = 0; i < 3; i++) {
		CHECK(n >= 0);
		CHECK_STR(name_of(b, n), want[i]);
		CHECK_EQ(fdt_parent(b, n), root);
		n = fdt_next_sibling(b, n);
	}
	/* The whole tree depth-first: every node's depth matches the
	 * walker's running depth and its path resolves back to it. */
	count = 0;
	depth = 0;
	for (n = root; n >= 0; n = fdt_next_node(b, n, &depth)) {
		d = fdt_depth(b, n);
		CHECK_EQ(d, depth);
		CHECK(fdt_get_path(b, n, path, sizeof(path)) > 0);
		CHECK_EQ(fdt_find_node(b, path), n);
		count++;
	}
	CHECK_EQ(n, -ENOENT);
	CHECK_EQ(count, 43);
	n = node(b, "/soc/sub/leaf@10");
	CHECK_EQ(fdt_depth(b, n), 3);
	CHECK_EQ(fdt_get_path(b, n, path, sizeof(path)), 16);
	CHECK_STR(path, "/soc/sub/leaf@10");
	CHECK_EQ(fdt_get_path(b, n, path, 16), -ENOSPC);
	CHECK_EQ(fdt_get_path(b, root, path, sizeof(path)), 1);
	CHECK_STR(path, "/");
	CHECK_EQ(fdt_parent(b, fdt_parent(b, n)), node(b, "/soc"));
	CHECK_EQ(fdt_first_child(b, n), -ENOENT);
	/* Offsets that are not nodes. */
	CHECK_EQ(fdt_parent(b, 4), -EINVAL);
	CHECK_EQ(fdt_first_child(b, -8), -EINVAL);
	CHECK_EQ(fdt_next_sibling(b, 1 << 30), -EINVAL);
	CHECK(fdt_node_name(b, 3, NULL) == NULL);
	free(b);
}

UNIT(fdt_paths_and_aliases)
{
	size_t size;
	uint8_t *b = load_ok("test.dtb", &size);

	if (!b)
		return;
	CHECK_EQ(fdt_find_node(b, "/"), fdt_root(b));
	CHECK_STR(name_of(b, node(b, "/chosen")), "chosen");
	CHECK_STR(name_of(b, node(b, "/memory@90000000")), "memory@90000000");
	/* An exact name beats a unit-address-less match... */
	CHECK_STR(name_of(b, node(b, "/memory")), "memory");
	/* ...which otherwise finds the first node of that base name. */
	CHECK_STR(name_of(b, node(b, "/soc/uart")), "uart@1000");
	CHECK_EQ(fdt_find_node(b, "/soc/identity/../uart"), -ENOENT);
	CHECK_STR(name_of(b, node(b, "//soc//uart@2000/")), "uart@2000");
	CHECK_EQ(fdt_find_node(b, "/soc/nope"), -ENOENT);
	CHECK_EQ(fdt_find_node(b, "/soc/uart@1"), -ENOENT);
	CHECK_EQ(fdt_find_node(b, "/soc/uar"), -ENOENT);
	CHECK_EQ(fdt_find_node(b, ""), -EINVAL);
	/* Aliases: a string path, a &label path, alias plus a sub-path. */
	CHECK_STR(name_of(b, node(b, "serial0")), "uart@1000");
	CHECK_STR(name_of(b, node(b, "serial1")), "uart@2000");
	CHECK_STR(name_of(b, node(b, "soc/sub/leaf")), "leaf@10");
	CHECK_EQ(fdt_find_node(b, "relative"), -EINVAL);
	CHECK_EQ(fdt_find_node(b, "nosuch"), -ENOENT);
	CHECK_STR(name_of(b, fdt_find_node_n(b, "serial1:115200", 7)), "uart@2000");
	CHECK_STR(name_of(b, fdt_subnode(b, node(b, "/soc"), "sub", 3)), "sub");
	free(b);
}

UNIT(fdt_properties)
{
	size_t size;
	uint8_t *b = load_ok("test.dtb", &size);
	int chosen, len, p, i;
	uint32_t u32;
	uint64_t u64;
	const char *names[] = { "bootargs", "stdout-path", "linux,initrd-start",
				"linux,initrd-end" };
	const char *pn;

	if (!b)
		return;
	chosen = node(b, "/chosen");
	CHECK_STR(fdt_getprop(b, chosen, "bootargs", &len), "console=ttyS0 quiet");
	CHECK_EQ(len, 20);
	CHECK(fdt_getprop(b, chosen, "nope", &len) == NULL);
	CHECK_EQ(len, -ENOENT);
	CHECK(fdt_hasprop(b, node(b, "/memory"), "marker"));
	CHECK_EQ(fdt_get_u32(b, chosen, "linux,initrd-start", &u32), 0);
	CHECK_EQ(u32, 0x48000000);
	CHECK_EQ(fdt_get_u32(b, chosen, "linux,initrd-end", &u32), -EINVAL);
	CHECK_EQ(fdt_get_u64(b, chosen, "linux,initrd-end", &u64), 0);
	CHECK_EQ(u64, 0x48100000);
	CHECK_EQ(fdt_get_u64(b, chosen, "linux,initrd-start", &u64), 0);
	CHECK_EQ(u64, 0x48000000);
	CHECK_EQ(fdt_get_u64(b, chosen, "bootargs", &u64), -EINVAL);
	CHECK_EQ(fdt_get_u32(b, chosen, "nope", &u32), -ENOENT);
	CHECK(fdt_get_string(b, node(b, "/soc/strings"), "notlist") == NULL);
	i = 0;
	for (p = fdt_first_prop(b, chosen); p >= 0; p = fdt_next_prop(b, p), i++) {
		CHECK(i < 4);
		if (i < 4 && fdt_prop_at(b, p, &pn, &len))
			CHECK_STR(pn, names[i]);
	}
	CHECK_EQ(i, 4);
	CHECK_EQ(p, -ENOENT);
	CHECK_EQ(fdt_next_prop(b, chosen), -EINVAL);
	CHECK(fdt_prop_at(b, chosen, NULL, NULL) == NULL);
	/* phandles, including the legacy spelling. */
	CHECK_STR(name_of(b, fdt_node_by_phandle(b, 0x1234)), "legacy");
	{
		uint32_t ph;

		CHECK_EQ(fdt_get_u32(b, node(b, "/intc2"), "phandle", &ph), 0);
		CHECK_STR(name_of(b, fdt_node_by_phandle(b, ph)), "intc2");
	}
	CHECK_EQ(fdt_node_by_phandle(b, 0), -EINVAL);
	CHECK_EQ(fdt_node_by_phandle(b, 0xffffffff), -EINVAL);
	CHECK_EQ(fdt_node_by_phandle(b, 0x999), -ENOENT);
	free(b);
}

UNIT(fdt_stringlists)
{
	size_t size;
	uint8_t *b = load_ok("test.dtb", &size);
	int s, n, len, count;
	const char *str;

	if (!b)
		return;
	s = node(b, "/soc/strings");
	CHECK_EQ(fdt_stringlist_count(b, s, "compatible"), 3);
	str = fdt_stringlist_get(b, s, "compatible", 1, &len);
	CHECK(str && len == 0 && *str == 0);
	str = fdt_stringlist_get(b, s, "compatible", 2, &len);
	CHECK(str && len == 1 && strcmp(str, "b") == 0);
	CHECK(fdt_stringlist_get(b, s, "compatible", 3, &len) == NULL);
	CHECK_EQ(len, -ENOENT);
	CHECK_EQ(fdt_stringlist_search(b, s, "compatible", "b"), 2);
	CHECK_EQ(fdt_stringlist_search(b, s, "compatible", ""), 1);
	CHECK_EQ(fdt_stringlist_search(b, s, "compatible", "c"), -ENOENT);
	CHECK_EQ(fdt_stringlist_count(b, s, "notlist"), -EINVAL);
	CHECK_EQ(fdt_stringlist_search(b, s, "notlist", "ab"), -EINVAL);
	CHECK(fdt_stringlist_get(b, s, "notlist", 0, &len) == NULL);
	CHECK_EQ(len, -EINVAL);
	CHECK_EQ(fdt_stringlist_count(b, s, "empty"), 0);
	CHECK_EQ(fdt_stringlist_count(b, s, "missing"), -ENOENT);
	CHECK(fdt_compatible(b, s, "a"));
	CHECK(!fdt_compatible(b, s, "test,uart"));
	CHECK(fdt_compatible(b, node(b, "serial0"), "test,uart"));
	CHECK(fdt_compatible(b, node(b, "serial0"), "ns16550a"));
	/* Every test,uart in document order, enabled or not. */
	count = 0;
	fdt_for_each_compatible(b, n, "test,uart") {
		static const char *const want[] = { "uart@1000", "uart@2000",
						    "broken-uart@3000" };
		if (count < 3)
			CHECK_STR(name_of(b, n), want[count]);
		CHECK_EQ(fdt_node_enabled(b, n), count < 2);
		count++;
	}
	CHECK_EQ(count, 3);
	CHECK_EQ(fdt_next_compatible(b, -1, "test,board"), fdt_root(b));
	CHECK_EQ(fdt_next_compatible(b, -1, "nothing"), -ENOENT);
	free(b);
}

UNIT(fdt_reg_translation)
{
	size_t size;
	uint8_t *b = load_ok("test.dtb", &size);
	uint64_t a, s;

	if (!b)
		return;
	CHECK_EQ(fdt_address_cells(b, node(b, "serial0")), 1);
	CHECK_EQ(fdt_size_cells(b, node(b, "serial0")), 1);
	CHECK_EQ(fdt_address_cells(b, fdt_root(b)), 2);
	CHECK_EQ(fdt_size_cells(b, node(b, "/cpus/cpu@0")), 0);
	/* soc's first range: 0x0 -> 0x10000000. */
	CHECK_EQ(fdt_reg(b, node(b, "serial0"), 0, &a, &s), 0);
	CHECK_EQ(a, 0x10001000);
	CHECK_EQ(s, 0x100);
	CHECK_EQ(fdt_reg_count(b, node(b, "serial1")), 2);
	CHECK_EQ(fdt_reg(b, node(b, "serial1"), 1, &a, &s), 0);
	CHECK_EQ(a, 0x10002100);
	CHECK_EQ(s, 0x10);
	CHECK_EQ(fdt_reg(b, node(b, "serial1"), 2, &a, &s), -ENOENT);
	CHECK_EQ(fdt_reg(b, node(b, "serial1"), -1, &a, &s), -ENOENT);
	/* Its second range: 0x200000 -> 0x20000000. */
	CHECK_EQ(fdt_reg(b, node(b, "/soc/dev@200100"), 0, &a, &s), 0);
	CHECK_EQ(a, 0x20000100);
	CHECK_EQ(fdt_reg(b, node(b, "/soc/outside@300000"), 0, &a, &s), -ENXIO);
	/* Two levels: sub maps 0 -> 0x3000, soc 0x3000 -> 0x10003000. */
	CHECK_EQ(fdt_reg(b, node(b, "/soc/sub/leaf@10"), 0, &a, &s), 0);
	CHECK_EQ(a, 0x10003010);
	CHECK_EQ(s, 4);
	/* Empty ranges is the identity; no ranges is not translatable. */
	CHECK_EQ(fdt_reg(b, node(b, "/soc/identity/idn@5000"), 0, &a, &s), 0);
	CHECK_EQ(a, 0x10005000);
	CHECK_EQ(fdt_reg(b, node(b, "/soc/opaque/hidden@0"), 0, &a, &s), -ENXIO);
	CHECK_EQ(fdt_reg_raw(b, node(b, "/soc/opaque/hidden@0"), 0, &a, &s), 0);
	CHECK_EQ(a, 0);
	CHECK_EQ(s, 4);
	/* CPUs: reg is an MPIDR, raw only. */
	CHECK_EQ(fdt_reg(b, node(b, "/cpus/cpu@101"), 0, &a, &s), -ENXIO);
	CHECK_EQ(fdt_reg_raw(b, node(b, "/cpus/cpu@101"), 0, &a, &s), 0);
	CHECK_EQ(a, 0x101);
	CHECK_EQ(s, 0);
	CHECK_EQ(fdt_reg_count(b, node(b, "/soc/broken-uart@3000")), -EINVAL);
	CHECK_EQ(fdt_reg(b, node(b, "/soc/broken-uart@3000"), 0, &a, &s), -EINVAL);
	CHECK_EQ(fdt_reg(b, node(b, "/soc/sub"), 0, &a, &s), -ENOENT);
	/* Root-level node: no translation needed. */
	CHECK_EQ(fdt_reg(b, node(b, "/intc@8000000"), 1, &a, &s), 0);
	CHECK_EQ(a, 0x8010000);
	CHECK_EQ(s, 0x2000);
	free(b);
}

static void check_irq(const void *b, const struct fdt_irq *irq, const char *ctrl,
		      int ncells, uint32_t c0, uint32_t c1, uint32_t c2)
{
	CHECK_STR(name_of(b, irq->ctrl), ctrl);
	CHECK_EQ(irq->ncells, ncells);
	CHECK_EQ(irq->cells[0], c0);
	if (ncells > 1) {
		CHECK_EQ(irq->cells[1], c1);
		CHECK_EQ(irq->cells[2], c2);
	}
}

UNIT(fdt_interrupt_tree)
{
	size_t size;
	uint8_t *b = load_ok("test.dtb", &size);
	struct fdt_irq irq;
	int m;

	if (!b)
		return;
	/* Inherited interrupt-parent: uart -> soc -> root's &gic. */
	CHECK_STR(name_of(b, fdt_interrupt_parent(b, node(b, "serial0"))), "intc@8000000");
	CHECK_STR(name_of(b, fdt_interrupt_parent(b, node(b, "/intc2"))), "intc@8000000");
	CHECK_EQ(fdt_interrupt_count(b, node(b, "serial1")), 2);
	CHECK_EQ(fdt_interrupts(b, node(b, "serial0"), 0, &irq), 0);
	check_irq(b, &irq, "intc@8000000", 3, 0, 33, 4);
	CHECK_EQ(fdt_interrupts(b, node(b, "serial1"), 1, &irq), 0);
	check_irq(b, &irq, "intc@8000000", 3, 0, 35, 1);
	CHECK_EQ(fdt_interrupts(b, node(b, "serial1"), 2, &irq), -ENOENT);
	CHECK_EQ(fdt_interrupts(b, node(b, "/soc/sub"), 0, &irq), -ENOENT);
	/* Explicit parent: the cascaded controller. */
	CHECK_EQ(fdt_interrupts(b, node(b, "/soc/sub/leaf@10"), 0, &irq), 0);
	check_irq(b, &irq, "intc2", 1, 7, 0, 0);
	/* interrupts-extended, through nexus entries too. */
	m = node(b, "/soc/multi@7000");
	CHECK_EQ(fdt_interrupt_count(b, m), 5);
	CHECK_EQ(fdt_interrupts(b, m, 0, &irq), 0);
	check_irq(b, &irq, "intc@8000000", 3, 0, 60, 4);
	CHECK_EQ(fdt_interrupts(b, m, 1, &irq), 0);
	check_irq(b, &irq, "intc2", 1, 9, 0, 0);
	CHECK_EQ(fdt_interrupts(b, m, 2, &irq), 0);
	check_irq(b, &irq, "intc2", 1, 12, 0, 0);
	/* nexus -> nexus2 (unit 0x6000) -> gic. */
	CHECK_EQ(fdt_interrupts(b, m, 3, &irq), 0);
	check_irq(b, &irq, "intc@8000000", 3, 0, 81, 4);
	CHECK_EQ(fdt_interrupts(b, m, 4, &irq), -ENXIO);
	CHECK_EQ(fdt_interrupts(b, m, 5, &irq), -ENOENT);
	CHECK_EQ(fdt_interrupts(b, node(b, "/soc/viamap"), 0, &irq), 0);
	check_irq(b, &irq, "intc@8000000", 3, 0, 70, 1);
	/* nexus2 keys on reg & 0xf000 and spec & 7. */
	CHECK_EQ(fdt_interrupts(b, node(b, "/soc/identity/idn@5000"), 0, &irq), 0);
	check_irq(b, &irq, "intc@8000000", 3, 0, 80, 4);
	CHECK_EQ(fdt_interrupts(b, node(b, "/soc/identity/idn@5001"), 0, &irq), 0);
	check_irq(b, &irq, "intc@8000000", 3, 0, 80, 4);
	CHECK_EQ(fdt_interrupts(b, node(b, "/soc/identity/idn@6000"), 0, &irq), 0);
	check_irq(b, &irq, "intc@8000000", 3, 0, 81, 4);
	CHECK_EQ(fdt_interrupts(b, node(b, "/soc/identity/idn@6000"), 1, &irq), -ENXIO);
	/* Direct map lookups. */
	{
		uint32_t unit[9] = { 0x5fff }, spec[2] = { 0x15 };

		CHECK_EQ(fdt_irq_map(b, node(b, "/nexus2"), unit, 1, spec, 1, &irq), 0);
		check_irq(b, &irq, "intc@8000000", 3, 0, 80, 4);
		/* Wrong specifier size for the nexus; too many unit cells. */
		CHECK_EQ(fdt_irq_map(b, node(b, "/nexus2"), unit, 1, spec, 2, &irq), -EINVAL);
		CHECK_EQ(fdt_irq_map(b, node(b, "/nexus2"), unit, 9, spec, 1, &irq), -EINVAL);
	}
	/* Cycles end in an error, not a hang. */
	CHECK_EQ(fdt_interrupt_parent(b, node(b, "/cyca")), -EBADMSG);
	CHECK_EQ(fdt_interrupts(b, node(b, "/cyca"), 0, &irq), -EBADMSG);
	CHECK_EQ(fdt_interrupts(b, node(b, "/looper"), 0, &irq), -EBADMSG);
	free(b);
}

UNIT(fdt_boot_facts)
{
	size_t size;
	uint8_t *b = load_ok("test.dtb", &size);
	struct fdt_mem_range mem[8];
	struct fdt_resv_range resv[8];
	struct fdt_boot_info bi;
	const char *opts;
	uint64_t s, e;

	if (!b)
		return;
	CHECK_STR(fdt_bootargs(b), "console=ttyS0 quiet");
	CHECK_STR(name_of(b, fdt_stdout_path(b, &opts)), "uart@1000");
	CHECK(opts && strcmp(opts, "115200n8") == 0);
	CHECK_EQ(fdt_initrd(b, &s, &e), 0);
	CHECK_EQ(s, 0x48000000);
	CHECK_EQ(e, 0x48100000);
	/* Disabled and empty ranges are skipped. */
	CHECK_EQ(fdt_memory(b, mem, 8), 3);
	CHECK_EQ(mem[0].base, 0x40000000);
	CHECK_EQ(mem[0].size, 0x20000000);
	CHECK_EQ(mem[1].base, 0x100000000);
	CHECK_EQ(mem[1].size, 0x10000000);
	CHECK_EQ(mem[2].base, 0x90000000);
	CHECK_EQ(mem[2].size, 0x100000);
	CHECK_EQ(fdt_memory(b, mem, 1), 3);     /* more than fit */
	CHECK_EQ(fdt_mem_rsvmap(b, mem, 8), 2);
	CHECK_EQ(mem[0].base, 0x48000000);
	CHECK_EQ(mem[0].size, 0x100000);
	CHECK_EQ(mem[1].base, 0x49000000);
	CHECK_EQ(mem[1].size, 0x2000);
	CHECK_EQ(fdt_reserved_memory(b, resv, 8), 2);
	CHECK_EQ(resv[0].base, 0x40000000);
	CHECK_EQ(resv[0].size, 0x10000);
	CHECK(resv[0].nomap);
	CHECK_STR(name_of(b, resv[0].node), "fw@40000000");
	CHECK_EQ(resv[1].base, 0x41000000);
	CHECK(!resv[1].nomap);
	CHECK_EQ(fdt_psci_method(b), FDT_PSCI_HVC);

	CHECK_EQ(fdt_boot_info(b, &bi), 0);
	CHECK_STR(bi.bootargs, "console=ttyS0 quiet");
	CHECK_STR(name_of(b, bi.stdout_node), "uart@1000");
	CHECK_STR(bi.stdout_opts, "115200n8");
	CHECK_EQ(bi.psci_method, FDT_PSCI_HVC);
	CHECK_EQ(bi.initrd_start, 0x48000000);
	CHECK_EQ(bi.initrd_end, 0x48100000);
	CHECK_EQ(bi.nmem, 3);
	CHECK_EQ(bi.nresv, 4);
	CHECK_EQ(bi.resv[1].base, 0x49000000);
	CHECK_EQ(bi.resv[1].node, -ENOENT);
	CHECK_EQ(bi.resv[3].base, 0x41000000);
	CHECK(!bi.truncated);
	free(b);
}

UNIT(fdt_poke_test_blob)
{
	size_t size;
	uint8_t *b = load_ok("test.dtb", &size);

	if (b)
		fdt_poke(b, 1000);
	free(b);
}

/* ---- QEMU virt ---- */

UNIT(fdt_qemu_virt_devices)
{
	size_t size;
	uint8_t *b = load_ok("virt.dtb", &size);
	struct fdt_irq irq;
	uint64_t a, s;
	int n, count = 0;
	uint32_t seen = 0;

	if (!b)
		return;
	n = fdt_next_compatible(b, -1, "arm,pl011");
	CHECK_STR(name_of(b, n), "pl011@9000000");
	CHECK_EQ(fdt_reg(b, n, 0, &a, &s), 0);
	CHECK_EQ(a, 0x9000000);
	CHECK_EQ(s, 0x1000);
	CHECK_EQ(fdt_interrupts(b, n, 0, &irq), 0);
	CHECK(fdt_compatible(b, irq.ctrl, "arm,cortex-a15-gic"));
	CHECK_EQ(irq.ncells, 3);
	CHECK_EQ(irq.cells[0], 0);      /* SPI */
	CHECK_EQ(irq.cells[1], 1);
	CHECK_EQ(irq.cells[2], 4);      /* level high */
	CHECK_EQ(fdt_stdout_path(b, NULL), n);
	CHECK(fdt_bootargs(b) == NULL);

	/* 32 virtio-mmio transports, 0x200 apart from 0xa000000, on SPIs
	 * 16.. in the same order. */
	fdt_for_each_compatible(b, n, "virtio,mmio") {
		unsigned slot;

		CHECK_EQ(fdt_reg(b, n, 0, &a, &s), 0);
		CHECK_EQ(s, 0x200);
		CHECK(a >= 0xa000000 && a < 0xa000000 + 32 * 0x200 && a % 0x200 == 0);
		slot = (unsigned)((a - 0xa000000) / 0x200) & 31;
		seen |= 1u << slot;
		CHECK_EQ(fdt_interrupts(b, n, 0, &irq), 0);
		CHECK_EQ(irq.cells[0], 0);
		CHECK_EQ(irq.cells[1], 16 + slot);
		CHECK_EQ(irq.cells[2], 1);      /* edge rising */
		count++;
	}
	CHECK_EQ(count, 32);
	CHECK_EQ(seen, 0xffffffffu);

	n = fdt_next_compatible(b, -1, "arm,cortex-a15-gic");
	CHECK_EQ(fdt_reg(b, n, 0, &a, &s), 0);
	CHECK_EQ(a, 0x8000000);
	CHECK_EQ(fdt_reg(b, n, 1, &a, &s), 0);
	CHECK_EQ(a, 0x8010000);
	/* GICv2m frame under the GIC's empty ranges. */
	n = fdt_next_compatible(b, -1, "arm,gic-v2m-frame");
	CHECK_EQ(fdt_reg(b, n, 0, &a, &s), 0);
	CHECK_EQ(a, 0x8020000);
	/* The architected timer: four PPIs. (The default CPU is a Cortex-A15,
	 * so the node is only "arm,armv7-timer" compatible.) */
	n = fdt_next_compatible(b, -1, "arm,armv7-timer");
	CHECK_EQ(fdt_interrupt_count(b, n), 4);
	CHECK_EQ(fdt_interrupts(b, n, 1, &irq), 0);
	CHECK_EQ(irq.cells[0], 1);      /* PPI */
	CHECK_EQ(irq.cells[1], 14);     /* non-secure physical timer */
	n = fdt_next_compatible(b, -1, "cfi-flash");
	CHECK_EQ(fdt_reg(b, n, 1, &a, &s), 0);
	CHECK_EQ(a, 0x4000000);
	CHECK_EQ(s, 0x4000000);
	n = node(b, "/cpus/cpu@0");
	CHECK_EQ(fdt_reg_raw(b, n, 0, &a, &s), 0);
	CHECK_EQ(a, 0);
	CHECK_EQ(fdt_psci_method(b), FDT_PSCI_HVC);
	free(b);
}

/* QEMU's virt PCIe host: slot s, pin p (1..4) -> SPI 3 + (s + p - 1) % 4,
 * level high, in QEMU's interrupt-map (hw/arm/virt.c's swizzle). */
static void check_pci_host(const void *b, uint64_t ecam, uint64_t ecam_size,
			   bool mem64)
{
	struct fdt_pci_range r[4];
	struct fdt_irq irq;
	uint64_t a, s;
	int host, n;

	host = fdt_next_compatible(b, -1, "pci-host-ecam-generic");
	CHECK(host >= 0);
	CHECK_EQ(fdt_reg(b, host, 0, &a, &s), 0);
	CHECK_EQ(a, ecam);
	CHECK_EQ(s, ecam_size);
	n = fdt_pci_ranges(b, host, r, 4);
	CHECK_EQ(n, mem64 ? 3 : 2);
	CHECK_EQ(r[0].flags & FDT_PCI_SPACE_MASK, FDT_PCI_SPACE_IO);
	CHECK_EQ(r[0].pci_addr, 0);
	CHECK_EQ(r[0].cpu_addr, 0x3eff0000);
	CHECK_EQ(r[0].size, 0x10000);
	CHECK_EQ(r[1].flags & FDT_PCI_SPACE_MASK, FDT_PCI_SPACE_MEM32);
	CHECK_EQ(r[1].pci_addr, 0x10000000);
	CHECK_EQ(r[1].cpu_addr, 0x10000000);
	CHECK_EQ(r[1].size, 0x2eff0000);
	if (mem64) {
		CHECK_EQ(r[2].flags & FDT_PCI_SPACE_MASK, FDT_PCI_SPACE_MEM64);
		CHECK_EQ(r[2].pci_addr, 0x8000000000);
		CHECK_EQ(r[2].cpu_addr, 0x8000000000);
		CHECK_EQ(r[2].size, 0x8000000000);
	}
	CHECK_EQ(fdt_pci_ranges(b, host, r, 0), n);
	for (unsigned dev = 0; dev < 32; dev++) {
		for (unsigned pin = 1; pin <= 4; pin++) {
			CHECK_EQ(fdt_pci_intx(b, host, 0, dev, dev & 7, pin, &irq), 0);
			CHECK(fdt_compatible(b, irq.ctrl, "arm,cortex-a15-gic") ||
			      fdt_compatible(b, irq.ctrl, "arm,gic-v3"));
			CHECK_EQ(irq.ncells, 3);
			CHECK_EQ(irq.cells[0], 0);
			CHECK_EQ(irq.cells[1], 3 + (dev + pin - 1) % 4);
			CHECK_EQ(irq.cells[2], 4);
		}
	}
	CHECK_EQ(fdt_pci_intx(b, host, 0, 0, 0, 0, &irq), -EINVAL);
	CHECK_EQ(fdt_pci_intx(b, host, 0, 0, 0, 5, &irq), -EINVAL);
	CHECK_EQ(fdt_pci_intx(b, host, 0, 32, 0, 1, &irq), -EINVAL);
	CHECK_EQ(fdt_pci_intx(b, fdt_root(b), 0, 0, 0, 1, &irq), -ENOENT);
}

UNIT(fdt_qemu_virt_pci)
{
	size_t size;
	uint8_t *b = load_ok("virt.dtb", &size);

	if (!b)
		return;
	/* QEMU >= 3.0 with highmem: ECAM above 256 GiB. */
	check_pci_host(b, 0x4010000000, 0x10000000, true);
	free(b);
	b = load_ok("virt-lowmem.dtb", &size);
	if (!b)
		return;
	check_pci_host(b, 0x3f000000, 0x1000000, false);
	free(b);
}

UNIT(fdt_qemu_virt_gicv3_boot)
{
	size_t size;
	uint8_t *b = load_ok("virt-gicv3.dtb", &size);
	struct fdt_boot_info bi;
	struct fdt_irq irq;
	uint64_t a, s;
	int n, count = 0;

	if (!b)
		return;
	CHECK_EQ(fdt_boot_info(b, &bi), 0);
	CHECK(bi.bootargs && strcmp(bi.bootargs, "console=ttyAMA0 test=fdt*") == 0);
	CHECK_STR(name_of(b, bi.stdout_node), "pl011@9000000");
	CHECK(bi.stdout_opts == NULL);
	/* virtualization=on: QEMU emulates EL2/EL3 and PSCI goes by SMC. */
	CHECK_EQ(bi.psci_method, FDT_PSCI_SMC);
	CHECK_EQ(bi.nmem, 1);
	CHECK_EQ(bi.mem[0].base, 0x40000000);
	CHECK_EQ(bi.mem[0].size, 256 << 20);
	CHECK_EQ(bi.nresv, 0);
	CHECK_EQ(bi.initrd_start, 0);

	n = fdt_next_compatible(b, -1, "arm,gic-v3");
	CHECK_EQ(fdt_reg(b, n, 0, &a, &s), 0);
	CHECK_EQ(a, 0x8000000);
	CHECK_EQ(s, 0x10000);
	CHECK_EQ(fdt_reg(b, n, 1, &a, &s), 0);  /* redistributors */
	CHECK_EQ(a, 0x80a0000);
	n = fdt_next_compatible(b, -1, "arm,gic-v3-its");
	CHECK_EQ(fdt_reg(b, n, 0, &a, &s), 0);
	CHECK_EQ(a, 0x8080000);
	n = fdt_next_compatible(b, -1, "arm,pl011");
	CHECK_EQ(fdt_interrupts(b, n, 0, &irq), 0);
	CHECK(fdt_compatible(b, irq.ctrl, "arm,gic-v3"));
	CHECK_EQ(irq.cells[1], 1);
	/* Two CPUs with MPIDRs 0 and 1. */
	for (n = fdt_first_child(b, node(b, "/cpus")); n >= 0; n = fdt_next_sibling(b, n)) {
		const char *t = fdt_get_string(b, n, "device_type");

		if (!t || strcmp(t, "cpu") != 0)
			continue;
		CHECK_EQ(fdt_reg_raw(b, n, 0, &a, &s), 0);
		CHECK_EQ(a, (uint64_t)count);
		CHECK_STR(fdt_get_string(b, n, "enable-method"), "psci");
		count++;
	}
	CHECK_EQ(count, 2);
	check_pci_host(b, 0x4010000000, 0x10000000, true);
	free(b);
}

UNIT(fdt_poke_qemu_blobs)
{
	static const char *const names[] = { "virt.dtb", "virt-gicv3.dtb",
					     "virt-lowmem.dtb" };
	size_t size;

	for (int i = 0; i < 3; i++) {
		uint8_t *b = load_ok(names[i], &size);

		if (b)
			fdt_poke(b, 1000);
		free(b);
	}
}

/* ---- fdt_device_overlap: RAM claimed over device space ---- */

/* Which device window (node name, base) overlaps [base, base + size)? */
static void check_dev(const void *b, uint64_t base, uint64_t size,
		      const char *name, uint64_t wbase, bool pci)
{
	struct fdt_dev_window w = { .node = -1 };
	int rc = fdt_device_overlap(b, base, size, &w);

	if (!name) {
		CHECK_EQ(rc, 0);
		if (rc == 1)
			printf("#   %#llx+%#llx hits %s\n", (unsigned long long)base,
			       (unsigned long long)size, name_of(b, w.node));
		return;
	}
	CHECK_EQ(rc, 1);
	if (rc != 1)
		return;
	CHECK_STR(name_of(b, w.node), name);
	CHECK_EQ(w.base, wbase);
	CHECK_EQ(w.pci_window, pci);
}

UNIT(device_overlap_virt)
{
	size_t size;
	uint8_t *b = load_ok("virt-gicv3.dtb", &size);

	if (!b)
		return;
	/* The five fuzzer finds' shapes (bootfuzz seed 2). */
	check_dev(b, 0, 0x8000000, "flash@0", 0, false);
	check_dev(b, 0x8000000000ULL + 0x2840000000ULL, 1ULL << 32, "pcie@10000000",
		  0x8000000000ULL, true);
	check_dev(b, 0xffffffffULL, 0x8000000, NULL, 0, false);
	check_dev(b, 0x47ff0000ULL, 0x9d25518aULL, NULL, 0, false);
	/* RAM itself: the memory node is not a device. */
	check_dev(b, 0x40000000, 0x10000000, NULL, 0, false);
	/* One byte of a device's registers, from below and above. */
	check_dev(b, 0x8fff000, 0x1001, "pl011@9000000", 0x9000000, false);
	check_dev(b, 0x9000fff, 0x1000, "pl011@9000000", 0x9000000, false);
	check_dev(b, 0x9001000, 0x1000, NULL, 0, false);
	/* A GIC child's reg (translated through the GIC's ranges). */
	check_dev(b, 0x8090000, 0x1000, "its@8080000", 0x8080000, false);
	/* The PCI host's ECAM (reg, above 4 GiB) and its 32-bit window. */
	check_dev(b, 0x4010000000ULL, 0x1000, "pcie@10000000", 0x4010000000ULL, false);
	check_dev(b, 0x20000000, 0x1000, "pcie@10000000", 0x10000000, true);
	/* Nothing decodes there on virt. */
	check_dev(b, 0xa100000, 0x100000, NULL, 0, false);
	/* A range to 2^64 (and one past it) reaches the PCI windows. */
	check_dev(b, 0x100000000000ULL, 0, NULL, 0, false);
	CHECK_EQ(fdt_device_overlap(b, 0x4020000000ULL, ~0ULL, &(struct fdt_dev_window){ 0 }), 1);
	free(b);
}

UNIT(device_overlap_reserved_memory_is_ram)
{
	size_t size;
	uint8_t *b = load_ok("test.dtb", &size);

	if (!b)
		return;
	/* /reserved-memory's children and memory nodes (even disabled
	 * ones) describe RAM, not devices. */
	check_dev(b, 0x40000000, 0x10000, NULL, 0, false);
	check_dev(b, 0x41000000, 0x2000, NULL, 0, false);
	check_dev(b, 0x42000000, 0x1000, NULL, 0, false);
	check_dev(b, 0x80000000, 0x1000, NULL, 0, false);
	free(b);
}

UNIT_MAIN()
