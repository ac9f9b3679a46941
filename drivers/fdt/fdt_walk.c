// SPDX-License-Identifier: MIT
/* Flattened devicetree: walking nodes and reading properties.
 *
 * A node is the offset of its FDT_BEGIN_NODE token in the structure block.
 * Its properties follow its name, then its children, then its
 * FDT_END_NODE; FDT_NOP may appear between any two tokens (DTSpec §5.4).
 * Finding a parent needs a walk from the root, since the format keeps no
 * back links. */
#include <drivers/fdt.h>
#include <kern/errno.h>
#include <string.h>

#include "fdt_priv.h"

int fdt_root(const void *fdt)
{
	struct fdt_view v;
	int off = 0, next, tag, err;

	err = fdt_view_init(fdt, &v);
	if (err)
		return err;
	while ((tag = fdt_tag(&v, off, &next)) == FDT_NOP)
		off = next;
	return tag == FDT_BEGIN_NODE ? off : -EBADMSG;
}

/* Skip properties and NOPs from off; @return the first other token and
 * leave *off at it. */
static int fdt_skip_props(const struct fdt_view *v, int *off)
{
	int next, tag;

	while ((tag = fdt_tag(v, *off, &next)) == FDT_NOP || tag == FDT_PROP)
		*off = next;
	return tag;
}

int fdt_first_child(const void *fdt, int node)
{
	struct fdt_view v;
	int off, tag, err;

	err = fdt_view_init(fdt, &v);
	if (err)
		return err;
	if (fdt_node_body(&v, node, &off))
		return -EINVAL;
	tag = fdt_skip_props(&v, &off);
	if (tag == FDT_BEGIN_NODE)
		return off;
	return tag == FDT_END_NODE ? -ENOENT : -EBADMSG;
}

int fdt_next_sibling(const void *fdt, int node)
{
	struct fdt_view v;
	int off = node, next, tag, open = 0, err;

	err = fdt_view_init(fdt, &v);
	if (err)
		return err;
	if (fdt_node_body(&v, node, &next))
		return -EINVAL;
	/* Step over node's whole subtree, counting open nodes. */
	do {
		tag = fdt_tag(&v, off, &next);
		if (tag == FDT_BEGIN_NODE)
			open++;
		else if (tag == FDT_END_NODE)
			open--;
		else if (tag != FDT_PROP && tag != FDT_NOP)
			return -EBADMSG;
		off = next;
	} while (open > 0);
	while ((tag = fdt_tag(&v, off, &next)) == FDT_NOP)
		off = next;
	if (tag == FDT_BEGIN_NODE)
		return off;
	/* The parent's END_NODE, or the root's FDT_END. */
	return tag == FDT_END_NODE || tag == FDT_END ? -ENOENT : -EBADMSG;
}

int fdt_next_node(const void *fdt, int node, int *depth)
{
	struct fdt_view v;
	int off, next, tag, d = 0, err;

	err = fdt_view_init(fdt, &v);
	if (err)
		return err;
	if (fdt_node_body(&v, node, &off))
		return -EINVAL;
	for (;;) {
		tag = fdt_tag(&v, off, &next);
		if (tag == FDT_BEGIN_NODE) {
			if (depth)
				*depth += d + 1;
			return off;
		}
		if (tag == FDT_END_NODE)
			d--;
		else if (tag == FDT_END)
			return -ENOENT;
		else if (tag != FDT_PROP && tag != FDT_NOP)
			return -EBADMSG;
		off = next;
	}
}

int fdt_ancestors(const struct fdt_view *v, int node, int *stack)
{
	int off = 0, next, tag, open = 0;

	for (;;) {
		tag = fdt_tag(v, off, &next);
		if (tag == FDT_BEGIN_NODE) {
			if (open > FDT_MAX_DEPTH)
				return -EBADMSG;
			stack[open] = off;
			if (off == node)
				return open;
			open++;
		} else if (tag == FDT_END_NODE) {
			if (open == 0)
				return -EBADMSG;
			open--;
		} else if (tag == FDT_END) {
			return -EINVAL;         /* node is not a node */
		} else if (tag != FDT_PROP && tag != FDT_NOP) {
			return -EBADMSG;
		}
		if (off > node)
			return -EINVAL;
		off = next;
	}
}

int fdt_parent(const void *fdt, int node)
{
	struct fdt_view v;
	int stack[FDT_MAX_DEPTH + 1], d, err;

	err = fdt_view_init(fdt, &v);
	if (err)
		return err;
	d = fdt_ancestors(&v, node, stack);
	if (d < 0)
		return d;
	return d == 0 ? -ENOENT : stack[d - 1];
}

int fdt_depth(const void *fdt, int node)
{
	struct fdt_view v;
	int stack[FDT_MAX_DEPTH + 1], err;

	err = fdt_view_init(fdt, &v);
	if (err)
		return err;
	return fdt_ancestors(&v, node, stack);
}

const char *fdt_node_name(const void *fdt, int node, int *len)
{
	struct fdt_view v;
	int body, err;
	const char *name;

	err = fdt_view_init(fdt, &v);
	if (!err && fdt_node_body(&v, node, &body))
		err = -EINVAL;
	if (err) {
		if (len)
			*len = err;
		return NULL;
	}
	name = (const char *)v.st + node + 4;  /* fdt_tag found its NUL */
	if (len)
		*len = (int)strlen(name);
	return name;
}

/* ---- Properties ---- */

/* The next FDT_PROP token of a node at or after off, skipping NOPs. */
static int fdt_prop_from(const struct fdt_view *v, int off)
{
	int next, tag;

	while ((tag = fdt_tag(v, off, &next)) == FDT_NOP)
		off = next;
	if (tag == FDT_PROP)
		return off;
	return tag == FDT_BEGIN_NODE || tag == FDT_END_NODE ? -ENOENT : -EBADMSG;
}

int fdt_first_prop(const void *fdt, int node)
{
	struct fdt_view v;
	int body, err;

	err = fdt_view_init(fdt, &v);
	if (err)
		return err;
	if (fdt_node_body(&v, node, &body))
		return -EINVAL;
	return fdt_prop_from(&v, body);
}

int fdt_next_prop(const void *fdt, int prop)
{
	struct fdt_view v;
	int next, err;

	err = fdt_view_init(fdt, &v);
	if (err)
		return err;
	if (fdt_tag(&v, prop, &next) != FDT_PROP)
		return -EINVAL;
	return fdt_prop_from(&v, next);
}

/* Decode a property token already known to be one (fdt_tag checked that
 * its value lies inside the block). */
static const void *fdt_prop_decode(const struct fdt_view *v, int prop,
				   const char **name, int *len)
{
	const char *n = fdt_str(v, fdt_be32(v->st + prop + 8));

	if (!n)
		return NULL;
	if (name)
		*name = n;
	if (len)
		*len = (int)fdt_be32(v->st + prop + 4);
	return v->st + prop + 12;
}

const void *fdt_prop_at(const void *fdt, int prop, const char **name, int *len)
{
	struct fdt_view v;
	int next;

	if (fdt_view_init(fdt, &v) || fdt_tag(&v, prop, &next) != FDT_PROP)
		return NULL;
	return fdt_prop_decode(&v, prop, name, len);
}

const void *fdt_getprop_n(const void *fdt, int node, const char *name,
			  size_t nlen, int *lenp)
{
	struct fdt_view v;
	int off, next, err, len;
	const char *pname;
	const void *val;

	err = fdt_view_init(fdt, &v);
	if (!err && fdt_node_body(&v, node, &off))
		err = -EINVAL;
	while (!err) {
		off = fdt_prop_from(&v, off);
		if (off < 0) {
			err = off;
			break;
		}
		val = fdt_prop_decode(&v, off, &pname, &len);
		if (!val) {
			err = -EBADMSG;
			break;
		}
		if (strlen(pname) == nlen && memcmp(pname, name, nlen) == 0) {
			if (lenp)
				*lenp = len;
			return val;
		}
		fdt_tag(&v, off, &next);
		off = next;
	}
	if (lenp)
		*lenp = err;
	return NULL;
}

const void *fdt_getprop(const void *fdt, int node, const char *name, int *len)
{
	return fdt_getprop_n(fdt, node, name, strlen(name), len);
}

bool fdt_hasprop(const void *fdt, int node, const char *name)
{
	return fdt_getprop(fdt, node, name, NULL) != NULL;
}

int fdt_get_u32(const void *fdt, int node, const char *name, uint32_t *out)
{
	int len;
	const void *p = fdt_getprop(fdt, node, name, &len);

	if (!p)
		return len;
	if (len != 4)
		return -EINVAL;
	*out = fdt_be32(p);
	return 0;
}

int fdt_get_u64(const void *fdt, int node, const char *name, uint64_t *out)
{
	int len;
	const void *p = fdt_getprop(fdt, node, name, &len);

	if (!p)
		return len;
	if (len == 4)
		*out = fdt_be32(p);
	else if (len == 8)
		*out = fdt_be64(p);
	else
		return -EINVAL;
	return 0;
}

const char *fdt_get_string(const void *fdt, int node, const char *name)
{
	int len;
	const char *p = fdt_getprop(fdt, node, name, &len);

	if (!p || len < 1 || p[len - 1] != 0)
		return NULL;
	return p;
}

/* ---- String lists ---- */

/* The list's bytes, checked to end in NUL (§2.2.4.1); an empty value is
 * an empty list. */
static const char *fdt_stringlist(const void *fdt, int node, const char *prop,
				  int *len)
{
	const char *p = fdt_getprop(fdt, node, prop, len);

	if (p && *len > 0 && p[*len - 1] != 0) {
		*len = -EINVAL;
		return NULL;
	}
	return p;
}

int fdt_stringlist_count(const void *fdt, int node, const char *prop)
{
	int len, i, n = 0;
	const char *p = fdt_stringlist(fdt, node, prop, &len);

	if (!p)
		return len;
	for (i = 0; i < len; i++)
		if (p[i] == 0)
			n++;
	return n;
}

const char *fdt_stringlist_get(const void *fdt, int node, const char *prop,
			       int index, int *lenp)
{
	int len, pos = 0, i = 0, err = -ENOENT;
	const char *p = fdt_stringlist(fdt, node, prop, &len);

	if (!p) {
		err = len;
	} else {
		while (pos < len) {
			int n = (int)strlen(p + pos);

			if (i++ == index) {
				if (lenp)
					*lenp = n;
				return p + pos;
			}
			pos += n + 1;
		}
	}
	if (lenp)
		*lenp = err;
	return NULL;
}

int fdt_stringlist_search(const void *fdt, int node, const char *prop,
			  const char *str)
{
	int len, pos = 0, i = 0;
	const char *p = fdt_stringlist(fdt, node, prop, &len);

	if (!p)
		return len;
	while (pos < len) {
		if (strcmp(p + pos, str) == 0)
			return i;
		pos += (int)strlen(p + pos) + 1;
		i++;
	}
	return -ENOENT;
}

bool fdt_compatible(const void *fdt, int node, const char *compat)
{
	return fdt_stringlist_search(fdt, node, "compatible", compat) >= 0;
}

int fdt_next_compatible(const void *fdt, int prev, const char *compat)
{
	int node = prev < 0 ? fdt_root(fdt) : fdt_next_node(fdt, prev, NULL);

	for (; node >= 0; node = fdt_next_node(fdt, node, NULL))
		if (fdt_compatible(fdt, node, compat))
			return node;
	return node;
}

bool fdt_node_enabled(const void *fdt, int node)
{
	int len;
	const char *s = fdt_getprop(fdt, node, "status", &len);

	if (!s)
		return len == -ENOENT;
	return (len == 5 && memcmp(s, "okay", 5) == 0) ||
	       (len == 3 && memcmp(s, "ok", 3) == 0);
}

/* Is the property at off a "phandle" (or legacy "linux,phandle") of
 * value ph? The value is compared first: cheaper than finding the name. */
static bool fdt_is_phandle_prop(const struct fdt_view *v, int off, uint32_t ph)
{
	const char *name;

	if (fdt_be32(v->st + off + 4) != 4 || fdt_be32(v->st + off + 12) != ph)
		return false;
	if (!fdt_prop_decode(v, off, &name, NULL))
		return false;
	return strcmp(name, "phandle") == 0 || strcmp(name, "linux,phandle") == 0;
}

int fdt_node_by_phandle(const void *fdt, uint32_t ph)
{
	struct fdt_view v;
	int off = 0, next, tag, owner = -1, err;

	/* §2.3.3: 0 and 0xffffffff are never valid phandles. */
	if (ph == 0 || ph == 0xffffffffu)
		return -EINVAL;
	err = fdt_view_init(fdt, &v);
	if (err)
		return err;
	/* One pass over the tokens: properties precede a node's children
	 * (fdt_check insists), so a property belongs to the last node
	 * begun, unless a node has ended since. */
	for (;; off = next) {
		tag = fdt_tag(&v, off, &next);
		if (tag == FDT_BEGIN_NODE)
			owner = off;
		else if (tag == FDT_END_NODE)
			owner = -1;
		else if (tag == FDT_PROP && owner >= 0 && fdt_is_phandle_prop(&v, off, ph))
			return owner;
		else if (tag == FDT_END)
			return -ENOENT;
		else if (tag < 0)
			return tag;
	}
}

/* ---- Paths ---- */

static bool fdt_name_match(const char *name, const char *want, size_t len,
			   bool base_only)
{
	if (!base_only)
		return strlen(name) == len && memcmp(name, want, len) == 0;
	/* §2.2.3: a component without a unit address names the node whose
	 * name before '@' matches. */
	return strlen(name) > len && memcmp(name, want, len) == 0 &&
	       name[len] == '@';
}

int fdt_subnode(const void *fdt, int parent, const char *name, size_t len)
{
	int pass, child;
	bool has_at = false;
	size_t i;

	if (len == 0)
		return -EINVAL;
	for (i = 0; i < len; i++)
		if (name[i] == '@')
			has_at = true;
	for (pass = 0; pass < (has_at ? 1 : 2); pass++) {
		for (child = fdt_first_child(fdt, parent); child >= 0;
		     child = fdt_next_sibling(fdt, child)) {
			const char *cname = fdt_node_name(fdt, child, NULL);

			if (cname && fdt_name_match(cname, name, len, pass == 1))
				return child;
		}
		if (child != -ENOENT)
			return child;
	}
	return -ENOENT;
}

/* Follow the '/'-separated components of path[0..len) down from node. */
static int fdt_walk_path(const void *fdt, int node, const char *p, size_t len)
{
	size_t i = 0, start;

	while (i < len && node >= 0) {
		while (i < len && p[i] == '/')
			i++;
		start = i;
		while (i < len && p[i] != '/')
			i++;
		if (i > start)
			node = fdt_subnode(fdt, node, p + start, i - start);
	}
	return node;
}

int fdt_find_node_n(const void *fdt, const char *path, size_t len)
{
	int root = fdt_root(fdt), aliases;
	size_t n, alen;
	const char *target;
	int tlen;

	if (root < 0)
		return root;
	if (!path || len == 0)
		return -EINVAL;
	if (path[0] == '/')
		return fdt_walk_path(fdt, root, path, len);
	/* §3.3: the first component is an alias; its value is a full path
	 * (never another alias, so no recursion). */
	for (n = 0; n < len && path[n] != '/'; n++)
		;
	aliases = fdt_subnode(fdt, root, "aliases", 7);
	if (aliases < 0)
		return aliases;
	target = fdt_getprop_n(fdt, aliases, path, n, &tlen);
	if (!target)
		return tlen;
	alen = fdt_strnlen(target, (size_t)tlen);
	if (alen == 0 || alen == (size_t)tlen || target[0] != '/')
		return -EINVAL;
	return fdt_walk_path(fdt, fdt_walk_path(fdt, root, target, alen),
			     path + n, len - n);
}

int fdt_find_node(const void *fdt, const char *path)
{
	if (!path)
		return -EINVAL;
	return fdt_find_node_n(fdt, path, strlen(path));
}

int fdt_get_path(const void *fdt, int node, char *buf, size_t size)
{
	struct fdt_view v;
	int stack[FDT_MAX_DEPTH + 1], d, i, err;
	size_t pos = 0, n;
	const char *name;

	err = fdt_view_init(fdt, &v);
	if (err)
		return err;
	d = fdt_ancestors(&v, node, stack);
	if (d < 0)
		return d;
	if (size < 2)
		return -ENOSPC;
	buf[pos++] = '/';
	for (i = 1; i <= d; i++) {
		name = (const char *)v.st + stack[i] + 4;
		n = strlen(name);
		if (pos + n + (i < d) >= size)
			return -ENOSPC;
		memcpy(buf + pos, name, n);
		pos += n;
		if (i < d)
			buf[pos++] = '/';
	}
	buf[pos] = 0;
	return (int)pos;
}
