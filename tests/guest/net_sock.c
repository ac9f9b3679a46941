/* SPDX-License-Identifier: MIT */
/* In-guest tests of the sockets API over loopback (no NIC needed): a TCP
 * echo of a few MiB between threads with a checksum, over IPv4 and IPv6,
 * UDP both ways, and the name and address functions. */
#include <kern/sched.h>
#include <kern/test.h>
#include <kern/time.h>
#include <errno.h>
#include <string.h>
#include "net_util.h"

/* The byte stream the sender makes and the checker expects (xorshift32). */
static uint32_t stream_next(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void stream_fill(uint32_t *s, uint8_t *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (uint8_t)stream_next(s);
}

/* FNV-1a over everything seen. */
static uint64_t fnv(uint64_t h, const uint8_t *p, size_t n)
{
	while (n--)
		h = (h ^ *p++) * 0x100000001b3ULL;
	return h;
}
#define FNV_INIT 0xcbf29ce484222325ULL

struct echo {
	int listen_fd;
	int af;
	size_t total;
	uint64_t sent_sum;
	int server_rc, sender_rc;
	int conn_fd;
};

/* Echo everything back until the peer shuts its side, then close. */
static void echo_server(void *arg)
{
	struct echo *e = arg;
	static uint8_t buf[8192];
	int fd = accept(e->listen_fd, NULL, NULL);
	ssize_t n;

	e->server_rc = -1;
	if (fd < 0)
		return;
	nt_timeouts(fd, 10000);
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0)
		if (nt_send_all(fd, buf, (size_t)n) < 0)
			break;
	e->server_rc = n == 0 ? 0 : -errno;
	close(fd);
}

/* Send the stream, then shut the sending side down. */
static void echo_sender(void *arg)
{
	struct echo *e = arg;
	static uint8_t buf[6000];   /* not a multiple of the MSS */
	uint32_t seed = 12345;
	uint64_t h = FNV_INIT;
	size_t left = e->total;

	e->sender_rc = 0;
	while (left) {
		size_t n = MIN(left, sizeof(buf));

		stream_fill(&seed, buf, n);
		h = fnv(h, buf, n);
		if (nt_send_all(e->conn_fd, buf, n) < 0) {
			e->sender_rc = -errno;
			break;
		}
		left -= n;
	}
	e->sent_sum = h;
	shutdown(e->conn_fd, SHUT_WR);
}

static void echo_test(int af, size_t total)
{
	static uint8_t buf[8192];
	struct echo e = { .af = af, .total = total };
	struct thread *srv, *snd;
	uint16_t port;
	uint64_t h = FNV_INIT, t0 = time_ns();
	size_t got = 0;
	ssize_t n;

	e.listen_fd = nt_bound(af, SOCK_STREAM, 4, &port);
	T_CHECK(e.listen_fd >= 0);
	if (e.listen_fd < 0)
		return;
	srv = thread_create("echo-srv", echo_server, &e);
	e.conn_fd = nt_connect(af, port);
	T_CHECK(e.conn_fd >= 0);
	if (e.conn_fd < 0) {
		close(e.listen_fd);
		thread_join(srv);
		return;
	}
	snd = thread_create("echo-snd", echo_sender, &e);
	while ((n = recv(e.conn_fd, buf, sizeof(buf), 0)) > 0) {
		h = fnv(h, buf, (size_t)n);
		got += (size_t)n;
	}
	if (n < 0)
		test_diag("recv: %s after %zu bytes", strerror(errno), got);
	T_EQ(n, 0);
	T_EQ(thread_join(snd), 0);
	T_EQ(e.sender_rc, 0);
	close(e.conn_fd);
	T_EQ(thread_join(srv), 0);
	T_EQ(e.server_rc, 0);
	close(e.listen_fd);
	T_EQ(got, total);
	T_CHECK(h == e.sent_sum);
	test_diag("%zu KiB echoed in %llu ms", got >> 10,
		  (unsigned long long)((time_ns() - t0) / NSEC_PER_MSEC));
}

TEST(net_tcp_echo_v4)
{
	echo_test(AF_INET, 4 << 20);
}

TEST(net_tcp_echo_v6)
{
	echo_test(AF_INET6, 1 << 20);
}

static void udp_test(int af)
{
	struct sockaddr_storage to, from;
	socklen_t tolen, fromlen = sizeof(from);
	uint16_t pa, pb;
	char buf[1500], msg[1400];
	int a = nt_bound(af, SOCK_DGRAM, 0, &pa);
	int b = nt_bound(af, SOCK_DGRAM, 0, &pb);

	T_CHECK(a >= 0 && b >= 0);
	if (a < 0 || b < 0)
		goto out;
	/* Nothing queued: a non-blocking receive says so at once. */
	T_EQ(recv(b, buf, sizeof(buf), MSG_DONTWAIT), -1);
	T_EQ(errno, EAGAIN);

	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (char)(i * 7);
	tolen = nt_loopback(af, pb, &to);
	T_EQ(sendto(a, msg, sizeof(msg), 0, (struct sockaddr *)&to, tolen),
	     sizeof(msg));
	T_EQ(recvfrom(b, buf, sizeof(buf), 0, (struct sockaddr *)&from,
		      &fromlen), sizeof(msg));
	T_CHECK(memcmp(buf, msg, sizeof(msg)) == 0);
	T_EQ(from.ss_family, af);
	T_EQ(ntohs(((struct sockaddr_in *)&from)->sin_port), pa);

	/* The reply goes back to where it came from; a short buffer
	 * truncates the datagram (the rest is gone, as POSIX says). */
	T_EQ(sendto(b, "pong", 4, 0, (struct sockaddr *)&from, fromlen), 4);
	T_EQ(recv(a, buf, 2, 0), 2);
	T_CHECK(memcmp(buf, "po", 2) == 0);
	T_EQ(recv(a, buf, sizeof(buf), MSG_DONTWAIT), -1);
out:
	if (a >= 0)
		close(a);
	if (b >= 0)
		close(b);
}

TEST(net_udp_v4)
{
	udp_test(AF_INET);
}

TEST(net_udp_v6)
{
	udp_test(AF_INET6);
}

TEST(net_names)
{
	struct addrinfo hints = { 0 }, *res = NULL;
	struct in6_addr a6;
	struct in_addr a4, b4;
	char s[INET6_ADDRSTRLEN];

	T_EQ(inet_pton(AF_INET, "10.0.2.15", &a4), 1);
	T_EQ(ntohl(a4.s_addr), 0x0a00020f);
	T_EQ(inet_pton(AF_INET, "10.0.2", &b4), 0);   /* not inet_aton */
	T_EQ(inet_pton(AF_INET, "10.0.2.256", &b4), 0);
	T_EQ(inet_pton(99, "10.0.2.1", &b4), -1);
	T_EQ(errno, EAFNOSUPPORT);
	T_EQ(inet_pton(AF_INET6, "fe80::1:2", &a6), 1);
	T_EQ(a6.s6_addr[0], 0xfe);
	T_EQ(a6.s6_addr[15], 2);
	T_EQ(inet_pton(AF_INET6, "fe80:::1", &a6), 0);
	T_CHECK(inet_ntop(AF_INET6, &a6, s, sizeof(s)) != NULL);
	T_CHECK(strcmp(inet_ntop(AF_INET, &a4, s, sizeof(s)), "10.0.2.15") == 0);
	T_CHECK(inet_ntop(AF_INET, &a4, s, 4) == NULL);
	T_EQ(htons(0x1234), 0x3412);

	/* Numeric hosts and "localhost" need no DNS server. */
	hints.ai_socktype = SOCK_STREAM;
	T_EQ(getaddrinfo("127.0.0.1", "80", &hints, &res), 0);
	if (res) {
		T_EQ(res->ai_family, AF_INET);
		T_EQ(ntohs(((struct sockaddr_in *)res->ai_addr)->sin_port), 80);
		freeaddrinfo(res);
	}
	res = NULL;
	T_EQ(getaddrinfo("::1", NULL, &hints, &res), 0);
	if (res) {
		T_EQ(res->ai_family, AF_INET6);
		freeaddrinfo(res);
	}
	res = NULL;
	hints.ai_family = AF_INET;
	T_EQ(getaddrinfo("localhost", "7", &hints, &res), 0);
	if (res) {
		T_EQ(ntohl(((struct sockaddr_in *)res->ai_addr)->sin_addr.s_addr),
		     INADDR_LOOPBACK);
		freeaddrinfo(res);
	}
	T_CHECK(strcmp(gai_strerror(EAI_NONAME), "Name or service not known") == 0);
}
