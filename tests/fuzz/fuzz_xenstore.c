// SPDX-License-Identifier: MIT
/* Fuzz the XenStore client (drivers/pvbus/xenstore.c) against a hostile
 * xenstored: every time the client kicks the event channel, the daemon
 * takes the request off the ring and writes bytes from the input onto the
 * response ring (headers with any type, id and length, payloads, watch
 * events), and may move rsp_prod anywhere. When the input runs out the
 * daemon dies with a ring the client must refuse (rsp_prod far ahead), so
 * a run never waits out XS_WAIT_STEPS. Then the store ops the shell uses
 * (read, write, list) with a few keys. */
#include "fuzz.h"
#include <drivers/pvbus.h>
#include <kern/errno.h>
#include "../../drivers/pvbus/xenstore.h"

static struct xs_ring ring;
static struct fz in;
static struct xs_hdr last;      /* the last request header taken */

static void daemon(void)
{
	uint8_t op = fz_u8(&in);
	unsigned n = fz_u8(&in) | (op & 3) << 8;

	if (ring.req_prod - ring.req_cons >= sizeof(last)) {
		uint8_t hb[sizeof(last)];

		for (unsigned i = 0; i < sizeof(last); i++)
			hb[i] = (uint8_t)ring.req[(ring.req_cons + i) & (XS_RING_SIZE - 1)];
		memcpy(&last, hb, sizeof(last));
	}
	ring.req_cons = ring.req_prod;          /* swallow the request */
	if (fz_empty(&in)) {
		ring.rsp_prod = ring.rsp_cons + 5000;   /* dead and lying */
		return;
	}
	if (op & 0x80) {                        /* a well-formed header */
		struct xs_hdr h;
		uint8_t hb[sizeof(h)];

		h.type = (op & 0x10) ? last.type : fz_u8(&in) % 20;
		h.req_id = (op & 0x40) ? fz_u32(&in) : last.req_id;
		h.tx_id = 0;
		h.len = fz_u16(&in) % 4200;
		memcpy(hb, &h, sizeof(h));
		for (unsigned i = 0; i < sizeof(h); i++)
			ring.rsp[(ring.rsp_prod + i) & (XS_RING_SIZE - 1)] = (char)hb[i];
		ring.rsp_prod += sizeof(h);
	}
	for (unsigned i = 0; i < n && i < XS_RING_SIZE; i++)
		ring.rsp[(ring.rsp_prod + i) & (XS_RING_SIZE - 1)] = (char)fz_u8(&in);
	ring.rsp_prod += n;
	if (op & 0x20)
		ring.rsp_prod += fz_u16(&in);
}

static void notify(void *ctx)
{
	(void)ctx;
	daemon();
}

static void wait_step(void *ctx)
{
	(void)ctx;
	daemon();
}

static const struct xs_ops ops = { notify, wait_step };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char out[8192];
	struct xs_conn c;
	int n;

	in = (struct fz){ data, size };
	memset(&last, 0, sizeof(last));
	memset(&ring, 0, sizeof(ring));
	xs_init(&c, &ring, &ops, NULL, fz_u8(&in));
	n = xs_store_ops.read(&c, "name", out, sizeof(out));
	if (n >= (int)sizeof(out) || (n >= 0 && out[n] != '\0'))
		abort();
	fz_sink += (uint64_t)xs_store_ops.write(&c, "data/x", "1");
	n = xs_store_ops.list(&c, "", out, sizeof(out));
	if (n >= (int)sizeof(out) || (n >= 0 && out[n] != '\0'))
		abort();
	n = xs_store_ops.read(&c, "/local/domain/0/name", out, 16);
	if (n >= 16 || (n >= 0 && out[n] != '\0'))
		abort();
	xs_store_ops.describe(&c, out, 200);
	return 0;
}
