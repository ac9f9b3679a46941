/* SPDX-License-Identifier: MIT */
/* In-guest tests of the sockets API at its edges, over loopback: waiting
 * with poll and select, a listen backlog overrun, the socket table filled
 * and emptied without a leak, and lwIP's memory running out and coming
 * back. */
#include <kern/sched.h>
#include <kern/shell.h>
#include <kern/test.h>
#include <kern/time.h>
#include <net/net.h>
#include <errno.h>
#include <string.h>
#include "net_util.h"

#define MS NSEC_PER_MSEC

static uint64_t ms_since(uint64_t t0)
{
	return (time_ns() - t0) / MS;
}

/* lwIP frees some things a moment after a close (the tcpip thread runs
 * the last of it): wait, briefly, for the pools to come back. */
static unsigned long pools_settle(unsigned long want)
{
	unsigned long n = net_pool_in_use();

	for (int i = 0; i < 100 && n != want; i++) {
		thread_sleep_ns(10 * MS);
		n = net_pool_in_use();
	}
	if (n != want)
		shell_exec("netstat");  /* what is left, for the log */
	return n;
}

/* Close a connection without leaving TIME_WAIT behind for 2 MSL (which
 * would keep its PCB past the test): the client closes with data unread,
 * which makes lwIP reset the connection (RFC 1122 §4.2.2.13), and both
 * PCBs go at once. lwIP's SO_LINGER of 0 resets only with data unsent. */
static void reset_close(int client, int server)
{
	struct pollfd p = { .fd = client, .events = POLLIN };

	T_EQ(send(server, "z", 1, 0), 1);
	T_EQ(poll(&p, 1, 5000), 1);
	close(client);
	close(server);
}

TEST(net_poll_timeout)
{
	uint16_t port;
	int l = nt_bound(AF_INET, SOCK_STREAM, 4, &port), c, a;
	struct pollfd p = { .fd = l, .events = POLLIN };
	uint64_t t0 = time_ns();

	T_CHECK(l >= 0);
	if (l < 0)
		return;
	/* Nobody connects: the wait ends by its timeout, not early. */
	T_EQ(poll(&p, 1, 100), 0);
	T_CHECK(ms_since(t0) >= 100);
	T_EQ(poll(&p, 1, 0), 0);

	c = nt_connect(AF_INET, port);
	T_CHECK(c >= 0);
	t0 = time_ns();
	T_EQ(poll(&p, 1, 5000), 1);
	T_CHECK(p.revents & POLLIN);
	T_CHECK(ms_since(t0) < 5000);
	a = accept(l, NULL, NULL);
	T_CHECK(a >= 0);

	/* A connected socket with room to send is writable at once; it is
	 * readable once data arrives. */
	struct pollfd q[2] = { { .fd = a, .events = POLLIN | POLLOUT },
			       { .fd = c, .events = POLLIN } };
	T_EQ(poll(q, 2, 1000), 1);
	T_EQ(q[0].revents, POLLOUT);
	T_EQ(q[1].revents, 0);
	T_EQ(send(a, "x", 1, 0), 1);
	T_EQ(poll(&q[1], 1, 5000), 1);
	T_CHECK(q[1].revents & POLLIN);
	/* A closed peer reads as end of file, and poll says readable. */
	close(a);
	char ch;
	T_EQ(recv(c, &ch, 1, 0), 1);
	T_EQ(poll(&q[1], 1, 5000), 1);
	T_EQ(recv(c, &ch, 1, 0), 0);
	/* A descriptor that is no socket is flagged, not waited for. */
	struct pollfd bad = { .fd = FD_SETSIZE - 1, .events = POLLIN };
	T_CHECK(poll(&bad, 1, 0) != 0);
	close(c);
	close(l);
}

TEST(net_select_timeout)
{
	uint16_t pa, pb;
	int a = nt_bound(AF_INET6, SOCK_DGRAM, 0, &pa);
	int b = nt_bound(AF_INET6, SOCK_DGRAM, 0, &pb);
	struct sockaddr_storage to;
	socklen_t tolen = nt_loopback(AF_INET6, pb, &to);
	struct timeval tv = { 0, 150000 };
	fd_set rd;
	uint64_t t0 = time_ns();

	T_CHECK(a >= 0 && b >= 0);
	if (a < 0 || b < 0)
		return;
	FD_ZERO(&rd);
	FD_SET(b, &rd);
	T_EQ(select(b + 1, &rd, NULL, NULL, &tv), 0);
	T_CHECK(ms_since(t0) >= 150);
	T_CHECK(!FD_ISSET(b, &rd));

	T_EQ(sendto(a, "hello", 5, 0, (struct sockaddr *)&to, tolen), 5);
	FD_ZERO(&rd);
	FD_SET(a, &rd);
	FD_SET(b, &rd);
	tv.tv_sec = 5;
	tv.tv_usec = 0;
	T_EQ(select(MAX(a, b) + 1, &rd, NULL, NULL, &tv), 1);
	T_CHECK(FD_ISSET(b, &rd));
	T_CHECK(!FD_ISSET(a, &rd));
	/* Writable sockets, no timeout at all (NULL would wait forever). */
	fd_set wr;
	FD_ZERO(&wr);
	FD_SET(a, &wr);
	tv.tv_sec = 0;
	T_EQ(select(a + 1, NULL, &wr, NULL, &tv), 1);
	close(a);
	close(b);
}

/* Connections beyond the backlog are not refused: lwIP drops their SYN,
 * the client retries (TCP's SYN retransmission, 3 s first), and they
 * complete once accept() has made room. */
TEST(net_accept_backlog)
{
	enum { BACKLOG = 2, CLIENTS = 6 };
	unsigned long base = net_pool_in_use();
	uint16_t port;
	int l = nt_bound(AF_INET, SOCK_STREAM, BACKLOG, &port);
	int c[CLIENTS], acc[CLIENTS], nacc = 0, connected = 0;
	struct sockaddr_storage ss;
	socklen_t len = nt_loopback(AF_INET, port, &ss);
	uint64_t t0;

	T_CHECK(l >= 0);
	if (l < 0)
		return;
	for (int i = 0; i < CLIENTS; i++) {
		c[i] = socket(AF_INET, SOCK_STREAM, 0);
		T_CHECK(c[i] >= 0);
		T_EQ(fcntl(c[i], F_SETFL, O_NONBLOCK), 0);
		T_EQ(connect(c[i], (struct sockaddr *)&ss, len), -1);
		T_EQ(errno, EINPROGRESS);
	}
	/* Give the handshakes time: exactly BACKLOG can finish. */
	thread_sleep_ns(500 * MS);
	for (int i = 0; i < CLIENTS; i++) {
		struct pollfd p = { .fd = c[i], .events = POLLOUT };

		if (poll(&p, 1, 0) == 1 && (p.revents & POLLOUT))
			connected++;
	}
	T_EQ(connected, BACKLOG);

	/* Accept everything as it comes (over 20 s at most). */
	t0 = time_ns();
	while (nacc < CLIENTS && ms_since(t0) < 20000) {
		struct pollfd p = { .fd = l, .events = POLLIN };

		if (poll(&p, 1, 1000) == 1)
			acc[nacc++] = accept(l, NULL, NULL);
	}
	T_EQ(nacc, CLIENTS);
	for (int i = 0; i < CLIENTS; i++) {
		struct sockaddr_storage peer, me;
		socklen_t plen = sizeof(peer), mlen = sizeof(me);
		int j;

		/* Pair each client with its accepted end. */
		T_EQ(fcntl(c[i], F_SETFL, 0), 0);
		getsockname(c[i], (struct sockaddr *)&me, &mlen);
		for (j = 0; j < nacc; j++) {
			getpeername(acc[j], (struct sockaddr *)&peer, &plen);
			if (((struct sockaddr_in *)&peer)->sin_port ==
			    ((struct sockaddr_in *)&me)->sin_port)
				break;
		}
		T_CHECK(j < nacc);
		if (j < nacc)
			reset_close(c[i], acc[j]);
	}
	close(l);
	T_EQ(pools_settle(base), base);
}

/* Fill the socket table, empty it, and find lwIP's pools as they were. */
TEST(net_many_sockets)
{
	static int fds[FD_SETSIZE + 1];
	unsigned long base = net_pool_in_use();
	int n = 0, err = 0;

	while (n < FD_SETSIZE + 1) {
		int fd = socket(n % 2 ? AF_INET6 : AF_INET,
				n % 3 ? SOCK_STREAM : SOCK_DGRAM, 0);

		if (fd < 0) {
			err = errno;
			break;
		}
		fds[n++] = fd;
	}
	test_diag("%d sockets open (pools +%lu)", n, net_pool_in_use() - base);
	T_CHECK(n >= FD_SETSIZE - 8);      /* the tests' own are closed */
	T_CHECK(n <= FD_SETSIZE);
	T_EQ(err, ENFILE);
	for (int i = 0; i < n; i++)
		T_EQ(close(fds[i]), 0);
	T_EQ(close(fds[0]), -1);            /* already closed */
	T_EQ(errno, EBADF);
	T_EQ(pools_settle(base), base);

	/* And again with real connections, several rounds of them. */
	for (int round = 0; round < 5; round++) {
		uint16_t port;
		int l = nt_bound(round % 2 ? AF_INET6 : AF_INET, SOCK_STREAM,
				 16, &port);
		int c[8], a[8];

		T_CHECK(l >= 0);
		if (l < 0)
			break;
		for (int i = 0; i < 8; i++) {
			c[i] = nt_connect(round % 2 ? AF_INET6 : AF_INET, port);
			a[i] = accept(l, NULL, NULL);
			T_CHECK(c[i] >= 0 && a[i] >= 0);
			T_EQ(send(c[i], "ping", 4, 0), 4);
		}
		for (int i = 0; i < 8; i++) {
			char buf[8];

			T_EQ(recv(a[i], buf, sizeof(buf), 0), 4);
			reset_close(c[i], a[i]);
		}
		close(l);
	}
	T_EQ(pools_settle(base), base);
}

/* lwIP's memory budget lowered to almost nothing: datagrams to a socket
 * that does not read are refused or dropped and counted, nothing hangs,
 * and with the budget back everything works as before. */
TEST(net_out_of_pbufs)
{
	enum { N = 400, SIZE = 1024 };
	static char msg[SIZE], buf[SIZE + 1];
	struct net_mem_stats m0, m1;
	struct net_proto_stats l0, l1;
	unsigned long base = net_pool_in_use();
	uint16_t pa, pb;
	int a = nt_bound(AF_INET, SOCK_DGRAM, 0, &pa);
	int b = nt_bound(AF_INET, SOCK_DGRAM, 0, &pb);
	struct sockaddr_storage to;
	socklen_t tolen = nt_loopback(AF_INET, pb, &to);
	int sent = 0, refused = 0, got = 0;
	size_t old;

	T_CHECK(a >= 0 && b >= 0);
	if (a < 0 || b < 0)
		return;
	net_mem_stats(&m0);
	T_EQ(net_proto_stats("link", &l0), 0);
	old = net_mem_set_limit(m0.used + 32 * 1024);
	for (int i = 0; i < N; i++) {
		ssize_t n;

		msg[0] = (char)i;
		n = sendto(a, msg, sizeof(msg), 0, (struct sockaddr *)&to, tolen);
		if (n == SIZE)
			sent++;
		else if (n < 0 && (errno == ENOMEM || errno == ENOBUFS))
			refused++;
		else
			test_diag("sendto: %zd, %s", n, strerror(errno));
		if (i % 16 == 0)
			thread_yield();         /* let the tcpip thread deliver */
	}
	thread_sleep_ns(50 * MS);
	net_mem_stats(&m1);
	net_mem_set_limit(old);
	net_proto_stats("link", &l1);
	test_diag("%d sent, %d refused, %llu allocations refused, %llu link memerr",
		  sent, refused, (unsigned long long)(m1.failed - m0.failed),
		  (unsigned long long)(l1.memerr - l0.memerr));
	T_CHECK(m1.failed > m0.failed);
	T_CHECK(sent < N);
	T_EQ(sent + refused, N);

	/* What was accepted is there to read, whole; then nothing. */
	while (recv(b, buf, sizeof(buf), MSG_DONTWAIT) == SIZE)
		got++;
	T_CHECK(got > 0);
	T_CHECK(got <= sent);
	T_EQ(errno, EAGAIN);

	/* Recovered: a round trip works again. */
	T_EQ(sendto(a, msg, sizeof(msg), 0, (struct sockaddr *)&to, tolen), SIZE);
	T_EQ(recv(b, buf, sizeof(buf), 0), SIZE);
	close(a);
	close(b);
	T_EQ(pools_settle(base), base);
}
