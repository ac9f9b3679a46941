// SPDX-License-Identifier: MIT
/* netserve: the services the network benchmark (tests/bench/net.py) talks
 * to from the host, on fixed ports of every address:
 *
 *   5001 TCP sink      read and discard until the peer closes (host->guest)
 *   5002 TCP source    write until the peer closes (guest->host)
 *   5003 TCP crr       read 1 byte, write it back, close (connection rate)
 *   5004 UDP echo      send each datagram back (round-trip latency)
 *
 * Written as an ordinary POSIX server against <net/socket.h>: one thread
 * waits in poll() on the three listening sockets and starts a thread per
 * connection; one thread echoes UDP. A peer may vanish at any point: every
 * failing call just ends that connection. On the cooperative scheduler a
 * thread per connection costs a 28 KiB stack and a switch per wake-up; the
 * bench's connection rate is measured through it (see README, make bench).
 *
 * Connection threads go through apps/app_conns.c, as httpd's and kv's do;
 * the rest of the kernel glue is at the end: the UDP echo thread (there is
 * no pthreads), Ctrl-C and the clock.
 *
 *   netserve [SECONDS]   serve (until Ctrl-C, or for SECONDS), then print
 *                        what was served */
#include <net/socket.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "app_conns.h"

#define NETSERVE_PORT_SINK   5001
#define NETSERVE_PORT_SOURCE 5002
#define NETSERVE_PORT_CRR    5003
#define NETSERVE_PORT_ECHO   5004
#define NETSERVE_IOBUF       (32 * 1024)   /* heap: thread stacks are small */
#define NETSERVE_BACKLOG     32
#define NETSERVE_TICK_MS     250           /* how soon a stop is noticed */

enum svc { SVC_SINK, SVC_SOURCE, SVC_CRR, SVC_N };

static const unsigned short svc_port[SVC_N] = {
	NETSERVE_PORT_SINK, NETSERVE_PORT_SOURCE, NETSERVE_PORT_CRR,
};
static const char *const svc_name[SVC_N] = { "sink", "source", "crr" };

struct conn {
	int fd;
	enum svc svc;
	struct app_conn link;   /* in conns, its thread */
};

struct stats {
	unsigned long conns[SVC_N], refused;
	unsigned long long rx_bytes, tx_bytes;
	unsigned long dgrams;
};

static struct stats st;
static volatile int stopping;
static struct app_conns conns;  /* until their threads are joined */

/* The glue (end of the file). */
static void *spawn(const char *name, void (*fn)(void *), void *arg);
static void join(void *thread);

/* --- The services, one connection each ---------------------------------------
 * Connection sockets time out every tick (SO_RCVTIMEO, SO_SNDTIMEO), so a
 * thread blocked on a peer that went quiet still notices a stop. */
static int again(ssize_t n)
{
	return n < 0 && (errno == EWOULDBLOCK || errno == EAGAIN) && !stopping;
}

static void sink(int fd, char *buf)
{
	ssize_t n;

	while ((n = read(fd, buf, NETSERVE_IOBUF)) > 0 || again(n))
		if (n > 0)
			st.rx_bytes += (unsigned long long)n;
}

static void source(int fd, char *buf)
{
	ssize_t n;

	memset(buf, 'x', NETSERVE_IOBUF);
	while (((n = write(fd, buf, NETSERVE_IOBUF)) > 0 && !stopping) || again(n))
		if (n > 0)
			st.tx_bytes += (unsigned long long)n;
}

static void crr(int fd)
{
	char c;
	ssize_t n;

	while (again(n = read(fd, &c, 1)))
		;
	if (n != 1)
		return;
	while (again(n = write(fd, &c, 1)))
		;
	if (n == 1) {
		st.rx_bytes++;
		st.tx_bytes++;
	}
}

static void conn_main(void *arg)
{
	struct conn *c = arg;
	char *buf = NULL;

	if (c->svc != SVC_CRR && !(buf = malloc(NETSERVE_IOBUF))) {
		close(c->fd);
		c->fd = -1;
	}
	if (c->svc == SVC_SINK && buf)
		sink(c->fd, buf);
	else if (c->svc == SVC_SOURCE && buf)
		source(c->fd, buf);
	else if (c->svc == SVC_CRR)
		crr(c->fd);
	free(buf);
	if (c->fd >= 0)
		close(c->fd);
	app_conns_done(&conns, &c->link);   /* the thread ends here */
}

static void start_conn(int fd, enum svc svc)
{
	struct timeval tick = { 0, NETSERVE_TICK_MS * 1000 };
	struct conn *c = calloc(1, sizeof(*c));

	if (!c) {
		st.refused++;
		close(fd);
		return;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tick, sizeof(tick));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tick, sizeof(tick));
	c->fd = fd;
	c->svc = svc;
	if (app_conns_start(&conns, &c->link, c, svc_name[svc], conn_main)) {
		st.refused++;
		close(fd);
		free(c);
		return;
	}
	st.conns[svc]++;
}

/* --- UDP echo -------------------------------------------------------------------- */
static void echo_main(void *arg)
{
	int fd = *(int *)arg;
	char buf[1500];

	while (!stopping) {
		struct sockaddr_storage from;
		socklen_t flen = sizeof(from);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);

		if (n < 0)
			continue;       /* the receive timeout: look at stopping */
		if (sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, flen) == n)
			st.dgrams++;
	}
}

/* --- Set-up --------------------------------------------------------------------------- */
static int open_socket(int type, unsigned short port)
{
	struct sockaddr_in a;
	int one = 1, fd = socket(AF_INET, type, 0);

	if (fd < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_ANY);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    (type == SOCK_STREAM && listen(fd, NETSERVE_BACKLOG) < 0)) {
		printf("netserve: port %u: %s\n", port, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Serve until should_stop() says so. @return 0, or -1 when a port could
 * not be opened. */
static int serve(int (*should_stop)(void))
{
	struct timeval tick = { 0, NETSERVE_TICK_MS * 1000 };
	struct pollfd pfd[SVC_N];
	void *echo = NULL;
	int ufd, rc = 0;

	memset(&st, 0, sizeof(st));
	stopping = 0;
	for (int i = 0; i < SVC_N; i++)
		pfd[i] = (struct pollfd){ .fd = -1, .events = POLLIN };
	for (int i = 0; i < SVC_N; i++)
		if ((pfd[i].fd = open_socket(SOCK_STREAM, svc_port[i])) < 0)
			rc = -1;
	ufd = open_socket(SOCK_DGRAM, NETSERVE_PORT_ECHO);
	if (ufd < 0 || rc < 0)
		goto out;
	setsockopt(ufd, SOL_SOCKET, SO_RCVTIMEO, &tick, sizeof(tick));
	if (!(echo = spawn("udp-echo", echo_main, &ufd))) {
		rc = -1;
		goto out;
	}
	printf("netserve: ready: tcp sink %u, source %u, crr %u, udp echo %u\n",
	       NETSERVE_PORT_SINK, NETSERVE_PORT_SOURCE, NETSERVE_PORT_CRR,
	       NETSERVE_PORT_ECHO);

	while (!should_stop()) {
		int n = poll(pfd, SVC_N, NETSERVE_TICK_MS);

		for (int i = 0; n > 0 && i < SVC_N; i++) {
			int fd;

			if (!(pfd[i].revents & POLLIN))
				continue;
			fd = accept(pfd[i].fd, NULL, NULL);
			if (fd >= 0)
				start_conn(fd, (enum svc)i);
			else if (errno != EWOULDBLOCK && errno != EAGAIN)
				st.refused++;   /* out of sockets or memory */
		}
		app_conns_reap(&conns, free);
	}

	/* Stop: every connection thread sees it within a tick. */
	stopping = 1;
	app_conns_join(&conns, free);
out:
	if (echo)
		join(echo);
	if (ufd >= 0)
		close(ufd);
	for (int i = 0; i < SVC_N; i++)
		if (pfd[i].fd >= 0)
			close(pfd[i].fd);
	printf("netserve: %lu sink, %lu source, %lu crr connections (%lu refused), "
	       "%llu bytes in, %llu out, %lu datagrams echoed\n",
	       st.conns[SVC_SINK], st.conns[SVC_SOURCE], st.conns[SVC_CRR], st.refused,
	       st.rx_bytes, st.tx_bytes, st.dgrams);
	return rc;
}

/* --- Kernel glue: threads, Ctrl-C, the clock, the shell command --------------------- */
#include <kern/errno.h>
#include <kern/sched.h>
#include <kern/shell.h>
#include <kern/time.h>

static void *spawn(const char *name, void (*fn)(void *), void *arg)
{
	return thread_create(name, fn, arg);
}

static void join(void *thread)
{
	thread_join(thread);
}

static uint64_t deadline_ns;

static int stop_requested(void)
{
	return thread_interrupted() || (deadline_ns && time_ns() >= deadline_ns);
}

static int cmd_netserve(int argc, char **argv)
{
	long secs = 0;

	if (argc > 2 || (argc == 2 && (secs = strtol(argv[1], NULL, 10)) <= 0)) {
		printf("usage: netserve [SECONDS]\n");
		return -EINVAL;
	}
	deadline_ns = secs ? time_ns() + (uint64_t)secs * NSEC_PER_SEC : 0;
	if (serve(stop_requested) < 0)
		return -EADDRINUSE;
	return thread_interrupted() ? -EINTR : 0;
}
SHELL_CMD("netserve", "netserve [SECONDS] - TCP sink 5001, source 5002, connect-rate 5003, "
	  "UDP echo 5004 (for make bench)", cmd_netserve);
