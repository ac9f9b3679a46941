// SPDX-License-Identifier: MIT
/* The Linux guest's side of the network benchmark (tests/bench/net.py):
 * the same four services as apps/netserve.c, on the same ports, with the
 * same structure (a thread per connection), built static with the host's
 * gcc and put into the baseline guest's initramfs. Busybox's nc has no UDP
 * and copies through small buffers, so it would handicap Linux.
 *
 *   5001 TCP sink      read and discard until the peer closes
 *   5002 TCP source    write until the peer closes
 *   5003 TCP crr       read 1 byte, write 1 byte, close
 *   5004 UDP echo      send each datagram back */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF (128 * 1024)

static int listener(int type, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int one = 1, fd = socket(AF_INET, type, 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    (type == SOCK_STREAM && listen(fd, 64) < 0)) {
		perror("bind/listen");
		exit(1);
	}
	return fd;
}

static void *sink(void *arg)
{
	int fd = (int)(long)arg;
	char *buf = malloc(BUF);

	while (buf && read(fd, buf, BUF) > 0)
		;
	free(buf);
	close(fd);
	return NULL;
}

static void *source(void *arg)
{
	int fd = (int)(long)arg;
	char *buf = calloc(1, BUF);

	while (buf && write(fd, buf, BUF) > 0)
		;
	free(buf);
	close(fd);
	return NULL;
}

static void *crr(void *arg)
{
	int fd = (int)(long)arg;
	char c;

	if (read(fd, &c, 1) == 1)
		(void)!write(fd, &c, 1);
	close(fd);
	return NULL;
}

struct svc {
	int port, fd;
	void *(*fn)(void *);
};

static void *acceptor(void *arg)
{
	struct svc *s = arg;
	int lfd = s->fd;
	pthread_attr_t at;

	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&at, 64 * 1024);
	for (;;) {
		int fd = accept(lfd, NULL, NULL);
		pthread_t t;

		if (fd < 0)
			continue;
		if (pthread_create(&t, &at, s->fn, (void *)(long)fd))
			close(fd);
	}
	return NULL;
}

int main(void)
{
	static struct svc svcs[] = { { 5001, -1, sink }, { 5002, -1, source }, { 5003, -1, crr } };
	char buf[2048];
	int ufd;

	signal(SIGPIPE, SIG_IGN);
	for (unsigned i = 0; i < 3; i++) {
		pthread_t t;

		svcs[i].fd = listener(SOCK_STREAM, svcs[i].port);
		pthread_create(&t, NULL, acceptor, &svcs[i]);
	}
	ufd = listener(SOCK_DGRAM, 5004);
	printf("netserve: ready\n");
	fflush(stdout);
	for (;;) {
		struct sockaddr_in from;
		socklen_t flen = sizeof(from);
		ssize_t n = recvfrom(ufd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);

		if (n >= 0)
			sendto(ufd, buf, n, 0, (struct sockaddr *)&from, flen);
	}
}
