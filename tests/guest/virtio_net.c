// SPDX-License-Identifier: MIT
/* In-guest tests of virtio-net through the netdev API, without a protocol
 * stack: raw frames to QEMU's user network (its gateway 10.0.2.2 answers
 * ARP) and between two NICs of this guest joined by a QEMU hub.
 *
 * Options (set by tests/cases/virtio_net.cases):
 *   vnet.user=NAME        the NIC on -netdev user
 *   vnet.pair=A,B         two NICs on one hub (frames from A reach B only)
 *   vnet.ndev=N           network devices expected
 *   vnet.mrg=0|1, vnet.ctrl=0|1, vnet.mtu=N   negotiation expected
 * A test whose NICs are not named skips. */
#include <kern/test.h>
#include <kern/cmdline.h>
#include <kern/errno.h>
#include <kern/sched.h>
#include <kern/shell.h>
#include <kern/time.h>
#include <drivers/netdev.h>
#include <drivers/netcsum.h>
#include <net/net.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

CMDLINE_OPT(vnet_user, "vnet.user", "tests: the NIC on QEMU user networking");
CMDLINE_OPT(vnet_pair, "vnet.pair", "tests: two NICs on one QEMU hub, A,B");
CMDLINE_OPT(vnet_ndev, "vnet.ndev", "tests: network devices expected");
CMDLINE_OPT(vnet_mrg, "vnet.mrg", "tests: 0|1, MRG_RXBUF expected");
CMDLINE_OPT(vnet_ctrl, "vnet.ctrl", "tests: 0|1, CTRL_RX expected");
CMDLINE_OPT(vnet_mtu, "vnet.mtu", "tests: MTU expected");

#define ETH_TEST_TYPE   0x88b5          /* IEEE local experimental */
#define WAIT_NS         (3 * NSEC_PER_SEC)

/* What a test's receive callback saw. */
struct sink {
	volatile unsigned frames;
	unsigned bad;                   /* content mismatches */
	uint16_t type;                  /* ethertype to keep, others ignored */
	bool keep;                      /* return NETDEV_RX_KEPT */
	struct netdev_rx *kept[64];
	unsigned nkept;
	uint8_t last[9100];
	uint32_t last_len;
	unsigned last_flags;
	uint64_t seen_seq;              /* bit i: sequence i arrived */
};

static int sink_rx(struct netdev *nd, void *ctx, struct netdev_rx *rx)
{
	struct sink *s = ctx;
	uint8_t t[2];
	if (netsg_read(rx->seg, rx->nseg, 12, t, 2) || (t[0] << 8 | t[1]) != s->type)
		return NETDEV_RX_DONE;
	s->last_len = MIN(rx->len, (uint32_t)sizeof(s->last));
	netsg_read(rx->seg, rx->nseg, 0, s->last, s->last_len);
	s->last_flags = rx->flags;
	/* Test frames carry a sequence number and a pattern from it. */
	if (s->type == ETH_TEST_TYPE && rx->len >= 16) {
		unsigned seq = s->last[14] | s->last[15] << 8;
		for (uint32_t i = 16; i < s->last_len; i++)
			if (s->last[i] != (uint8_t)(seq * 7 + i))
				s->bad++;
		if (seq < 64)
			s->seen_seq |= 1ull << seq;
	}
	s->frames++;
	if (s->keep && s->nkept < ARRAY_SIZE(s->kept)) {
		s->kept[s->nkept++] = rx;
		return NETDEV_RX_KEPT;
	}
	return NETDEV_RX_DONE;
}

/* Open nd for raw frames: the network stack attached to it at boot, so
 * take it away first (once; later opens find it released). */
static int raw_open(struct netdev *nd, const struct netdev_client *cl)
{
	if (net_vioif_release(nd->name) == 0)
		thread_sleep_ns(100 * NSEC_PER_MSEC);
	return netdev_open(nd, cl);
}

static bool wait_frames(struct sink *s, unsigned n)
{
	uint64_t t0 = time_ns();
	while (s->frames < n && time_ns() - t0 < WAIT_NS)
		thread_sleep_ns(NSEC_PER_MSEC);
	return s->frames >= n;
}

struct txdone {
	volatile unsigned done;
	int err;
};

static void tx_done(struct netdev *nd, void *arg, int err)
{
	struct txdone *d = arg;
	if (err)
		d->err = err;
	d->done++;
}

static bool wait_tx(struct txdone *d, unsigned n)
{
	uint64_t t0 = time_ns();
	while (d->done < n && time_ns() - t0 < WAIT_NS)
		thread_sleep_ns(NSEC_PER_MSEC);
	return d->done >= n;
}

static struct netdev *pair_dev(int which)
{
	const char *p = cmdline_get("vnet.pair");
	if (!p)
		return NULL;
	char buf[40];
	strlcpy(buf, p, sizeof(buf));
	char *comma = strchr(buf, ',');
	if (!comma)
		return NULL;
	*comma = 0;
	/* Raw frames only between the two: the stack lets go of both, and
	 * what it sent just before lands before any test counts frames. */
	if ((net_vioif_release(buf) == 0) | (net_vioif_release(comma + 1) == 0))
		thread_sleep_ns(100 * NSEC_PER_MSEC);
	return netdev_find(which ? comma + 1 : buf);
}

/* A test frame of len bytes from a to b, sequence seq. */
static void fill_frame(uint8_t *f, uint32_t len, struct netdev *from, struct netdev *to,
		       unsigned seq)
{
	memcpy(f, to->mac, 6);
	memcpy(f + 6, from->mac, 6);
	f[12] = ETH_TEST_TYPE >> 8;
	f[13] = ETH_TEST_TYPE & 0xff;
	f[14] = (uint8_t)seq;
	f[15] = (uint8_t)(seq >> 8);
	for (uint32_t i = 16; i < len; i++)
		f[i] = (uint8_t)(seq * 7 + i);
}

/* Send, retrying while the ring is full. */
static int send_sg(struct netdev *nd, struct netdev_sg *sg, unsigned n, struct txdone *d,
		   unsigned flags)
{
	struct netdev_tx tx = { .sg = sg, .nsg = n, .done = tx_done, .arg = d, .flags = flags };
	int rc;
	while ((rc = netdev_xmit(nd, &tx)) == -ENOSPC)
		thread_sleep_ns(100 * NSEC_PER_USEC);
	return rc;
}

TEST(virtio_net_registered)
{
	long long want = cmdline_get_int("vnet.ndev", -1);
	if (want < 0) {
		test_skip("vnet.ndev not given");
		return;
	}
	T_EQ(netdev_count(), (unsigned)want);
	unsigned i = 0;
	for (struct netdev *nd = netdev_first(); nd; nd = nd->next, i++) {
		char name[16];
		snprintf(name, sizeof(name), "vioif%u", i);
		T_CHECK(!strcmp(nd->name, name));
		T_CHECK(!(nd->mac[0] & 1));            /* unicast */
		T_CHECK(nd->link_up);
		char d[160];
		nd->ops->describe(nd, d, sizeof(d));
		if (cmdline_get("vnet.mrg"))
			T_EQ(strstr(d, "mrg_rxbuf") != NULL, cmdline_get_bool("vnet.mrg", false));
		if (cmdline_get("vnet.ctrl"))
			T_EQ(!!(nd->caps & NETDEV_CAP_RX_MODE), cmdline_get_bool("vnet.ctrl", false));
		long long mtu = cmdline_get_int("vnet.mtu", 1500);
		T_EQ(nd->mtu, (unsigned)mtu);
	}
	T_CHECK(netdev_find("vioif99") == NULL);
	T_EQ(shell_exec("netdev"), 0);
}

/* ARP who-has 10.0.2.2 to QEMU's user network; its gateway answers
 * (RFC 826) with its MAC, to ours. */
TEST(virtio_net_arp_gateway)
{
	const char *name = cmdline_get("vnet.user");
	struct netdev *nd = name ? netdev_find(name) : NULL;
	if (!nd) {
		test_skip("no NIC on user networking (vnet.user)");
		return;
	}
	static struct sink s;
	memset(&s, 0, sizeof(s));
	s.type = 0x0806;
	struct netdev_client cl = { .ctx = &s, .rx = sink_rx };
	T_EQ(raw_open(nd, &cl), 0);
	T_EQ(netdev_open(nd, &cl), -EBUSY);

	static uint8_t f[42];
	memset(f, 0xff, 6);
	memcpy(f + 6, nd->mac, 6);
	static const uint8_t arp[] = { 0x08, 0x06, 0, 1, 0x08, 0x00, 6, 4, 0, 1 };
	memcpy(f + 12, arp, sizeof(arp));
	memcpy(f + 22, nd->mac, 6);
	memcpy(f + 28, (uint8_t[]){ 10, 0, 2, 15 }, 4);
	memset(f + 32, 0, 6);
	memcpy(f + 38, (uint8_t[]){ 10, 0, 2, 2 }, 4);
	/* Header and body in separate segments: the driver posts both. */
	struct netdev_sg sg[2] = { { f, 14 }, { f + 14, 28 } };
	static struct txdone d;       /* a late completion must not land on a later test's stack */
	d = (struct txdone){ 0 };
	uint64_t tx0 = nd->stats.tx_packets;
	T_EQ(send_sg(nd, sg, 2, &d, 0), 0);
	T_CHECK(wait_tx(&d, 1));
	T_EQ(d.err, 0);
	T_CHECK(wait_frames(&s, 1));
	T_EQ(nd->stats.tx_packets, tx0 + 1);
	/* The reply: to us, opcode 2, sender 10.0.2.2, target us. */
	T_CHECK(s.last_len >= 42);
	T_CHECK(!memcmp(s.last, nd->mac, 6));
	T_EQ(s.last[20] << 8 | s.last[21], 2);
	T_CHECK(!memcmp(s.last + 28, (uint8_t[]){ 10, 0, 2, 2 }, 4));
	T_CHECK(!memcmp(s.last + 32, nd->mac, 6));
	T_CHECK(!memcmp(s.last + 38, (uint8_t[]){ 10, 0, 2, 15 }, 4));
	T_CHECK(!memcmp(s.last + 6, s.last + 22, 6));   /* sender MAC is the source */
	netdev_close(nd);
}

/* Frames between two NICs of this guest: sizes from the minimum to the
 * MTU, split over segments, each checked byte by byte on arrival. */
TEST(virtio_net_pair_frames)
{
	struct netdev *a = pair_dev(0), *b = pair_dev(1);
	if (!a || !b) {
		test_skip("no NIC pair (vnet.pair)");
		return;
	}
	static struct sink sa, sb;
	memset(&sa, 0, sizeof(sa));
	memset(&sb, 0, sizeof(sb));
	sa.type = sb.type = ETH_TEST_TYPE;
	T_EQ(raw_open(a, &(struct netdev_client){ .ctx = &sa, .rx = sink_rx }), 0);
	T_EQ(raw_open(b, &(struct netdev_client){ .ctx = &sb, .rx = sink_rx }), 0);

	unsigned mtu = MIN(a->mtu, b->mtu);
	uint32_t sizes[] = { 60, 61, 64, 128, 511, 1000, 1514, mtu + 13, mtu + 14 };
	uint8_t *f = malloc(mtu + 14);
	T_CHECK(f != NULL);
	static struct txdone d;       /* a late completion must not land on a later test's stack */
	d = (struct txdone){ 0 };
	unsigned sent = 0;
	for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++) {
		uint32_t len = MIN(sizes[i], mtu + 14);
		fill_frame(f, len, a, b, i);
		/* three segments, the cut points depending on the size */
		uint32_t c1 = 14 + len % 7, c2 = c1 + (len - c1) / 2;
		struct netdev_sg sg[3] = { { f, c1 }, { f + c1, c2 - c1 }, { f + c2, len - c2 } };
		unsigned before = sb.frames;
		T_EQ(send_sg(a, sg, 3, &d, 0), 0);
		sent++;
		T_CHECK(wait_tx(&d, sent));
		T_CHECK(wait_frames(&sb, before + 1));
		T_EQ(sb.last_len, len);
		T_EQ(sb.bad, 0);
	}
	T_EQ(d.err, 0);
	/* And back the other way. */
	fill_frame(f, 200, b, a, 33);
	struct netdev_sg one = { f, 200 };
	T_EQ(send_sg(b, &one, 1, &d, 0), 0);
	T_CHECK(wait_frames(&sa, 1));
	T_EQ(sa.last_len, 200);
	T_EQ(sa.bad, 0);
	T_CHECK(wait_tx(&d, sent + 1));

	/* Past the MTU, too short, no segments: refused and counted. */
	uint64_t over = a->stats.tx_oversize, inval = a->stats.tx_invalid;
	uint8_t *big = malloc(mtu + 15);
	struct netdev_sg bsg = { big, mtu + 15 };
	T_EQ(send_sg(a, &bsg, 1, &d, 0), -EMSGSIZE);
	T_EQ(a->stats.tx_oversize, over + 1);
	struct netdev_sg tiny = { f, 13 };
	T_EQ(send_sg(a, &tiny, 1, &d, 0), -EINVAL);
	T_EQ(send_sg(a, &tiny, 0, &d, 0), -EINVAL);
	struct netdev_tx nodone = { .sg = &one, .nsg = 1 };
	T_EQ(netdev_xmit(a, &nodone), -EINVAL);
	T_EQ(a->stats.tx_invalid, inval + 3);
	free(big);
	free(f);
	netdev_close(a);
	netdev_close(b);
	T_CHECK(a->stats.tx_dropped >= 4);
}

/* The stack asks for checksum offload on a UDP/IPv4 frame; whoever does
 * it (the device with CSUM, or the driver in software), the receiver gets
 * a frame whose checksum verifies. */
TEST(virtio_net_pair_csum)
{
	struct netdev *a = pair_dev(0), *b = pair_dev(1);
	if (!a || !b) {
		test_skip("no NIC pair (vnet.pair)");
		return;
	}
	static struct sink sb;
	memset(&sb, 0, sizeof(sb));
	sb.type = 0x0800;
	T_EQ(raw_open(b, &(struct netdev_client){ .ctx = &sb, .rx = sink_rx }), 0);
	static uint8_t f[14 + 20 + 8 + 301];
	uint32_t len = sizeof(f);
	memcpy(f, b->mac, 6);
	memcpy(f + 6, a->mac, 6);
	f[12] = 0x08;
	f[13] = 0x00;
	uint8_t *ip = f + 14, *udp = ip + 20;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	ip[2] = (uint8_t)((len - 14) >> 8);
	ip[3] = (uint8_t)(len - 14);
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, (uint8_t[]){ 192, 168, 77, 1, 192, 168, 77, 2 }, 8);
	uint16_t ic = (uint16_t)~netcsum_fold(netcsum_sum(&(struct netdev_sg){ ip, 20 }, 1, 0, 20, 0));
	ip[10] = (uint8_t)(ic >> 8);
	ip[11] = (uint8_t)ic;
	uint32_t ulen = len - 34;
	udp[0] = 0x30; udp[1] = 0x39; udp[2] = 0x30; udp[3] = 0x3a;
	udp[4] = (uint8_t)(ulen >> 8); udp[5] = (uint8_t)ulen;
	for (uint32_t i = 8; i < ulen; i++)
		udp[i] = (uint8_t)(i * 13);
	struct netdev_sg sg[2] = { { f, 40 }, { f + 40, len - 40 } };
	struct netdev_tx tx = { .sg = sg, .nsg = 2, .done = tx_done };
	static struct txdone d;       /* a late completion must not land on a later test's stack */
	d = (struct txdone){ 0 };
	tx.arg = &d;
	T_EQ(netdev_csum_prepare(&tx), 0);
	T_EQ(tx.csum_start, 34);
	T_EQ(tx.csum_offset, 6);
	uint64_t off0 = a->stats.tx_csum_offload, sw0 = a->stats.tx_csum_sw;
	T_EQ(netdev_xmit(a, &tx), 0);
	T_CHECK(wait_tx(&d, 1));
	T_EQ(a->stats.tx_csum_offload + a->stats.tx_csum_sw, off0 + sw0 + 1);
	T_EQ(a->stats.tx_csum_offload > off0, !!(a->caps & NETDEV_CAP_TX_CSUM));
	T_CHECK(wait_frames(&sb, 1));
	T_EQ(sb.last_len, len);
	/* RFC 1071 verification over pseudo-header + UDP: all ones. */
	uint8_t *r = sb.last;
	struct netdev_sg rs = { r, len };
	uint64_t sum = netcsum_sum(&rs, 1, 26, 8, 0) + 17 + ulen;
	sum = netcsum_sum(&rs, 1, 34, ulen, sum);
	T_EQ(netcsum_fold(sum), 0xffff);
	T_CHECK(r[40] | r[41]);
	netdev_close(b);
}

/* A burst bigger than both rings: everything arrives in order of
 * sending (no loss on a hub, the ring is refilled as it drains), and
 * frames the stack keeps come back through netdev_rx_release. */
TEST(virtio_net_pair_burst)
{
	struct netdev *a = pair_dev(0), *b = pair_dev(1);
	if (!a || !b) {
		test_skip("no NIC pair (vnet.pair)");
		return;
	}
	static struct sink sb;
	memset(&sb, 0, sizeof(sb));
	sb.type = ETH_TEST_TYPE;
	sb.keep = true;                 /* the first 64 are kept */
	T_EQ(raw_open(b, &(struct netdev_client){ .ctx = &sb, .rx = sink_rx }), 0);
	enum { N = 2000, LEN = 1000 };
	static uint8_t frames[8][LEN];
	static struct netdev_sg sg[8];
	static struct txdone d;       /* a late completion must not land on a later test's stack */
	d = (struct txdone){ 0 };
	uint64_t rx0 = b->stats.rx_packets, drop0 = b->stats.rx_dropped;
	for (unsigned i = 0; i < N; i++) {
		/* Eight frames in rotation; one is reused only after its send
		 * completed (done counts in order on one queue? not assumed:
		 * wait until at most 7 are outstanding). */
		uint64_t t0 = time_ns();
		while (i - d.done >= 8 && time_ns() - t0 < WAIT_NS)
			thread_sleep_ns(50 * NSEC_PER_USEC);
		uint8_t *f = frames[i % 8];
		fill_frame(f, LEN, a, b, i % 64);
		sg[i % 8] = (struct netdev_sg){ f, LEN };
		int rc = send_sg(a, &sg[i % 8], 1, &d,
				 (i % 4 != 3 && i + 1 < N) ? NETDEV_TX_MORE : 0);
		if (rc) {
			T_EQ(rc, 0);
			netdev_close(b);
			return;
		}
		if (i % 8 == 7)
			thread_yield();
	}
	T_CHECK(wait_tx(&d, N));
	T_EQ(d.err, 0);
	T_CHECK(wait_frames(&sb, N));
	T_EQ(sb.frames, N);
	T_EQ(sb.bad, 0);
	T_EQ(sb.seen_seq, ~0ull);
	T_EQ(b->stats.rx_packets - rx0, N);
	T_EQ(b->stats.rx_dropped, drop0);
	T_EQ(sb.nkept, 64);
	for (unsigned i = 0; i < sb.nkept; i++) {
		T_EQ(sb.kept[i]->len, LEN);
		netdev_rx_release(b, sb.kept[i]);
	}
	netdev_close(b);
	/* Nobody attached: frames are counted as dropped, not lost track of. */
	uint64_t nc = b->stats.rx_no_client;
	fill_frame(frames[0], 100, a, b, 1);
	struct netdev_sg one = { frames[0], 100 };
	T_EQ(send_sg(a, &one, 1, &d, 0), 0);
	uint64_t t0 = time_ns();
	while (b->stats.rx_no_client == nc && time_ns() - t0 < WAIT_NS)
		thread_sleep_ns(NSEC_PER_MSEC);
	T_EQ(b->stats.rx_no_client, nc + 1);
	/* Its completion too, before the next test sends (poll mode reaps
	 * completions late, inside a later netdev_xmit). */
	T_CHECK(wait_tx(&d, N + 1));
}

/* Receive modes through the control queue (CTRL_RX), or -EOPNOTSUPP. */
TEST(virtio_net_rx_mode)
{
	struct netdev *a = pair_dev(0);
	if (!a) {
		test_skip("no NIC pair (vnet.pair)");
		return;
	}
	if (!(a->caps & NETDEV_CAP_RX_MODE)) {
		T_EQ(netdev_set_rx_mode(a, NETDEV_RX_PROMISC), -EOPNOTSUPP);
		return;
	}
	T_EQ(netdev_set_rx_mode(a, NETDEV_RX_PROMISC | NETDEV_RX_ALLMULTI), 0);
	T_EQ(a->rx_mode, NETDEV_RX_PROMISC | NETDEV_RX_ALLMULTI);
	T_EQ(netdev_set_rx_mode(a, 0x80), -EINVAL);
	T_EQ(netdev_set_rx_mode(a, NETDEV_RX_ALLMULTI), 0);
	T_EQ(a->rx_mode, NETDEV_RX_ALLMULTI);
}
