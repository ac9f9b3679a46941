/* SPDX-License-Identifier: MIT */
/* Internals shared by the drivers/fdt/ files: a checked view of the blob's
 * blocks and a bounds-checked token reader. Nothing here is public. */
#ifndef DRIVERS_FDT_PRIV_H
#define DRIVERS_FDT_PRIV_H

#include <drivers/fdt.h>

/* The blocks of a blob whose header passed the O(1) checks of
 * fdt_view_init: both blocks lie inside totalsize. */
struct fdt_view {
	const uint8_t *base;
	uint32_t total;
	const uint8_t *st;      /* structure block */
	uint32_t st_size;       /* a multiple of 4, >= 4 */
	const uint8_t *str;     /* strings block */
	uint32_t str_size;
	uint32_t rsv_off;       /* memory reservation block, 8-aligned */
};

/* Check the header alone (magic, version, block bounds).
 * @return 0 or a negative errno as fdt_check. */
int fdt_view_init(const void *fdt, struct fdt_view *v);

/* Read the token at structure offset off; *next gets the offset of the
 * token after it (past a node name or a property value, re-aligned).
 * @return the token or -EBADMSG if it is unknown or overruns the block. */
int fdt_tag(const struct fdt_view *v, int off, int *next);

/* Validate that node is a FDT_BEGIN_NODE; *body gets the offset after its
 * name. @return 0 or -EINVAL. */
int fdt_node_body(const struct fdt_view *v, int node, int *body);

/* The NUL-terminated string at off in the strings block, or NULL. */
const char *fdt_str(const struct fdt_view *v, uint32_t off);

/* Bounded strlen: max when no NUL in the first max bytes. */
size_t fdt_strnlen(const void *s, size_t max);

/* Fill stack[0..d] with the root, ..., node (stack holds FDT_MAX_DEPTH + 1
 * entries). @return d (node's depth) or a negative errno. */
int fdt_ancestors(const struct fdt_view *v, int node, int *stack);

/* The property of node called name[0..len), as fdt_getprop. */
const void *fdt_getprop_n(const void *fdt, int node, const char *name,
			  size_t len, int *lenp);

/* A bus node's own #address-cells (default 2, 0..FDT_MAX_ADDR_CELLS) and
 * #size-cells (default 1, 0..FDT_MAX_SIZE_CELLS). @return 0 or -EINVAL. */
int fdt_bus_cells(const void *fdt, int bus, int *ac, int *sc);

#endif
