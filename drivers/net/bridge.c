// SPDX-License-Identifier: MIT
/* The in-guest Ethernet bridge (<drivers/bridge.h>): a netdev whose
 * members are other netdevs, forwarding at layer 2 with a learning table
 * (drivers/net/bridge_fdb.c).
 *
 * Execution: a member's rx() runs in that member's driver thread; the
 * bridge's xmit in whatever thread the stack sends from; port changes in
 * the shell's. The scheduler is cooperative on one CPU and nothing on
 * the frame path blocks (the table is a bounded array, netdev_xmit never
 * waits), so the paths never interleave inside one frame; a port is
 * published (p->used) only once it is ready and unpublished before it is
 * torn down, the only step that blocks (the member's rx-mode command). */
#include <drivers/bridge.h>
#include <drivers/netcsum.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/time.h>
#include <net/net.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct br_port {
	struct bridge *br;
	struct netdev *nd;
	unsigned idx;
	unsigned saved_mode;            /* the member's rx mode before */
	bool used;
};

struct bridge {
	struct netdev nd;               /* bridge0 ... */
	struct br_port port[BRIDGE_PORTS];
	struct brfdb fdb;
	bool up;
	bool warned_kept;
	struct bridge_stats st;
};

static struct bridge *bridges[BRIDGE_MAX];

/* One copy of a frame, shared by the ports it goes out of. */
struct br_frame {
	unsigned refs;
	uint32_t len;
	uint8_t data[];
};

static void br_frame_put(struct br_frame *f)
{
	if (--f->refs == 0)
		free(f);
}

static void br_frame_done(struct netdev *nd, void *arg, int err)
{
	br_frame_put(arg);
}

/* Send f out of port p. @return 0 or the member's error (counted). */
static int br_send(struct bridge *br, struct br_port *p, struct br_frame *f,
		   const struct netdev_tx *orig)
{
	struct netdev_sg sg = { f->data, f->len };
	struct netdev_tx tx = { .sg = &sg, .nsg = 1, .done = br_frame_done, .arg = f };
	int rc;

	if (orig && (orig->flags & NETDEV_TX_CSUM)) {
		tx.flags = NETDEV_TX_CSUM;
		tx.csum_start = orig->csum_start;
		tx.csum_offset = orig->csum_offset;
	}
	f->refs++;
	rc = netdev_xmit(p->nd, &tx);
	if (rc < 0) {
		f->refs--;
		br->st.port_tx_err++;
	}
	return rc;
}

/* Every port but except (BRIDGE_PORTS for none). @return frames sent. */
static unsigned br_flood(struct bridge *br, struct br_frame *f, unsigned except,
			 const struct netdev_tx *orig)
{
	unsigned n = 0;

	for (unsigned i = 0; i < BRIDGE_PORTS; i++)
		if (br->port[i].used && i != except && br_send(br, &br->port[i], f, orig) == 0)
			n++;
	return n;
}

static struct br_frame *br_copy(struct bridge *br, const struct netdev_sg *sg,
				unsigned nsg, uint32_t len)
{
	struct br_frame *f = malloc(sizeof(*f) + len);

	if (!f) {
		br->st.nomem++;
		return NULL;
	}
	f->refs = 1;            /* ours, until the sends are posted */
	f->len = len;
	netsg_read(sg, nsg, 0, f->data, len);
	return f;
}

/* --- A member's frame (its driver thread) ----------------------------------- */
static int br_port_rx(struct netdev *nd, void *ctx, struct netdev_rx *rx)
{
	struct br_port *p = ctx;
	struct bridge *br = p->br;
	uint8_t hdr[NETDEV_ETH_HLEN];
	uint32_t hl = rx->len < sizeof(hdr) ? rx->len : sizeof(hdr);
	unsigned out = 0;
	enum brfdb_verdict v;
	struct br_frame *f;

	br->st.rx++;
	if (!p->used || !br->up) {
		br->st.down++;
		return NETDEV_RX_DONE;
	}
	netsg_read(rx->seg, rx->nseg, 0, hdr, hl);
	v = brfdb_decide(&br->fdb, hdr, hl, p->idx, br->nd.mac, time_ns(), &out);
	switch (v) {
	case BR_LOCAL:
		break;
	case BR_FORWARD:
	case BR_FLOOD:
	case BR_FLOOD_LOCAL:
		f = br_copy(br, rx->seg, rx->nseg, rx->len);
		if (!f)
			break;
		if (v == BR_FORWARD) {
			if (br->port[out].used && br_send(br, &br->port[out], f, NULL) == 0)
				br->st.forwarded++;
		} else if (br_flood(br, f, p->idx, NULL)) {
			br->st.flooded++;
		}
		br_frame_put(f);
		if (v != BR_FLOOD_LOCAL)
			return NETDEV_RX_DONE;
		break;
	case BR_DROP_SAME:
		br->st.filtered++;
		return NETDEV_RX_DONE;
	default:
		br->st.bad_src++;
		return NETDEV_RX_DONE;
	}
	br->st.local++;
	if (netdev_deliver(&br->nd, rx) == NETDEV_RX_KEPT && !br->warned_kept) {
		/* The member's buffer can't stay with the bridge's client. */
		br->warned_kept = true;
		pr_warn("%s: its client kept a frame; it must copy\n", br->nd.name);
	}
	return NETDEV_RX_DONE;
}

/* --- The bridge's own device -------------------------------------------------- */
/* The client's frame goes where its destination was seen, else to every
 * port. It is copied, so done() comes before this returns. */
static int br_xmit(struct netdev *nd, const struct netdev_tx *tx)
{
	struct bridge *br = nd->priv;
	uint32_t len = (uint32_t)netsg_len(tx->sg, tx->nsg);
	unsigned out = 0, sent = 0;
	struct br_frame *f;
	enum brfdb_verdict v;

	if (!br->up)
		return -ENETDOWN;
	f = br_copy(br, tx->sg, tx->nsg, len);
	if (!f)
		return -ENOSPC;
	v = brfdb_route(&br->fdb, f->data, time_ns(), &out);
	if (v == BR_FLOOD && (tx->flags & NETDEV_TX_CSUM)) {
		/* Several members would finish the checksum in one shared
		 * copy: finish it once here instead. */
		struct netdev_sg sg = { f->data, f->len };

		netcsum_complete(&sg, 1, f->len, tx->csum_start, tx->csum_offset);
		tx = NULL;
	}
	if (v == BR_FORWARD && br->port[out].used)
		sent = br_send(br, &br->port[out], f, tx) == 0;
	else
		sent = br_flood(br, f, BRIDGE_PORTS, tx);
	br_frame_put(f);
	if (!sent)
		return -ENOSPC;         /* no port took it (busy, down, none) */
	br->st.tx++;
	nd->stats.tx_packets++;
	nd->stats.tx_bytes += len;
	return 0;
}

static int br_xmit_op(struct netdev *nd, const struct netdev_tx *tx)
{
	int rc = br_xmit(nd, tx);

	if (rc == 0)
		tx->done(nd, tx->arg, 0);
	return rc;
}

static int br_set_rx_mode(struct netdev *nd, unsigned mode)
{
	return 0;       /* a bridge takes everything its members bring */
}

static void br_rx_release(struct netdev *nd, struct netdev_rx *rx)
{
	/* Never called: the bridge never hands out a frame to keep. */
}

static void br_describe(struct netdev *nd, char *buf, size_t len)
{
	struct bridge *br = nd->priv;
	unsigned n = 0;

	for (unsigned i = 0; i < BRIDGE_PORTS; i++)
		n += br->port[i].used;
	snprintf(buf, len, "bridge, %u member(s), %s, %u station(s)", n,
		 br->up ? "up" : "down", brfdb_count(&br->fdb));
}

static const struct netdev_ops br_ops = {
	.xmit = br_xmit_op,
	.set_rx_mode = br_set_rx_mode,
	.rx_release = br_rx_release,
	.describe = br_describe,
};

/* --- Configuration (the shell's thread) ----------------------------------------- */
struct bridge *bridge_nth(unsigned n)
{
	return n < BRIDGE_MAX ? bridges[n] : NULL;
}

static int br_table(struct bridge *br, unsigned cap, uint64_t ttl)
{
	struct brfdb_entry *mem = calloc(cap, sizeof(*mem)), *old = br->fdb.e;
	struct brfdb_stats st = br->fdb.st;

	if (!mem)
		return -ENOMEM;
	brfdb_init(&br->fdb, mem, cap, ttl);
	br->fdb.st = st;
	free(old);
	return 0;
}

struct bridge *bridge_get(const char *name, bool create, int *err)
{
	unsigned n = 0;
	const char *p = name + 6;
	struct bridge *br;
	struct netdev *first = netdev_first();

	*err = -ENOENT;
	if (strncmp(name, "bridge", 6) || !*p || strlen(p) > 2 || (p[0] == '0' && p[1]))
		return NULL;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return NULL;
		n = n * 10 + (unsigned)(*p - '0');
	}
	if (n >= BRIDGE_MAX) {
		*err = -ENOSPC;
		return NULL;
	}
	if (bridges[n] || !create)
		return bridges[n];
	/* netdev_register numbers bridges in order: only the next one. */
	if (n && !bridges[n - 1])
		return NULL;
	br = calloc(1, sizeof(*br));
	if (!br || br_table(br, BRFDB_CAP_DEFAULT, BRFDB_TTL_DEFAULT) < 0) {
		free(br);
		*err = -ENOMEM;
		return NULL;
	}
	for (unsigned i = 0; i < BRIDGE_PORTS; i++) {
		br->port[i].br = br;
		br->port[i].idx = i;
	}
	/* A locally administered address (IEEE 802 §8.4) from the first
	 * NIC's, so guests on one segment differ as their NICs do. */
	br->nd.mac[0] = 0x02;
	br->nd.mac[1] = 0xb0;
	for (int i = 2; i < 6; i++)
		br->nd.mac[i] = first ? first->mac[i] : 0;
	br->nd.mac[5] ^= (uint8_t)(0x80 | n);
	br->nd.ops = &br_ops;
	br->nd.driver = "bridge";
	br->nd.mtu = 1500;
	br->nd.tx_max_sg = 16;
	br->nd.link_up = true;
	br->nd.priv = br;
	bridges[n] = br;
	/* Announced to the stack at once: bridge0 becomes an interface. */
	if (netdev_register(&br->nd, "bridge") < 0) {
		bridges[n] = NULL;
		free(br->fdb.e);
		free(br);
		*err = -EINVAL;
		return NULL;
	}
	pr_info("%s: created, address %02x:%02x:%02x:%02x:%02x:%02x\n", br->nd.name,
		br->nd.mac[0], br->nd.mac[1], br->nd.mac[2], br->nd.mac[3],
		br->nd.mac[4], br->nd.mac[5]);
	return br;
}

static struct br_port *br_find(struct bridge *br, const char *name)
{
	for (unsigned i = 0; i < BRIDGE_PORTS; i++)
		if (br->port[i].nd && !strcmp(br->port[i].nd->name, name))
			return &br->port[i];
	return NULL;
}

static bool is_bridge(const struct netdev *nd)
{
	return nd->ops == &br_ops;
}

int bridge_add(struct bridge *br, const char *name)
{
	struct netdev *nd = netdev_find(name);
	struct br_port *p = NULL;
	struct netdev_client cl = { .rx = br_port_rx };
	int rc;

	if (!nd)
		return -ENODEV;
	if (is_bridge(nd))
		return -EINVAL;
	if (br_find(br, name))
		return -EEXIST;
	for (unsigned i = 0; i < BRIDGE_PORTS && !p; i++)
		if (!br->port[i].nd)
			p = &br->port[i];
	if (!p)
		return -ENOSPC;
	if (nd->open && net_vioif_release(name) == 0)
		pr_info("%s: %s left the stack to join it\n", br->nd.name, name);
	cl.ctx = p;
	p->nd = nd;
	p->saved_mode = nd->rx_mode;
	if (netdev_open(nd, &cl) < 0) {
		p->nd = NULL;
		return -EBUSY;
	}
	/* Frames for other stations must reach us: promiscuous through
	 * the control queue (virtio 1.2 §5.1.6.5.1). A device that can't
	 * filter delivers everything anyway. */
	rc = netdev_set_rx_mode(nd, NETDEV_RX_PROMISC);
	if (rc == -EOPNOTSUPP) {
		pr_info("%s: %s has no receive filter to open; it passes everything\n",
			br->nd.name, name);
	} else if (rc < 0) {
		netdev_close(nd);
		p->nd = NULL;
		return rc;
	}
	p->used = true;
	pr_info("%s: %s added (port %u)\n", br->nd.name, name, p->idx);
	return 0;
}

int bridge_del(struct bridge *br, const char *name)
{
	struct br_port *p = br_find(br, name);

	if (!p)
		return -ENOENT;
	p->used = false;
	brfdb_flush_port(&br->fdb, p->idx);
	if (netdev_set_rx_mode(p->nd, p->saved_mode) < 0 && (p->nd->caps & NETDEV_CAP_RX_MODE))
		pr_warn("%s: %s: could not restore its receive mode\n", br->nd.name, name);
	netdev_close(p->nd);
	p->nd = NULL;
	pr_info("%s: %s removed\n", br->nd.name, name);
	return 0;
}

void bridge_set_up(struct bridge *br, bool up)
{
	br->up = up;
}

int bridge_set_table(struct bridge *br, unsigned maxaddr, unsigned ttl_s)
{
	if (maxaddr < 1 || maxaddr > 1024 || ttl_s < 1 || ttl_s > 86400)
		return -EINVAL;
	return br_table(br, maxaddr, (uint64_t)ttl_s * NSEC_PER_SEC);
}

void bridge_flush(struct bridge *br)
{
	brfdb_flush(&br->fdb);
}

void bridge_info(struct bridge *br, struct bridge_info *out)
{
	memset(out, 0, sizeof(*out));
	out->name = br->nd.name;
	out->up = br->up;
	for (unsigned i = 0; i < BRIDGE_PORTS; i++)
		if (br->port[i].used)
			out->port[out->nports++] = br->port[i].nd;
	out->maxaddr = br->fdb.cap;
	out->ttl_s = (unsigned)(br->fdb.ttl / NSEC_PER_SEC);
	out->stations = brfdb_count(&br->fdb);
	out->st = br->st;
	out->fdb = br->fdb.st;
}

bool bridge_station(struct bridge *br, unsigned i, uint8_t mac[6],
		    const char **port, unsigned *age_s)
{
	const struct brfdb_entry *e;
	uint64_t now = time_ns();

	if (i >= br->fdb.cap || !br->fdb.e[i].used)
		return false;
	e = &br->fdb.e[i];
	memcpy(mac, e->mac, 6);
	*port = br->port[e->port].nd ? br->port[e->port].nd->name : "?";
	*age_s = now > e->seen ? (unsigned)((now - e->seen) / NSEC_PER_SEC) : 0;
	return true;
}
