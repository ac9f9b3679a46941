/* SPDX-License-Identifier: MIT */
/* Internet checksums over scatter-gather frames (RFC 1071), for network
 * drivers: completing a partial checksum (virtio 1.2 §5.1.6.2 on transmit,
 * §5.1.6.4 NEEDS_CSUM on receive) and preparing one for offload
 * (netdev_csum_prepare). Pure logic, host unit-tested
 * (tests/unit/test_netcsum.c). */
#ifndef DRIVERS_NETCSUM_H
#define DRIVERS_NETCSUM_H

#include <drivers/netdev.h>

/* Copy len bytes at frame offset off out of / into the segments.
 * @return 0, or -EINVAL when the range runs past the frame. */
int netsg_read(const struct netdev_sg *sg, unsigned n, uint32_t off, void *buf,
	       uint32_t len);
int netsg_write(const struct netdev_sg *sg, unsigned n, uint32_t off,
		const void *buf, uint32_t len);
/* Total bytes in the segments. */
uint64_t netsg_len(const struct netdev_sg *sg, unsigned n);

/* The 32-bit one's-complement accumulation of bytes [off, off+len) of the
 * frame, taken as big-endian 16-bit words counted from off (a trailing
 * odd byte padded with zero), added to sum. Not folded. */
uint64_t netcsum_sum(const struct netdev_sg *sg, unsigned n, uint32_t off,
		     uint32_t len, uint64_t sum);
/* Copy len bytes from src to dst (not overlapping) and return the
 * accumulation netcsum_sum would give for them as one segment. */
uint64_t netcsum_copy(void *dst, const void *src, uint32_t len);
/* Fold an accumulation to 16 bits (not inverted). */
uint16_t netcsum_fold(uint64_t sum);

/* Finish a partial checksum in a frame of len bytes: sum [start, len)
 * (which includes the pseudo-header sum already in the field) and store
 * the inverted result, big-endian, at start + offset; a result of 0 is
 * stored as 0xffff (RFC 768: 0 means "none" for UDP; for TCP both are the
 * same in one's complement). @return 0, or -EINVAL when the field does not
 * lie inside [start, len). */
int netcsum_complete(const struct netdev_sg *sg, unsigned n, uint32_t len,
		     uint32_t start, uint32_t offset);

#endif
