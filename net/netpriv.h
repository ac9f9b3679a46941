/* SPDX-License-Identifier: MIT */
/* Shared inside net/ only. */
#ifndef NET_NETPRIV_H
#define NET_NETPRIV_H

#include <kern/compiler.h>

/* Set lwIP's memory budget from the guest's RAM (net/mem.c). */
void net_mem_init(void);
/* Seed net_rand() (net/rand.c); again later when entropy appears. */
void net_rand_seed(void);
/* The tcpip thread, once it runs (net/sys_arch.c). */
struct thread *net_tcpip_thread(void);
/* Messages waiting for the tcpip thread (input frames, callbacks). */
int net_tcpip_backlog(void);

struct netif;
/* The kernel's name of an interface ("lo0", "vioif0"; net/ifconfig.c). */
void net_ifname(const struct netif *nif, char *buf, size_t size);

/* An IPv6 address state as ifconfig and the status page name it
 * (net/ifconfig.c). */
const char *net_ip6_state_name(uint8_t state);

/* Connections in TIME-WAIT now, the most kept, and how many were
 * reopened by a new SYN or dropped over the cap (net/tcp_tw.c). */
void net_tcp_tw_stats(unsigned *count, unsigned *cap, unsigned long *reopened,
		      unsigned long *dropped);

#endif
