// SPDX-License-Identifier: MIT
/* lwIP's Internet checksum (LWIP_CHKSUM in net/lwipopts.h) over the
 * drivers' word-at-a-time one (drivers/net/netcsum.c) instead of lwIP's
 * 16-bit loop: every received TCP segment is checked in software when
 * the device does not vouch for it (QEMU's user network never does). */
#include <drivers/netcsum.h>

/* The one's-complement sum of len bytes at data, as lwIP's
 * lwip_standard_chksum gives it: 16-bit words in the machine's order,
 * folded, not inverted. */
static unsigned short lwip_order(uint64_t sum)
{
	uint16_t be = netcsum_fold(sum);

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (unsigned short)(be << 8 | be >> 8);
#else
	return be;
#endif
}

unsigned short net_chksum(const void *data, int len);
unsigned short net_chksum(const void *data, int len)
{
	struct netdev_sg sg = { (void *)data, len > 0 ? (uint32_t)len : 0 };

	return lwip_order(netcsum_sum(&sg, 1, 0, sg.len, 0));
}

/* LWIP_CHKSUM_COPY: the copy of the data a TCP send makes, summing as it
 * goes (LWIP_CHECKSUM_ON_COPY), so that with no checksum offload (QEMU's
 * user network) the segment's data is not read a second time when it
 * goes out; the same value as net_chksum over dst afterwards. */
unsigned short net_chksum_copy(void *dst, const void *src, unsigned short len);
unsigned short net_chksum_copy(void *dst, const void *src, unsigned short len)
{
	return lwip_order(netcsum_copy(dst, src, len));
}
