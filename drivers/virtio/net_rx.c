// SPDX-License-Identifier: MIT
/* virtio-net's pure logic (virtio 1.2 §5.1.6): receive-buffer and
 * num_buffers accounting, and the header's checksum-offload fields in both
 * directions. Nothing read from shared memory is trusted: the header is
 * copied out once and every count and offset in it is checked. Host
 * unit-tested (tests/unit/test_vnet.c). */
#include <drivers/virtio_net.h>
#include <drivers/netcsum.h>
#include <kern/errno.h>
#include <string.h>

void vnet_rx_reset(struct vnet_rxasm *a)
{
	a->nfrag = 0;
	a->want = 0;
	a->len = 0;
}

int vnet_rx_add(struct vnet_rxasm *a, void *cookie, uint8_t *addr, uint32_t len,
		const void *hdr)
{
	a->frag[a->nfrag++] = (struct vnet_frag){ cookie, addr, len };
	if (a->nfrag == 1) {
		/* The first buffer carries the header (§5.1.6.3/§5.1.6.4); copy
		 * it out so the device can't change it under the checks. */
		memset(&a->hdr, 0, sizeof(a->hdr));
		if (a->mrg) {
			if (len < a->hdr_len)
				return -VNET_DROP_RUNT;
			memcpy(&a->hdr, addr, a->hdr_len);
			a->frag[0].addr = addr + a->hdr_len;
			a->frag[0].len = len - a->hdr_len;
			/* §5.1.6.4: num_buffers counts this buffer too. */
			a->want = a->hdr.num_buffers;
			if (a->want == 0 || a->want > VNET_MAX_FRAGS)
				return -VNET_DROP_NBUF;
		} else {
			/* The used length covers header and data (§2.7.8). */
			if (len < a->hdr_len)
				return -VNET_DROP_RUNT;
			memcpy(&a->hdr, hdr, a->hdr_len);
			a->frag[0].len = len - a->hdr_len;
			a->want = 1;
		}
	}
	a->len += a->frag[a->nfrag - 1].len;
	if (a->len > a->max_frame)
		return -VNET_DROP_OVERSIZE;
	/* A follow-on buffer of a merged frame can't be empty: the device
	 * would have counted one buffer fewer. */
	if (a->nfrag > 1 && len == 0)
		return -VNET_DROP_NBUF;
	if (a->nfrag < a->want)
		return VNET_RX_MORE;
	if (a->len < NETDEV_ETH_HLEN)
		return -VNET_DROP_RUNT;
	return VNET_RX_FRAME;
}

unsigned vnet_rx_segs(const struct vnet_rxasm *a, struct netdev_sg *seg)
{
	unsigned n = 0;
	for (unsigned i = 0; i < a->nfrag; i++)
		if (a->frag[i].len)
			seg[n++] = (struct netdev_sg){ a->frag[i].addr, a->frag[i].len };
	return n;
}

int vnet_rx_csum(const struct virtio_net_hdr *h, const struct netdev_sg *seg,
		 unsigned nseg, uint32_t len, unsigned *flags, bool *sw)
{
	*sw = false;
	if (h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
		/* §5.1.6.4: the checksum at csum_start + csum_offset holds
		 * only the pseudo-header sum (a local sender offloaded it);
		 * finish it so the stack sees an ordinary frame. */
		if (netcsum_complete(seg, nseg, len, h->csum_start, h->csum_offset))
			return -VNET_DROP_CSUM;
		*sw = true;
		*flags |= NETDEV_RX_CSUM_VALID;
	} else if (h->flags & VIRTIO_NET_HDR_F_DATA_VALID) {
		*flags |= NETDEV_RX_CSUM_VALID;
	}
	return 0;
}

int vnet_tx_hdr(struct virtio_net_hdr *h, const struct netdev_tx *tx,
		bool dev_csum)
{
	memset(h, 0, sizeof(*h));
	h->gso_type = VIRTIO_NET_HDR_GSO_NONE;
	if (!(tx->flags & NETDEV_TX_CSUM))
		return 0;
	uint64_t len = netsg_len(tx->sg, tx->nsg);
	if ((uint64_t)tx->csum_start + tx->csum_offset + 2 > len)
		return -EINVAL;
	if (dev_csum) {
		/* §5.1.6.2: the device sums from csum_start to the end and
		 * stores the result at csum_start + csum_offset. */
		h->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		h->csum_start = tx->csum_start;
		h->csum_offset = tx->csum_offset;
		return 0;
	}
	if (netcsum_complete(tx->sg, tx->nsg, (uint32_t)len, tx->csum_start,
			     tx->csum_offset))
		return -EINVAL;
	return 1;
}
