/* SPDX-License-Identifier: MIT */
/* A snapshot of the stack's interfaces for status pages (net/ifinfo.c):
 * names, state and addresses as text, copied under the core lock. Traffic
 * counters are the device's (<drivers/netdev.h>, netdev_find(name)). */
#ifndef NET_IFINFO_H
#define NET_IFINFO_H

#include <kern/compiler.h>

#define NET_IFINFO_V6 3

struct net_ifinfo {
	char name[16];                  /* "lo0", "vioif0" */
	bool up, link_up;
	unsigned mtu;
	char mac[18];                   /* "" when none */
	char ip4[16], mask4[16], gw4[16];   /* "" when unset */
	char ip6[NET_IFINFO_V6][48];    /* valid addresses, then "" */
	char ip6_state[NET_IFINFO_V6][12];  /* "preferred", "tentative", ... */
};

/* Fill up to max entries. @return how many interfaces there are (may be
 * more than max), or -ENODEV when the stack is not up. */
int net_ifinfo(struct net_ifinfo *out, int max);

#endif
