/* SPDX-License-Identifier: MIT */
/* The network stack as the kernel sees it (net/): whether it is up, its
 * memory, and the statistics the shell and the tests read. Applications
 * use <net/socket.h> instead. */
#ifndef NET_NET_H
#define NET_NET_H

#include <kern/compiler.h>

/* Has the stack started (the tcpip thread runs, loopback is up)? */
bool net_ready(void);

/* lwIP's memory budget (net/mem.c): every heap block and pool element
 * lwIP holds comes out of `limit` bytes of the kernel heap. */
struct net_mem_stats {
	size_t limit, used, peak;
	uint64_t failed;        /* allocations refused (over budget or OOM) */
};
void net_mem_stats(struct net_mem_stats *s);
/* Change the budget (tests: make the stack run out). @return the old one. */
size_t net_mem_set_limit(size_t limit);

/* Elements in use summed over lwIP's pools (pbufs, PCBs, netconns, ...):
 * back at its old value once everything opened has been closed. */
unsigned long net_pool_in_use(void);
/* Per-protocol counters, for tests; proto is "tcp", "udp", "ip", ...
 * @return 0, or -ENOENT for an unknown name. */
struct net_proto_stats {
	uint64_t xmit, recv, drop, memerr, err;
};
int net_proto_stats(const char *proto, struct net_proto_stats *s);

/* Take network device name away from the stack (`ifconfig IF destroy`:
 * its interface removed with its addresses, routes, neighbours and TCP
 * connections, the device closed), so that another client may netdev_open
 * it: raw frames for tests, a bridge. @return 0, or -ENOENT (the stack
 * does not have it). */
int net_vioif_release(const char *name);
/* Bring network device name (back) into the stack (`ifconfig IF create`),
 * configured from the net.* options as at boot. @return 0, -ENODEV (no
 * such device, or no stack), -EEXIST (the stack has it), -EBUSY (another
 * client has the device), -ENOMEM. */
int net_vioif_create(const char *name);

/* One interface as the stack has it (the kernel's name: "lo0", "vioif0").
 * Addresses are bytes in network order. */
#define NET_IF_IP6_MAX 3
struct net_if_info {
	bool up, link_up, dhcp;         /* dhcp: the IPv4 address is a lease */
	unsigned mtu;
	uint8_t ip4[4], mask4[4], gw4[4];
	int nip6;                       /* valid IPv6 addresses below */
	uint8_t ip6[NET_IF_IP6_MAX][16];
	bool ip6_preferred[NET_IF_IP6_MAX];  /* past duplicate detection */
};
/* @return 0, -ENODEV (no such interface or no stack). */
int net_if_info(const char *name, struct net_if_info *out);

#endif
