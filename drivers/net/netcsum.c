// SPDX-License-Identifier: MIT
/* Internet checksums over scatter-gather frames (RFC 1071) and the
 * offload preparation a stack without partial-checksum support needs.
 * Pure logic: host unit-tested (tests/unit/test_netcsum.c). */
#include <drivers/netcsum.h>
#include <kern/compiler.h>
#include <kern/errno.h>
#include <string.h>

uint64_t netsg_len(const struct netdev_sg *sg, unsigned n)
{
	uint64_t t = 0;
	for (unsigned i = 0; i < n; i++)
		t += sg[i].len;
	return t;
}

static int sg_copy(const struct netdev_sg *sg, unsigned n, uint32_t off,
		   uint8_t *buf, uint32_t len, bool write)
{
	if ((uint64_t)off + len > netsg_len(sg, n))
		return -EINVAL;
	for (unsigned i = 0; i < n && len; i++) {
		if (off >= sg[i].len) {
			off -= sg[i].len;
			continue;
		}
		uint32_t k = MIN(len, sg[i].len - off);
		uint8_t *p = (uint8_t *)sg[i].addr + off;
		if (write)
			memcpy(p, buf, k);
		else
			memcpy(buf, p, k);
		buf += k;
		len -= k;
		off = 0;
	}
	return 0;
}

int netsg_read(const struct netdev_sg *sg, unsigned n, uint32_t off, void *buf,
	       uint32_t len)
{
	return sg_copy(sg, n, off, buf, len, false);
}

int netsg_write(const struct netdev_sg *sg, unsigned n, uint32_t off,
		const void *buf, uint32_t len)
{
	return sg_copy(sg, n, off, (uint8_t *)buf, len, true);
}

/* A word-at-a-time sum in the machine's order, folded to 16 bits and
 * made big-endian (RFC 1071 §2(B)). */
static uint64_t native_to_be(uint64_t body)
{
	body = (body & 0xffffffffu) + (body >> 32);
	body = (body & 0xffff) + (body >> 16);
	body = (body & 0xffff) + (body >> 16);
	body = (body & 0xffff) + (body >> 16);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	body = (uint16_t)(body << 8 | body >> 8);
#endif
	return body;
}

/* Sum a contiguous run; odd says whether its first byte is the low half of
 * a word (the run started mid-word in the frame). The body goes 4 bytes
 * at a time in the machine's byte order, which RFC 1071 §2(B) allows: the
 * folded native sum, byte-swapped on a little-endian machine, is the
 * big-endian one. */
static __hotloop uint64_t sum_run(const uint8_t *p, uint32_t len, bool odd, uint64_t sum)
{
	uint64_t body = 0;

	if (odd && len) {
		sum += p[0];
		p++;
		len--;
	}
	if (len >= 64) {
		uint32_t w;

		for (; len >= 4; p += 4, len -= 4) {
			__builtin_memcpy(&w, p, 4);     /* one load, any alignment */
			body += w;
		}
		body = native_to_be(body);
	}
	for (; len >= 2; p += 2, len -= 2)
		sum += (uint32_t)p[0] << 8 | p[1];
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum + body;
}

/* As sum_run from an even phase, storing what it reads: 8 bytes a loop,
 * summed as two native 32-bit halves (RFC 1071 §2(B) again), so the
 * copy a send makes anyway yields the checksum of the data for free
 * instead of a second pass over it (lwIP's LWIP_CHECKSUM_ON_COPY). */
__hotloop uint64_t netcsum_copy(void *dst, const void *src, uint32_t len)
{
	uint8_t *d = dst;
	const uint8_t *s = src;
	uint64_t body = 0, sum = 0;

	if (len >= 64) {
		uint64_t w;

		for (; len >= 8; d += 8, s += 8, len -= 8) {
			__builtin_memcpy(&w, s, 8);
			__builtin_memcpy(d, &w, 8);
			body += (w & 0xffffffffu) + (w >> 32);
		}
		body = native_to_be(body);
	}
	for (; len >= 2; d += 2, s += 2, len -= 2) {
		d[0] = s[0];
		d[1] = s[1];
		sum += (uint32_t)s[0] << 8 | s[1];
	}
	if (len) {
		d[0] = s[0];
		sum += (uint32_t)s[0] << 8;
	}
	return sum + body;
}

__hotloop uint64_t netcsum_sum(const struct netdev_sg *sg, unsigned n, uint32_t off,
		     uint32_t len, uint64_t sum)
{
	uint32_t pos = 0;   /* bytes summed so far: their parity is the phase */
	for (unsigned i = 0; i < n && len; i++) {
		if (off >= sg[i].len) {
			off -= sg[i].len;
			continue;
		}
		uint32_t k = MIN(len, sg[i].len - off);
		sum = sum_run((const uint8_t *)sg[i].addr + off, k, pos & 1, sum);
		pos += k;
		len -= k;
		off = 0;
	}
	return sum;
}

uint16_t netcsum_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

int netcsum_complete(const struct netdev_sg *sg, unsigned n, uint32_t len,
		     uint32_t start, uint32_t offset)
{
	if (start > len || offset > len - start || len - start - offset < 2 ||
	    len > netsg_len(sg, n))
		return -EINVAL;
	uint16_t c = (uint16_t)~netcsum_fold(netcsum_sum(sg, n, start, len - start, 0));
	if (c == 0)
		c = 0xffff;
	uint8_t be[2] = { (uint8_t)(c >> 8), (uint8_t)c };
	return netsg_write(sg, n, start + offset, be, 2);
}

/* ---- offload preparation ------------------------------------------------------ */

#define ETHERTYPE_IPV4  0x0800
#define ETHERTYPE_IPV6  0x86dd
#define ETHERTYPE_VLAN  0x8100
#define IPPROTO_TCP_    6
#define IPPROTO_UDP_    17

static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

int netdev_csum_prepare(struct netdev_tx *tx)
{
	const struct netdev_sg *sg = tx->sg;
	unsigned n = tx->nsg;
	uint64_t flen = netsg_len(sg, n);
	uint8_t h[40];
	uint32_t l3 = NETDEV_ETH_HLEN, l4, l4len;
	uint8_t proto;
	uint64_t sum = 0;

	if (flen > UINT32_MAX || netsg_read(sg, n, 12, h, 2))
		return -EINVAL;
	uint16_t type = be16(h);
	if (type == ETHERTYPE_VLAN) {
		/* 802.1Q: the real type follows the 4-byte tag. */
		if (netsg_read(sg, n, 16, h, 2))
			return -EINVAL;
		type = be16(h);
		l3 += 4;
	}
	if (type == ETHERTYPE_IPV4) {
		if (netsg_read(sg, n, l3, h, 20))
			return -EINVAL;
		unsigned ihl = (h[0] & 15u) * 4u;
		uint16_t tot = be16(h + 2);
		if ((h[0] >> 4) != 4 || ihl < 20 || tot < ihl || l3 + tot > flen)
			return -EINVAL;
		/* A fragment's L4 checksum covers the whole datagram. */
		if (be16(h + 6) & 0x3fff)
			return -ENOENT;
		proto = h[9];
		l4 = l3 + ihl;
		l4len = tot - ihl;
		sum = netcsum_sum(&(struct netdev_sg){ h + 12, 8 }, 1, 0, 8, 0);
	} else if (type == ETHERTYPE_IPV6) {
		if (netsg_read(sg, n, l3, h, 40))
			return -EINVAL;
		if ((h[0] >> 4) != 6)
			return -EINVAL;
		proto = h[6];
		l4 = l3 + 40;
		l4len = be16(h + 4);
		if (l4 + (uint64_t)l4len > flen)
			return -EINVAL;
		sum = netcsum_sum(&(struct netdev_sg){ h + 8, 32 }, 1, 0, 32, 0);
	} else {
		return -ENOENT;
	}
	uint16_t off;
	if (proto == IPPROTO_TCP_)
		off = 16;
	else if (proto == IPPROTO_UDP_)
		off = 6;
	else
		return -ENOENT;   /* an IPv6 extension header, ICMP, ... */
	if (l4len < off + 2u || l4 > UINT16_MAX)
		return -EINVAL;
	/* RFC 793 / RFC 768 / RFC 8200 §8.1: the pseudo-header is the
	 * addresses, the protocol and the L4 length. */
	sum += proto;
	sum += l4len;
	uint16_t ps = netcsum_fold(sum);
	uint8_t be[2] = { (uint8_t)(ps >> 8), (uint8_t)ps };
	if (netsg_write(sg, n, l4 + off, be, 2))
		return -EINVAL;
	tx->flags |= NETDEV_TX_CSUM;
	tx->csum_start = (uint16_t)l4;
	tx->csum_offset = off;
	return 0;
}
