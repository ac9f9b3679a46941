/* SPDX-License-Identifier: MIT */
/* `ifconfig`: the interfaces lwIP has, with their link state, MTU, MAC and
 * addresses, named as the kernel names them ("lo0", "vioif0"). */
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/shell.h>
#include <net/net.h>
#include <stdio.h>
#include <string.h>
#include "lwip/netif.h"
#include "lwip/tcpip.h"
#include "netif_vioif.h"
#include "netpriv.h"

/* The kernel's name of an interface: the device's for a NIC, lwIP's
 * (two letters and its number) for the rest. */
void net_ifname(const struct netif *nif, char *buf, size_t size)
{
	if (!net_vioif_name(nif, buf, size))
		snprintf(buf, size, "%c%c%u", nif->name[0], nif->name[1],
			 nif->num);
}

static const char *ip6_state(u8_t s)
{
	if (ip6_addr_istentative(s))
		return "tentative";
	if (ip6_addr_isduplicated(s))
		return "duplicated";
	if (ip6_addr_ispreferred(s))
		return "preferred";
	/* lwIP's "deprecated" is plain "valid": an address without a
	 * preferred lifetime, as the loopback's ::1. */
	if (ip6_addr_isvalid(s))
		return "valid";
	return "invalid";
}

/* A copy of what is printed, taken under the core lock. */
struct ifsnap {
	char name[16];
	u8_t flags, hwaddr_len, hwaddr[NETIF_MAX_HWADDR_LEN];
	u16_t mtu;
	ip4_addr_t ip, mask, gw;
	ip6_addr_t ip6[LWIP_IPV6_NUM_ADDRESSES];
	u8_t ip6_state[LWIP_IPV6_NUM_ADDRESSES];
};

static int cmd_ifconfig(int argc, char **argv)
{
	enum { MAXIF = 8 };
	struct ifsnap snap[MAXIF];
	struct netif *nif;
	int n = 0;

	if (!net_ready())
		return -ENODEV;
	LOCK_TCPIP_CORE();
	NETIF_FOREACH(nif) {
		struct ifsnap *s = &snap[n];

		if (n == MAXIF)
			break;
		net_ifname(nif, s->name, sizeof(s->name));
		if (argc > 1 && strcmp(argv[1], s->name) != 0)
			continue;
		s->flags = nif->flags;
		s->mtu = nif->mtu;
		s->hwaddr_len = nif->hwaddr_len;
		memcpy(s->hwaddr, nif->hwaddr, sizeof(s->hwaddr));
		ip4_addr_copy(s->ip, *netif_ip4_addr(nif));
		ip4_addr_copy(s->mask, *netif_ip4_netmask(nif));
		ip4_addr_copy(s->gw, *netif_ip4_gw(nif));
		for (int i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++) {
			ip6_addr_copy(s->ip6[i], *netif_ip6_addr(nif, i));
			s->ip6_state[i] = netif_ip6_addr_state(nif, i);
		}
		n++;
	}
	UNLOCK_TCPIP_CORE();
	if (argc > 1 && n == 0) {
		kprintf("ifconfig: no interface %s\n", argv[1]);
		return -ENODEV;
	}

	for (int i = 0; i < n; i++) {
		struct ifsnap *s = &snap[i];
		char a[IP6ADDR_STRLEN_MAX];

		kprintf("%s: %s%s mtu %u\n", s->name,
			s->flags & NETIF_FLAG_UP ? "up" : "down",
			s->flags & NETIF_FLAG_LINK_UP ? ", link up" : "", s->mtu);
		if (s->hwaddr_len == 6)
			kprintf("    ether %02x:%02x:%02x:%02x:%02x:%02x\n",
				s->hwaddr[0], s->hwaddr[1], s->hwaddr[2],
				s->hwaddr[3], s->hwaddr[4], s->hwaddr[5]);
		if (!ip4_addr_isany_val(s->ip)) {
			kprintf("    inet %s", ip4addr_ntoa_r(&s->ip, a, sizeof(a)));
			kprintf(" netmask %s", ip4addr_ntoa_r(&s->mask, a, sizeof(a)));
			if (!ip4_addr_isany_val(s->gw))
				kprintf(" gateway %s",
					ip4addr_ntoa_r(&s->gw, a, sizeof(a)));
			kprintf("\n");
		}
		for (int j = 0; j < LWIP_IPV6_NUM_ADDRESSES; j++)
			if (!ip6_addr_isinvalid(s->ip6_state[j]))
				kprintf("    inet6 %s (%s)\n",
					ip6addr_ntoa_r(&s->ip6[j], a, sizeof(a)),
					ip6_state(s->ip6_state[j]));
	}
	return 0;
}
SHELL_CMD("ifconfig", "ifconfig [IF] - interfaces, their link and addresses",
	  cmd_ifconfig);
