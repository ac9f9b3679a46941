// SPDX-License-Identifier: MIT
/* Flattened devicetree: validation and the bounds-checked token reader.
 *
 * Layout (DTSpec §5): a 40-byte header, the memory reservation block
 * (16-byte {address, size} pairs ending in a zero pair), the structure
 * block (a stream of 32-bit aligned tokens) and the strings block
 * (property names, referenced by offset). Every reader here checks every
 * offset against the header's block bounds, so a hostile blob can make
 * calls fail but never read outside totalsize; every loop advances by at
 * least one token, so none can spin. */
#include <drivers/fdt.h>
#include <kern/errno.h>
#include <string.h>

#include "fdt_priv.h"

size_t fdt_strnlen(const void *s, size_t max)
{
	const uint8_t *p = s;
	size_t n = 0;

	while (n < max && p[n] != 0)
		n++;
	return n;
}

uint32_t fdt_totalsize(const void *blob)
{
	return fdt_be32((const uint8_t *)blob + 4);
}

/* Block bounds: start >= the header, start + size <= totalsize, computed
 * without overflow. */
static bool fdt_block_ok(uint32_t off, uint32_t size, uint32_t total)
{
	return off >= sizeof(struct fdt_header) && off <= total &&
	       size <= total - off;
}

int fdt_view_init(const void *fdt, struct fdt_view *v)
{
	const uint8_t *b = fdt;
	uint32_t total, soff, ssize, stroff, strsize, rsv;

	if (!b || fdt_be32(b) != FDT_MAGIC)
		return -EINVAL;
	/* §5.2: we need version 17's size_dt_struct; a blob that declares it
	 * stays readable by version-16 readers is fine, one that needs a
	 * newer reader is not. */
	if (fdt_be32(b + 20) < FDT_VERSION || fdt_be32(b + 24) > FDT_VERSION)
		return -EPROTO;
	total = fdt_be32(b + 4);
	soff = fdt_be32(b + 8);
	stroff = fdt_be32(b + 12);
	rsv = fdt_be32(b + 16);
	strsize = fdt_be32(b + 32);
	ssize = fdt_be32(b + 36);
	/* Offsets are handed out as int: keep them positive. */
	if (total < sizeof(struct fdt_header) || total > 0x7fffffffu)
		return -EBADMSG;
	/* §5.4.1: tokens are 32-bit aligned, so is the block and its size;
	 * it holds at least FDT_END. */
	if (!fdt_block_ok(soff, ssize, total) || (soff & 3) || (ssize & 3) ||
	    ssize < 4)
		return -EBADMSG;
	if (!fdt_block_ok(stroff, strsize, total))
		return -EBADMSG;
	/* §5.3.2: the reservation block is 8-aligned and holds at least its
	 * terminating entry. */
	if (!fdt_block_ok(rsv, 16, total) || (rsv & 7))
		return -EBADMSG;
	v->base = b;
	v->total = total;
	v->st = b + soff;
	v->st_size = ssize;
	v->str = b + stroff;
	v->str_size = strsize;
	v->rsv_off = rsv;
	return 0;
}

int fdt_tag(const struct fdt_view *v, int off, int *next)
{
	uint32_t pos, len, tag;

	if (off < 0 || (off & 3) || (uint32_t)off > v->st_size - 4)
		return -EBADMSG;
	tag = fdt_be32(v->st + off);
	pos = (uint32_t)off + 4;
	switch (tag) {
	case FDT_BEGIN_NODE:
		/* §5.4.1: the name follows, NUL-terminated, padded to 4. */
		len = (uint32_t)fdt_strnlen(v->st + pos, v->st_size - pos);
		if (len == v->st_size - pos)
			return -EBADMSG;
		pos += len + 1;
		break;
	case FDT_PROP:
		/* §5.4.1: struct { u32 len; u32 nameoff; } then len bytes. */
		if (v->st_size - pos < 8)
			return -EBADMSG;
		len = fdt_be32(v->st + pos);
		if (len > v->st_size - pos - 8)
			return -EBADMSG;
		pos += 8 + len;
		break;
	case FDT_END_NODE:
	case FDT_NOP:
	case FDT_END:
		break;
	default:
		return -EBADMSG;
	}
	/* st_size is a multiple of 4, so the padded position stays inside. */
	*next = (int)((pos + 3) & ~3u);
	return (int)tag;
}

int fdt_node_body(const struct fdt_view *v, int node, int *body)
{
	return fdt_tag(v, node, body) == FDT_BEGIN_NODE ? 0 : -EINVAL;
}

const char *fdt_str(const struct fdt_view *v, uint32_t off)
{
	if (off >= v->str_size ||
	    fdt_strnlen(v->str + off, v->str_size - off) == v->str_size - off)
		return NULL;
	return (const char *)v->str + off;
}

/* §5.3.2: 16-byte entries up to one with address and size both 0. */
static int fdt_check_rsvmap(const struct fdt_view *v)
{
	uint32_t off;

	for (off = v->rsv_off; off <= v->total - 16; off += 16) {
		uint64_t base = fdt_be64(v->base + off);
		uint64_t size = fdt_be64(v->base + off + 8);

		if (base == 0 && size == 0)
			return 0;
		if (base + size < base)
			return -EBADMSG;
	}
	return -EBADMSG;
}

/* §5.4.2: one root node, properties only inside nodes and before their
 * children, balanced BEGIN/END_NODE, FDT_END last. Nesting is capped at FDT_MAX_DEPTH so that
 * the walkers' fixed-size ancestor stacks always suffice. */
static int fdt_check_struct(const struct fdt_view *v)
{
	int off = 0, next, tag, open = 0;
	bool seen_root = false, props_ok = false;
	const char *name;
	size_t nlen;

	for (;;) {
		tag = fdt_tag(v, off, &next);
		switch (tag) {
		case FDT_BEGIN_NODE:
			if (open == 0 && seen_root)
				return -EBADMSG;        /* a second root */
			name = (const char *)v->st + off + 4;
			nlen = strlen(name);    /* fdt_tag found the NUL */
			/* §2.2.1: non-root names are 1..31 characters of a
			 * set without '/'; we insist on the parts that keep
			 * paths unambiguous. */
			if (open > 0 && (nlen == 0 || strchr(name, '/')))
				return -EBADMSG;
			if (open > FDT_MAX_DEPTH)
				return -EBADMSG;
			open++;
			seen_root = true;
			props_ok = true;
			break;
		case FDT_END_NODE:
			if (open == 0)
				return -EBADMSG;
			open--;
			props_ok = false;
			break;
		case FDT_PROP:
			if (!props_ok)
				return -EBADMSG;
			name = fdt_str(v, fdt_be32(v->st + off + 8));
			if (!name || name[0] == 0)
				return -EBADMSG;
			break;
		case FDT_NOP:
			break;
		case FDT_END:
			if (open != 0 || !seen_root ||
			    (uint32_t)next != v->st_size)
				return -EBADMSG;
			return 0;
		default:
			return -EBADMSG;
		}
		off = next;
	}
}

int fdt_check_header(const void *blob, size_t maxsize)
{
	struct fdt_view v;

	if (!blob || maxsize < 4 || fdt_be32(blob) != FDT_MAGIC)
		return -EINVAL;
	if (maxsize < sizeof(struct fdt_header))
		return -EBADMSG;
	if (fdt_totalsize(blob) > maxsize)
		return -E2BIG;
	return fdt_view_init(blob, &v);
}

int fdt_check(const void *blob, size_t maxsize)
{
	struct fdt_view v;
	int err;

	err = fdt_check_header(blob, maxsize);
	if (err)
		return err;
	fdt_view_init(blob, &v);
	err = fdt_check_rsvmap(&v);
	if (err)
		return err;
	return fdt_check_struct(&v);
}
