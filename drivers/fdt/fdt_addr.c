// SPDX-License-Identifier: MIT
/* Flattened devicetree: "reg" and "ranges" (DTSpec §2.3.5, §2.3.6, §2.3.8).
 *
 * A node's reg addresses are in its parent bus's address space, with the
 * parent's #address-cells and #size-cells. Each bus's "ranges" maps its
 * child space into its own parent's; an empty ranges is the identity and a
 * missing one (below the root) means the space is not memory-mapped at all.
 * Translating to a CPU physical address therefore walks from the node's
 * parent up to the root, one ranges table per level; the depth cap of
 * fdt_check bounds the walk. */
#include <drivers/fdt.h>
#include <kern/errno.h>
#include <string.h>

#include "fdt_priv.h"

/* An address of n big-endian cells, most significant first. */
struct fdt_addr {
	uint32_t c[FDT_MAX_ADDR_CELLS];
	int n;
};

static uint64_t fdt_cells64(const uint8_t *p, int n)
{
	uint64_t v = 0;

	/* Callers keep n <= 2 for sizes; for longer addresses only the low
	 * 64 bits are read (the caller checks the rest). */
	for (int i = 0; i < n; i++)
		v = v << 32 | fdt_be32(p + 4 * i);
	return v;
}

static void fdt_addr_read(struct fdt_addr *a, const uint8_t *p, int n)
{
	a->n = n;
	for (int i = 0; i < n; i++)
		a->c[i] = fdt_be32(p + 4 * i);
}

/* The low 64 bits (the last two cells). */
static uint64_t fdt_addr_low(const struct fdt_addr *a)
{
	if (a->n >= 2)
		return (uint64_t)a->c[a->n - 2] << 32 | a->c[a->n - 1];
	return a->n == 1 ? a->c[0] : 0;
}

/* Are any cells above the low 64 bits set? */
static bool fdt_addr_high(const struct fdt_addr *a)
{
	for (int i = 0; i < a->n - 2; i++)
		if (a->c[i])
			return true;
	return false;
}

/* Replace the low 64 bits; fails if they do not fit in a 1-cell space. */
static int fdt_addr_set_low(struct fdt_addr *a, uint64_t v)
{
	if (a->n == 1) {
		if (v >> 32)
			return -EOVERFLOW;
		a->c[0] = (uint32_t)v;
	} else if (a->n >= 2) {
		a->c[a->n - 2] = (uint32_t)(v >> 32);
		a->c[a->n - 1] = (uint32_t)v;
	} else if (v) {
		return -EOVERFLOW;
	}
	return 0;
}

int fdt_bus_cells(const void *fdt, int bus, int *ac, int *sc)
{
	uint32_t a = 2, s = 1;  /* §2.3.5: the defaults */
	int err;

	err = fdt_get_u32(fdt, bus, "#address-cells", &a);
	if (err && err != -ENOENT)
		return -EINVAL;
	err = fdt_get_u32(fdt, bus, "#size-cells", &s);
	if (err && err != -ENOENT)
		return -EINVAL;
	if (a > FDT_MAX_ADDR_CELLS || s > FDT_MAX_SIZE_CELLS)
		return -EINVAL;
	*ac = (int)a;
	*sc = (int)s;
	return 0;
}

/* The bus whose cells describe node's reg: its parent (the root for the
 * root itself). */
static int fdt_reg_bus(const void *fdt, int node)
{
	int p = fdt_parent(fdt, node);

	return p == -ENOENT ? node : p;
}

int fdt_address_cells(const void *fdt, int node)
{
	int bus = fdt_reg_bus(fdt, node), ac, sc, err;

	if (bus < 0)
		return bus;
	err = fdt_bus_cells(fdt, bus, &ac, &sc);
	return err ? err : ac;
}

int fdt_size_cells(const void *fdt, int node)
{
	int bus = fdt_reg_bus(fdt, node), ac, sc, err;

	if (bus < 0)
		return bus;
	err = fdt_bus_cells(fdt, bus, &ac, &sc);
	return err ? err : sc;
}

/* Locate node's reg and its layout. @return the entry count. */
static int fdt_reg_layout(const void *fdt, int node, const uint8_t **reg,
			  int *bus, int *ac, int *sc)
{
	int len, err;

	*bus = fdt_reg_bus(fdt, node);
	if (*bus < 0)
		return *bus;
	err = fdt_bus_cells(fdt, *bus, ac, sc);
	if (err)
		return err;
	*reg = fdt_getprop(fdt, node, "reg", &len);
	if (!*reg)
		return len;
	/* An address needs at least one cell; the value must be a whole
	 * number of (address, size) entries. */
	if (*ac == 0 || len % ((*ac + *sc) * 4))
		return -EINVAL;
	return len / ((*ac + *sc) * 4);
}

int fdt_reg_count(const void *fdt, int node)
{
	const uint8_t *reg = NULL;
	int bus, ac, sc;

	return fdt_reg_layout(fdt, node, &reg, &bus, &ac, &sc);
}

/* Read entry index of reg. */
static int fdt_reg_entry(const void *fdt, int node, int index,
			 struct fdt_addr *a, uint64_t *size, int *bus)
{
	const uint8_t *reg = NULL;
	int ac, sc, n;

	n = fdt_reg_layout(fdt, node, &reg, bus, &ac, &sc);
	if (n < 0)
		return n;
	if (index < 0 || index >= n)
		return -ENOENT;
	reg += (size_t)index * (size_t)(ac + sc) * 4;
	fdt_addr_read(a, reg, ac);
	if (size)
		*size = fdt_cells64(reg + 4 * ac, sc);
	return 0;
}

/* Is device_type "pci"? Its phys.hi cell carries flags and bus/device
 * numbers, of which only the space code selects a ranges entry (PCI Bus
 * Binding to IEEE 1275, §2.2.1.1). */
static bool fdt_is_pci_bus(const void *fdt, int bus)
{
	const char *t = fdt_get_string(fdt, bus, "device_type");

	return t && (strcmp(t, "pci") == 0 || strcmp(t, "pciex") == 0);
}

/* Does child address a fall inside the ranges entry starting at base with
 * the given size? *off gets the distance from base. */
static bool fdt_range_match(const struct fdt_addr *a, const struct fdt_addr *base,
			    uint64_t size, bool pci, uint64_t *off)
{
	uint64_t lo = fdt_addr_low(a), blo = fdt_addr_low(base);

	for (int i = 0; i < a->n - 2; i++) {
		uint32_t diff = a->c[i] ^ base->c[i];

		if (pci && i == 0)
			diff &= FDT_PCI_SPACE_MASK;
		if (diff)
			return false;
	}
	if (lo < blo || lo - blo >= size)
		return false;
	*off = lo - blo;
	return true;
}

/* Map a (in bus's child space) one level up through bus's ranges into
 * the space of bus's parent, whose #address-cells is pac. */
static int fdt_translate_one(const void *fdt, int bus, struct fdt_addr *a,
			     int pac)
{
	const uint8_t *r;
	int len, ac, sc, entry, err;
	bool pci;
	struct fdt_addr child, parent;
	uint64_t size, off;

	r = fdt_getprop(fdt, bus, "ranges", &len);
	if (!r)
		return len == -ENOENT ? -ENXIO : len;
	if (pac == 0)
		return -EINVAL;
	if (len == 0) {
		/* Identity: same number, in the parent's cell count. */
		uint64_t lo = fdt_addr_low(a);

		if (fdt_addr_high(a) && !fdt_is_pci_bus(fdt, bus))
			return -EOVERFLOW;
		*a = (struct fdt_addr){ .n = pac };
		return fdt_addr_set_low(a, lo);
	}
	err = fdt_bus_cells(fdt, bus, &ac, &sc);
	if (err)
		return err;
	if (ac != a->n || ac == 0 || sc == 0)
		return -EINVAL;
	entry = (ac + pac + sc) * 4;
	if (len % entry)
		return -EINVAL;
	pci = fdt_is_pci_bus(fdt, bus);
	for (; len > 0; len -= entry, r += entry) {
		fdt_addr_read(&child, r, ac);
		fdt_addr_read(&parent, r + 4 * ac, pac);
		size = fdt_cells64(r + 4 * (ac + pac), sc);
		if (!fdt_range_match(a, &child, size, pci, &off))
			continue;
		if (fdt_addr_low(&parent) + off < off)
			return -EOVERFLOW;
		*a = parent;
		return fdt_addr_set_low(a, fdt_addr_low(&parent) + off);
	}
	return -ENXIO;
}

/* Translate a, an address in the child space of bus, to a CPU physical
 * address: up through the ranges of bus and each ancestor below the root. */
static int fdt_translate(const void *fdt, int bus, struct fdt_addr *a,
			 uint64_t *out)
{
	struct fdt_view v;
	int stack[FDT_MAX_DEPTH + 1], d, err, pac, psc;

	err = fdt_view_init(fdt, &v);
	if (err)
		return err;
	d = fdt_ancestors(&v, bus, stack);
	if (d < 0)
		return d;
	for (; d > 0; d--) {
		err = fdt_bus_cells(fdt, stack[d - 1], &pac, &psc);
		if (!err)
			err = fdt_translate_one(fdt, stack[d], a, pac);
		if (err)
			return err;
	}
	if (fdt_addr_high(a))
		return -EOVERFLOW;
	*out = fdt_addr_low(a);
	return 0;
}

int fdt_reg(const void *fdt, int node, int index, uint64_t *addr,
	    uint64_t *size)
{
	struct fdt_addr a;
	uint64_t s, pa;
	int bus, err;

	err = fdt_reg_entry(fdt, node, index, &a, &s, &bus);
	if (!err)
		err = fdt_translate(fdt, bus, &a, &pa);
	if (err)
		return err;
	*addr = pa;
	if (size)
		*size = s;
	return 0;
}

int fdt_reg_raw(const void *fdt, int node, int index, uint64_t *addr,
		uint64_t *size)
{
	struct fdt_addr a;
	uint64_t s;
	int bus, err;

	err = fdt_reg_entry(fdt, node, index, &a, &s, &bus);
	if (err)
		return err;
	if (fdt_addr_high(&a))
		return -EOVERFLOW;
	*addr = fdt_addr_low(&a);
	if (size)
		*size = s;
	return 0;
}

int fdt_pci_ranges(const void *fdt, int host, struct fdt_pci_range *out,
		   int max)
{
	const uint8_t *r;
	int len, ac, sc, pac, psc, parent, entry, n = 0, err;
	struct fdt_addr pa;
	uint64_t cpu;

	err = fdt_bus_cells(fdt, host, &ac, &sc);
	if (err)
		return err;
	/* PCI Bus Binding §2.2.1.1: 3 address cells, 2 size cells. */
	if (ac != 3 || sc != 2)
		return -EINVAL;
	parent = fdt_parent(fdt, host);
	if (parent < 0)
		return parent == -ENOENT ? -EINVAL : parent;
	err = fdt_bus_cells(fdt, parent, &pac, &psc);
	if (err)
		return err;
	if (pac == 0)
		return -EINVAL;
	r = fdt_getprop(fdt, host, "ranges", &len);
	if (!r)
		return len;
	entry = (ac + pac + sc) * 4;
	if (len % entry)
		return -EINVAL;
	for (; len > 0; len -= entry, r += entry, n++) {
		fdt_addr_read(&pa, r + 4 * ac, pac);
		err = fdt_translate(fdt, parent, &pa, &cpu);
		if (err)
			return err;
		if (n < max) {
			out[n].flags = fdt_be32(r);
			out[n].pci_addr = fdt_be64(r + 4);
			out[n].cpu_addr = cpu;
			out[n].size = fdt_be64(r + 4 * (ac + pac));
		}
	}
	return n;
}
