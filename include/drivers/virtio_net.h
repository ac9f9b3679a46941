/* SPDX-License-Identifier: MIT */
/* virtio-net (virtio 1.2 §5.1): the device's layouts and the driver's pure
 * logic (drivers/virtio/net_rx.c: receive-buffer and num_buffers
 * accounting, header and checksum-offload handling), which the host unit
 * tests drive (tests/unit/test_vnet.c). The driver itself is
 * drivers/virtio/net.c; a stack sees it through <drivers/netdev.h>. */
#ifndef DRIVERS_VIRTIO_NET_H
#define DRIVERS_VIRTIO_NET_H

#include <drivers/netdev.h>

/* Feature bits (§5.1.3). */
#define VIRTIO_NET_F_CSUM               0
#define VIRTIO_NET_F_GUEST_CSUM         1
#define VIRTIO_NET_F_MTU                3
#define VIRTIO_NET_F_MAC                5
#define VIRTIO_NET_F_MRG_RXBUF          15
#define VIRTIO_NET_F_STATUS             16
#define VIRTIO_NET_F_CTRL_VQ            17
#define VIRTIO_NET_F_CTRL_RX            18
#define VIRTIO_NET_F_CTRL_MAC_ADDR      23

/* Configuration layout (§5.1.4). */
struct virtio_net_config {
	uint8_t mac[6];
	uint16_t status;
	uint16_t max_virtqueue_pairs;
	uint16_t mtu;
};
_Static_assert(sizeof(struct virtio_net_config) == 12, "virtio 1.2 §5.1.4");
#define VIRTIO_NET_S_LINK_UP            1

/* The header in front of every frame (§5.1.6). num_buffers exists with
 * VERSION_1 or MRG_RXBUF; a legacy device without MRG_RXBUF uses the
 * first 10 bytes only. */
struct virtio_net_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
	uint16_t num_buffers;
};
_Static_assert(sizeof(struct virtio_net_hdr) == 12, "virtio 1.2 §5.1.6");
#define VIRTIO_NET_HDR_LEGACY_LEN       10
#define VIRTIO_NET_HDR_F_NEEDS_CSUM     1
#define VIRTIO_NET_HDR_F_DATA_VALID     2
#define VIRTIO_NET_HDR_GSO_NONE         0

/* Control queue (§5.1.6.5). */
struct virtio_net_ctrl_hdr {
	uint8_t class;
	uint8_t cmd;
};
#define VIRTIO_NET_CTRL_RX              0
#define VIRTIO_NET_CTRL_RX_PROMISC      0
#define VIRTIO_NET_CTRL_RX_ALLMULTI     1
#define VIRTIO_NET_CTRL_MAC             1
#define VIRTIO_NET_CTRL_MAC_ADDR_SET    1
#define VIRTIO_NET_OK                   0

/* ---- receive assembly (pure logic) ------------------------------------------ */

/* The most buffers one frame may take; the driver sizes its buffers so
 * that a frame of MTU + Ethernet header fits in this many. */
#define VNET_MAX_FRAGS  20

/* Drop causes (map to struct netdev_stats fields). */
enum vnet_drop {
	VNET_DROP_RUNT = 1,         /* shorter than the header + Ethernet header */
	VNET_DROP_OVERSIZE,         /* longer than the largest frame */
	VNET_DROP_NBUF,             /* num_buffers 0, too many, or inconsistent */
	VNET_DROP_CSUM,             /* NEEDS_CSUM offsets outside the frame */
};

struct vnet_frag {
	void *cookie;               /* the driver's buffer */
	uint8_t *addr;              /* where the device wrote */
	uint32_t len;               /* bytes it wrote */
};

/* One frame in the making. */
struct vnet_rxasm {
	/* Set once. */
	unsigned hdr_len;           /* 10 or 12 */
	bool mrg;                   /* MRG_RXBUF: header in the first buffer,
				       num_buffers says how many follow */
	uint32_t max_frame;         /* MTU + Ethernet header (+ VLAN tag) */
	/* The frame. */
	struct virtio_net_hdr hdr;  /* copied out of shared memory */
	unsigned nfrag, want;
	uint32_t len;               /* frame bytes (without the header) */
	struct vnet_frag frag[VNET_MAX_FRAGS];
};

#define VNET_RX_MORE    0       /* the frame needs more buffers */
#define VNET_RX_FRAME   1       /* frag[0..nfrag) hold a whole frame */

/* Add one used buffer. Without MRG_RXBUF, hdr is where the header
 * descriptor was (addr then holds the frame alone). @return VNET_RX_MORE,
 * VNET_RX_FRAME, or -VNET_DROP_* (frag[0..nfrag) are to be reposted; the
 * frame is gone). After FRAME or a drop, call vnet_rx_reset. */
int vnet_rx_add(struct vnet_rxasm *a, void *cookie, uint8_t *addr, uint32_t len,
		const void *hdr);
void vnet_rx_reset(struct vnet_rxasm *a);
/* The frame of a FRAME result as netdev segments (header skipped, empty
 * pieces left out). @return the segment count. */
unsigned vnet_rx_segs(const struct vnet_rxasm *a, struct netdev_sg *seg);
/* Apply §5.1.6.4's checksum flags of a frame: DATA_VALID sets
 * NETDEV_RX_CSUM_VALID (*sw stays false); NEEDS_CSUM has the checksum
 * completed here (*sw true) and sets the flag. @return 0 or
 * -VNET_DROP_CSUM for offsets outside the frame. */
int vnet_rx_csum(const struct virtio_net_hdr *h, const struct netdev_sg *seg,
		 unsigned nseg, uint32_t len, unsigned *flags, bool *sw);

/* Fill the transmit header for tx (§5.1.6.2): with NETDEV_TX_CSUM and a
 * device that offloads, NEEDS_CSUM and the offsets; without one, the
 * checksum completed in the frame here. @return 0 left to the device or
 * nothing to do, 1 completed in software, -EINVAL for bad offsets. */
int vnet_tx_hdr(struct virtio_net_hdr *h, const struct netdev_tx *tx,
		bool dev_csum);

#endif
