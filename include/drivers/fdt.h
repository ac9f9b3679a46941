/* SPDX-License-Identifier: MIT */
/* Flattened devicetree (DTB) parser: validation, walking, address and
 * interrupt translation, and the boot facts the kernel needs.
 *
 * References are to the Devicetree Specification v0.4 ("DTSpec").
 *
 * Usage: call fdt_check(blob, maxsize) once on a blob from firmware; every
 * other function takes the same blob pointer and trusts only what fdt_check
 * proved (the header's totalsize is the extent of readable memory). Even so,
 * each function re-checks the header and every token it reads, so none of
 * them reads outside [blob, blob + totalsize) or loops forever, whatever the
 * blob holds.
 *
 * Nodes and properties are named by int offsets into the structure block
 * (>= 0); every function that returns one returns a negative errno instead
 * when there is none. Values in the blob are big-endian (DTSpec §5.1):
 * read cells with fdt_be32()/fdt_be64(), which also work unaligned.
 *
 * Pure logic: builds for the kernel (freestanding) and the host unit tests. */
#ifndef DRIVERS_FDT_H
#define DRIVERS_FDT_H

#include <kern/compiler.h>

#define FDT_MAGIC          0xd00dfeedu
#define FDT_VERSION        17   /* the format we read (DTSpec §5.2) */

/* Structure block tokens (DTSpec §5.4.1). */
#define FDT_BEGIN_NODE     0x1u
#define FDT_END_NODE       0x2u
#define FDT_PROP           0x3u
#define FDT_NOP            0x4u
#define FDT_END            0x9u

/* Limits that make hostile blobs harmless. */
#define FDT_MAX_DEPTH      32   /* node nesting, the root at depth 0 */
#define FDT_MAX_ADDR_CELLS 4    /* #address-cells we handle (PCI uses 3) */
#define FDT_MAX_SIZE_CELLS 2    /* #size-cells we handle */
#define FDT_MAX_IRQ_CELLS  4    /* #interrupt-cells we handle (GIC uses 3) */
#define FDT_MAX_IRQ_HOPS   16   /* interrupt-parent / interrupt-map hops */

/* The header (DTSpec §5.2), all fields big-endian in the blob. */
struct fdt_header {
	uint32_t magic;
	uint32_t totalsize;
	uint32_t off_dt_struct;
	uint32_t off_dt_strings;
	uint32_t off_mem_rsvmap;
	uint32_t version;
	uint32_t last_comp_version;
	uint32_t boot_cpuid_phys;
	uint32_t size_dt_strings;
	uint32_t size_dt_struct;
};
_Static_assert(sizeof(struct fdt_header) == 40, "DTSpec §5.2 header is 40 bytes");

/* ---- Big-endian cells ------------------------------------------------ */

/* Read a big-endian 32/64-bit value at any alignment. */
static inline uint32_t fdt_be32(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | (uint32_t)b[3];
}

static inline uint64_t fdt_be64(const void *p)
{
	const uint8_t *b = p;
	return (uint64_t)fdt_be32(b) << 32 | fdt_be32(b + 4);
}

/* ---- Validation ------------------------------------------------------ */

/* Validate a whole blob that lies in maxsize readable bytes: header, memory
 * reservation block and structure block (tokens, names, property lengths,
 * nesting up to FDT_MAX_DEPTH, a single root, a final FDT_END).
 * @return 0; -EINVAL bad magic or NULL; -EPROTO unsupported version;
 * -E2BIG totalsize > maxsize; -EBADMSG anything malformed. */
int fdt_check(const void *blob, size_t maxsize);

/* Only the header part of fdt_check: magic, version, totalsize within
 * maxsize, and the blocks inside totalsize. That is all the readers below
 * rely on for their bounds, so on a blob that passes this but not
 * fdt_check (a wrapping reservation, nesting past FDT_MAX_DEPTH) they still
 * read only inside it and end; they may just find less. Boot code uses it
 * to salvage /chosen from a tree it otherwise refuses.
 * @return as fdt_check. */
int fdt_check_header(const void *blob, size_t maxsize);

/* The header's totalsize (only meaningful after the magic matched). */
uint32_t fdt_totalsize(const void *blob);

/* ---- Walking --------------------------------------------------------- */

/* @return the root node. */
int fdt_root(const void *fdt);
/* @return the first child of node, -ENOENT if it has none. */
int fdt_first_child(const void *fdt, int node);
/* @return the next sibling of node, -ENOENT after the last one. */
int fdt_next_sibling(const void *fdt, int node);
/* Depth-first successor of node (document order). *depth, if given, is
 * adjusted by the levels moved (+1 into a child, -n when climbing out).
 * @return the next node, -ENOENT after the last node of the tree. */
int fdt_next_node(const void *fdt, int node, int *depth);
/* @return the parent of node, -ENOENT for the root. O(size of the tree). */
int fdt_parent(const void *fdt, int node);
/* @return node's depth (the root is 0). */
int fdt_depth(const void *fdt, int node);

/* The node's name with its unit address ("memory@40000000"; "" for the
 * root). *len (optional) gets strlen(name) or a negative errno.
 * @return the NUL-terminated name inside the blob, or NULL. */
const char *fdt_node_name(const void *fdt, int node, int *len);

/* Find a node by path: "/", "/chosen", "/memory@40000000", "/memory" (a
 * component without '@' also matches a name with a unit address, exact
 * names first; DTSpec §2.2.3), or a path that starts with an alias from
 * /aliases ("serial0", "serial0/child"; DTSpec §3.3).
 * @return the node, -ENOENT, or -EINVAL for a malformed path. */
int fdt_find_node(const void *fdt, const char *path);
/* The same for the first len bytes of path (path need not end there). */
int fdt_find_node_n(const void *fdt, const char *path, size_t len);

/* The child of parent called name (same matching as a path component).
 * @return the child or -ENOENT. */
int fdt_subnode(const void *fdt, int parent, const char *name, size_t len);

/* Write node's full path into buf (NUL-terminated).
 * @return its length, -ENOSPC if buf is too small, or another errno. */
int fdt_get_path(const void *fdt, int node, char *buf, size_t size);

/* ---- Properties ------------------------------------------------------ */

/* The value of node's property name. *len (optional) gets the value's
 * length, or -ENOENT (absent) / another negative errno.
 * @return a pointer into the blob (possibly unaligned), or NULL. */
const void *fdt_getprop(const void *fdt, int node, const char *name, int *len);

/* Is the property present (a boolean property is an empty one)? */
bool fdt_hasprop(const void *fdt, int node, const char *name);

/* One-cell / two-cell values. fdt_get_u64 also accepts a single cell.
 * @return 0; -ENOENT absent; -EINVAL wrong length. */
int fdt_get_u32(const void *fdt, int node, const char *name, uint32_t *out);
int fdt_get_u64(const void *fdt, int node, const char *name, uint64_t *out);

/* A string property: NULL unless present and NUL-terminated. */
const char *fdt_get_string(const void *fdt, int node, const char *name);

/* Iterate the properties of node: fdt_first_prop then fdt_next_prop until a
 * negative value (-ENOENT at the end). fdt_prop_at reads one: name and len
 * are optional. @return the value or NULL for a bad offset. */
int fdt_first_prop(const void *fdt, int node);
int fdt_next_prop(const void *fdt, int prop);
const void *fdt_prop_at(const void *fdt, int prop, const char **name, int *len);

/* ---- String lists (DTSpec §2.2.4.1, <stringlist>) ---------------------- */

/* @return the number of strings; -ENOENT absent; -EINVAL not a list of
 * NUL-terminated strings. */
int fdt_stringlist_count(const void *fdt, int node, const char *prop);
/* @return the index of str in the list, -ENOENT if missing, or an errno. */
int fdt_stringlist_search(const void *fdt, int node, const char *prop,
			  const char *str);
/* The index'th string; *len (optional) gets its length or an errno.
 * @return a pointer into the blob or NULL. */
const char *fdt_stringlist_get(const void *fdt, int node, const char *prop,
			       int index, int *len);

/* Does node's "compatible" list contain compat (DTSpec §2.3.1)? */
bool fdt_compatible(const void *fdt, int node, const char *compat);
/* The next node after prev (prev < 0: from the start) in document order
 * that is compatible with compat. @return the node or -ENOENT. */
int fdt_next_compatible(const void *fdt, int prev, const char *compat);
#define fdt_for_each_compatible(fdt, node, compat)                     \
	for ((node) = fdt_next_compatible((fdt), -1, (compat)); (node) >= 0; \
	     (node) = fdt_next_compatible((fdt), (node), (compat)))

/* status absent, "okay" or "ok" (DTSpec §2.3.4). */
bool fdt_node_enabled(const void *fdt, int node);

/* The node whose "phandle" (or legacy "linux,phandle") is ph (DTSpec
 * §2.3.3). @return the node, -ENOENT, or -EINVAL for 0 / 0xffffffff. */
int fdt_node_by_phandle(const void *fdt, uint32_t ph);

/* ---- Addresses (DTSpec §2.3.5, §2.3.6, §2.3.8) ------------------------ */

/* Cells of an address / size in node's "reg": the parent's #address-cells
 * (default 2) and #size-cells (default 1). For the root, its own values.
 * @return the count or -EINVAL if out of our limits. */
int fdt_address_cells(const void *fdt, int node);
int fdt_size_cells(const void *fdt, int node);

/* Number of (address, size) entries in node's "reg".
 * @return the count, -ENOENT without reg, -EINVAL malformed. */
int fdt_reg_count(const void *fdt, int node);

/* Entry index of node's "reg", translated to a CPU physical address through
 * the "ranges" of every ancestor bus (empty ranges: identity; a non-root
 * bus without ranges: not translatable).
 * @return 0; -ENOENT no such entry; -EINVAL malformed; -ENXIO not
 * translatable or outside every range; -EOVERFLOW over 64 bits. */
int fdt_reg(const void *fdt, int node, int index, uint64_t *addr,
	    uint64_t *size);

/* The same, untranslated (the bus's own address; e.g. a CPU's MPIDR). */
int fdt_reg_raw(const void *fdt, int node, int index, uint64_t *addr,
		uint64_t *size);

/* A PCI host bridge window: one "ranges" entry of a PCI bus node (PCI Bus
 * Binding to IEEE 1275, §2.2.1.1: phys.hi = npt000ss bbbbbbbb dddddfff
 * rrrrrrrr). */
#define FDT_PCI_SPACE_MASK   0x03000000u
#define FDT_PCI_SPACE_CONFIG 0x00000000u
#define FDT_PCI_SPACE_IO     0x01000000u
#define FDT_PCI_SPACE_MEM32  0x02000000u
#define FDT_PCI_SPACE_MEM64  0x03000000u
#define FDT_PCI_PREFETCH     0x40000000u
struct fdt_pci_range {
	uint32_t flags;      /* phys.hi of the child address */
	uint64_t pci_addr;   /* start on the PCI bus */
	uint64_t cpu_addr;   /* start as a CPU physical address */
	uint64_t size;
};
/* Fill out[0..max) with the windows of PCI host node (#address-cells 3,
 * #size-cells 2), CPU addresses translated through the host's parents.
 * @return the number of windows (may exceed max; only max are stored),
 * -ENOENT without ranges, -EINVAL malformed, or a translation errno. */
int fdt_pci_ranges(const void *fdt, int host, struct fdt_pci_range *out,
		   int max);

/* ---- Interrupts (DTSpec §2.4) ---------------------------------------- */

/* An interrupt specifier in the domain of an interrupt controller. */
struct fdt_irq {
	int ctrl;                          /* the controller's node */
	int ncells;                        /* its #interrupt-cells */
	uint32_t cells[FDT_MAX_IRQ_CELLS]; /* the specifier, host order */
};

/* node's interrupt parent: its (or its nearest ancestor's)
 * "interrupt-parent" phandle, else the devicetree parent, until a node with
 * #interrupt-cells (DTSpec §2.4.1). @return the node or a negative errno. */
int fdt_interrupt_parent(const void *fdt, int node);

/* Number of interrupts in node's "interrupts-extended" or "interrupts".
 * @return the count, -ENOENT without either, -EINVAL malformed. */
int fdt_interrupt_count(const void *fdt, int node);

/* Interrupt index of node, resolved through any interrupt nexus
 * ("interrupt-map", DTSpec §2.4.3) to the interrupt controller.
 * @return 0; -ENOENT no such interrupt; -EINVAL malformed; -ENXIO no
 * interrupt-map entry matches; -EBADMSG too many hops (a cycle). */
int fdt_interrupts(const void *fdt, int node, int index, struct fdt_irq *out);

/* Map a child's unit address and interrupt specifier through nexus's
 * interrupt-map (and any further nexus) to a controller. unit has the
 * nexus's #address-cells cells, spec its #interrupt-cells cells.
 * @return as fdt_interrupts. */
int fdt_irq_map(const void *fdt, int nexus, const uint32_t *unit, int nunit,
		const uint32_t *spec, int nspec, struct fdt_irq *out);

/* INTx routing of a PCI function on the host bridge's root bus: pin is 1..4
 * for INTA..INTD (after any bridge swizzling, which is the caller's job).
 * @return as fdt_interrupts; -EINVAL for bad arguments. */
int fdt_pci_intx(const void *fdt, int host, unsigned bus, unsigned dev,
		 unsigned fn, unsigned pin, struct fdt_irq *out);

/* ---- Boot facts ------------------------------------------------------ */

struct fdt_mem_range {
	uint64_t base;
	uint64_t size;
};

/* A /reserved-memory child's region (DTSpec §3.5.2). */
struct fdt_resv_range {
	uint64_t base;
	uint64_t size;
	int node;       /* the child node */
	bool nomap;     /* "no-map": not even to be mapped */
};

/* /chosen "bootargs" (DTSpec §3.6). @return the string or NULL. */
const char *fdt_bootargs(const void *fdt);

/* /chosen "stdout-path" (or "linux,stdout-path"): a path or alias, with
 * optional ":options" after it (DTSpec §3.6). *opts (optional) gets the
 * options ("115200n8") or NULL. @return the node or a negative errno. */
int fdt_stdout_path(const void *fdt, const char **opts);

/* /chosen "linux,initrd-start"/"-end" (one or two cells each).
 * @return 0, -ENOENT, or -EINVAL (malformed or end < start). */
int fdt_initrd(const void *fdt, uint64_t *start, uint64_t *end);

/* A memory-node region that cannot be used. */
struct fdt_mem_bad {
	int node;       /* the memory node */
	int index;      /* its reg entry, -1 for the whole reg */
	int err;        /* -ENOENT no reg, -EINVAL malformed, -ENXIO not
			 * translatable, -EOVERFLOW wraps or over 64 bits */
	uint64_t base, size;    /* as read, when err is -EOVERFLOW */
};

/* RAM: every "reg" entry of each enabled node with device_type "memory"
 * (DTSpec §3.4), translated; empty entries skipped. A region that cannot be
 * used (see struct fdt_mem_bad; a reg that is not whole entries drops its
 * node) is left out and, if bad is given, recorded there (*nbad counts all,
 * only maxbad are stored); the good ones are kept.
 * @return the number of good regions (may exceed max; only max are
 * stored), or a negative errno when the tree cannot be walked. */
int fdt_memory_checked(const void *fdt, struct fdt_mem_range *out, int max,
		       struct fdt_mem_bad *bad, int maxbad, int *nbad);
/* The same without the record of bad regions. */
int fdt_memory(const void *fdt, struct fdt_mem_range *out, int max);

/* A device's address window that RAM overlaps (fdt_device_overlap). */
struct fdt_dev_window {
	int node;               /* the device, or the PCI host */
	bool pci_window;        /* a PCI host's ranges window, not a reg */
	uint64_t base, size;    /* CPU physical */
};
/* PCI host windows looked at per host (QEMU's virt has 3). */
#define FDT_DEV_PCI_RANGES 8
/* The first device window that overlaps [base, base + size) (an end past
 * 2^64 counts to 2^64): a "reg" entry, translated to a CPU address, of any
 * node but memory nodes (device_type "memory", DTSpec §3.4) and
 * /reserved-memory's children (§3.5, carved out of RAM), disabled nodes
 * included; or a "ranges" window of a PCI host (device_type "pci").
 * Untranslatable reg entries are no CPU addresses and are skipped.
 * @return 1 with *hit filled, 0 when nothing overlaps, or a negative errno
 * when the tree cannot be walked. */
int fdt_device_overlap(const void *fdt, uint64_t base, uint64_t size,
		       struct fdt_dev_window *hit);

/* The header's memory reservation block (DTSpec §5.3).
 * @return the number of entries (may exceed max) or -EBADMSG. */
int fdt_mem_rsvmap(const void *fdt, struct fdt_mem_range *out, int max);

/* Static regions ("reg") of /reserved-memory's enabled children; dynamic
 * ones ("size" without "reg") are the OS's to place and are skipped.
 * @return the number found (may exceed max), 0 without /reserved-memory,
 * or a negative errno. */
int fdt_reserved_memory(const void *fdt, struct fdt_resv_range *out, int max);

/* PSCI conduit of the "arm,psci*" node (or /psci): its "method". */
#define FDT_PSCI_HVC 1
#define FDT_PSCI_SMC 2
/* @return FDT_PSCI_HVC or FDT_PSCI_SMC; -ENOENT no PSCI node; -EINVAL an
 * unknown method. */
int fdt_psci_method(const void *fdt);

/* Everything above in one call, for arch set-up code. */
#define FDT_BOOT_MAX_MEM  16
#define FDT_BOOT_MAX_RESV 32
#define FDT_BOOT_MAX_BAD  8
struct fdt_boot_info {
	const char *bootargs;          /* NULL when absent */
	int stdout_node;               /* negative errno when absent */
	const char *stdout_opts;       /* NULL when none */
	int psci_method;               /* FDT_PSCI_* or negative errno */
	uint64_t initrd_start, initrd_end;      /* both 0 when absent */
	struct fdt_mem_range mem[FDT_BOOT_MAX_MEM];
	int nmem;
	/* Memory-node regions dropped (fdt_memory_checked). */
	struct fdt_mem_bad mem_bad[FDT_BOOT_MAX_BAD];
	int nmem_bad;
	/* Reservations: the header's block, then /reserved-memory. */
	struct fdt_resv_range resv[FDT_BOOT_MAX_RESV];
	int nresv;
	bool truncated;                /* more ranges than fit above */
};
/* @return 0, or a negative errno when the memory nodes or reservations are
 * malformed (the other fields are then still filled as far as possible:
 * bad memory regions are in mem_bad, the good ones in mem). */
int fdt_boot_info(const void *fdt, struct fdt_boot_info *bi);

#endif
