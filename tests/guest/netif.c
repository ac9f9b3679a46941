/* SPDX-License-Identifier: MIT */
/* In-guest network tests against QEMU's real devices and backends
 * (tests/cases/net_*.cases; the host side is tests/hooks/netwrap.py).
 * Each test does nothing but skip unless its ntest.* option says what to
 * expect, so one image serves every case:
 *
 *   ntest.dhcp=A.B.C.D[,GW]    vioif0 gets that lease (and gateway)
 *   ntest.static=A.B.C.D[,GW]  vioif0 has that static address (options)
 *   ntest.ping=ADDR[,ADDR...]  each answers ping (ping6 for an IPv6 one)
 *   ntest.dns=NAME,A,AAAA      NAME resolves to those; ntest.nxname=NAME
 *                              does not resolve
 *   ntest.out=ADDR,PORT,MIB    a connection out to an echo service there
 *                              gets MIB MiB back intact
 *   ntest.echo=PORT            serve echo until the host's "QUIT\n";
 *   ntest.offload=1|0          and the checksums were (not) offloaded
 *   ntest.link=PORT            the same while the host takes the link down
 *                              and up: both seen, the connection survives
 *   ntest.l2=MIB               two guests on one segment (see netif_l2)
 *   ntest.l2host=ADDR          and a host there too: each guest pings it
 *                              and streams a MiB through its echo service
 *   ntest.bad=RUNT,OVERSIZE    the host's malformed frames are counted
 *
 * Waits are bounded; the console lines the host waits for start with
 * "netif: ". */
#include <drivers/netdev.h>
#include <kern/cmdline.h>
#include <kern/printk.h>
#include <kern/sched.h>
#include <kern/shell.h>
#include <kern/test.h>
#include <kern/time.h>
#include <net/net.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "netif_util.h"

CMDLINE_OPT(ntest_opts, "ntest.*", "self-test: what the network cases expect (tests/guest/netif.c)");

#define IFNAME "vioif0"

/* Split a comma-separated option into at most max fields (in buf). */
static int fields(const char *key, char *buf, size_t len, char **f, int max)
{
	const char *v = cmdline_get(key);
	int n = 0;

	if (!v || strlen(v) >= len)
		return 0;
	strcpy(buf, v);
	for (char *p = buf; n < max; ) {
		f[n++] = p;
		p = strchr(p, ',');
		if (!p)
			break;
		*p++ = '\0';
	}
	return n;
}

static bool have_nic(void)
{
	if (netdev_find(IFNAME))
		return true;
	test_skip("no %s", IFNAME);
	return false;
}

/* Wait up to ms for vioif0 to have an IPv4 address (and a preferred IPv6
 * one besides the link-local when want6). */
static int wait_addr(int ms, bool want6, struct net_if_info *in)
{
	uint64_t end = time_ns() + (uint64_t)ms * NSEC_PER_MSEC;

	do {
		bool v6 = false;

		if (net_if_info(IFNAME, in) == 0)
			for (int i = 0; i < in->nip6; i++)
				v6 |= in->ip6_preferred[i] && !(in->ip6[i][0] == 0xfe &&
								(in->ip6[i][1] & 0xc0) == 0x80);
		if ((in->ip4[0] || in->ip4[3]) && (!want6 || v6))
			return 0;
		thread_sleep_ns(20 * NSEC_PER_MSEC);
	} while (time_ns() < end);
	return -ETIMEDOUT;
}

/* The byte stream both ends agree on (xorshift32) and a hash of it. */
static uint8_t stream_byte(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return (uint8_t)*s;
}

static uint64_t fnv(uint64_t h, const uint8_t *p, size_t n)
{
	while (n--)
		h = (h ^ *p++) * 0x100000001b3ULL;
	return h;
}
#define FNV_INIT 0xcbf29ce484222325ULL

/* vioif0's IPv4 address (and gateway) as expected: a lease or static. */
static void check_addr(const char *key, bool lease)
{
	char buf[64], *f[2], want[16], gw[16];
	struct net_if_info in;
	int n = fields(key, buf, sizeof(buf), f, 2);

	if (!n) {
		test_skip("no %s", key);
		return;
	}
	if (!have_nic())
		return;
	/* QEMU's DHCP answers at once; 10 s covers a loaded host. */
	T_EQ(wait_addr(10000, false, &in), 0);
	T_EQ(in.dhcp, lease);
	snprintf(want, sizeof(want), "%u.%u.%u.%u", in.ip4[0], in.ip4[1], in.ip4[2], in.ip4[3]);
	snprintf(gw, sizeof(gw), "%u.%u.%u.%u", in.gw4[0], in.gw4[1], in.gw4[2], in.gw4[3]);
	test_diag("%s %s gateway %s", lease ? "lease" : "static", want, gw);
	T_CHECK(strcmp(want, f[0]) == 0);
	if (n > 1)
		T_CHECK(strcmp(gw, f[1]) == 0);
	T_EQ(shell_exec("ifconfig " IFNAME), 0);
}

TEST(netif_dhcp)
{
	check_addr("ntest.dhcp", true);
}

TEST(netif_static)
{
	check_addr("ntest.static", false);
}

TEST(netif_ping)
{
	char buf[160], *f[4], cmd[96];
	struct net_if_info in;
	bool v6 = false;
	int n = fields("ntest.ping", buf, sizeof(buf), f, 4);

	if (!n) {
		test_skip("no ntest.ping");
		return;
	}
	if (!have_nic())
		return;
	for (int i = 0; i < n; i++)
		v6 |= strchr(f[i], ':') != NULL;
	/* SLAAC: a router advertisement, then a second of duplicate detection. */
	T_EQ(wait_addr(10000, v6, &in), 0);
	for (int i = 0; i < n; i++) {
		bool v6 = strchr(f[i], ':') != NULL;

		/* A few echoes 0.2 s apart; the first may wait for ARP/NDP. */
		snprintf(cmd, sizeof(cmd), "%s -c 3 -i 0.2 -W 3 %s", v6 ? "ping6" : "ping", f[i]);
		T_EQ(shell_exec(cmd), 0);
	}
	T_EQ(shell_exec("arp"), 0);
	T_EQ(shell_exec("ndp"), 0);
}

/* getaddrinfo for one family: @return 0 and the address text, or the EAI code. */
static int lookup(const char *name, int af, char *out, size_t len)
{
	struct addrinfo hints = { .ai_family = af }, *res = NULL;
	int rc = getaddrinfo(name, NULL, &hints, &res);

	if (rc)
		return rc;
	if (af == AF_INET)
		inet_ntop(af, &((struct sockaddr_in *)res->ai_addr)->sin_addr, out, len);
	else
		inet_ntop(af, &((struct sockaddr_in6 *)res->ai_addr)->sin6_addr, out, len);
	freeaddrinfo(res);
	return 0;
}

TEST(netif_dns)
{
	char buf[160], *f[3], got[INET6_ADDRSTRLEN];
	struct net_if_info in;
	const char *nx = cmdline_get("ntest.nxname");
	uint8_t want6[16], got6[16];

	if (fields("ntest.dns", buf, sizeof(buf), f, 3) != 3) {
		test_skip("no ntest.dns=NAME,A,AAAA");
		return;
	}
	if (!have_nic())
		return;
	T_EQ(wait_addr(10000, false, &in), 0);
	T_EQ(shell_exec("dns"), 0);
	T_EQ(lookup(f[0], AF_INET, got, sizeof(got)), 0);
	test_diag("%s A %s", f[0], got);
	T_CHECK(strcmp(got, f[1]) == 0);
	T_EQ(lookup(f[0], AF_INET6, got, sizeof(got)), 0);
	test_diag("%s AAAA %s", f[0], got);
	T_EQ(inet_pton(AF_INET6, f[2], want6), 1);
	T_EQ(inet_pton(AF_INET6, got, got6), 1);
	T_CHECK(memcmp(want6, got6, 16) == 0);
	snprintf(got, sizeof(got), "dns %s", f[0]);
	T_EQ(shell_exec(got), 0);
	if (nx)
		T_CHECK(lookup(nx, AF_INET, got, sizeof(got)) != 0);
}

struct stream {
	int fd;
	size_t total;
	uint32_t seed;
	uint64_t hash;
	int rc;
};

static void stream_sender(void *arg)
{
	struct stream *s = arg;
	static uint8_t buf[8192];
	size_t left = s->total;

	s->hash = FNV_INIT;
	while (left) {
		size_t n = MIN(left, sizeof(buf));

		for (size_t i = 0; i < n; i++)
			buf[i] = stream_byte(&s->seed);
		s->hash = fnv(s->hash, buf, n);
		if (nt_send_all(s->fd, buf, n) < 0) {
			s->rc = -errno;
			return;
		}
		left -= n;
	}
	shutdown(s->fd, SHUT_WR);
}

/* Send mib MiB to an echo service at addr:port and check what comes
 * back. @return 0 or -errno. */
static int stream_echo(const char *addr, unsigned port, unsigned mib)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	struct stream s = { .total = (size_t)mib << 20, .seed = 0x2545f491 };
	struct thread *t;
	static uint8_t buf[8192];
	uint64_t h = FNV_INIT, t0 = time_ns();
	size_t got = 0;
	ssize_t n;
	int af = strchr(addr, ':') ? AF_INET6 : AF_INET;

	if (af == AF_INET6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, addr, &a->sin6_addr) != 1)
			return -EINVAL;
		len = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, addr, &a->sin_addr) != 1)
			return -EINVAL;
		len = sizeof(*a);
	}
	s.fd = socket(af, SOCK_STREAM, 0);
	if (s.fd < 0)
		return -errno;
	if (nt_timeouts(s.fd, 10000) < 0 || connect(s.fd, (struct sockaddr *)&ss, len) < 0) {
		int rc = -errno;

		close(s.fd);
		return rc;
	}
	t = thread_create("stream-tx", stream_sender, &s);
	if (!t) {
		close(s.fd);
		return -ENOMEM;
	}
	while ((n = recv(s.fd, buf, sizeof(buf), 0)) > 0) {
		h = fnv(h, buf, (size_t)n);
		got += (size_t)n;
	}
	if (n < 0)
		test_diag("recv from %s: %s after %zu bytes", addr, strerror(errno), got);
	thread_join(t);
	close(s.fd);
	test_diag("%s port %u: %zu KiB echoed in %llu ms", addr, port, got >> 10,
		  (unsigned long long)((time_ns() - t0) / NSEC_PER_MSEC));
	if (s.rc < 0)
		return s.rc;
	if (n < 0)
		return -EIO;
	return got == s.total && h == s.hash ? 0 : -EBADMSG;
}

TEST(netif_tcp_out)
{
	char buf[96], *f[3];
	struct net_if_info in;

	if (fields("ntest.out", buf, sizeof(buf), f, 3) != 3) {
		test_skip("no ntest.out=ADDR,PORT,MIB");
		return;
	}
	if (!have_nic())
		return;
	T_EQ(wait_addr(10000, false, &in), 0);
	T_EQ(stream_echo(f[0], (unsigned)atoi(f[1]), (unsigned)atoi(f[2])), 0);
}

/* Serve echo on port until the host's QUIT (the host checks the data). */
static void serve(uint16_t port, unsigned secs, struct echo_result *r, int *rc)
{
	int fd = echo_listen(AF_INET6, port, 4);

	*rc = fd;
	if (fd < 0)
		return;
	kprintf("netif: echo ready on port %u\n", port);
	*rc = echo_serve(fd, ~0u, secs, r);
	close(fd);
}

TEST(netif_echo)
{
	struct echo_result r = { 0 };
	struct net_if_info in;
	int port = (int)cmdline_get_int("ntest.echo", 0), rc, offload;

	if (!port) {
		test_skip("no ntest.echo");
		return;
	}
	if (!have_nic())
		return;
	T_EQ(wait_addr(10000, false, &in), 0);
	/* The host's 64 MiB take seconds under TCG; it says QUIT when done. */
	serve((uint16_t)port, 120, &r, &rc);
	T_EQ(rc, 0);
	T_CHECK(r.quit);
	test_diag("%u connections, %llu bytes, %u errors", r.conns,
		  (unsigned long long)r.bytes, r.errors);
	T_EQ(shell_exec("netstat"), 0);
	T_EQ(shell_exec("ifconfig " IFNAME), 0);
	offload = (int)cmdline_get_int("ntest.offload", -1);
	if (offload >= 0) {
		const struct netdev_stats *st = &netdev_find(IFNAME)->stats;

		/* 1: the device checksums what the stack sends and vouches
		 * for (or leaves partial) what it receives; 0: all in software. */
		test_diag("csum: tx offload %llu sw %llu, rx valid %llu sw %llu",
			  (unsigned long long)st->tx_csum_offload,
			  (unsigned long long)st->tx_csum_sw,
			  (unsigned long long)st->rx_csum_valid,
			  (unsigned long long)st->rx_csum_sw);
		T_EQ(st->tx_csum_offload > 0, offload);
		T_EQ(st->tx_csum_sw > 0, !offload);
		T_EQ(st->rx_csum_valid + st->rx_csum_sw > 0, offload);
	}
}

struct bg_serve {
	uint16_t port;
	struct echo_result r;
	int rc;
};

static void bg_serve(void *arg)
{
	struct bg_serve *b = arg;

	serve(b->port, 60, &b->r, &b->rc);
}

/* Wait up to ms for the link to be up (or down). */
static int wait_link(bool up, int ms)
{
	struct net_if_info in;
	uint64_t end = time_ns() + (uint64_t)ms * NSEC_PER_MSEC;

	do {
		if (net_if_info(IFNAME, &in) == 0 && in.link_up == up)
			return 0;
		thread_sleep_ns(10 * NSEC_PER_MSEC);
	} while (time_ns() < end);
	return -ETIMEDOUT;
}

TEST(netif_link)
{
	struct bg_serve b = { 0 };
	struct net_if_info in;
	struct netdev *nd = netdev_find(IFNAME);
	struct thread *t;
	uint64_t changes;

	b.port = (uint16_t)cmdline_get_int("ntest.link", 0);
	if (!b.port) {
		test_skip("no ntest.link");
		return;
	}
	if (!have_nic())
		return;
	T_EQ(wait_addr(10000, false, &in), 0);
	changes = nd->stats.link_changes;
	t = thread_create("link-echo", bg_serve, &b);
	T_CHECK(t != NULL);
	if (!t)
		return;
	/* The host takes the link down once its stream runs. */
	T_EQ(wait_link(false, 30000), 0);
	kprintf("netif: link down seen\n");
	T_EQ(shell_exec("ifconfig " IFNAME), 0);
	T_EQ(wait_link(true, 30000), 0);
	kprintf("netif: link up seen\n");
	T_EQ(shell_exec("ifconfig " IFNAME), 0);
	thread_join(t);
	T_EQ(b.rc, 0);
	T_CHECK(b.r.quit);
	T_EQ(b.r.errors, 0);
	T_CHECK(nd->stats.link_changes >= changes + 2);
	test_diag("%u connections, %llu bytes echoed across the link change",
		  b.r.conns, (unsigned long long)b.r.bytes);
}

/* Two guests on one segment, told apart by their MAC's last byte X
 * (QEMU's default 0x56 leads): each takes 10.9.0.X/24 and fd00:9::X/64;
 * the other serves echo on port 7 for the IPv4 and IPv6 streams of mib MiB
 * the leader sends and checks. Both see each other by ARP and NDP. */
TEST(netif_l2)
{
	struct netdev *nd = netdev_find(IFNAME);
	unsigned mib = (unsigned)cmdline_get_int("ntest.l2", 0);
	char cmd[96], peer4[16], peer6[32];
	struct net_if_info in;
	const char *host;
	unsigned me, other;
	bool lead;

	if (!mib) {
		test_skip("no ntest.l2");
		return;
	}
	if (!have_nic())
		return;
	me = nd->mac[5];
	lead = me == 0x56;
	other = lead ? 0x57 : 0x56;
	snprintf(cmd, sizeof(cmd), "ifconfig " IFNAME " 10.9.0.%u/24", me);
	T_EQ(shell_exec(cmd), 0);
	snprintf(cmd, sizeof(cmd), "ifconfig " IFNAME " fd00:9::%x/64", me);
	T_EQ(shell_exec(cmd), 0);
	/* Duplicate address detection: a second or two before fd00:9::X
	 * answers (RFC 4862 §5.4); the other guest waits the same. */
	T_EQ(wait_addr(10000, true, &in), 0);
	host = cmdline_get("ntest.l2host");
	if (host && strlen(host) < 40) {
		snprintf(cmd, sizeof(cmd), "ping -c 3 -W 3 %s", host);
		T_EQ(shell_exec(cmd), 0);
		T_EQ(stream_echo(host, 7, 1), 0);
	}
	snprintf(peer4, sizeof(peer4), "10.9.0.%u", other);
	snprintf(peer6, sizeof(peer6), "fd00:9::%x", other);
	if (!lead) {
		struct echo_result r = { 0 };
		int rc;

		/* Until the leader's QUIT; it needs seconds under TCG. */
		serve(7, 90, &r, &rc);
		T_EQ(rc, 0);
		T_CHECK(r.quit);
		T_EQ(r.errors, 0);
		T_CHECK(r.conns >= 3);
		T_CHECK(r.bytes >= 2 * ((uint64_t)mib << 20));
	} else {
		int up = -1, fd;

		/* The other guest may still be booting: ask for a while. */
		snprintf(cmd, sizeof(cmd), "ping -c 1 -W 1 %s", peer4);
		for (int i = 0; i < 30 && up != 0; i++)
			up = shell_exec(cmd);
		T_EQ(up, 0);
		snprintf(cmd, sizeof(cmd), "ping6 -c 3 -i 0.2 -W 3 %s", peer6);
		T_EQ(shell_exec(cmd), 0);
		/* Its echo service may not listen yet either. */
		for (int i = 0; i < 50; i++) {
			struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(7) };

			inet_pton(AF_INET, peer4, &a.sin_addr);
			fd = socket(AF_INET, SOCK_STREAM, 0);
			up = connect(fd, (struct sockaddr *)&a, sizeof(a));
			close(fd);
			if (up == 0)
				break;
			thread_sleep_ns(100 * NSEC_PER_MSEC);
		}
		T_EQ(up, 0);
		T_EQ(stream_echo(peer4, 7, mib), 0);
		T_EQ(stream_echo(peer6, 7, mib), 0);
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd >= 0) {
			struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(7) };

			inet_pton(AF_INET, peer4, &a.sin_addr);
			nt_timeouts(fd, 10000);
			T_EQ(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
			T_EQ(nt_send_all(fd, "QUIT\n", 5), 0);
			shutdown(fd, SHUT_WR);
			while (recv(fd, cmd, sizeof(cmd), 0) > 0)
				;
			close(fd);
		}
	}
	T_EQ(shell_exec("arp"), 0);
	T_EQ(shell_exec("ndp"), 0);
	T_EQ(shell_exec("ifconfig " IFNAME), 0);
}

/* Malformed frames from the host (tests/hooks/netwrap.py, `bad`): the
 * driver counts them by cause and the interface goes on answering. */
TEST(netif_bad_frames)
{
	char buf[64], *f[2];
	struct netdev *nd = netdev_find(IFNAME);
	struct net_proto_stats icmp;
	uint64_t end;

	if (fields("ntest.bad", buf, sizeof(buf), f, 2) != 2) {
		test_skip("no ntest.bad=RUNT,OVERSIZE");
		return;
	}
	if (!have_nic())
		return;
	T_EQ(shell_exec("ifconfig " IFNAME " 10.9.0.1/24"), 0);
	kprintf("netif: ready for bad frames\n");
	/* The host sends its frames at once, then pings until answered. */
	end = time_ns() + 30 * NSEC_PER_SEC;
	while (time_ns() < end && (nd->stats.rx_runt < (uint64_t)atoi(f[0]) ||
				   nd->stats.rx_oversize < (uint64_t)atoi(f[1])))
		thread_sleep_ns(20 * NSEC_PER_MSEC);
	T_CHECK(nd->stats.rx_runt >= (uint64_t)atoi(f[0]));
	T_CHECK(nd->stats.rx_oversize >= (uint64_t)atoi(f[1]));
	/* Still answering: the host's two echo requests of the MTU come
	 * next; it checks the replies (its verdict). */
	end = time_ns() + 20 * NSEC_PER_SEC;
	do {
		T_EQ(net_proto_stats("icmp", &icmp), 0);
		thread_sleep_ns(20 * NSEC_PER_MSEC);
	} while (icmp.recv < 2 && time_ns() < end);
	T_CHECK(icmp.recv >= 2);
	thread_sleep_ns(200 * NSEC_PER_MSEC);     /* the replies leave */
	T_EQ(shell_exec("netdev " IFNAME), 0);
	T_EQ(shell_exec("ifconfig " IFNAME), 0);
}

/* Ctrl-C ends a ping early, with its summary (loopback: no NIC needed). */
struct intr_run {
	int rc;
};

static void intr_ping(void *arg)
{
	struct intr_run *r = arg;

	r->rc = shell_exec("ping -c 1000 -i 0.1 127.0.0.1");
}

TEST(net_ping_interrupt)
{
	struct intr_run r = { .rc = 1 };
	struct thread *t = thread_create("ping", intr_ping, &r);
	uint64_t t0 = time_ns();

	T_CHECK(t != NULL);
	if (!t)
		return;
	thread_sleep_ns(500 * NSEC_PER_MSEC);
	thread_interrupt(t);
	thread_join(t);
	T_EQ(r.rc, -EINTR);
	/* 1000 echoes take 100 s; the interrupt ends it within a slice. */
	T_CHECK(time_ns() - t0 < 3 * NSEC_PER_SEC);
}
