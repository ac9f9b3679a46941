// SPDX-License-Identifier: MIT
/* net_ifinfo (include/net/ifinfo.h): the interfaces as text, for status
 * pages. Copied under the core lock, formatted after. */
#include <kern/errno.h>
#include <net/ifinfo.h>
#include <net/net.h>
#include <stdio.h>
#include <string.h>
#include "lwip/netif.h"
#include "lwip/tcpip.h"
#include "netpriv.h"

struct snap {
	char name[16];
	u8_t flags, hwaddr_len, hwaddr[NETIF_MAX_HWADDR_LEN];
	u16_t mtu;
	ip4_addr_t ip, mask, gw;
	ip6_addr_t ip6[LWIP_IPV6_NUM_ADDRESSES];
	u8_t ip6_state[LWIP_IPV6_NUM_ADDRESSES];
};

int net_ifinfo(struct net_ifinfo *out, int max)
{
	enum { MAXIF = 8 };
	struct snap snap[MAXIF];
	struct netif *nif;
	int n = 0, total = 0;

	if (!net_ready())
		return -ENODEV;
	LOCK_TCPIP_CORE();
	NETIF_FOREACH(nif) {
		struct snap *s = &snap[n];

		total++;
		if (n == MAXIF || n == max)
			continue;
		net_ifname(nif, s->name, sizeof(s->name));
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

	for (int i = 0; i < n; i++) {
		struct snap *s = &snap[i];
		struct net_ifinfo *o = &out[i];
		int k = 0;

		memset(o, 0, sizeof(*o));
		snprintf(o->name, sizeof(o->name), "%s", s->name);
		o->up = s->flags & NETIF_FLAG_UP;
		o->link_up = s->flags & NETIF_FLAG_LINK_UP;
		o->mtu = s->mtu;
		if (s->hwaddr_len == 6)
			snprintf(o->mac, sizeof(o->mac), "%02x:%02x:%02x:%02x:%02x:%02x",
				 s->hwaddr[0], s->hwaddr[1], s->hwaddr[2], s->hwaddr[3],
				 s->hwaddr[4], s->hwaddr[5]);
		if (!ip4_addr_isany_val(s->ip)) {
			ip4addr_ntoa_r(&s->ip, o->ip4, sizeof(o->ip4));
			ip4addr_ntoa_r(&s->mask, o->mask4, sizeof(o->mask4));
			if (!ip4_addr_isany_val(s->gw))
				ip4addr_ntoa_r(&s->gw, o->gw4, sizeof(o->gw4));
		}
		for (int j = 0; j < LWIP_IPV6_NUM_ADDRESSES && k < NET_IFINFO_V6; j++) {
			if (ip6_addr_isinvalid(s->ip6_state[j]))
				continue;
			ip6addr_ntoa_r(&s->ip6[j], o->ip6[k], sizeof(o->ip6[k]));
			snprintf(o->ip6_state[k], sizeof(o->ip6_state[k]), "%s",
				 net_ip6_state_name(s->ip6_state[j]));
			k++;
		}
	}
	return total;
}
