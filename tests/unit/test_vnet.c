// SPDX-License-Identifier: MIT
/* drivers/virtio/net_rx.c against hostile and ordinary devices: merged
 * buffers and num_buffers, runts, oversize frames, the checksum flags both
 * ways. */
#include "unit.h"
#include <drivers/virtio_net.h>
#include <drivers/netcsum.h>
#include <kern/errno.h>

static struct vnet_rxasm mrg_asm(void)
{
	struct vnet_rxasm a = { .hdr_len = 12, .mrg = true, .max_frame = 1518 };
	vnet_rx_reset(&a);
	return a;
}

/* A merged buffer: header (num_buffers n) + len bytes of data. */
static uint8_t *mbuf(uint8_t *b, uint16_t nbuf, uint8_t flags)
{
	struct virtio_net_hdr h = { .flags = flags, .num_buffers = nbuf };
	memcpy(b, &h, sizeof(h));
	return b;
}

UNIT(mrg_one_and_many_buffers)
{
	static uint8_t b[3][2048];
	struct vnet_rxasm a = mrg_asm();
	mbuf(b[0], 1, 0);
	CHECK_EQ(vnet_rx_add(&a, b[0], b[0], 12 + 60, NULL), VNET_RX_FRAME);
	CHECK_EQ(a.len, 60);
	struct netdev_sg seg[VNET_MAX_FRAGS];
	CHECK_EQ(vnet_rx_segs(&a, seg), 1);
	CHECK(seg[0].addr == b[0] + 12 && seg[0].len == 60);
	vnet_rx_reset(&a);

	/* 1514 bytes over three buffers: the header only in the first. */
	mbuf(b[0], 3, 0);
	CHECK_EQ(vnet_rx_add(&a, b[0], b[0], 600, NULL), VNET_RX_MORE);
	CHECK_EQ(vnet_rx_add(&a, b[1], b[1], 600, NULL), VNET_RX_MORE);
	CHECK_EQ(vnet_rx_add(&a, b[2], b[2], 1514 - 588 - 600 + 0, NULL), VNET_RX_FRAME);
	CHECK_EQ(a.len, 1514 - 588 - 600 + 588 + 600);
	CHECK_EQ(a.nfrag, 3);
	CHECK(a.frag[1].cookie == b[1]);
	CHECK_EQ(vnet_rx_segs(&a, seg), 3);
	/* a header-only first buffer makes no empty segment */
	vnet_rx_reset(&a);
	mbuf(b[0], 2, 0);
	CHECK_EQ(vnet_rx_add(&a, b[0], b[0], 12, NULL), VNET_RX_MORE);
	CHECK_EQ(vnet_rx_add(&a, b[1], b[1], 100, NULL), VNET_RX_FRAME);
	CHECK_EQ(vnet_rx_segs(&a, seg), 1);
	CHECK(seg[0].addr == b[1]);
}

UNIT(mrg_hostile_num_buffers_and_lengths)
{
	static uint8_t b[VNET_MAX_FRAGS + 2][2048];
	struct vnet_rxasm a = mrg_asm();
	/* num_buffers 0, or more than a frame may take */
	mbuf(b[0], 0, 0);
	CHECK_EQ(vnet_rx_add(&a, b[0], b[0], 100, NULL), -VNET_DROP_NBUF);
	CHECK_EQ(a.nfrag, 1);   /* the caller reposts it */
	vnet_rx_reset(&a);
	mbuf(b[0], VNET_MAX_FRAGS + 1, 0);
	CHECK_EQ(vnet_rx_add(&a, b[0], b[0], 100, NULL), -VNET_DROP_NBUF);
	vnet_rx_reset(&a);
	mbuf(b[0], 0xffff, 0);
	CHECK_EQ(vnet_rx_add(&a, b[0], b[0], 100, NULL), -VNET_DROP_NBUF);
	vnet_rx_reset(&a);
	/* shorter than the header; header but no Ethernet header */
	CHECK_EQ(vnet_rx_add(&a, b[0], b[0], 11, NULL), -VNET_DROP_RUNT);
	vnet_rx_reset(&a);
	CHECK_EQ(vnet_rx_add(&a, b[0], b[0], 0, NULL), -VNET_DROP_RUNT);
	vnet_rx_reset(&a);
	mbuf(b[0], 1, 0);
	CHECK_EQ(vnet_rx_add(&a, b[0], b[0], 12 + 13, NULL), -VNET_DROP_RUNT);
	vnet_rx_reset(&a);
	/* an empty follow-on buffer: num_buffers overstated */
	mbuf(b[0], 2, 0);
	CHECK_EQ(vnet_rx_add(&a, b[0], b[0], 100, NULL), VNET_RX_MORE);
	CHECK_EQ(vnet_rx_add(&a, b[1], b[1], 0, NULL), -VNET_DROP_NBUF);
	CHECK_EQ(a.nfrag, 2);
	vnet_rx_reset(&a);
	/* longer than MTU + headers allows, across buffers */
	mbuf(b[0], 3, 0);
	CHECK_EQ(vnet_rx_add(&a, b[0], b[0], 2000, NULL), -VNET_DROP_OVERSIZE);
	vnet_rx_reset(&a);
	mbuf(b[0], VNET_MAX_FRAGS, 0);
	int rc = VNET_RX_MORE;
	unsigned i;
	for (i = 0; i < VNET_MAX_FRAGS && rc == VNET_RX_MORE; i++)
		rc = vnet_rx_add(&a, b[i], b[i], 200, NULL);
	CHECK_EQ(rc, -VNET_DROP_OVERSIZE);
	CHECK(a.nfrag <= VNET_MAX_FRAGS);
	/* never more fragments than the array: a full frame exactly fits */
	a.max_frame = 65535;
	vnet_rx_reset(&a);
	mbuf(b[0], VNET_MAX_FRAGS, 0);
	for (i = 0, rc = VNET_RX_MORE; i < VNET_MAX_FRAGS && rc == VNET_RX_MORE; i++)
		rc = vnet_rx_add(&a, b[i], b[i], 100, NULL);
	CHECK_EQ(rc, VNET_RX_FRAME);
	CHECK_EQ(a.nfrag, VNET_MAX_FRAGS);
}

UNIT(no_mrg_header_descriptor)
{
	static uint8_t data[1600];
	struct virtio_net_hdr h = { .flags = VIRTIO_NET_HDR_F_DATA_VALID, .num_buffers = 77 };
	for (unsigned hl = 10; hl <= 12; hl += 2) {
		struct vnet_rxasm a = { .hdr_len = hl, .mrg = false, .max_frame = 1518 };
		vnet_rx_reset(&a);
		/* used length counts the header descriptor too */
		CHECK_EQ(vnet_rx_add(&a, data, data, hl + 1514, &h), VNET_RX_FRAME);
		CHECK_EQ(a.len, 1514);
		CHECK_EQ(a.hdr.flags, VIRTIO_NET_HDR_F_DATA_VALID);
		CHECK_EQ(a.hdr.num_buffers, hl == 12 ? 77 : 0);   /* ignored anyway */
		vnet_rx_reset(&a);
		CHECK_EQ(vnet_rx_add(&a, data, data, hl - 1, &h), -VNET_DROP_RUNT);
		vnet_rx_reset(&a);
		CHECK_EQ(vnet_rx_add(&a, data, data, hl + 1519, &h), -VNET_DROP_OVERSIZE);
	}
}

/* A UDP/IPv4 frame with a partial checksum, as a local sender leaves it. */
static uint32_t partial_udp(uint8_t *f, uint16_t *start, uint16_t *off)
{
	uint32_t len = 14 + 20 + 8 + 37;
	memset(f, 0, len);
	f[12] = 0x08;
	f[14] = 0x45;
	f[16] = 0; f[17] = (uint8_t)(len - 14);
	f[14 + 9] = 17;
	memcpy(f + 26, "\x0a\x00\x00\x01\x0a\x00\x00\x02", 8);
	f[38] = 0; f[39] = 45;
	for (uint32_t i = 42; i < len; i++)
		f[i] = (uint8_t)(i * 3);
	struct netdev_sg sg = { f, len };
	struct netdev_tx tx = { .sg = &sg, .nsg = 1 };
	CHECK_EQ(netdev_csum_prepare(&tx), 0);
	*start = tx.csum_start;
	*off = tx.csum_offset;
	return len;
}

UNIT(rx_checksum_flags)
{
	static uint8_t f[200];
	uint16_t start, off;
	uint32_t len = partial_udp(f, &start, &off);
	struct netdev_sg sg = { f, len };
	unsigned flags = 0;
	bool sw = true;
	struct virtio_net_hdr h = { 0 };
	CHECK_EQ(vnet_rx_csum(&h, &sg, 1, len, &flags, &sw), 0);
	CHECK(flags == 0 && !sw);
	h.flags = VIRTIO_NET_HDR_F_DATA_VALID;
	CHECK_EQ(vnet_rx_csum(&h, &sg, 1, len, &flags, &sw), 0);
	CHECK(flags == NETDEV_RX_CSUM_VALID && !sw);
	/* NEEDS_CSUM: completed here; the result verifies */
	h = (struct virtio_net_hdr){ .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
				     .csum_start = start, .csum_offset = off };
	flags = 0;
	CHECK_EQ(vnet_rx_csum(&h, &sg, 1, len, &flags, &sw), 0);
	CHECK(flags == NETDEV_RX_CSUM_VALID && sw);
	uint64_t s = netcsum_sum(&sg, 1, 26, 8, 0) + 17 + (len - 34);
	CHECK_EQ(netcsum_fold(netcsum_sum(&sg, 1, 34, len - 34, s)), 0xffff);
	/* offsets from a hostile device */
	uint16_t bad[][2] = { { 0xffff, 0 }, { 0, 0xffff }, { (uint16_t)(len - 1), 0 },
			      { (uint16_t)(len - 2), 1 }, { 40, (uint16_t)(len - 41) } };
	for (unsigned i = 0; i < 5; i++) {
		h.csum_start = bad[i][0];
		h.csum_offset = bad[i][1];
		flags = 0;
		CHECK_EQ(vnet_rx_csum(&h, &sg, 1, len, &flags, &sw), -VNET_DROP_CSUM);
		CHECK_EQ(flags, 0);
	}
}

UNIT(tx_header)
{
	static uint8_t f[200], g[200];
	uint16_t start, off;
	uint32_t len = partial_udp(f, &start, &off);
	memcpy(g, f, len);
	struct netdev_sg sg[2] = { { f, 30 }, { f + 30, len - 30 } };
	struct netdev_tx tx = { .sg = sg, .nsg = 2 };
	struct virtio_net_hdr h;
	/* no offload asked: a zero header */
	memset(&h, 0xaa, sizeof(h));
	CHECK_EQ(vnet_tx_hdr(&h, &tx, true), 0);
	CHECK(h.flags == 0 && h.csum_start == 0 && h.gso_type == VIRTIO_NET_HDR_GSO_NONE);
	/* the device does it: §5.1.6.2 fields, frame untouched */
	tx.flags = NETDEV_TX_CSUM;
	tx.csum_start = start;
	tx.csum_offset = off;
	CHECK_EQ(vnet_tx_hdr(&h, &tx, true), 0);
	CHECK(h.flags == VIRTIO_NET_HDR_F_NEEDS_CSUM && h.csum_start == start &&
	      h.csum_offset == off);
	CHECK(memcmp(f, g, len) == 0);
	/* no device offload: completed in the frame, header clean */
	CHECK_EQ(vnet_tx_hdr(&h, &tx, false), 1);
	CHECK_EQ(h.flags, 0);
	CHECK(memcmp(f, g, len) != 0);
	struct netdev_sg whole = { f, len };
	uint64_t s = netcsum_sum(&whole, 1, 26, 8, 0) + 17 + (len - 34);
	CHECK_EQ(netcsum_fold(netcsum_sum(&whole, 1, 34, len - 34, s)), 0xffff);
	/* offsets outside the frame */
	tx.csum_offset = (uint16_t)(len - start - 1);
	CHECK_EQ(vnet_tx_hdr(&h, &tx, true), -EINVAL);
	CHECK_EQ(vnet_tx_hdr(&h, &tx, false), -EINVAL);
}

UNIT_MAIN()
