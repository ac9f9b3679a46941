// SPDX-License-Identifier: MIT
/* Host tests for the XenStore client (drivers/pvbus/xenstore.c) against a
 * simulated xenstored on the shared ring of io/xs_wire.h: reads, writes,
 * directories, error strings, messages that wrap around the ring, watch
 * events and stale replies in between; then a silent daemon, oversized
 * payloads and a producer index that runs ahead of the ring. */
#include <drivers/pvbus.h>
#include <kern/errno.h>
#include "unit.h"
#include "../../drivers/pvbus/xenstore.h"

static struct xs_ring ring;

static struct xsd {
	bool silent, huge_len, jump_prod, watch_first, stale_first;
	char keys[16][128], vals[16][4200];
	int nkeys;
	long waits, notifies;
} D;

static void d_reset(void)
{
	memset(&D, 0, sizeof(D));
	memset(&ring, 0, sizeof(ring));
}

static void d_set(const char *k, const char *v)
{
	int i;

	for (i = 0; i < D.nkeys && strcmp(D.keys[i], k); i++)
		;
	if (i == D.nkeys)
		D.nkeys++;
	strcpy(D.keys[i], k);
	strcpy(D.vals[i], v);
}

/* Bytes of a request waiting on the ring. */
static uint32_t req_avail(void)
{
	return ring.req_prod - ring.req_cons;
}

static void req_take(void *buf, uint32_t n)
{
	char *p = buf;

	for (uint32_t i = 0; i < n; i++)
		p[i] = ring.req[(ring.req_cons + i) & (XS_RING_SIZE - 1)];
	ring.req_cons += n;
}

/* Queue a reply; the daemon side writes what fits and keeps the rest. */
static char pending[64 * 1024];

static uint32_t npend;

static void rsp_push(uint32_t type, uint32_t id, const void *data, uint32_t len)
{
	struct xs_hdr h = { type, id, 0, len };

	if (D.huge_len)
		h.len = 5000;
	memcpy(pending + npend, &h, sizeof(h));
	memcpy(pending + npend + sizeof(h), data, len);
	npend += sizeof(h) + len;
}

static void rsp_flush(void)
{
	uint32_t room = XS_RING_SIZE - (ring.rsp_prod - ring.rsp_cons);
	uint32_t n = npend < room ? npend : room;

	for (uint32_t i = 0; i < n; i++)
		ring.rsp[(ring.rsp_prod + i) & (XS_RING_SIZE - 1)] = pending[i];
	ring.rsp_prod += n;
	memmove(pending, pending + n, npend - n);
	npend -= n;
	if (D.jump_prod)
		ring.rsp_prod += 5000;
}

static void handle(const struct xs_hdr *h, char *p)
{
	if (D.watch_first)
		rsp_push(XS_WATCH_EVENT, 0, "some/path\0tok\0", 14);
	if (D.stale_first)
		rsp_push(h->type, h->req_id - 1, "stale", 5);
	switch (h->type) {
	case XS_READ:
		for (int i = 0; i < D.nkeys; i++)
			if (strcmp(D.keys[i], p) == 0) {
				rsp_push(XS_READ, h->req_id, D.vals[i], (uint32_t)strlen(D.vals[i]));
				return;
			}
		rsp_push(XS_ERROR, h->req_id, "ENOENT", 7);
		return;
	case XS_WRITE:
		if (strncmp(p, "ro/", 3) == 0) {
			rsp_push(XS_ERROR, h->req_id, "EACCES", 7);
			return;
		}
		p[h->len] = '\0';
		d_set(p, p + strlen(p) + 1);
		rsp_push(XS_WRITE, h->req_id, "OK", 3);
		return;
	case XS_DIRECTORY: {
		char out[4096];
		uint32_t n = 0;
		size_t pl = strlen(p);

		for (int i = 0; i < D.nkeys; i++)
			if (strncmp(D.keys[i], p, pl) == 0 && D.keys[i][pl] == '/') {
				size_t kl = strlen(D.keys[i] + pl + 1) + 1;

				memcpy(out + n, D.keys[i] + pl + 1, kl);
				n += (uint32_t)kl;
			}
		if (n == 0)
			rsp_push(XS_ERROR, h->req_id, "ENOENT", 7);
		else
			rsp_push(XS_DIRECTORY, h->req_id, out, n);
		return;
	}
	default:
		rsp_push(XS_ERROR, h->req_id, "EINVAL", 7);
	}
}

static struct xs_hdr cur;
static char curp[5000];
static uint32_t curlen;
static bool have_hdr;

/* The daemon runs whenever the guest kicks or waits. */
static void d_run(void)
{
	if (D.silent)
		return;
	for (;;) {
		if (!have_hdr) {
			if (req_avail() < sizeof(cur))
				break;
			req_take(&cur, sizeof(cur));
			have_hdr = true;
		}
		/* Like xenstored, consume a payload as it arrives. */
		if (cur.len > 4096)
			cur.len = 4096;
		while (curlen < cur.len && req_avail()) {
			uint32_t n = req_avail();

			if (n > cur.len - curlen)
				n = cur.len - curlen;
			req_take(curp + curlen, n);
			curlen += n;
		}
		if (curlen < cur.len)
			break;
		curp[cur.len] = '\0';
		curlen = 0;
		have_hdr = false;
		handle(&cur, curp);
	}
	rsp_flush();
}

static void x_notify(void *ctx)
{
	(void)ctx;
	D.notifies++;
	d_run();
}

static void x_wait(void *ctx)
{
	(void)ctx;
	D.waits++;
	d_run();
}

static const struct xs_ops xops = { x_notify, x_wait };
static struct xs_conn C;
static char buf[8192];

static void start(void)
{
	d_reset();
	npend = 0;
	curlen = 0;
	have_hdr = false;
	xs_init(&C, &ring, &xops, NULL, 3);
}

UNIT(read_write_directory)
{
	start();
	CHECK_STR(C.home, "/local/domain/3");
	CHECK_EQ(xs_read(&C, "device/vif/0/mac", buf, sizeof(buf)), -ENOENT);
	CHECK_EQ(xs_write(&C, "device/vif/0/mac", "fe:e1:ba:d0:27:0f"), 0);
	CHECK_EQ(xs_write(&C, "device/vif/0/state", "4"), 0);
	CHECK_EQ(xs_read(&C, "device/vif/0/mac", buf, sizeof(buf)), 17);
	CHECK_STR(buf, "fe:e1:ba:d0:27:0f");
	CHECK_EQ(xs_directory(&C, "device/vif/0", buf, sizeof(buf)), 10);
	CHECK_STR(buf, "mac\nstate\n");
	CHECK_EQ(xs_write(&C, "ro/key", "x"), -EPERM);
	CHECK_EQ(xs_read(&C, "device/vif/0/mac", buf, 17), -ERANGE);
	/* The ring stayed in step after the refused reply. */
	CHECK_EQ(xs_read(&C, "device/vif/0/state", buf, sizeof(buf)), 1);
	CHECK_STR(buf, "4");
}

UNIT(messages_wrap_the_ring)
{
	static char v[3000];

	start();
	memset(v, 'v', sizeof(v) - 1);
	/* Larger than the ring both ways: written and read in pieces. */
	for (int i = 0; i < 5; i++) {
		v[100 + i] = (char)('0' + i);
		CHECK_EQ(xs_write(&C, "data/big", v), 0);
		CHECK_EQ(xs_read(&C, "data/big", buf, sizeof(buf)), (int)strlen(v));
		CHECK(memcmp(buf, v, strlen(v)) == 0);
	}
	CHECK(ring.req_prod > 4 * XS_RING_SIZE);
}

UNIT(watch_events_and_stale_replies_skipped)
{
	start();
	d_set("a", "1");
	D.watch_first = true;
	D.stale_first = true;
	CHECK_EQ(xs_read(&C, "a", buf, sizeof(buf)), 1);
	CHECK_STR(buf, "1");
	CHECK_EQ(xs_read(&C, "a", buf, sizeof(buf)), 1);
}

UNIT(silent_daemon_times_out_then_fails_fast)
{
	start();
	D.silent = true;
	CHECK_EQ(xs_read(&C, "a", buf, sizeof(buf)), -ETIMEDOUT);
	CHECK(D.waits <= XS_WAIT_STEPS + 1);
	CHECK(C.broken);
	D.waits = 0;
	CHECK_EQ(xs_read(&C, "a", buf, sizeof(buf)), -EIO);
	CHECK_EQ(D.waits, 0);
}

UNIT(request_ring_never_drained_times_out)
{
	static char v[4000];

	start();
	D.silent = true;
	memset(v, 'x', sizeof(v) - 1);
	CHECK_EQ(xs_write(&C, "k", v), -ETIMEDOUT);
}

UNIT(oversized_payload_is_eproto)
{
	start();
	d_set("a", "1");
	D.huge_len = true;
	CHECK_EQ(xs_read(&C, "a", buf, sizeof(buf)), -EPROTO);
	CHECK(C.broken);
}

UNIT(producer_past_ring_is_eproto)
{
	start();
	d_set("a", "1");
	D.jump_prod = true;
	CHECK_EQ(xs_read(&C, "a", buf, sizeof(buf)), -EPROTO);
}

UNIT(request_consumer_lie_is_eproto)
{
	start();
	ring.req_cons = 5000;     /* "consumed" more than was produced */
	CHECK_EQ(xs_read(&C, "a", buf, sizeof(buf)), -EPROTO);
}

UNIT(limits)
{
	static char path[4000], val3k[3000];

	start();
	memset(path, 'p', sizeof(path) - 1);
	CHECK_EQ(xs_read(&C, path, buf, sizeof(buf)), -ENAMETOOLONG);
	path[2040] = '\0';
	memset(val3k, 'v', sizeof(val3k) - 1);
	CHECK_EQ(xs_write(&C, path, val3k), -E2BIG);
	CHECK_EQ(xs_write(&C, "short", val3k), 0);
}

UNIT(store_list_uses_home)
{
	static struct pvbus_store st = { "xenstore", &xs_store_ops, &C, NULL };

	start();
	d_set("/local/domain/3/name", "guest");
	d_set("/local/domain/3/domid", "3");
	CHECK_EQ(pvbus_store_register(&st), 0);
	CHECK_EQ(pvbus_kv_list("xenstore", "", buf, sizeof(buf)), 11);
	CHECK_STR(buf, "name\ndomid\n");
	CHECK_EQ(pvbus_kv_write(NULL, "data/x", "y"), 0);
	CHECK_EQ(pvbus_kv_read(NULL, "data/x", buf, sizeof(buf)), 1);
	CHECK_EQ(pvbus_kv_read(NULL, "data/none", buf, sizeof(buf)), -ENOENT);
	C.home[0] = '\0';
	CHECK_EQ(pvbus_kv_list("xenstore", "", buf, sizeof(buf)), -EINVAL);
}

UNIT_MAIN()
