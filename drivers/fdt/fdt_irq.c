// SPDX-License-Identifier: MIT
/* Flattened devicetree: the interrupt tree (DTSpec §2.4).
 *
 * A device's "interrupts" are specifiers in the domain of its interrupt
 * parent, whose #interrupt-cells gives their size; "interrupts-extended"
 * names the parent per entry instead. A parent is either a controller
 * ("interrupt-controller": done) or a nexus whose "interrupt-map"
 * translates (child unit address, specifier) into another domain, as a PCI
 * host bridge does for INTA..INTD. Phandles can form cycles, so every walk
 * here counts its hops. */
#include <drivers/fdt.h>
#include <kern/errno.h>
#include <string.h>

#include "fdt_priv.h"

/* #interrupt-cells of a domain root. @return it, -ENOENT, or -EINVAL. */
static int fdt_irq_cells(const void *fdt, int node)
{
	uint32_t n;
	int err = fdt_get_u32(fdt, node, "#interrupt-cells", &n);

	if (err)
		return err == -ENOENT ? -ENOENT : -EINVAL;
	return n > FDT_MAX_IRQ_CELLS ? -EINVAL : (int)n;
}

/* The node a phandle names; a dangling phandle makes the blob malformed. */
static int fdt_phandle_node(const void *fdt, uint32_t ph)
{
	int node = fdt_node_by_phandle(fdt, ph);

	return node == -ENOENT ? -EINVAL : node;
}

int fdt_interrupt_parent(const void *fdt, int node)
{
	uint32_t ph;
	int hop, err;

	/* §2.4.1: an explicit interrupt-parent, else the devicetree parent;
	 * climb until a domain root (#interrupt-cells). Ancestors add at most
	 * FDT_MAX_DEPTH hops; more means a phandle cycle. */
	for (hop = 0; hop < FDT_MAX_DEPTH + FDT_MAX_IRQ_HOPS; hop++) {
		err = fdt_get_u32(fdt, node, "interrupt-parent", &ph);
		if (err == 0)
			node = fdt_phandle_node(fdt, ph);
		else if (err == -ENOENT)
			node = fdt_parent(fdt, node);
		else
			return -EINVAL;
		if (node < 0)
			return node;
		if (fdt_hasprop(fdt, node, "#interrupt-cells"))
			return node;
	}
	return -EBADMSG;
}

/* Entry index of interrupts-extended (§2.4.1.3): <phandle spec...>*.
 * @return 0 when the entry was found; with index < 0, the entry count;
 * -ENOENT past the end, or another negative errno. */
static int fdt_irq_ext(const void *fdt, const uint8_t *p, int len, int index,
		       int *ctrl, uint32_t *spec, int *nspec)
{
	int n = 0, c, cells;

	while (len > 0) {
		if (len < 4)
			return -EINVAL;
		c = fdt_phandle_node(fdt, fdt_be32(p));
		if (c < 0)
			return c;
		cells = fdt_irq_cells(fdt, c);
		if (cells < 0)
			return -EINVAL;
		if (len < 4 * (1 + cells))
			return -EINVAL;
		if (n == index) {
			*ctrl = c;
			*nspec = cells;
			for (int i = 0; i < cells; i++)
				spec[i] = fdt_be32(p + 4 + 4 * i);
			return 0;
		}
		p += 4 * (1 + cells);
		len -= 4 * (1 + cells);
		n++;
	}
	return index < 0 ? n : -ENOENT;
}

/* The interrupts property's parent and cell count. */
static int fdt_irq_plain(const void *fdt, int node, int len, int *ctrl)
{
	int cells;

	*ctrl = fdt_interrupt_parent(fdt, node);
	if (*ctrl < 0)
		return *ctrl;
	cells = fdt_irq_cells(fdt, *ctrl);
	if (cells <= 0 || len % (4 * cells))
		return -EINVAL;
	return cells;
}

int fdt_interrupt_count(const void *fdt, int node)
{
	const uint8_t *p;
	int len, ctrl, nspec, cells;
	uint32_t spec[FDT_MAX_IRQ_CELLS];

	p = fdt_getprop(fdt, node, "interrupts-extended", &len);
	if (p)
		return fdt_irq_ext(fdt, p, len, -1, &ctrl, spec, &nspec);
	if (len != -ENOENT)
		return len;
	p = fdt_getprop(fdt, node, "interrupts", &len);
	if (!p)
		return len;
	cells = fdt_irq_plain(fdt, node, len, &ctrl);
	return cells < 0 ? cells : len / (4 * cells);
}

/* Lookup state through a chain of nexus nodes: the current domain, the
 * child unit address and specifier in it. */
struct fdt_irq_walk {
	int cur;
	int nunit, nspec;
	uint32_t unit[FDT_MAX_ADDR_CELLS];
	uint32_t spec[FDT_MAX_IRQ_CELLS];
};

/* One interrupt-map lookup at nexus w->cur (§2.4.3.1): entries are
 * <child-unit child-spec parent-phandle parent-unit parent-spec>, the
 * parent-unit sized by the parent's #address-cells (default 0 there, as
 * interrupt controllers rarely have one). */
static int fdt_irq_map_one(const void *fdt, struct fdt_irq_walk *w,
			   const uint8_t *map, int len)
{
	uint32_t key[FDT_MAX_ADDR_CELLS + FDT_MAX_IRQ_CELLS];
	uint32_t mask[FDT_MAX_ADDR_CELLS + FDT_MAX_IRQ_CELLS];
	const uint8_t *m;
	int ac, sc, ic, nkey, mlen, i, err;
	int last_ph_node = -1, pac = 0, pic = 0;
	uint32_t last_ph = 0, ph, v;

	err = fdt_bus_cells(fdt, w->cur, &ac, &sc);
	if (err)
		return err;
	ic = fdt_irq_cells(fdt, w->cur);
	if (ic < 0 || ic != w->nspec)
		return -EINVAL;
	/* The child's unit address, right-aligned into the nexus's cell
	 * count (a child off the nexus's bus may use another count). */
	nkey = ac + ic;
	for (i = 0; i < ac; i++) {
		int j = w->nunit - ac + i;

		key[i] = j >= 0 ? w->unit[j] : 0;
	}
	memcpy(key + ac, w->spec, sizeof(uint32_t) * (size_t)ic);
	m = fdt_getprop(fdt, w->cur, "interrupt-map-mask", &mlen);
	if (m && mlen != 4 * nkey)
		return -EINVAL;
	if (!m && mlen != -ENOENT)
		return mlen;
	for (i = 0; i < nkey; i++)
		mask[i] = m ? fdt_be32(m + 4 * i) : 0xffffffffu;

	while (len > 0) {
		bool match = true;

		if (len < 4 * (nkey + 1))
			return -EINVAL;
		ph = fdt_be32(map + 4 * nkey);
		if (last_ph_node < 0 || ph != last_ph) {
			/* Map entries mostly share a parent: look it up once. */
			last_ph_node = fdt_phandle_node(fdt, ph);
			if (last_ph_node < 0)
				return last_ph_node;
			last_ph = ph;
			err = fdt_get_u32(fdt, last_ph_node, "#address-cells", &v);
			if (err == -ENOENT)
				v = 0;
			else if (err || v > FDT_MAX_ADDR_CELLS)
				return -EINVAL;
			pac = (int)v;
			pic = fdt_irq_cells(fdt, last_ph_node);
			if (pic < 0)
				return -EINVAL;
		}
		if (len < 4 * (nkey + 1 + pac + pic))
			return -EINVAL;
		for (i = 0; i < nkey; i++)
			if ((fdt_be32(map + 4 * i) ^ key[i]) & mask[i])
				match = false;
		if (match) {
			const uint8_t *pu = map + 4 * (nkey + 1);

			w->cur = last_ph_node;
			w->nunit = pac;
			for (i = 0; i < pac; i++)
				w->unit[i] = fdt_be32(pu + 4 * i);
			w->nspec = pic;
			for (i = 0; i < pic; i++)
				w->spec[i] = fdt_be32(pu + 4 * (pac + i));
			return 0;
		}
		map += 4 * (nkey + 1 + pac + pic);
		len -= 4 * (nkey + 1 + pac + pic);
	}
	return -ENXIO;
}

/* Follow w through nexus nodes until an interrupt controller. */
static int fdt_irq_resolve(const void *fdt, struct fdt_irq_walk *w,
			   struct fdt_irq *out)
{
	const uint8_t *map;
	int hop, len, err, next;

	for (hop = 0; hop < FDT_MAX_IRQ_HOPS; hop++) {
		if (fdt_hasprop(fdt, w->cur, "interrupt-controller")) {
			if (fdt_irq_cells(fdt, w->cur) != w->nspec)
				return -EINVAL;
			*out = (struct fdt_irq){ .ctrl = w->cur,
						 .ncells = w->nspec };
			memcpy(out->cells, w->spec,
			       sizeof(uint32_t) * (size_t)w->nspec);
			return 0;
		}
		map = fdt_getprop(fdt, w->cur, "interrupt-map", &len);
		if (map) {
			err = fdt_irq_map_one(fdt, w, map, len);
			if (err)
				return err;
			continue;
		}
		if (len != -ENOENT)
			return len;
		/* Neither controller nor nexus: the specifier passes on to
		 * this node's own interrupt parent unchanged. */
		next = fdt_interrupt_parent(fdt, w->cur);
		if (next < 0)
			return next;
		if (fdt_irq_cells(fdt, next) != w->nspec)
			return -EINVAL;
		w->cur = next;
	}
	return -EBADMSG;
}

int fdt_interrupts(const void *fdt, int node, int index, struct fdt_irq *out)
{
	struct fdt_irq_walk w;
	const uint8_t *p, *reg;
	int len, err, ac, cells;

	if (index < 0)
		return -ENOENT;
	p = fdt_getprop(fdt, node, "interrupts-extended", &len);
	if (p) {
		err = fdt_irq_ext(fdt, p, len, index, &w.cur, w.spec, &w.nspec);
		if (err)
			return err;
	} else {
		if (len != -ENOENT)
			return len;
		p = fdt_getprop(fdt, node, "interrupts", &len);
		if (!p)
			return len;
		cells = fdt_irq_plain(fdt, node, len, &w.cur);
		if (cells < 0)
			return cells;
		if (index >= len / (4 * cells))
			return -ENOENT;
		w.nspec = cells;
		for (int i = 0; i < cells; i++)
			w.spec[i] = fdt_be32(p + 4 * (index * cells + i));
	}
	/* §2.4.3.1: a nexus keys on the child's unit address, the first
	 * address of its reg; a node without reg keys on zeros. */
	w.nunit = 0;
	reg = fdt_getprop(fdt, node, "reg", &len);
	ac = fdt_address_cells(fdt, node);
	if (reg && ac > 0 && len >= 4 * ac) {
		w.nunit = ac;
		for (int i = 0; i < ac; i++)
			w.unit[i] = fdt_be32(reg + 4 * i);
	}
	return fdt_irq_resolve(fdt, &w, out);
}

int fdt_irq_map(const void *fdt, int nexus, const uint32_t *unit, int nunit,
		const uint32_t *spec, int nspec, struct fdt_irq *out)
{
	struct fdt_irq_walk w;

	if (nunit < 0 || nunit > FDT_MAX_ADDR_CELLS || nspec < 0 ||
	    nspec > FDT_MAX_IRQ_CELLS || (nunit && !unit) || (nspec && !spec))
		return -EINVAL;
	w.cur = nexus;
	w.nunit = nunit;
	w.nspec = nspec;
	if (nunit)
		memcpy(w.unit, unit, sizeof(uint32_t) * (size_t)nunit);
	if (nspec)
		memcpy(w.spec, spec, sizeof(uint32_t) * (size_t)nspec);
	return fdt_irq_resolve(fdt, &w, out);
}

int fdt_pci_intx(const void *fdt, int host, unsigned bus, unsigned dev,
		 unsigned fn, unsigned pin, struct fdt_irq *out)
{
	/* PCI Bus Binding §2.2.1.1: phys.hi = bus << 16 | dev << 11 |
	 * fn << 8; §4.1.1 (interrupt mapping): the specifier is the pin,
	 * 1..4 for INTA..INTD. */
	uint32_t unit[3] = { bus << 16 | dev << 11 | fn << 8, 0, 0 };
	uint32_t spec[1] = { pin };

	if (bus > 255 || dev > 31 || fn > 7 || pin < 1 || pin > 4)
		return -EINVAL;
	if (!fdt_hasprop(fdt, host, "interrupt-map"))
		return -ENOENT;
	return fdt_irq_map(fdt, host, unit, 3, spec, 1, out);
}
