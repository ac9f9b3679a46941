/* SPDX-License-Identifier: MIT */
/* A new connection on a 4-tuple the server still holds in TIME-WAIT
 * (net/tcp_tw.c): the server closed first, the client comes back from
 * the same port at once, as Linux's loopback clients do through QEMU's
 * hostfwd. lwIP's own TIME-WAIT answers that SYN with a RST (in its
 * window) or an ACK (beyond it); the SYN must reopen the connection
 * instead (RFC 1122 4.2.2.13). Over loopback, both ends lwIP. */
#include <kern/sched.h>
#include <kern/test.h>
#include <kern/time.h>
#include <errno.h>
#include <string.h>
#include "net_util.h"

/* One connection from 127.0.0.1:*cport (0: any, then set) to port, one
 * byte each way, the server closing first. @return 0, or -1. */
static int one_conn(int l, uint16_t port, uint16_t *cport)
{
	struct sockaddr_storage ss, me;
	socklen_t len = nt_loopback(AF_INET, port, &ss), mlen = sizeof(me);
	struct sockaddr_in local;
	struct pollfd p;
	int one = 1, c, a = -1, rc = -1, err = 0;
	socklen_t elen = sizeof(err);
	char b;

	c = socket(AF_INET, SOCK_STREAM, 0);
	if (c < 0)
		return -1;
	memset(&local, 0, sizeof(local));
	local.sin_family = AF_INET;
	local.sin_port = htons(*cport);
	local.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(c, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(c, (struct sockaddr *)&local, sizeof(local)) < 0 || nt_timeouts(c, 5000) < 0 ||
	    fcntl(c, F_SETFL, O_NONBLOCK) < 0)
		goto out;
	if (connect(c, (struct sockaddr *)&ss, len) < 0 && errno != EINPROGRESS)
		goto out;
	/* Within 2 s: without the reopen it takes a reset, or the old
	 * connection's two minutes. */
	p = (struct pollfd){ .fd = c, .events = POLLOUT };
	if (poll(&p, 1, 2000) != 1 || getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &elen) < 0 || err)
		goto out;
	if (fcntl(c, F_SETFL, 0) < 0)
		goto out;
	p = (struct pollfd){ .fd = l, .events = POLLIN };
	if (poll(&p, 1, 2000) != 1 || (a = accept(l, NULL, NULL)) < 0 || nt_timeouts(a, 5000) < 0)
		goto out;
	if (send(c, "q", 1, 0) != 1 || recv(a, &b, 1, 0) != 1 || send(a, "r", 1, 0) != 1 ||
	    recv(c, &b, 1, 0) != 1)
		goto out;
	close(a);               /* the server closes first: its end lingers in TIME-WAIT */
	a = -1;
	if (recv(c, &b, 1, 0) != 0)
		goto out;
	getsockname(c, (struct sockaddr *)&me, &mlen);
	*cport = ntohs(((struct sockaddr_in *)&me)->sin_port);
	rc = 0;
out:
	if (a >= 0)
		close(a);
	close(c);
	return rc;
}

TEST(net_tcp_timewait_reopen)
{
	uint16_t port, cport = 0;
	int l = nt_bound(AF_INET, SOCK_STREAM, 4, &port);

	T_CHECK(l >= 0);
	if (l < 0)
		return;
	T_EQ(one_conn(l, port, &cport), 0);
	for (int i = 0; i < 3; i++) {
		uint16_t again = cport;

		thread_sleep_ns(100 * NSEC_PER_MSEC);   /* the client's FIN acknowledged */
		T_EQ(one_conn(l, port, &again), 0);
		T_EQ(again, cport);
	}
	close(l);
}
