// SPDX-License-Identifier: MIT
/* drivers/net/netcsum.c: sums across odd segment splits, partial-checksum
 * completion, and netdev_csum_prepare against a plain reference checksum
 * for TCP/UDP over IPv4 and IPv6. */
#include "unit.h"
#include <drivers/netcsum.h>
#include <kern/errno.h>

/* The textbook RFC 1071 sum over contiguous bytes. */
static uint32_t ref_sum(const uint8_t *p, size_t len, uint32_t sum)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t ref_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static unsigned rnd_state = 12345;
static unsigned rnd(void)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return rnd_state >> 8;
}

/* Cut buf into up to 8 random segments. */
static unsigned split(uint8_t *buf, uint32_t len, struct netdev_sg *sg)
{
	unsigned n = 0;
	uint32_t off = 0;
	while (off < len) {
		uint32_t k = n == 7 ? len - off : 1 + rnd() % (len - off);
		sg[n++] = (struct netdev_sg){ buf + off, k };
		off += k;
	}
	return n;
}

UNIT(sum_matches_reference_any_split)
{
	uint8_t buf[301];
	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)rnd();
	for (int t = 0; t < 500; t++) {
		struct netdev_sg sg[8];
		unsigned n = split(buf, sizeof(buf), sg);
		uint32_t off = rnd() % sizeof(buf), len = rnd() % (sizeof(buf) - off + 1);
		CHECK_EQ(netcsum_fold(netcsum_sum(sg, n, off, len, 0)),
			 ref_fold(ref_sum(buf + off, len, 0)));
	}
}

/* The copy that sums: same bytes out, same sum as the reference, for any
 * length and either alignment of source and destination. */
UNIT(copy_sums_like_reference)
{
	static uint8_t src[2100], dst[2100];
	for (unsigned i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)rnd();
	for (int t = 0; t < 2000; t++) {
		uint32_t so = rnd() % 8, doff = rnd() % 8;
		uint32_t len = t < 200 ? (uint32_t)t : rnd() % (sizeof(src) - 8);
		memset(dst, 0xa5, sizeof(dst));
		uint64_t s = netcsum_copy(dst + doff, src + so, len);
		CHECK_EQ(netcsum_fold(s), ref_fold(ref_sum(src + so, len, 0)));
		CHECK(!memcmp(dst + doff, src + so, len));
		CHECK_EQ(dst[doff + len], 0xa5);                /* not a byte more */
		if (doff)
			CHECK_EQ(dst[doff - 1], 0xa5);
	}
}

UNIT(sg_read_write_bounds)
{
	uint8_t a[3] = { 1, 2, 3 }, b[2] = { 4, 5 }, out[5];
	struct netdev_sg sg[2] = { { a, 3 }, { b, 2 } };
	CHECK_EQ(netsg_read(sg, 2, 0, out, 5), 0);
	CHECK(out[3] == 4 && out[4] == 5);
	CHECK_EQ(netsg_read(sg, 2, 2, out, 4), -EINVAL);
	CHECK_EQ(netsg_read(sg, 2, 0xffffffffu, out, 2), -EINVAL);
	CHECK_EQ(netsg_write(sg, 2, 2, "\x09\x08", 2), 0);
	CHECK(a[2] == 9 && b[0] == 8);
}

UNIT(complete_rejects_field_outside)
{
	uint8_t f[64] = { 0 };
	struct netdev_sg sg = { f, sizeof(f) };
	CHECK_EQ(netcsum_complete(&sg, 1, 64, 62, 0), 0);
	CHECK_EQ(netcsum_complete(&sg, 1, 64, 63, 0), -EINVAL);
	CHECK_EQ(netcsum_complete(&sg, 1, 64, 10, 53), -EINVAL);
	CHECK_EQ(netcsum_complete(&sg, 1, 64, 65, 0), -EINVAL);
	CHECK_EQ(netcsum_complete(&sg, 1, 65, 0, 0), -EINVAL);   /* past the segments */
	CHECK_EQ(netcsum_complete(&sg, 1, 64, 0xfffffff0u, 0x20), -EINVAL);
}

/* Build Ethernet + IP + L4 + payload; return the frame length. */
static uint32_t build(uint8_t *f, bool v6, bool tcp, uint32_t payload, bool vlan)
{
	uint32_t l3 = 14 + (vlan ? 4 : 0), iph = v6 ? 40 : 20, l4h = tcp ? 20 : 8;
	uint32_t l4len = l4h + payload;
	memset(f, 0, l3 + iph + l4len);
	for (int i = 0; i < 12; i++)
		f[i] = (uint8_t)rnd();
	if (vlan) {
		f[12] = 0x81; f[13] = 0; f[14] = 0; f[15] = 5;
	}
	f[l3 - 2] = v6 ? 0x86 : 0x08;
	f[l3 - 1] = v6 ? 0xdd : 0x00;
	uint8_t *ip = f + l3;
	uint8_t proto = tcp ? 6 : 17;
	if (v6) {
		ip[0] = 0x60;
		ip[4] = (uint8_t)(l4len >> 8); ip[5] = (uint8_t)l4len;
		ip[6] = proto; ip[7] = 64;
		for (int i = 8; i < 40; i++)
			ip[i] = (uint8_t)rnd();
	} else {
		uint32_t tot = iph + l4len;
		ip[0] = 0x45; ip[2] = (uint8_t)(tot >> 8); ip[3] = (uint8_t)tot;
		ip[8] = 64; ip[9] = proto;
		for (int i = 12; i < 20; i++)
			ip[i] = (uint8_t)rnd();
	}
	uint8_t *l4 = ip + iph;
	for (uint32_t i = 0; i < l4len; i++)
		l4[i] = (uint8_t)rnd();
	if (tcp)
		l4[12] = 0x50;
	else {
		l4[4] = (uint8_t)(l4len >> 8); l4[5] = (uint8_t)l4len;
	}
	return l3 + iph + l4len;
}

/* The checksum a stack would compute in full, with the field zeroed. */
static uint16_t ref_l4(uint8_t *f, bool v6, bool tcp, bool vlan)
{
	uint32_t l3 = 14 + (vlan ? 4 : 0), iph = v6 ? 40 : 20;
	uint8_t *ip = f + l3, *l4 = ip + iph;
	uint32_t l4len = v6 ? (uint32_t)(ip[4] << 8 | ip[5])
			    : (uint32_t)(ip[2] << 8 | ip[3]) - iph;
	unsigned fo = tcp ? 16 : 6;
	l4[fo] = l4[fo + 1] = 0;
	uint32_t s = v6 ? ref_sum(ip + 8, 32, 0) : ref_sum(ip + 12, 8, 0);
	s += tcp ? 6 : 17;
	s += l4len;
	s = ref_sum(l4, l4len, s);
	uint16_t c = (uint16_t)~ref_fold(s);
	return c ? c : 0xffff;
}

UNIT(prepare_then_complete_equals_full_checksum)
{
	static uint8_t f[2000], g[2000];
	for (int t = 0; t < 400; t++) {
		bool v6 = t & 1, tcp = t & 2, vlan = (t & 12) == 12;
		uint32_t len = build(f, v6, tcp, rnd() % 1400, vlan);
		memcpy(g, f, len);
		uint16_t want = ref_l4(g, v6, tcp, vlan);
		struct netdev_sg sg[8];
		struct netdev_tx tx = { .sg = sg, .nsg = split(f, len, sg) };
		CHECK_EQ(netdev_csum_prepare(&tx), 0);
		CHECK(tx.flags & NETDEV_TX_CSUM);
		CHECK_EQ(tx.csum_start, 14 + (vlan ? 4 : 0) + (v6 ? 40 : 20));
		CHECK_EQ(tx.csum_offset, tcp ? 16 : 6);
		CHECK_EQ(netcsum_complete(sg, tx.nsg, len, tx.csum_start, tx.csum_offset), 0);
		uint8_t *field = f + tx.csum_start + tx.csum_offset;
		CHECK_EQ(field[0] << 8 | field[1], want);
		/* A receiver summing everything with the pseudo-header gets
		 * 0xffff (RFC 1071 verification). */
		g[tx.csum_start + tx.csum_offset] = field[0];
		g[tx.csum_start + tx.csum_offset + 1] = field[1];
		CHECK(memcmp(f, g, len) == 0);
	}
}

UNIT(prepare_refuses_what_it_cannot_offload)
{
	static uint8_t f[200];
	struct netdev_sg sg = { f, 0 };
	struct netdev_tx tx = { .sg = &sg, .nsg = 1 };
	/* ARP: not IP. */
	memset(f, 0, sizeof(f));
	f[12] = 0x08; f[13] = 0x06;
	sg.len = 60;
	CHECK_EQ(netdev_csum_prepare(&tx), -ENOENT);
	/* ICMP over IPv4. */
	sg.len = build(f, false, true, 10, false);
	f[14 + 9] = 1;
	CHECK_EQ(netdev_csum_prepare(&tx), -ENOENT);
	/* A fragment. */
	sg.len = build(f, false, true, 10, false);
	f[14 + 6] = 0x20;
	CHECK_EQ(netdev_csum_prepare(&tx), -ENOENT);
	/* Total length past the frame, bad IHL, truncated headers. */
	sg.len = build(f, false, false, 10, false);
	f[14 + 2] = 0x7f;
	CHECK_EQ(netdev_csum_prepare(&tx), -EINVAL);
	sg.len = build(f, false, false, 10, false);
	f[14] = 0x44;
	CHECK_EQ(netdev_csum_prepare(&tx), -EINVAL);
	sg.len = 20;
	f[12] = 0x86; f[13] = 0xdd;
	CHECK_EQ(netdev_csum_prepare(&tx), -EINVAL);
	/* IPv6 payload length past the frame; L4 shorter than its header. */
	sg.len = build(f, true, true, 10, false);
	f[14 + 4] = 0x10;
	CHECK_EQ(netdev_csum_prepare(&tx), -EINVAL);
	sg.len = build(f, true, false, 0, false);
	f[14 + 4] = 0; f[14 + 5] = 4;
	CHECK_EQ(netdev_csum_prepare(&tx), -EINVAL);
	CHECK_EQ(tx.flags, 0);
}

UNIT_MAIN()
