/* SPDX-License-Identifier: MIT */
/* lwIP's counters for the shell (`netstat`) and the tests: per-protocol
 * statistics, the pools, the memory budget and the TCP connections.
 * Everything is copied under the core lock and printed after: printing
 * may block on the console, and the stack must not wait for it. */
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/shell.h>
#include <net/net.h>
#include <stdlib.h>
#include <string.h>
#include "lwip/ip_addr.h"
#include "lwip/memp.h"
#include "lwip/stats.h"
#include "lwip/tcpip.h"
#include "lwip/priv/tcp_priv.h"
#include "netpriv.h"

/* Pool names in lwIP's own order (its memp_std.h list). */
static const char *const pool_names[MEMP_MAX] = {
#define LWIP_MEMPOOL(name, num, size, desc) desc,
#include "lwip/priv/memp_std.h"
};

unsigned long net_pool_in_use(void)
{
	unsigned long n = 0;

	LOCK_TCPIP_CORE();
	for (int i = 0; i < MEMP_MAX; i++)
		n += lwip_stats.memp[i]->used;
	UNLOCK_TCPIP_CORE();
	return n;
}

static const struct {
	const char *name;
	size_t off;
} protos[] = {
	{ "link", offsetof(struct stats_, link) },
	{ "etharp", offsetof(struct stats_, etharp) },
	{ "ip", offsetof(struct stats_, ip) },
	{ "ipfrag", offsetof(struct stats_, ip_frag) },
	{ "icmp", offsetof(struct stats_, icmp) },
	{ "udp", offsetof(struct stats_, udp) },
	{ "tcp", offsetof(struct stats_, tcp) },
	{ "ip6", offsetof(struct stats_, ip6) },
	{ "ip6frag", offsetof(struct stats_, ip6_frag) },
	{ "icmp6", offsetof(struct stats_, icmp6) },
	{ "nd6", offsetof(struct stats_, nd6) },
};

int net_proto_stats(const char *proto, struct net_proto_stats *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(protos); i++) {
		const struct stats_proto *p;

		if (strcmp(proto, protos[i].name) != 0)
			continue;
		p = (const void *)((const char *)&lwip_stats + protos[i].off);
		LOCK_TCPIP_CORE();
		s->xmit = p->xmit;
		s->recv = p->recv;
		s->drop = p->drop;
		s->memerr = p->memerr;
		s->err = p->err + p->chkerr + p->lenerr + p->rterr +
			 p->proterr + p->opterr;
		UNLOCK_TCPIP_CORE();
		return 0;
	}
	return -ENOENT;
}

static const char *const tcp_states[] = {
	"CLOSED", "LISTEN", "SYN_SENT", "SYN_RCVD", "ESTABLISHED",
	"FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING", "LAST_ACK",
	"TIME_WAIT",
};

struct conn {
	ip_addr_t local, remote;
	u16_t lport, rport;
	enum tcp_state state;
	u32_t sndq, rcvwnd;
};

/* Copy at most max connections from one PCB list (core lock held). */
static int copy_pcbs(struct tcp_pcb *pcb, struct conn *c, int n, int max,
		     int *more)
{
	for (; pcb; pcb = pcb->next) {
		if (n == max) {
			(*more)++;
			continue;
		}
		ip_addr_copy(c[n].local, pcb->local_ip);
		ip_addr_copy(c[n].remote, pcb->remote_ip);
		c[n].lport = pcb->local_port;
		c[n].rport = pcb->remote_port;
		c[n].state = pcb->state;
		c[n].sndq = pcb->state == LISTEN ? 0 : pcb->snd_queuelen;
		c[n].rcvwnd = pcb->state == LISTEN ? 0 : pcb->rcv_wnd;
		n++;
	}
	return n;
}

static void print_endpoint(const ip_addr_t *a, u16_t port)
{
	char buf[IPADDR_STRLEN_MAX + 8];

	ipaddr_ntoa_r(a, buf, sizeof(buf));
	kprintf(IP_IS_V6(a) ? " [%s]:%-5u" : " %s:%-5u", buf, port);
}

static int cmd_netstat(int argc, char **argv)
{
	enum { MAXCONN = 64 };
	struct stats_ st;
	struct stats_mem pools[MEMP_MAX];
	struct conn *conns;
	struct net_mem_stats ms;
	int n = 0, more = 0;
	unsigned tw, tw_cap;
	unsigned long tw_reopened, tw_dropped;

	if (!net_ready())
		return -ENODEV;
	conns = malloc(MAXCONN * sizeof(*conns));
	if (!conns)
		return -ENOMEM;
	LOCK_TCPIP_CORE();
	st = lwip_stats;
	for (int i = 0; i < MEMP_MAX; i++)
		pools[i] = *lwip_stats.memp[i];
	n = copy_pcbs(tcp_listen_pcbs.pcbs, conns, n, MAXCONN, &more);
	n = copy_pcbs(tcp_bound_pcbs, conns, n, MAXCONN, &more);
	n = copy_pcbs(tcp_active_pcbs, conns, n, MAXCONN, &more);
	n = copy_pcbs(tcp_tw_pcbs, conns, n, MAXCONN, &more);
	UNLOCK_TCPIP_CORE();
	net_mem_stats(&ms);

	kprintf("memory: %zu bytes in use (peak %zu) of %zu KiB, %llu refused\n",
		ms.used, ms.peak, ms.limit >> 10, (unsigned long long)ms.failed);
	kprintf("%-8s %10s %10s %8s %8s %8s %8s\n", "proto", "xmit", "recv",
		"drop", "memerr", "chkerr", "err");
	for (size_t i = 0; i < ARRAY_SIZE(protos); i++) {
		const struct stats_proto *p =
			(const void *)((const char *)&st + protos[i].off);

		kprintf("%-8s %10u %10u %8u %8u %8u %8u\n", protos[i].name,
			p->xmit, p->recv, p->drop, p->memerr, p->chkerr,
			p->err + p->lenerr + p->rterr + p->proterr + p->opterr);
	}
	kprintf("%-14s %6s %6s %6s\n", "pool", "used", "max", "err");
	kprintf("%-14s %6lu %6lu %6u\n", "heap", (unsigned long)st.mem.used,
		(unsigned long)st.mem.max, st.mem.err);
	for (int i = 0; i < MEMP_MAX; i++)
		if (pools[i].max || pools[i].err)
			kprintf("%-14s %6lu %6lu %6u\n", pool_names[i],
				(unsigned long)pools[i].used,
				(unsigned long)pools[i].max, pools[i].err);
	net_tcp_tw_stats(&tw, &tw_cap, &tw_reopened, &tw_dropped);
	kprintf("time-wait: %u (at most %u), %lu reopened by a new SYN, %lu dropped over the cap\n",
		tw, tw_cap, tw_reopened, tw_dropped);
	kprintf("tcp connections: %d\n", n + more);
	for (int i = 0; i < n; i++) {
		kprintf("  %-11s", tcp_states[conns[i].state]);
		print_endpoint(&conns[i].local, conns[i].lport);
		print_endpoint(&conns[i].remote, conns[i].rport);
		kprintf(" sndq %u rcvwnd %u\n", conns[i].sndq, conns[i].rcvwnd);
	}
	if (more)
		kprintf("  ... and %d more\n", more);
	free(conns);
	return 0;
}
SHELL_CMD("netstat", "netstat - lwIP statistics, pools and TCP connections",
	  cmd_netstat);
