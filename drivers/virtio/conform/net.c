// SPDX-License-Identifier: MIT
/* virtio-net conformance (virtio 1.2 §5.1) and its probe request for the
 * generic checks: an ARP request for 10.0.2.2 on transmitq1. Checks that
 * look at received frames need something that answers it: QEMU's user
 * networking does (the matrix uses it); with another backend they skip. */
#include "conform.h"
#include <drivers/virtio_net.h>
#include <kern/errno.h>
#include <string.h>

#define RXQ             0
#define TXQ             1
#define FRAME           60      /* the ARP request padded to Ethernet's minimum */
#define RX_BUF          1526    /* header + 1514 */
#define NRX             8

#define F_GUEST_TSO4    7
#define F_GUEST_TSO6    8
#define F_GUEST_ECN     9
#define F_GUEST_UFO     10
#define F_HOST_TSO4     11
#define F_HOST_TSO6     12
#define F_HOST_ECN      13
#define F_HOST_UFO      14
#define F_CTRL_VLAN     19
#define F_GUEST_ANNOUNCE 21
#define F_MQ            22
#define F_HOST_USO      56
#define F_RSC_EXT       61
#define F_RSS           60

static unsigned hdr_len(struct cf_dev *d)
{
	if (!d->vdev->legacy || (d->features & VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF)))
		return sizeof(struct virtio_net_hdr);
	return VIRTIO_NET_HDR_LEGACY_LEN;
}

static void our_mac(struct cf_dev *d, uint8_t mac[6])
{
	static const uint8_t def[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

	memcpy(mac, def, 6);
	if (d->offered & VIRTIO_BIT(VIRTIO_NET_F_MAC))
		for (unsigned i = 0; i < 6; i++)
			d->vdev->ops->config_read(d->vdev, i, &mac[i], 1);
}

/* An ARP request "who has 10.0.2.2, tell 10.0.2.15" after a zero header. */
static struct cf_buf *arp_request(struct cf_dev *d)
{
	unsigned hl = hdr_len(d);
	struct cf_buf *b = cf_buf(d, hl + FRAME, false);
	uint8_t mac[6];

	if (!b)
		return NULL;
	our_mac(d, mac);
	uint8_t *f = b->p + hl;
	memset(b->p, 0, hl + FRAME);
	memset(f, 0xff, 6);
	memcpy(f + 6, mac, 6);
	f[12] = 0x08, f[13] = 0x06;                     /* ARP */
	f[14] = 0, f[15] = 1, f[16] = 0x08, f[17] = 0;  /* Ethernet, IPv4 */
	f[18] = 6, f[19] = 4, f[20] = 0, f[21] = 1;     /* request */
	memcpy(f + 22, mac, 6);
	f[28] = 10, f[29] = 0, f[30] = 2, f[31] = 15;
	f[38] = 10, f[39] = 0, f[40] = 2, f[41] = 2;
	return b;
}

int cf_net_probe(struct cf_dev *d, struct cf_probe *p, int layout)
{
	struct cf_buf *b = arp_request(d);
	unsigned hl = hdr_len(d), end = hl + FRAME;
	struct cf_seg *s = p->seg;

	if (!b)
		return 0;
	p->q = TXQ;
	p->n_in = 0;
	p->in_total = 0;
	switch (layout) {
	case 0:         /* header | frame */
		s[0] = (struct cf_seg){ b, 0, hl };
		s[1] = (struct cf_seg){ b, hl, FRAME };
		p->n_out = 2;
		break;
	case 1:         /* header and frame in one buffer */
		s[0] = (struct cf_seg){ b, 0, end };
		p->n_out = 1;
		break;
	case 2:         /* split inside the header and inside the frame */
		s[0] = (struct cf_seg){ b, 0, 3 };
		s[1] = (struct cf_seg){ b, 3, hl + 17 };
		s[2] = (struct cf_seg){ b, hl + 20, FRAME - 20 };
		p->n_out = 3;
		break;
	default:        /* header | Ethernet header | payload */
		s[0] = (struct cf_seg){ b, 0, hl };
		s[1] = (struct cf_seg){ b, hl, 14 };
		s[2] = (struct cf_seg){ b, hl + 14, FRAME - 14 };
		p->n_out = 3;
		break;
	}
	return (int)p->n_out;
}

/* Post NRX receive buffers of size bytes each. */
static bool post_rx(struct cf_dev *d, struct cf_buf **rx, uint32_t size)
{
	for (unsigned i = 0; i < NRX; i++) {
		if (!(rx[i] = cf_buf(d, size, true)))
			return false;
		struct cf_seg s = { rx[i], 0, size };
		cf_avail(d, RXQ, cf_chain(d, RXQ, &s, 0, 1));
	}
	cf_kick(d, RXQ);
	return true;
}

/* Send the ARP request in layout; @return 0 once sent (used). */
static int send_arp(struct cf_dev *d, int layout)
{
	struct cf_probe p;
	uint32_t len;

	if (!cf_net_probe(d, &p, layout))
		return -ENOMEM;
	return cf_request(d, TXQ, p.seg, p.n_out, 0, &len);
}

struct rx_frame {
	unsigned first, nbuf;       /* used elements it took */
	struct virtio_net_hdr hdr;
	uint8_t frame[64];
	uint32_t len[NRX];
	uint32_t total;
};

/* Wait for the ARP reply among received frames (others are passed over).
 * rx[] are the buffers in posting order (descriptor i is rx[i]).
 * @return 0 with *out, -ENOENT when none came (skip: nothing answers). */
static int recv_arp(struct cf_dev *d, struct cf_buf **rx, uint32_t size, bool mrg,
		    struct rx_frame *out)
{
	unsigned hl = hdr_len(d);

	for (unsigned taken = 0; taken < NRX;) {
		int rc = cf_wait_used(d, RXQ, 1, CF_WAIT_MS);
		if (rc == -ETIMEDOUT)
			return -ENOENT;
		if (rc) {
			CF_FAIL("receive queue: %s", cf_why(d, rc));
			return rc;
		}
		struct vring_used_elem e = cf_used(d, RXQ, 0);
		if (e.id >= NRX) {
			CF_FAIL("receive queue: used id %u was never posted", e.id);
			return -EPROTO;
		}
		memset(out, 0, sizeof(*out));
		out->first = taken;
		memcpy(&out->hdr, rx[e.id]->p, hl);
		unsigned nb = 1;
		if (hl == sizeof(struct virtio_net_hdr) && mrg)
			nb = out->hdr.num_buffers;
		if (nb == 0 || nb > NRX - taken) {
			out->nbuf = nb;
			return 0;       /* the caller judges num_buffers */
		}
		rc = cf_wait_used(d, RXQ, nb, CF_WAIT_MS);
		if (rc) {
			CF_FAIL("num_buffers %u, but only some were used: %s", nb, cf_why(d, rc));
			return rc;
		}
		/* Gather the frame's bytes after the header across its buffers. */
		unsigned got = 0;
		for (unsigned i = 0; i < nb; i++) {
			struct vring_used_elem ei = cf_used(d, RXQ, i);
			if (ei.id >= NRX || ei.len > size) {
				CF_FAIL("used element id %u len %u (buffers of %u)", ei.id, ei.len, size);
				return -EPROTO;
			}
			out->len[i] = ei.len;
			out->total += ei.len;
			for (uint32_t k = i ? 0 : hl; k < ei.len && got < sizeof(out->frame); k++)
				out->frame[got++] = rx[ei.id]->p[k];
		}
		out->nbuf = nb;
		cf_consume(d, RXQ, nb);
		taken += nb;
		if (got >= 42 && out->frame[12] == 0x08 && out->frame[13] == 0x06 &&
		    out->frame[21] == 2)
			return 0;
	}
	return -ENOENT;
}

/* Up with want, receive buffers of size, the ARP exchange in layout.
 * @return 0 with *f, 1 when the check was skipped or failed already. */
static int exchange(struct cf_dev *d, uint64_t want, uint32_t size, int layout,
		    struct rx_frame *f)
{
	struct cf_buf *rx[NRX];

	if (cf_up(d, want) || !post_rx(d, rx, size) || send_arp(d, layout))
		return 1;
	bool mrg = d->features & VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF);
	int rc = recv_arp(d, rx, size, mrg, f);
	if (rc == -ENOENT) {
		CF_SKIP("n/a: no ARP reply from 10.0.2.2 within %u ms (needs a backend that "
			"answers, e.g. QEMU user networking)", CF_WAIT_MS);
		return 1;
	}
	return rc ? 1 : 0;
}

CONFORM_CHECK(net_nb1, "5.1.6.4.1-num-buffers-one-without-mrg-rxbuf", "without MRG_RXBUF a received frame has num_buffers 1 and takes one buffer", CF_NET, CF_ALL)
{
	struct rx_frame f;

	if (exchange(d, 0, RX_BUF, 0, &f))
		return;
	if (hdr_len(d) < sizeof(struct virtio_net_hdr)) {
		CF_DIAG("legacy 10-byte header: no num_buffers field");
		return;
	}
	if (f.hdr.num_buffers == (CF_CANARY << 8 | CF_CANARY))
		CF_FAIL("num_buffers %#x without MRG_RXBUF: never written (the buffer's prior "
			"contents), MUST be 1", f.hdr.num_buffers);
	else if (f.hdr.num_buffers != 1)
		CF_FAIL("num_buffers %u without MRG_RXBUF (MUST be 1)", f.hdr.num_buffers);
}

CONFORM_CHECK(net_flags, "5.1.6.4.1-flags-zero-without-guest-csum", "without GUEST_CSUM (and GUEST_TSO*) a received frame's header has flags 0 and gso_type NONE", CF_NET, CF_ALL)
{
	struct rx_frame f;

	if (exchange(d, 0, RX_BUF, 0, &f))
		return;
	if (f.hdr.flags)
		CF_FAIL("flags %#x without GUEST_CSUM (MUST be 0)", f.hdr.flags);
	if (f.hdr.gso_type != VIRTIO_NET_HDR_GSO_NONE)
		CF_FAIL("gso_type %#x without GUEST_TSO4/6/UFO (MUST be NONE)", f.hdr.gso_type);
}

static void check_hdr_size(struct cf_dev *d, const struct rx_frame *f)
{
	uint8_t mac[6];

	our_mac(d, mac);
	if (memcmp(f->frame, mac, 6) || f->frame[12] != 0x08 || f->frame[13] != 0x06)
		CF_FAIL("the frame does not start right after a %u-byte header", hdr_len(d));
	else
		CF_DIAG("%u-byte header, %u-byte frame", hdr_len(d), f->total - hdr_len(d));
}

CONFORM_CHECK(net_hdr, "5.1.6-net-hdr-size", "the received frame starts after the header size the features give (12 bytes; legacy without MRG_RXBUF 10), with and without MRG_RXBUF", CF_NET, CF_ALL)
{
	struct rx_frame f;

	if (exchange(d, 0, RX_BUF, 0, &f))
		return;
	check_hdr_size(d, &f);
	if (!(d->offered & VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF)))
		return;
	if (cf_reset(d) || exchange(d, VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF), RX_BUF, 0, &f))
		return;
	check_hdr_size(d, &f);
}

CONFORM_CHECK(net_mrg, "5.1.6.4.1-num-buffers-mrg-rxbuf", "with MRG_RXBUF and 32-byte buffers, num_buffers counts the buffers a frame took and all but the last are full", CF_NET, CF_ALL)
{
	struct rx_frame f;
	uint64_t mrg = VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF);

	if (cf_start(d, mrg))
		return;
	if (!(d->features & mrg)) {
		CF_SKIP("n/a: VIRTIO_NET_F_MRG_RXBUF not offered");
		return;
	}
	if (exchange(d, mrg, 32, 0, &f))
		return;
	unsigned hl = hdr_len(d);
	if (f.nbuf == 0 || f.nbuf > NRX) {
		CF_FAIL("num_buffers %u (the frame took at most %u buffers)", f.nbuf, NRX);
		return;
	}
	uint32_t need = (f.total + 31) / 32;
	if (f.nbuf != need)
		CF_FAIL("num_buffers %u for %u bytes in 32-byte buffers (%u)", f.nbuf, f.total, need);
	for (unsigned i = 0; i + 1 < f.nbuf; i++)
		if (f.len[i] != 32)
			CF_FAIL("buffer %u of %u holds %u bytes: all but the last MUST be used "
				"completely", i + 1, f.nbuf, f.len[i]);
	CF_DIAG("%u-byte header + %u-byte frame in %u buffers", hl, f.total - hl, f.nbuf);
}

CONFORM_CHECK(net_layout, "2.7.4.1-net-tx-any-layout", "the ARP request sent in other descriptor layouts (header split, header and frame in one buffer) is answered", CF_NET, CF_ALL)
{
	struct rx_frame f;

	if (d->vdev->legacy && !(d->vdev->ops->get_features(d->vdev) & VIRTIO_BIT(27))) {
		CF_SKIP("n/a: legacy device without VIRTIO_F_ANY_LAYOUT (2.7.4.3)");
		return;
	}
	if (exchange(d, VIRTIO_BIT(27), RX_BUF, 0, &f))
		return;
	for (int layout = 1; layout <= 3; layout++) {
		struct cf_buf *rx[NRX];
		if (cf_reset(d) || cf_up(d, VIRTIO_BIT(27)) || !post_rx(d, rx, RX_BUF) ||
		    send_arp(d, layout))
			return;
		int rc = recv_arp(d, rx, RX_BUF, false, &f);
		if (rc == -ENOENT)
			CF_FAIL("layout %d: no ARP reply, the plain layout got one", layout);
		if (rc)
			return;
	}
}

CONFORM_CHECK(net_txflags, "5.1.6.2.2-tx-ignores-unknown-flags-and-csum", "an ARP request whose header has an unknown flag bit (0x80) and csum_start/csum_offset pointing into it, without NEEDS_CSUM, still goes out intact (answered)", CF_NET, CF_ALL)
{
	struct cf_buf *rx[NRX];
	struct rx_frame f;
	struct cf_probe p;
	uint32_t len;

	if (cf_up(d, 0) || !post_rx(d, rx, RX_BUF) || !cf_net_probe(d, &p, 0))
		return;
	/* Without NEEDS_CSUM the device MUST NOT use csum_start/offset: had
	 * it written a sum at 14 + 24 into the frame (the first half of the
	 * ARP target address), nobody would answer. */
	struct virtio_net_hdr h = { .flags = 0x80, .csum_start = 14, .csum_offset = 24 };
	memcpy(p.seg[0].b->p, &h, hdr_len(d));
	if (cf_request(d, TXQ, p.seg, p.n_out, 0, &len))
		return;
	int rc = recv_arp(d, rx, RX_BUF, false, &f);
	if (rc == -ENOENT) {
		/* Was anything answering at all? The plain request tells. */
		if (cf_reset(d) || exchange(d, 0, RX_BUF, 0, &f))
			return;
		CF_FAIL("no ARP reply to the request with flags 0x80 and csum fields set, but one "
			"to the plain request");
	}
}

CONFORM_CHECK(net_rxlayout, "2.7.4.1-net-rx-any-layout", "without MRG_RXBUF, receive buffers posted as two descriptors (header, then frame) get the header in the first and the frame in the second, in one used element (5.1.6.3.2: one buffer per packet)", CF_NET, CF_ALL)
{
	struct cf_buf *hb[NRX / 2], *fb[NRX / 2];
	uint16_t head[NRX / 2];
	unsigned hl;
	uint8_t mac[6];

	if (d->vdev->legacy && !(d->vdev->ops->get_features(d->vdev) & VIRTIO_BIT(27))) {
		CF_SKIP("n/a: legacy device without VIRTIO_F_ANY_LAYOUT (2.7.4.3)");
		return;
	}
	if (cf_up(d, VIRTIO_BIT(27)))
		return;
	hl = hdr_len(d);
	for (unsigned i = 0; i < NRX / 2; i++) {
		if (!(hb[i] = cf_buf(d, hl, true)) || !(fb[i] = cf_buf(d, 1514, true)))
			return;
		struct cf_seg s[2] = { { hb[i], 0, hl }, { fb[i], 0, 1514 } };
		head[i] = cf_chain(d, RXQ, s, 0, 2);
		cf_avail(d, RXQ, head[i]);
	}
	cf_kick(d, RXQ);
	if (send_arp(d, 0))
		return;
	our_mac(d, mac);
	for (unsigned got = 0; got < NRX / 2; got++) {
		int rc = cf_wait_used(d, RXQ, 1, CF_WAIT_MS);
		if (rc == -ETIMEDOUT) {
			CF_SKIP("n/a: no ARP reply from 10.0.2.2 within %u ms (needs a backend that "
				"answers, e.g. QEMU user networking)", CF_WAIT_MS);
			return;
		}
		if (rc) {
			CF_FAIL("receive queue: %s", cf_why(d, rc));
			return;
		}
		struct vring_used_elem e = cf_used(d, RXQ, 0);
		cf_consume(d, RXQ, 1);
		unsigned k = 0;
		while (k < NRX / 2 && head[k] != e.id)
			k++;
		if (k == NRX / 2) {
			CF_FAIL("used id %u is not the head of a posted chain", e.id);
			return;
		}
		const uint8_t *f = fb[k]->p;
		if (f[12] != 0x08 || f[13] != 0x06 || f[21] != 2)
			continue;       /* not the ARP reply */
		if (e.len <= hl || e.len > hl + 1514)
			CF_FAIL("used len %u for a frame in a %u + 1514 byte chain", e.len, hl);
		if (memcmp(f, mac, 6))
			CF_FAIL("the frame does not start at the second descriptor");
		if (hl == sizeof(struct virtio_net_hdr)) {
			uint16_t nb;
			memcpy(&nb, hb[k]->p + 10, 2);
			if (nb != 1 && nb != (CF_CANARY << 8 | CF_CANARY))
				CF_FAIL("num_buffers %u in a header without MRG_RXBUF", nb);
		}
		CF_DIAG("the ARP reply in chain %u: used len %u", k, e.len);
		return;
	}
	CF_SKIP("n/a: no ARP reply among the frames received");
}

struct dep {
	unsigned bit, need1, need2;     /* need2 == need1 when there is one */
	const char *name;
};

CONFORM_CHECK(net_deps, "2.2.2-no-feature-without-dependency", "no network feature is offered without the feature 5.1.3.1 says it requires", CF_NET, CF_ALL)
{
	static const struct dep deps[] = {
		{ F_GUEST_TSO4, VIRTIO_NET_F_GUEST_CSUM, VIRTIO_NET_F_GUEST_CSUM, "GUEST_TSO4" },
		{ F_GUEST_TSO6, VIRTIO_NET_F_GUEST_CSUM, VIRTIO_NET_F_GUEST_CSUM, "GUEST_TSO6" },
		{ F_GUEST_ECN, F_GUEST_TSO4, F_GUEST_TSO6, "GUEST_ECN" },
		{ F_GUEST_UFO, VIRTIO_NET_F_GUEST_CSUM, VIRTIO_NET_F_GUEST_CSUM, "GUEST_UFO" },
		{ F_HOST_TSO4, VIRTIO_NET_F_CSUM, VIRTIO_NET_F_CSUM, "HOST_TSO4" },
		{ F_HOST_TSO6, VIRTIO_NET_F_CSUM, VIRTIO_NET_F_CSUM, "HOST_TSO6" },
		{ F_HOST_ECN, F_HOST_TSO4, F_HOST_TSO6, "HOST_ECN" },
		{ F_HOST_UFO, VIRTIO_NET_F_CSUM, VIRTIO_NET_F_CSUM, "HOST_UFO" },
		{ F_HOST_USO, VIRTIO_NET_F_CSUM, VIRTIO_NET_F_CSUM, "HOST_USO" },
		{ VIRTIO_NET_F_CTRL_RX, VIRTIO_NET_F_CTRL_VQ, VIRTIO_NET_F_CTRL_VQ, "CTRL_RX" },
		{ F_CTRL_VLAN, VIRTIO_NET_F_CTRL_VQ, VIRTIO_NET_F_CTRL_VQ, "CTRL_VLAN" },
		{ F_GUEST_ANNOUNCE, VIRTIO_NET_F_CTRL_VQ, VIRTIO_NET_F_CTRL_VQ, "GUEST_ANNOUNCE" },
		{ F_MQ, VIRTIO_NET_F_CTRL_VQ, VIRTIO_NET_F_CTRL_VQ, "MQ" },
		{ VIRTIO_NET_F_CTRL_MAC_ADDR, VIRTIO_NET_F_CTRL_VQ, VIRTIO_NET_F_CTRL_VQ,
		  "CTRL_MAC_ADDR" },
		{ F_RSC_EXT, F_HOST_TSO4, F_HOST_TSO6, "RSC_EXT" },
		{ F_RSS, VIRTIO_NET_F_CTRL_VQ, VIRTIO_NET_F_CTRL_VQ, "RSS" },
	};
	struct virtio_dev *v = d->vdev;

	if (cf_reset(d))
		return;
	uint64_t f = v->ops->get_features(v);
	for (unsigned i = 0; i < ARRAY_SIZE(deps); i++)
		if ((f & VIRTIO_BIT(deps[i].bit)) && !(f & VIRTIO_BIT(deps[i].need1)) &&
		    !(f & VIRTIO_BIT(deps[i].need2)))
			CF_FAIL("%s (bit %u) offered without bit %u%s", deps[i].name, deps[i].bit,
				deps[i].need1, deps[i].need1 != deps[i].need2 ? " or its alternative" : "");
	CF_DIAG("offered %#llx", (unsigned long long)f);
}

CONFORM_CHECK(net_cfg, "5.1.4.1-mtu-and-pairs-in-range", "mtu is 68..65535 when MTU is offered, max_virtqueue_pairs 1..0x8000 when MQ is", CF_NET, CF_ALL)
{
	struct virtio_dev *v = d->vdev;
	uint16_t mtu = 0, pairs = 0;
	bool any = false;

	if (cf_start(d, 0))
		return;
	if (d->offered & VIRTIO_BIT(F_MQ)) {
		v->ops->config_read(v, 8, &pairs, 2);
		any = true;
		if (pairs < 1 || pairs > 0x8000)
			CF_FAIL("max_virtqueue_pairs %u", pairs);
	}
	if (d->offered & VIRTIO_BIT(VIRTIO_NET_F_MTU)) {
		v->ops->config_read(v, 10, &mtu, 2);
		any = true;
		if (mtu < 68)
			CF_FAIL("mtu %u (MUST be 68..65535)", mtu);
	}
	if (!any)
		CF_SKIP("n/a: neither VIRTIO_NET_F_MTU nor VIRTIO_NET_F_MQ offered");
	else
		CF_DIAG("mtu %u, max_virtqueue_pairs %u", mtu, pairs);
}
