// SPDX-License-Identifier: MIT
/* Flattened devicetree: what the kernel needs at boot. /chosen (DTSpec
 * §3.6), memory nodes (§3.4), reservations (§3.5 and the header's block,
 * §5.3) and the PSCI conduit (Arm's PSCI binding: "method" is "hvc" or
 * "smc"). Results go into plain arrays the arch code copies into its memory
 * map. */
#include <drivers/fdt.h>
#include <kern/errno.h>
#include <string.h>

#include "fdt_priv.h"

static int fdt_chosen(const void *fdt)
{
	return fdt_find_node(fdt, "/chosen");
}

const char *fdt_bootargs(const void *fdt)
{
	int chosen = fdt_chosen(fdt);

	return chosen < 0 ? NULL : fdt_get_string(fdt, chosen, "bootargs");
}

int fdt_stdout_path(const void *fdt, const char **opts)
{
	int chosen = fdt_chosen(fdt);
	const char *s, *colon;
	size_t n;

	if (opts)
		*opts = NULL;
	if (chosen < 0)
		return chosen;
	s = fdt_get_string(fdt, chosen, "stdout-path");
	if (!s)
		s = fdt_get_string(fdt, chosen, "linux,stdout-path");
	if (!s)
		return -ENOENT;
	/* §3.6: "path-or-alias[:options]"; ':' cannot occur in node names
	 * (§2.2.1), so the first one ends the path. */
	colon = strchr(s, ':');
	n = colon ? (size_t)(colon - s) : strlen(s);
	if (opts && colon && colon[1])
		*opts = colon + 1;
	return fdt_find_node_n(fdt, s, n);
}

int fdt_initrd(const void *fdt, uint64_t *start, uint64_t *end)
{
	int chosen = fdt_chosen(fdt), err;
	uint64_t s, e;

	if (chosen < 0)
		return chosen;
	err = fdt_get_u64(fdt, chosen, "linux,initrd-start", &s);
	if (!err)
		err = fdt_get_u64(fdt, chosen, "linux,initrd-end", &e);
	if (err)
		return err;
	if (e < s)
		return -EINVAL;
	*start = s;
	*end = e;
	return 0;
}

static bool fdt_is_memory(const void *fdt, int node)
{
	const char *t = fdt_get_string(fdt, node, "device_type");

	return t && strcmp(t, "memory") == 0 && fdt_node_enabled(fdt, node);
}

static void mem_bad(struct fdt_mem_bad *bad, int maxbad, int *nbad, int node,
		    int index, int err, uint64_t base, uint64_t size)
{
	if (*nbad < maxbad)
		bad[*nbad] = (struct fdt_mem_bad){ .node = node, .index = index,
						   .err = err, .base = base, .size = size };
	(*nbad)++;
}

int fdt_memory_checked(const void *fdt, struct fdt_mem_range *out, int max,
		       struct fdt_mem_bad *bad, int maxbad, int *nbad)
{
	int node, i, cnt, n = 0, err, dummy = 0;
	uint64_t base, size;

	if (!nbad)
		nbad = &dummy;
	*nbad = 0;
	/* Each region stands alone: one that cannot be used is dropped and
	 * the others kept, since one firmware slip must not cost all RAM. */
	for (node = fdt_root(fdt); node >= 0; node = fdt_next_node(fdt, node, NULL)) {
		if (!fdt_is_memory(fdt, node))
			continue;
		cnt = fdt_reg_count(fdt, node);
		if (cnt < 0) {
			/* No reg, or one that is not whole (address, size)
			 * entries (DTSpec §2.3.6): the cells are not what
			 * the parent says, so no entry of it can be trusted. */
			mem_bad(bad, maxbad, nbad, node, -1, cnt, 0, 0);
			continue;
		}
		for (i = 0; i < cnt; i++) {
			err = fdt_reg(fdt, node, i, &base, &size);
			if (err) {
				mem_bad(bad, maxbad, nbad, node, i, err, 0, 0);
				continue;
			}
			if (size == 0)
				continue;
			if (base + size < base) {
				mem_bad(bad, maxbad, nbad, node, i, -EOVERFLOW, base, size);
				continue;
			}
			if (n < max) {
				out[n].base = base;
				out[n].size = size;
			}
			n++;
		}
	}
	return node == -ENOENT ? n : node;
}

int fdt_memory(const void *fdt, struct fdt_mem_range *out, int max)
{
	return fdt_memory_checked(fdt, out, max, NULL, 0, NULL);
}

/* Does [wb, wb + ws) overlap [base, last]? Sizes past 2^64 end there. */
static bool window_hits(uint64_t wb, uint64_t ws, uint64_t base, uint64_t last)
{
	uint64_t wl = ws - 1 > UINT64_MAX - wb ? UINT64_MAX : wb + ws - 1;

	return ws && wb <= last && wl >= base;
}

static bool is_pci_host(const void *fdt, int node)
{
	const char *t = fdt_get_string(fdt, node, "device_type");

	return t && strcmp(t, "pci") == 0;
}

int fdt_device_overlap(const void *fdt, uint64_t base, uint64_t size,
		       struct fdt_dev_window *hit)
{
	struct fdt_pci_range pr[FDT_DEV_PCI_RANGES];
	int node, depth = 0, skip = -1, rm, cnt, i;
	uint64_t last, b, sz;

	if (size == 0)
		return 0;
	last = size - 1 > UINT64_MAX - base ? UINT64_MAX : base + size - 1;
	rm = fdt_find_node(fdt, "/reserved-memory");
	for (node = fdt_root(fdt); node >= 0; node = fdt_next_node(fdt, node, &depth)) {
		if (skip >= 0 && depth > skip)
			continue;       /* inside /reserved-memory */
		skip = -1;
		if (node == rm) {
			skip = depth;
			continue;
		}
		/* Memory nodes whatever their status: RAM, not a device. */
		const char *t = fdt_get_string(fdt, node, "device_type");
		if (t && strcmp(t, "memory") == 0)
			continue;
		/* Disabled devices too: status says whether the OS may use
		 * one (DTSpec §2.3.4), not whether its registers decode. A
		 * reg that does not translate to a CPU address (a CPU's
		 * MPIDR, a PCI function's config address) is not a window. */
		cnt = fdt_reg_count(fdt, node);
		for (i = 0; i < cnt; i++) {
			if (fdt_reg(fdt, node, i, &b, &sz) || !window_hits(b, sz, base, last))
				continue;
			*hit = (struct fdt_dev_window){ .node = node, .base = b, .size = sz };
			return 1;
		}
		if (!is_pci_host(fdt, node))
			continue;
		/* A PCI host's windows (PCI Bus Binding §2.2.1.1): its BARs
		 * are placed there, so no RAM can be. */
		cnt = MIN(fdt_pci_ranges(fdt, node, pr, FDT_DEV_PCI_RANGES),
			  FDT_DEV_PCI_RANGES);
		for (i = 0; i < cnt; i++) {
			if (!window_hits(pr[i].cpu_addr, pr[i].size, base, last))
				continue;
			*hit = (struct fdt_dev_window){ .node = node, .base = pr[i].cpu_addr,
							.size = pr[i].size, .pci_window = true };
			return 1;
		}
	}
	return node == -ENOENT ? 0 : node;
}

int fdt_mem_rsvmap(const void *fdt, struct fdt_mem_range *out, int max)
{
	struct fdt_view v;
	uint32_t off;
	int n = 0, err;

	err = fdt_view_init(fdt, &v);
	if (err)
		return err;
	for (off = v.rsv_off; off <= v.total - 16; off += 16) {
		uint64_t base = fdt_be64(v.base + off);
		uint64_t size = fdt_be64(v.base + off + 8);

		if (base == 0 && size == 0)
			return n;
		if (base + size < base)
			return -EBADMSG;
		if (n < max) {
			out[n].base = base;
			out[n].size = size;
		}
		n++;
	}
	return -EBADMSG;
}

int fdt_reserved_memory(const void *fdt, struct fdt_resv_range *out, int max)
{
	int rm, child, i, cnt, n = 0, err;
	uint64_t base, size;

	rm = fdt_find_node(fdt, "/reserved-memory");
	if (rm == -ENOENT)
		return 0;
	if (rm < 0)
		return rm;
	for (child = fdt_first_child(fdt, rm); child >= 0;
	     child = fdt_next_sibling(fdt, child)) {
		if (!fdt_node_enabled(fdt, child))
			continue;
		cnt = fdt_reg_count(fdt, child);
		if (cnt == -ENOENT)
			continue;       /* dynamic: placed by the OS */
		if (cnt < 0)
			return cnt;
		for (i = 0; i < cnt; i++) {
			/* §3.5.1: /reserved-memory has an empty ranges, so
			 * this is the identity below the root's own cells. */
			err = fdt_reg(fdt, child, i, &base, &size);
			if (err)
				return err;
			if (size == 0)
				continue;
			if (base + size < base)
				return -EINVAL;
			if (n < max) {
				out[n].base = base;
				out[n].size = size;
				out[n].node = child;
				out[n].nomap = fdt_hasprop(fdt, child, "no-map");
			}
			n++;
		}
	}
	return child == -ENOENT ? n : child;
}

int fdt_psci_method(const void *fdt)
{
	static const char *const compat[] = {
		"arm,psci-1.0", "arm,psci-0.2", "arm,psci",
	};
	const char *m;
	int node = -ENOENT;

	for (size_t i = 0; i < ARRAY_SIZE(compat) && node < 0; i++)
		node = fdt_next_compatible(fdt, -1, compat[i]);
	if (node < 0)
		node = fdt_find_node(fdt, "/psci");
	if (node < 0)
		return node;
	m = fdt_get_string(fdt, node, "method");
	if (!m)
		return -EINVAL;
	if (strcmp(m, "hvc") == 0)
		return FDT_PSCI_HVC;
	if (strcmp(m, "smc") == 0)
		return FDT_PSCI_SMC;
	return -EINVAL;
}

int fdt_boot_info(const void *fdt, struct fdt_boot_info *bi)
{
	struct fdt_mem_range rsv[FDT_BOOT_MAX_RESV];
	int n, i, err = 0;

	*bi = (struct fdt_boot_info){ .bootargs = NULL };
	bi->bootargs = fdt_bootargs(fdt);
	bi->stdout_node = fdt_stdout_path(fdt, &bi->stdout_opts);
	bi->psci_method = fdt_psci_method(fdt);
	if (fdt_initrd(fdt, &bi->initrd_start, &bi->initrd_end)) {
		bi->initrd_start = 0;
		bi->initrd_end = 0;
	}

	n = fdt_memory_checked(fdt, bi->mem, FDT_BOOT_MAX_MEM, bi->mem_bad,
			       FDT_BOOT_MAX_BAD, &bi->nmem_bad);
	if (n < 0) {
		err = n;
	} else {
		bi->nmem = MIN(n, FDT_BOOT_MAX_MEM);
		bi->truncated |= n > FDT_BOOT_MAX_MEM;
	}
	if (bi->nmem_bad)
		err = err ? err : bi->mem_bad[0].err;
	bi->nmem_bad = MIN(bi->nmem_bad, FDT_BOOT_MAX_BAD);

	n = fdt_mem_rsvmap(fdt, rsv, FDT_BOOT_MAX_RESV);
	if (n < 0) {
		err = err ? err : n;
	} else {
		bi->truncated |= n > FDT_BOOT_MAX_RESV;
		n = MIN(n, FDT_BOOT_MAX_RESV);
		for (i = 0; i < n; i++) {
			bi->resv[i].base = rsv[i].base;
			bi->resv[i].size = rsv[i].size;
			bi->resv[i].node = -ENOENT;
		}
		bi->nresv = n;
	}

	n = fdt_reserved_memory(fdt, bi->resv + bi->nresv,
				FDT_BOOT_MAX_RESV - bi->nresv);
	if (n < 0) {
		err = err ? err : n;
	} else {
		bi->truncated |= n > FDT_BOOT_MAX_RESV - bi->nresv;
		bi->nresv += MIN(n, FDT_BOOT_MAX_RESV - bi->nresv);
	}
	return err;
}
