/* SPDX-License-Identifier: MIT */
/* A small TCP echo service for the network tests (a test aid, not an
 * appliance): `tcpecho PORT [CONNS]` in the shell, and echo_serve() for
 * the in-guest tests. Connections are served one after the other, every
 * byte sent back as it comes, until the peer shuts its side. It waits in
 * slices of 100 ms, so Ctrl-C and a deadline end it. */
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/sched.h>
#include <kern/shell.h>
#include <kern/time.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "netif_util.h"

/* Send all of buf, giving up at the deadline or on Ctrl-C. */
static int send_all_until(int fd, const uint8_t *p, size_t n, uint64_t deadline)
{
	while (n) {
		ssize_t k = send(fd, p, n, 0);

		if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (thread_interrupted())
				return -EINTR;
			if (time_ns() > deadline)
				return -ETIMEDOUT;
			continue;
		}
		if (k <= 0)
			return -errno;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Echo one connection until the peer's shutdown. @return 0 or -errno. */
static int echo_conn(int fd, uint64_t deadline, struct echo_result *r)
{
	static uint8_t buf[16384];

	nt_timeouts(fd, 100);
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		int rc;

		if (n == 0)
			return 0;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (thread_interrupted())
				return -EINTR;
			if (time_ns() > deadline)
				return -ETIMEDOUT;
			continue;
		}
		if (n < 0)
			return -errno;
		r->bytes += (uint64_t)n;
		/* The stop word of echo_serve: a connection of just that. */
		if (r->bytes - r->bytes_before == (uint64_t)n && n == 5 && memcmp(buf, "QUIT\n", 5) == 0)
			r->quit = true;
		if ((rc = send_all_until(fd, buf, (size_t)n, deadline)) < 0)
			return rc;
	}
}

int echo_listen(int af, uint16_t port, int backlog)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int one = 1, fd = socket(af, SOCK_STREAM, 0);

	if (fd < 0)
		return -errno;
	memset(&ss, 0, sizeof(ss));
	if (af == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		len = sizeof(*s4);
	}
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, backlog) < 0 ||
	    nt_timeouts(fd, 100) < 0) {
		int rc = -errno;

		close(fd);
		return rc;
	}
	return fd;
}

int echo_serve(int lfd, unsigned conns, unsigned secs, struct echo_result *r)
{
	uint64_t deadline = time_ns() + (uint64_t)secs * NSEC_PER_SEC;

	while (r->conns < conns) {
		int fd = accept(lfd, NULL, NULL), rc;

		if (fd < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (thread_interrupted())
				return -EINTR;
			if (time_ns() > deadline)
				return -ETIMEDOUT;
			continue;
		}
		if (fd < 0)
			return -errno;
		r->bytes_before = r->bytes;
		rc = echo_conn(fd, deadline, r);
		close(fd);
		if (r->quit)
			return 0;
		if (rc == -EINTR || rc == -ETIMEDOUT)
			return rc;
		if (rc < 0)
			r->errors++;
		r->conns++;
	}
	return 0;
}

static int cmd_tcpecho(int argc, char **argv)
{
	struct echo_result r = { 0 };
	unsigned long port, conns = ~0u;
	int fd, rc;

	if (argc < 2 || argc > 3 || (port = strtoul(argv[1], NULL, 10)) == 0 ||
	    port > 65535 || (argc == 3 && (conns = strtoul(argv[2], NULL, 10)) == 0)) {
		kprintf("usage: tcpecho PORT [CONNECTIONS]\n");
		return -EINVAL;
	}
	fd = echo_listen(AF_INET6, (uint16_t)port, 4);  /* IPv4 too: dual-stack */
	if (fd < 0)
		fd = echo_listen(AF_INET, (uint16_t)port, 4);
	if (fd < 0)
		return fd;
	kprintf("tcpecho: listening on port %lu (Ctrl-C ends)\n", port);
	rc = echo_serve(fd, (unsigned)conns, ~0u / 2, &r);
	close(fd);
	kprintf("tcpecho: %u connections, %llu bytes echoed, %u errors\n", r.conns,
		(unsigned long long)r.bytes, r.errors);
	return rc;
}
SHELL_CMD("tcpecho", "tcpecho PORT [CONNS] - echo TCP connections on PORT (tests)",
	  cmd_tcpecho);
