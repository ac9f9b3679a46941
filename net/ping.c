/* SPDX-License-Identifier: MIT */
/* `ping` and `ping6`: ICMP echo (RFC 792) and ICMPv6 echo (RFC 4443 §4.1)
 * through a raw socket of <net/socket.h>, as a program would. Each reply
 * prints a line; the end prints how many went and came back and the
 * round trips. Ctrl-C ends it early (with the summary): the command waits
 * in slices of at most 100 ms and sleeps interruptibly. */
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/sched.h>
#include <kern/shell.h>
#include <kern/time.h>
#include <net/net.h>
#include <net/socket.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "pingstat.h"

#define ICMP_ECHO_REPLY     0
#define ICMP_ECHO           8
#define ICMP6_ECHO          128
#define ICMP6_ECHO_REPLY    129
#define PING_HDR            8       /* type, code, checksum, id, sequence */
#define PING_MAX_SIZE       8192    /* payload bytes: keeps the buffers small */
#define PING_WINDOW         1024    /* send times kept, by sequence */
#define NS_PER_MS           1000000ULL

struct ping {
	int af, fd;
	struct sockaddr_storage to;
	socklen_t tolen;
	char addr[INET6_ADDRSTRLEN];
	uint16_t id;
	unsigned size;
	uint8_t *buf;                   /* PING_HDR + size, and a reply */
	size_t buflen;
	uint64_t sent_at[PING_WINDOW];
	uint8_t seen[PING_WINDOW / 8];
	struct ping_stats st;
};

/* RFC 1071 sum, for ICMPv4 (lwIP sums ICMPv6 for a raw socket itself). */
static uint16_t inet_sum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static int ping_send(struct ping *pg, uint16_t seq)
{
	uint8_t *h = pg->buf;
	size_t n = PING_HDR + pg->size;

	h[0] = pg->af == AF_INET ? ICMP_ECHO : ICMP6_ECHO;
	h[1] = 0;
	h[2] = h[3] = 0;
	h[4] = (uint8_t)(pg->id >> 8);
	h[5] = (uint8_t)pg->id;
	h[6] = (uint8_t)(seq >> 8);
	h[7] = (uint8_t)seq;
	for (unsigned i = 0; i < pg->size; i++)
		h[PING_HDR + i] = (uint8_t)(i + seq);
	if (pg->af == AF_INET) {
		uint16_t c = inet_sum(h, n);

		h[2] = (uint8_t)(c >> 8);
		h[3] = (uint8_t)c;
	}
	pg->sent_at[seq % PING_WINDOW] = time_ns();
	pg->seen[(seq % PING_WINDOW) / 8] &= (uint8_t)~(1u << (seq % 8));
	if (sendto(pg->fd, h, n, 0, (struct sockaddr *)&pg->to, pg->tolen) < 0)
		return -errno;
	return 0;
}

/* Wait up to ms for one reply of ours and print it. @return 1 (a reply),
 * 0 (nothing of ours yet), or -errno. */
static int ping_recv(struct ping *pg, unsigned ms, unsigned sent)
{
	struct timeval tv = { ms / 1000, (long)(ms % 1000) * 1000 };
	ssize_t n;
	size_t off = 0;
	uint8_t *h;
	uint16_t seq;
	uint64_t rtt;
	unsigned bit;

	if (setsockopt(pg->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		return -errno;
	n = recv(pg->fd, pg->buf, pg->buflen, 0);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	/* lwIP's raw sockets hand over the IP header too, of either
	 * version (an ICMPv6 echo reply has no extension headers). */
	if (n < 1)
		return 0;
	if (pg->af == AF_INET && (pg->buf[0] >> 4) == 4)
		off = (size_t)(pg->buf[0] & 15) * 4;
	else if (pg->af == AF_INET6 && (pg->buf[0] >> 4) == 6 && pg->buf[6] == 58)
		off = 40;
	else
		return 0;
	if ((size_t)n < off + PING_HDR)
		return 0;
	h = pg->buf + off;
	if (h[0] != (pg->af == AF_INET ? ICMP_ECHO_REPLY : ICMP6_ECHO_REPLY) ||
	    (uint16_t)(h[4] << 8 | h[5]) != pg->id)
		return 0;
	seq = (uint16_t)(h[6] << 8 | h[7]);
	if (seq >= sent || sent - seq > PING_WINDOW)
		return 0;               /* not one of ours in flight */
	rtt = time_ns() - pg->sent_at[seq % PING_WINDOW];
	bit = 1u << (seq % 8);
	if (pg->seen[(seq % PING_WINDOW) / 8] & bit) {
		pg->st.duplicates++;
		kprintf("%u bytes from %s: icmp_seq=%u (DUP!)\n",
			(unsigned)((size_t)n - off), pg->addr, seq);
		return 0;
	}
	pg->seen[(seq % PING_WINDOW) / 8] |= bit;
	ping_stats_add(&pg->st, rtt);
	kprintf("%u bytes from %s: icmp_seq=%u time=%llu.%03llu ms\n",
		(unsigned)((size_t)n - off), pg->addr, seq,
		(unsigned long long)(rtt / NS_PER_MS),
		(unsigned long long)(rtt % NS_PER_MS / 1000));
	return 1;
}

static void ping_summary(const struct ping *pg)
{
	const struct ping_stats *s = &pg->st;
	uint64_t avg = ping_avg_ns(s);

	kprintf("--- %s ping statistics ---\n", pg->addr);
	kprintf("%u packets transmitted, %u received, ", s->sent, s->received);
	if (s->duplicates)
		kprintf("+%u duplicates, ", s->duplicates);
	kprintf("%u%% packet loss\n", ping_loss_pct(s));
	if (s->received)
		kprintf("rtt min/avg/max = %llu.%03llu/%llu.%03llu/%llu.%03llu ms\n",
			(unsigned long long)(s->min_ns / NS_PER_MS),
			(unsigned long long)(s->min_ns % NS_PER_MS / 1000),
			(unsigned long long)(avg / NS_PER_MS),
			(unsigned long long)(avg % NS_PER_MS / 1000),
			(unsigned long long)(s->max_ns / NS_PER_MS),
			(unsigned long long)(s->max_ns % NS_PER_MS / 1000));
}

static int ping_resolve(struct ping *pg, const char *host)
{
	struct addrinfo hints = { .ai_family = pg->af }, *res = NULL;
	int rc = getaddrinfo(host, NULL, &hints, &res);

	if (rc != 0 || !res) {
		kprintf("ping: %s: %s\n", host, rc ? gai_strerror(rc) : "no address");
		return -ENOENT;
	}
	memcpy(&pg->to, res->ai_addr, res->ai_addrlen);
	pg->tolen = res->ai_addrlen;
	freeaddrinfo(res);
	if (pg->af == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&pg->to)->sin_addr,
			  pg->addr, sizeof(pg->addr));
	else
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&pg->to)->sin6_addr,
			  pg->addr, sizeof(pg->addr));
	return 0;
}

/* The run itself: send count echoes interval_ms apart, then wait up to
 * wait_ms for the missing replies. @return 0 (a reply came), -ETIMEDOUT
 * (none), -EINTR, or the send error. */
static int ping_run(struct ping *pg, unsigned count, unsigned interval_ms,
		    unsigned wait_ms)
{
	uint64_t next = time_ns(), deadline = 0;
	int rc = 0;

	kprintf("PING %s: %u data bytes\n", pg->addr, pg->size);
	for (;;) {
		uint64_t now = time_ns(), until;

		if (thread_interrupted()) {
			rc = -EINTR;
			break;
		}
		if (pg->st.sent < count && now >= next) {
			if ((rc = ping_send(pg, (uint16_t)pg->st.sent)) < 0) {
				kprintf("ping: sending to %s: error %d\n", pg->addr, rc);
				break;
			}
			pg->st.sent++;
			next += (uint64_t)interval_ms * NS_PER_MS;
			if (pg->st.sent == count)
				deadline = now + (uint64_t)wait_ms * NS_PER_MS;
			continue;
		}
		if (pg->st.sent == count &&
		    (pg->st.received >= count || now >= deadline))
			break;
		until = pg->st.sent < count ? next : deadline;
		rc = ping_recv(pg, (unsigned)MAX(1, MIN(100, (until - now) / NS_PER_MS)),
			       pg->st.sent);
		if (rc < 0) {
			kprintf("ping: receiving: error %d\n", rc);
			break;
		}
		rc = 0;
	}
	ping_summary(pg);
	if (rc == 0 && pg->st.received == 0)
		rc = -ETIMEDOUT;
	return rc;
}

static int ping_main(int argc, char **argv, int af)
{
	unsigned count = 4, interval_ms = 1000, wait_ms = 1000, size = 56;
	const char *host = NULL;
	struct ping *pg;
	int rc;

	for (int i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (o[0] != '-') {
			if (host)
				goto usage;
			host = o;
			continue;
		}
		if (!v)
			goto usage;
		if (strcmp(o, "-c") == 0)
			rc = ping_parse_uint(v, 1, 65535, &count);
		else if (strcmp(o, "-s") == 0)
			rc = ping_parse_uint(v, 0, PING_MAX_SIZE, &size);
		else if (strcmp(o, "-i") == 0)
			rc = ping_parse_secs(v, 60000, &interval_ms);
		else if (strcmp(o, "-W") == 0)
			rc = ping_parse_secs(v, 60000, &wait_ms);
		else
			goto usage;
		if (rc < 0)
			goto usage;
		i++;
	}
	if (!host || interval_ms == 0)
		goto usage;
	if (!net_ready())
		return -ENODEV;
	pg = calloc(1, sizeof(*pg));
	if (!pg)
		return -ENOMEM;
	pg->af = af;
	pg->size = size;
	pg->buflen = PING_HDR + size + 60 + 8;  /* room for an IPv4 header */
	pg->buf = malloc(pg->buflen);
	pg->id = (uint16_t)(time_ns() >> 10);
	pg->fd = -1;
	rc = -ENOMEM;
	if (pg->buf && (rc = ping_resolve(pg, host)) == 0) {
		pg->fd = socket(af, SOCK_RAW, af == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6);
		rc = pg->fd < 0 ? -errno : ping_run(pg, count, interval_ms, wait_ms);
	}
	if (pg->fd >= 0)
		close(pg->fd);
	free(pg->buf);
	free(pg);
	return rc;
usage:
	kprintf("usage: %s [-c count] [-s size] [-i seconds] [-W seconds] host\n",
		argv[0]);
	return -EINVAL;
}

static int cmd_ping(int argc, char **argv)
{
	return ping_main(argc, argv, AF_INET);
}

static int cmd_ping6(int argc, char **argv)
{
	return ping_main(argc, argv, AF_INET6);
}
SHELL_CMD("ping", "ping [-c N] [-s SIZE] [-i SEC] [-W SEC] HOST - ICMP echo, "
	  "4 by default, 1 s apart", cmd_ping);
SHELL_CMD("ping6", "ping6 [-c N] [-s SIZE] [-i SEC] [-W SEC] HOST - ICMPv6 echo",
	  cmd_ping6);
