// SPDX-License-Identifier: MIT
/* Fuzz virtio-net's receive assembly (drivers/virtio/net_rx.c) as a
 * hostile device drives it: the input picks the negotiated layout (header
 * length, MRG_RXBUF, MTU), then is a stream of used buffers, each a used
 * length and the bytes the device wrote. The harness keeps the driver's
 * side of the contract (a used length never exceeds what was posted: the
 * virtqueue checks that before net.c sees it) and checks the frames the
 * assembler hands out: inside their buffers, at most the largest frame,
 * and the checksum completion stays inside the frame. */
#include "fuzz.h"
#include <drivers/netcsum.h>
#include <drivers/virtio_net.h>
#include <kern/errno.h>

#define BUF 2048                /* data bytes per posted buffer */

struct rxbuf {
	uint8_t hdr[12];        /* the separate header (without MRG_RXBUF) */
	uint8_t *data;          /* BUF bytes, malloc'ed: ASan sees its ends */
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	uint8_t cfg = fz_u8(&f);
	struct vnet_rxasm a = {
		.hdr_len = (cfg & 1) ? 12 : 10,
		.mrg = (cfg & 2) != 0,
		.max_frame = 60 + fz_u16(&f) % 9200,
	};
	struct rxbuf b[VNET_MAX_FRAGS];
	struct netdev_sg seg[VNET_MAX_FRAGS];
	unsigned k = 0;

	if (a.mrg)
		a.hdr_len = 12;     /* §5.1.6: MRG_RXBUF has num_buffers */
	for (unsigned i = 0; i < VNET_MAX_FRAGS; i++)
		b[i].data = calloc(1, BUF);
	vnet_rx_reset(&a);
	for (int guard = 0; !fz_empty(&f) && guard < 256; guard++) {
		struct rxbuf *rb = &b[k];
		uint32_t posted = a.mrg ? BUF : a.hdr_len + BUF;
		uint32_t len = fz_u16(&f) % (posted + 1);
		uint32_t w = len;
		int r;

		if (!a.mrg) {
			fz_bytes(&f, rb->hdr, w < a.hdr_len ? w : a.hdr_len);
			w = w > a.hdr_len ? w - a.hdr_len : 0;
		}
		/* What the device wrote; the rest of the buffer is stale. */
		fz_bytes(&f, rb->data, w < 64 ? w : 64);
		r = vnet_rx_add(&a, rb, rb->data, len, rb->hdr);
		if (r == VNET_RX_FRAME) {
			unsigned n = vnet_rx_segs(&a, seg), flags = 0;
			uint32_t total = 0;
			bool sw;

			for (unsigned i = 0; i < n; i++) {
				const uint8_t *p = seg[i].addr;
				bool inside = false;

				for (unsigned j = 0; j < VNET_MAX_FRAGS; j++)
					if (p >= b[j].data && p + seg[i].len <= b[j].data + BUF)
						inside = true;
				if (!inside || !seg[i].len)
					abort();
				total += seg[i].len;
				fz_sink += p[0] + p[seg[i].len - 1];
			}
			if (total != a.len || total > a.max_frame)
				abort();
			fz_sink += (uint64_t)vnet_rx_csum(&a.hdr, seg, n, a.len, &flags, &sw);
			vnet_rx_reset(&a);
			k = 0;
		} else if (r < 0) {
			vnet_rx_reset(&a);
			k = 0;
		} else if (r == VNET_RX_MORE) {
			if (++k >= VNET_MAX_FRAGS || a.nfrag >= VNET_MAX_FRAGS)
				abort();     /* want is capped at VNET_MAX_FRAGS */
		} else {
			abort();
		}
	}
	for (unsigned i = 0; i < VNET_MAX_FRAGS; i++)
		free(b[i].data);
	return 0;
}
