// SPDX-License-Identifier: MIT
/* XenStore client over the shared ring (Xen public io/xs_wire.h), and the
 * pvbus store "xenstore" on it. Pure logic over struct xs_ops; the unit
 * tests run it against a simulated xenstored, hostile ones included.
 *
 * The indexes in the shared page are written by the other side and are
 * trusted for nothing: a producer more than a ring ahead of the consumer, a
 * payload length over XS_PAYLOAD_MAX, or silence past XS_WAIT_STEPS marks
 * the connection broken (after which every call fails fast with -EIO
 * rather than reading a ring that is out of step). */
#include <arch/barrier.h>
#include <drivers/pvbus.h>
#include <kern/errno.h>
#include <stdio.h>
#include <string.h>
#include "xenstore.h"

/* One message's payload, plus a NUL. */
static char xs_buf[XS_PAYLOAD_MAX + 1];

void xs_init(struct xs_conn *c, struct xs_ring *ring, const struct xs_ops *ops,
	     void *ctx, int domid)
{
	memset(c, 0, sizeof(*c));
	c->ring = ring;
	c->ops = ops;
	c->ctx = ctx;
	if (domid >= 0)
		snprintf(c->home, sizeof(c->home), "/local/domain/%d", domid);
}

static int fail(struct xs_conn *c, int err)
{
	c->broken = true;
	return err;
}

/* Put n bytes on the request ring, waiting (bounded) for space. */
static int ring_put(struct xs_conn *c, const void *data, size_t n)
{
	struct xs_ring *r = c->ring;
	const char *p = data;
	uint32_t waits = 0;

	while (n) {
		uint32_t cons = READ_ONCE(r->req_cons);
		uint32_t prod = READ_ONCE(r->req_prod);
		uint32_t used = prod - cons, space, off, chunk;

		if (used > XS_RING_SIZE)
			return fail(c, -EPROTO);
		space = XS_RING_SIZE - used;
		if (space == 0) {
			c->ops->notify(c->ctx);
			if (++waits > XS_WAIT_STEPS)
				return fail(c, -ETIMEDOUT);
			c->ops->wait(c->ctx);
			continue;
		}
		/* Reads of req_cons before our writes into the slots it
		 * freed. */
		mb();
		off = prod & (XS_RING_SIZE - 1);
		chunk = XS_RING_SIZE - off;
		if (chunk > space)
			chunk = space;
		if (chunk > n)
			chunk = (uint32_t)n;
		memcpy(&r->req[off], p, chunk);
		/* Data before the index that publishes it. */
		wmb();
		WRITE_ONCE(r->req_prod, prod + chunk);
		p += chunk;
		n -= chunk;
	}
	return 0;
}

/* Take n bytes off the response ring (into data, or dropped when NULL). */
static int ring_get(struct xs_conn *c, void *data, size_t n)
{
	struct xs_ring *r = c->ring;
	char *p = data;
	uint32_t waits = 0;

	while (n) {
		uint32_t cons = READ_ONCE(r->rsp_cons);
		uint32_t prod = READ_ONCE(r->rsp_prod);
		uint32_t avail = prod - cons, off, chunk;

		if (avail > XS_RING_SIZE)
			return fail(c, -EPROTO);
		if (avail == 0) {
			if (++waits > XS_WAIT_STEPS)
				return fail(c, -ETIMEDOUT);
			c->ops->wait(c->ctx);
			continue;
		}
		/* The index before the data it covers. */
		rmb();
		off = cons & (XS_RING_SIZE - 1);
		chunk = XS_RING_SIZE - off;
		if (chunk > avail)
			chunk = avail;
		if (chunk > n)
			chunk = (uint32_t)n;
		if (p) {
			memcpy(p, &r->rsp[off], chunk);
			p += chunk;
		}
		/* Finish reading the slots before handing them back. */
		mb();
		WRITE_ONCE(r->rsp_cons, cons + chunk);
		c->ops->notify(c->ctx);
		n -= chunk;
	}
	return 0;
}

/* xs_wire.h's xsd_errors names, mapped to ours. */
static int xs_errno(const char *s)
{
	static const struct { const char *name; int err; } map[] = {
		{ "ENOENT", -ENOENT }, { "EACCES", -EPERM }, { "EROFS", -EPERM },
		{ "EINVAL", -EINVAL }, { "E2BIG", -E2BIG }, { "ENOSPC", -ENOSPC },
		{ "ENOMEM", -ENOMEM }, { "EEXIST", -EEXIST }, { "EBUSY", -EBUSY },
		{ "EAGAIN", -EAGAIN }, { "ENOSYS", -EOPNOTSUPP },
	};

	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (strcmp(s, map[i].name) == 0)
			return map[i].err;
	return -EIO;
}

int xs_request(struct xs_conn *c, uint32_t type, const void *payload,
	       size_t plen, char *reply, size_t max, size_t *rlen)
{
	struct xs_hdr h;
	uint32_t id;
	int err;

	if (c->broken)
		return -EIO;
	if (plen > XS_PAYLOAD_MAX)
		return -E2BIG;
	id = ++c->req_id;
	h = (struct xs_hdr){ type, id, 0, (uint32_t)plen };
	if ((err = ring_put(c, &h, sizeof(h))) ||
	    (err = ring_put(c, payload, plen)))
		return err;
	c->ops->notify(c->ctx);

	/* Skip watch events and stale replies; each skipped message costs
	 * at least a header, so the ring's bound on silence bounds this. */
	for (uint32_t skipped = 0;; skipped++) {
		if (skipped > XS_WAIT_STEPS)
			return fail(c, -ETIMEDOUT);
		if ((err = ring_get(c, &h, sizeof(h))))
			return err;
		if (h.len > XS_PAYLOAD_MAX)
			return fail(c, -EPROTO);
		if ((err = ring_get(c, xs_buf, h.len)))
			return err;
		xs_buf[h.len] = '\0';
		if (h.type == XS_WATCH_EVENT || h.req_id != id)
			continue;
		break;
	}
	if (h.type == XS_ERROR)
		return xs_errno(xs_buf);
	if (h.type != type)
		return -EPROTO;
	if ((size_t)h.len + 1 > max)
		return -ERANGE;
	memcpy(reply, xs_buf, h.len);
	reply[h.len] = '\0';
	*rlen = h.len;
	return 0;
}

static int path_check(const char *path)
{
	size_t n = strlen(path);

	if (n > (path[0] == '/' ? XS_ABS_PATH_MAX : XS_REL_PATH_MAX))
		return -ENAMETOOLONG;
	return 0;
}

int xs_read(struct xs_conn *c, const char *path, char *val, size_t len)
{
	size_t rlen;
	int err;

	if ((err = path_check(path)))
		return err;
	if ((err = xs_request(c, XS_READ, path, strlen(path) + 1, val, len, &rlen)))
		return err;
	return (int)rlen;
}

/* Payload "path\0value"; the value is not NUL-terminated (xenstore.txt,
 * WRITE). */
static char xs_req[XS_PAYLOAD_MAX];

int xs_write(struct xs_conn *c, const char *path, const char *val)
{
	size_t pl = strlen(path), vl = strlen(val), rlen;
	char ok[8];
	int err;

	if ((err = path_check(path)))
		return err;
	if (pl + 1 + vl > XS_PAYLOAD_MAX)
		return -E2BIG;
	memcpy(xs_req, path, pl + 1);
	memcpy(xs_req + pl + 1, val, vl);
	err = xs_request(c, XS_WRITE, xs_req, pl + 1 + vl, ok, sizeof(ok), &rlen);
	if (err == -ERANGE)
		return -EPROTO;     /* "OK" is all a write answers */
	return err;
}

int xs_directory(struct xs_conn *c, const char *path, char *buf, size_t len)
{
	size_t rlen, pos = 0;
	int err;

	if ((err = path_check(path)))
		return err;
	/* The reply is NUL-separated names; the same size with '\n'. */
	if ((err = xs_request(c, XS_DIRECTORY, path, strlen(path) + 1, buf, len, &rlen)))
		return err;
	for (size_t i = 0; i < rlen; i++)
		if (buf[i] == '\0')
			buf[i] = '\n';
	pos = rlen;
	/* A last name without its NUL still ends with a newline. */
	if (pos > 0 && buf[pos - 1] != '\n') {
		if (pos + 1 >= len)
			return -ERANGE;
		buf[pos++] = '\n';
	}
	buf[pos] = '\0';
	return (int)pos;
}

/* ---- the pvbus store ----------------------------------------------------- */

static int store_read(void *ctx, const char *key, char *val, size_t len)
{
	return xs_read(ctx, key, val, len);
}

static int store_write(void *ctx, const char *key, const char *val)
{
	return xs_write(ctx, key, val);
}

static int store_list(void *ctx, const char *prefix, char *buf, size_t len)
{
	struct xs_conn *c = ctx;

	/* A relative path is relative to the domain's home directory, but
	 * xenstored rejects the empty one, so "" names home absolutely. */
	if (prefix[0] == '\0') {
		if (c->home[0] == '\0')
			return -EINVAL;
		prefix = c->home;
	}
	return xs_directory(c, prefix, buf, len);
}

static void store_describe(void *ctx, char *buf, size_t len)
{
	struct xs_conn *c = ctx;

	snprintf(buf, len, "XenStore ring, home %s%s",
		 c->home[0] ? c->home : "(unknown)",
		 c->broken ? ", broken" : "");
}

const struct pvbus_store_ops xs_store_ops = {
	.read = store_read,
	.write = store_write,
	.list = store_list,
	.describe = store_describe,
};
