// SPDX-License-Identifier: MIT
/* The VMware RPCI channel over the backdoor, and the guestinfo store on it.
 * The framing follows open-vm-tools' description of the message layer
 * (lib/message/message.c, guest_msg_def.h); see vmware.h for the registers.
 * Pure logic over struct vmw_bdoor_ops: the unit tests run it against a
 * simulated host, including one that lies about sizes, never says a reply
 * is ready, or keeps reporting checkpoints.
 *
 * Every loop is bounded: payload loops by the (checked) message size,
 * checkpoint restarts by VMW_CPT_RETRIES. The protocol is synchronous -- the
 * host has the reply ready when the send returns -- so "no reply" is an
 * error, not something to wait for. */
#include <drivers/pvbus.h>
#include <kern/errno.h>
#include <stdio.h>
#include <string.h>
#include "vmware.h"

/* Messages are staged here; static because they may be 64 KiB each. */
static char rpc_out[VMW_MSG_MAX];
static char rpc_in[VMW_MSG_MAX + 1];

struct chan {
	uint16_t id;
	uint32_t cookie_hi, cookie_lo;
};

/* A low-bandwidth message call: type in ECX[31:16], channel in EDX[31:16]. */
static void msg_call(struct vmw_backdoor *b, const struct chan *c, unsigned type,
		     uint32_t bx, struct vmw_regs *r)
{
	memset(r, 0, sizeof(*r));
	r->ax = VMW_BDOOR_MAGIC;
	r->bx = bx;
	r->cx = (uint32_t)type << 16 | VMW_CMD_MESSAGE;
	r->dx = (uint32_t)(c ? c->id : 0) << 16 | VMW_BDOOR_PORT;
	r->si = c ? c->cookie_hi : 0;
	r->di = c ? c->cookie_lo : 0;
	b->ops->lb(b->ctx, r);
}

static unsigned status_cx(const struct vmw_regs *r)
{
	return (unsigned)((r->cx >> 16) & 0xffff);
}

/* Open a channel, with cookies first and then without, as message.c does
 * for hosts that predate cookies. */
static int chan_open(struct vmw_backdoor *b, struct chan *c)
{
	struct vmw_regs r;
	uint32_t flags = VMW_MSG_FLAG_COOKIE;

	for (int i = 0; i < 2; i++, flags = 0) {
		msg_call(b, NULL, VMW_MSG_OPEN, VMW_RPCI_PROTO | flags, &r);
		if (status_cx(&r) & VMW_STATUS_SUCCESS) {
			c->id = (uint16_t)(r.dx >> 16);
			c->cookie_hi = (uint32_t)r.si;
			c->cookie_lo = (uint32_t)r.di;
			return 0;
		}
	}
	return -EOPNOTSUPP;
}

static void chan_close(struct vmw_backdoor *b, const struct chan *c)
{
	struct vmw_regs r;

	msg_call(b, c, VMW_MSG_CLOSE, 0, &r);
}

/* Map a failed step's status: a checkpoint restarts, anything else fails. */
static int step_err(unsigned status)
{
	return (status & VMW_STATUS_CPT) ? -EAGAIN : -EIO;
}

static int chan_send(struct vmw_backdoor *b, const struct chan *c,
		     const char *buf, size_t len)
{
	struct vmw_regs r;
	unsigned st;

	msg_call(b, c, VMW_MSG_SENDSIZE, (uint32_t)len, &r);
	st = status_cx(&r);
	if (!(st & VMW_STATUS_SUCCESS))
		return step_err(st);

	if ((st & VMW_STATUS_HB) && !b->no_hb) {
		if (len == 0)
			return 0;
		/* One `rep outsb` of the whole message: EBX carries the HB
		 * command and our status, EBP/EDI the cookies. */
		memset(&r, 0, sizeof(r));
		r.ax = VMW_BDOOR_MAGIC;
		r.bx = (uint32_t)VMW_STATUS_SUCCESS << 16 | VMW_HBCMD_MESSAGE;
		r.cx = len;
		r.dx = (uint32_t)c->id << 16 | VMW_BDOORHB_PORT;
		r.si = (uintptr_t)buf;
		r.di = c->cookie_lo;
		r.bp = c->cookie_hi;
		b->ops->hb_out(b->ctx, &r);
		st = (unsigned)((r.bx >> 16) & 0xffff);
		return (st & VMW_STATUS_SUCCESS) ? 0 : step_err(st);
	}

	/* Four bytes per call, little-endian in EBX. */
	for (size_t off = 0; off < len; off += 4) {
		uint32_t w = 0;
		size_t n = len - off < 4 ? len - off : 4;

		for (size_t i = 0; i < n; i++)
			w |= (uint32_t)(uint8_t)buf[off + i] << (8 * i);
		msg_call(b, c, VMW_MSG_SENDPAYLOAD, w, &r);
		st = status_cx(&r);
		if (!(st & VMW_STATUS_SUCCESS))
			return step_err(st);
	}
	return 0;
}

/* Tell the host we gave up on its message (message.c's error path). */
static void recv_abort(struct vmw_backdoor *b, const struct chan *c)
{
	struct vmw_regs r;

	msg_call(b, c, VMW_MSG_RECVSTATUS, 0, &r);
}

static int chan_recv(struct vmw_backdoor *b, const struct chan *c, char *buf,
		     size_t max, size_t *rlen)
{
	struct vmw_regs r;
	unsigned st;
	size_t len;

	msg_call(b, c, VMW_MSG_RECVSIZE, 0, &r);
	st = status_cx(&r);
	if (!(st & VMW_STATUS_SUCCESS))
		return step_err(st);
	/* The host answers synchronously; no message now means none. */
	if (!(st & VMW_STATUS_DORECV))
		return -EPROTO;
	if (((r.dx >> 16) & 0xffff) != VMW_MSG_SENDSIZE)
		return -EPROTO;
	len = (uint32_t)r.bx;
	if (len > VMW_MSG_MAX) {
		recv_abort(b, c);
		return -EPROTO;
	}
	if (len + 1 > max) {
		recv_abort(b, c);
		return -EMSGSIZE;
	}

	if ((st & VMW_STATUS_HB) && !b->no_hb) {
		if (len) {
			memset(&r, 0, sizeof(r));
			r.ax = VMW_BDOOR_MAGIC;
			r.bx = (uint32_t)VMW_STATUS_SUCCESS << 16 | VMW_HBCMD_MESSAGE;
			r.cx = len;
			r.dx = (uint32_t)c->id << 16 | VMW_BDOORHB_PORT;
			r.si = c->cookie_hi;
			r.di = (uintptr_t)buf;
			r.bp = c->cookie_lo;
			b->ops->hb_in(b->ctx, &r);
			st = (unsigned)((r.bx >> 16) & 0xffff);
			if (!(st & VMW_STATUS_SUCCESS))
				return step_err(st);
		}
	} else {
		for (size_t off = 0; off < len; off += 4) {
			size_t n = len - off < 4 ? len - off : 4;

			msg_call(b, c, VMW_MSG_RECVPAYLOAD, VMW_STATUS_SUCCESS, &r);
			st = status_cx(&r);
			if (!(st & VMW_STATUS_SUCCESS))
				return step_err(st);
			if (((r.dx >> 16) & 0xffff) != VMW_MSG_SENDPAYLOAD) {
				recv_abort(b, c);
				return -EPROTO;
			}
			for (size_t i = 0; i < n; i++)
				buf[off + i] = (char)(r.bx >> (8 * i));
		}
	}
	buf[len] = '\0';

	/* Acknowledge the whole message. */
	msg_call(b, c, VMW_MSG_RECVSTATUS, VMW_STATUS_SUCCESS, &r);
	st = status_cx(&r);
	if (!(st & VMW_STATUS_SUCCESS))
		return step_err(st);
	*rlen = len;
	return 0;
}

int vmw_rpci(struct vmw_backdoor *b, const char *req, size_t reqlen,
	     char *reply, size_t max, size_t *rlen)
{
	struct chan c;
	int err = -ETIMEDOUT;

	if (reqlen > VMW_MSG_MAX)
		return -E2BIG;
	if (max == 0)
		return -EMSGSIZE;
	/* A checkpoint in the middle restarts the whole exchange on a new
	 * channel, a bounded number of times. */
	for (int tries = 0; tries < VMW_CPT_RETRIES; tries++) {
		if ((err = chan_open(b, &c)))
			return err;
		err = chan_send(b, &c, req, reqlen);
		if (!err)
			err = chan_recv(b, &c, reply, max, rlen);
		chan_close(b, &c);
		if (err != -EAGAIN)
			return err;
	}
	return -ETIMEDOUT;
}

int vmw_probe(struct vmw_backdoor *b, const struct vmw_bdoor_ops *ops, void *ctx)
{
	struct vmw_regs r;
	struct chan c;

	memset(b, 0, sizeof(*b));
	b->ops = ops;
	b->ctx = ctx;

	/* GETVERSION: EBX must come back as the magic (we send its
	 * complement so that a device that leaves EBX alone can't pass). */
	memset(&r, 0, sizeof(r));
	r.ax = VMW_BDOOR_MAGIC;
	r.bx = ~VMW_BDOOR_MAGIC;
	r.cx = VMW_CMD_GETVERSION;
	r.dx = VMW_BDOOR_PORT;
	ops->lb(ctx, &r);
	if ((uint32_t)r.bx != VMW_BDOOR_MAGIC || (uint32_t)r.ax == 0xffffffffu)
		return -ENODEV;
	b->version = (uint32_t)r.ax;
	b->product = (uint32_t)r.cx;

	if (chan_open(b, &c) == 0) {
		chan_close(b, &c);
		b->rpc = true;
	}
	return 0;
}

/* A guestinfo key travels inside a blank-separated command line. */
static bool key_ok(const char *key)
{
	for (const char *p = key; *p; p++)
		if (*p == ' ' || *p == '\t' || *p == '\n')
			return false;
	return true;
}

/* "1 <rest>" or "0 <reason>": the RPCI result convention. */
static int reply_status(const char *rep, size_t len, const char **rest)
{
	if (len < 1 || (rep[0] != '0' && rep[0] != '1'))
		return -EPROTO;
	if (len >= 2 && rep[1] != ' ')
		return -EPROTO;
	*rest = len >= 2 ? rep + 2 : rep + len;
	return rep[0] == '1';
}

int vmw_guestinfo_get(struct vmw_backdoor *b, const char *key, char *val, size_t len)
{
	size_t klen = strlen(key), rlen, vlen;
	const char *rest;
	int ok, err;

	if (!key_ok(key))
		return -EINVAL;
	if (klen + 9 > VMW_MSG_MAX)
		return -ENAMETOOLONG;
	memcpy(rpc_out, "info-get ", 9);
	memcpy(rpc_out + 9, key, klen);
	if ((err = vmw_rpci(b, rpc_out, klen + 9, rpc_in, sizeof(rpc_in), &rlen)))
		return err;
	if ((ok = reply_status(rpc_in, rlen, &rest)) < 0)
		return ok;
	if (!ok)
		return -ENOENT;
	vlen = rlen - (size_t)(rest - rpc_in);
	if (vlen + 1 > len)
		return -ERANGE;
	memcpy(val, rest, vlen);
	val[vlen] = '\0';
	return (int)vlen;
}

int vmw_guestinfo_set(struct vmw_backdoor *b, const char *key, const char *val)
{
	size_t klen = strlen(key), vlen = strlen(val), rlen;
	const char *rest;
	int ok, err;

	if (!key_ok(key))
		return -EINVAL;
	if (9 + klen + 1 + vlen > VMW_MSG_MAX)
		return -E2BIG;
	memcpy(rpc_out, "info-set ", 9);
	memcpy(rpc_out + 9, key, klen);
	rpc_out[9 + klen] = ' ';
	memcpy(rpc_out + 10 + klen, val, vlen);
	if ((err = vmw_rpci(b, rpc_out, 10 + klen + vlen, rpc_in, sizeof(rpc_in), &rlen)))
		return err;
	if ((ok = reply_status(rpc_in, rlen, &rest)) < 0)
		return ok;
	return ok ? 0 : -EPERM;
}

/* ---- the pvbus store ----------------------------------------------------- */

static int store_read(void *ctx, const char *key, char *val, size_t len)
{
	return vmw_guestinfo_get(ctx, key, val, len);
}

static int store_write(void *ctx, const char *key, const char *val)
{
	return vmw_guestinfo_set(ctx, key, val);
}

/* RPCI has no way to enumerate guestinfo keys. */
static int store_list(void *ctx __unused, const char *prefix __unused,
		      char *buf __unused, size_t len __unused)
{
	return -EOPNOTSUPP;
}

static void store_describe(void *ctx, char *buf, size_t len)
{
	struct vmw_backdoor *b = ctx;

	snprintf(buf, len, "VMware backdoor version %u product %u, RPCI %s",
		 b->version, b->product,
		 b->rpc ? "available" : "unavailable (key-value calls give EOPNOTSUPP)");
}

const struct pvbus_store_ops vmw_store_ops = {
	.read = store_read,
	.write = store_write,
	.list = store_list,
	.describe = store_describe,
};
