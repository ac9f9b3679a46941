/* SPDX-License-Identifier: MIT */
/* XenStore over its shared ring, built from Xen's public headers
 * (io/xs_wire.h for the ring and messages, docs/misc/xenstore.txt for the
 * semantics). Private to drivers/pvbus.
 *
 * The guest and xenstored share one page: a 1 KiB request ring, a 1 KiB
 * response ring and their free-running indexes. Each message is a 16-byte
 * header (type, request id, transaction id, payload length) and at most
 * XS_PAYLOAD_MAX bytes. The guest kicks xenstored through an event channel;
 * here the reply is polled for (bounded), so no interrupt is needed. How to
 * kick and how long a wait step is belong to the transport (struct xs_ops):
 * Xen hypercalls in the kernel, a simulated xenstored in the unit tests. */
#ifndef DRIVERS_PVBUS_XENSTORE_H
#define DRIVERS_PVBUS_XENSTORE_H

#include <kern/compiler.h>

#define XS_RING_SIZE      1024          /* XENSTORE_RING_SIZE */
#define XS_PAYLOAD_MAX    4096          /* XENSTORE_PAYLOAD_MAX */
#define XS_ABS_PATH_MAX   3072          /* XENSTORE_ABS_PATH_MAX */
#define XS_REL_PATH_MAX   2048          /* XENSTORE_REL_PATH_MAX */

/* enum xsd_sockmsg_type values used here. */
#define XS_DIRECTORY      1
#define XS_READ           2
#define XS_WRITE          11
#define XS_WATCH_EVENT    15
#define XS_ERROR          16

/* struct xenstore_domain_interface. */
struct xs_ring {
	char req[XS_RING_SIZE];
	char rsp[XS_RING_SIZE];
	uint32_t req_cons, req_prod;
	uint32_t rsp_cons, rsp_prod;
	uint32_t server_features;
	uint32_t connection;
};
_Static_assert(sizeof(struct xs_ring) == 2072, "xenstore_domain_interface");

/* struct xsd_sockmsg. */
struct xs_hdr {
	uint32_t type, req_id, tx_id, len;
};

struct xs_ops {
	void (*notify)(void *ctx);      /* kick xenstored (event channel) */
	void (*wait)(void *ctx);        /* one short wait step (~1-10 us) */
};

/* Steps a request may wait (for ring space or its reply) before the
 * connection is declared dead. */
#define XS_WAIT_STEPS 500000u

struct xs_conn {
	struct xs_ring *ring;
	const struct xs_ops *ops;
	void *ctx;
	uint32_t req_id;
	bool broken;            /* the ring lied or xenstored went silent */
	char home[32];          /* "/local/domain/<id>", "" when unknown */
};

void xs_init(struct xs_conn *c, struct xs_ring *ring, const struct xs_ops *ops,
	     void *ctx, int domid);

/* One request and its reply: payload is plen bytes; the reply payload goes
 * to reply (NUL-terminated after rlen bytes). @return 0; the XS_ERROR string
 * as -errno (-ENOENT, -EPERM for EACCES/EROFS, -EINVAL, -E2BIG, else -EIO);
 * -ERANGE when the reply doesn't fit max-1; -EPROTO for a ring or message
 * that breaks the protocol; -ETIMEDOUT when xenstored doesn't answer. */
int xs_request(struct xs_conn *c, uint32_t type, const void *payload,
	       size_t plen, char *reply, size_t max, size_t *rlen);

int xs_read(struct xs_conn *c, const char *path, char *val, size_t len);
int xs_write(struct xs_conn *c, const char *path, const char *val);
/* Children of path, each followed by '\n'. @return the length. */
int xs_directory(struct xs_conn *c, const char *path, char *buf, size_t len);

/* The pvbus store "xenstore" (ctx = struct xs_conn *). */
extern const struct pvbus_store_ops xs_store_ops;

#endif
