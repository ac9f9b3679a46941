/* SPDX-License-Identifier: MIT */
/* The TCP echo service of the network tests (tests/guest/netif_echo.c),
 * through <net/socket.h> only. */
#ifndef TESTS_GUEST_NETIF_UTIL_H
#define TESTS_GUEST_NETIF_UTIL_H

#include "net_util.h"

struct echo_result {
	unsigned conns, errors;
	uint64_t bytes, bytes_before;
	bool quit;              /* a connection said just "QUIT\n" */
};

/* A listening TCP socket on port of af (any address; an IPv6 one takes
 * IPv4 too) that waits in 100 ms slices. @return it, or -errno. */
int echo_listen(int af, uint16_t port, int backlog);
/* Echo conns connections on lfd, one after another, for at most secs
 * seconds, or until a connection whose whole stream is "QUIT\n" (echoed
 * too); the counts add up in *r. @return 0, -ETIMEDOUT, -EINTR
 * (Ctrl-C), or -errno from accept. */
int echo_serve(int lfd, unsigned conns, unsigned secs, struct echo_result *r);

#endif
