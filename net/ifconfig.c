/* SPDX-License-Identifier: MIT */
/* `ifconfig`: the interfaces lwIP has, with their link state, MTU, MAC,
 * addresses and (for a device) its counters, named as the kernel names
 * them ("lo0", "vioif0"); and the changes an operator makes by hand:
 * up/down, a static IPv4 address (DHCP stops), back to DHCP, another IPv6
 * address; and destroy/create, which take a device's interface out of the
 * stack and bring it back (net/netif_vioif.c); and `wait`, for scripts
 * that need an address before they go on. */
#include <drivers/netdev.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/shell.h>
#include <kern/sched.h>
#include <kern/time.h>
#include <net/net.h>
#include <stdio.h>
#include <string.h>
#include "lwip/dhcp.h"
#include "lwip/netif.h"
#include "lwip/tcpip.h"
#include "netcfg.h"
#include "netif_vioif.h"
#include "netpriv.h"
#include "pingstat.h"

/* The kernel's name of an interface: the device's for a NIC, lwIP's
 * (two letters and its number) for the rest. */
void net_ifname(const struct netif *nif, char *buf, size_t size)
{
	if (!net_vioif_name(nif, buf, size))
		snprintf(buf, size, "%c%c%u", nif->name[0], nif->name[1],
			 nif->num);
}

const char *net_ip6_state_name(uint8_t s)
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
	bool dhcp, dev;
	struct netdev_stats st;
	uint64_t rx_nomem, tx_drop;
};

static struct netif *find_if(const char *name)
{
	struct netif *nif;
	char n[16];

	NETIF_FOREACH(nif) {
		net_ifname(nif, n, sizeof(n));
		if (strcmp(n, name) == 0)
			return nif;
	}
	return NULL;
}

int net_if_info(const char *name, struct net_if_info *out)
{
	struct netif *nif;

	if (!net_ready())
		return -ENODEV;
	memset(out, 0, sizeof(*out));
	LOCK_TCPIP_CORE();
	nif = find_if(name);
	if (nif) {
		out->up = netif_is_up(nif);
		out->link_up = netif_is_link_up(nif);
		out->dhcp = dhcp_supplied_address(nif);
		out->mtu = nif->mtu;
		memcpy(out->ip4, &netif_ip4_addr(nif)->addr, 4);
		memcpy(out->mask4, &netif_ip4_netmask(nif)->addr, 4);
		memcpy(out->gw4, &netif_ip4_gw(nif)->addr, 4);
		for (int i = 0; i < LWIP_IPV6_NUM_ADDRESSES && out->nip6 < NET_IF_IP6_MAX; i++) {
			u8_t st = netif_ip6_addr_state(nif, i);

			if (!ip6_addr_isvalid(st))
				continue;
			memcpy(out->ip6[out->nip6], netif_ip6_addr(nif, i)->addr, 16);
			out->ip6_preferred[out->nip6++] = ip6_addr_ispreferred(st);
		}
	}
	UNLOCK_TCPIP_CORE();
	return nif ? 0 : -ENODEV;
}

/* The longest `ifconfig IF wait` (Ctrl-C ends it sooner). */
#define WAIT_MAX_S      3600
#define WAIT_DEFAULT_S  10
/* How often it looks: DHCP over QEMU's user network takes some tens of
 * milliseconds, a real DHCP server up to seconds. */
#define WAIT_STEP_NS    (20 * NSEC_PER_MSEC)

/* ifconfig IF wait [SECONDS]: until IF has an IPv4 address (a lease or a
 * static one), for scripts (`run="ifconfig vioif0 wait; ping ..."`): the
 * boot does not wait for DHCP, so a command run right after it may find
 * no route yet. @return 0, -ETIMEDOUT, -ENODEV, -EINVAL, or -EINTR. */
static int ifconfig_wait(int argc, char **argv)
{
	unsigned secs = WAIT_DEFAULT_S;
	struct net_if_info info;
	uint64_t end;
	int rc;

	if (argc > 4 || (argc == 4 && ping_parse_uint(argv[3], 1, WAIT_MAX_S,
								    &secs) < 0)) {
		kprintf("usage: ifconfig IF wait [SECONDS] (1 to %d, default %d)\n",
			WAIT_MAX_S, WAIT_DEFAULT_S);
		return -EINVAL;
	}
	end = time_ns() + (uint64_t)secs * NSEC_PER_SEC;
	for (;;) {
		if ((rc = net_if_info(argv[1], &info)) < 0) {
			kprintf("ifconfig: no interface %s\n", argv[1]);
			return rc;
		}
		if (info.ip4[0] | info.ip4[1] | info.ip4[2] | info.ip4[3]) {
			kprintf("%s: inet %u.%u.%u.%u%s\n", argv[1], info.ip4[0],
				info.ip4[1], info.ip4[2], info.ip4[3],
				info.dhcp ? " (DHCP)" : "");
			return 0;
		}
		if (time_ns() >= end) {
			kprintf("ifconfig: %s has no IPv4 address after %u s\n",
				argv[1], secs);
			return -ETIMEDOUT;
		}
		if ((rc = thread_sleep_ns(WAIT_STEP_NS)) < 0)
			return rc;
	}
}

/* ifconfig IF up|down|dhcp|A.B.C.D/N [GW]|ADDR6/N (see the help line). */
static int ifconfig_set(int argc, char **argv)
{
	struct netcfg c = { 0 };
	struct netcfg_if f;
	struct netif *nif;
	const char *what = argv[2];
	char key[48];
	bool v6 = strchr(what, ':') != NULL;
	int rc = 0;

	if (!strcmp(what, "wait"))
		return ifconfig_wait(argc, argv);
	if (!strcmp(what, "create") || !strcmp(what, "destroy")) {
		bool create = what[0] == 'c';

		if (argc > 3) {
			kprintf("ifconfig: %s takes nothing after it\n", what);
			return -EINVAL;
		}
		rc = create ? net_vioif_create(argv[1]) : net_vioif_release(argv[1]);
		if (rc == -EEXIST)
			kprintf("ifconfig: %s is in the stack already\n", argv[1]);
		else if (rc == -ENOENT)
			kprintf("ifconfig: %s is not in the stack\n", argv[1]);
		else if (rc == -ENODEV)
			kprintf("ifconfig: no network device %s\n", argv[1]);
		else if (rc < 0)
			kprintf("ifconfig: %s %s: error %d\n", what, argv[1], rc);
		return rc;
	}
	if (strcmp(what, "up") && strcmp(what, "down") && strcmp(what, "dhcp")) {
		/* The address options' own parser: strict, all or nothing. */
		snprintf(key, sizeof(key), "net.%s.%s", argv[1], v6 ? "ip6" : "ip");
		if (netcfg_set(&c, key, what) < 0 || (argc > 3 &&
		    (v6 || netcfg_set(&c, "net.x.gw", argv[3]) < 0)) || argc > 4) {
			kprintf("ifconfig: want A.B.C.D/N [GATEWAY] or ADDR6/N, not %s\n",
				what);
			return -EINVAL;
		}
		netcfg_if_get(&c, argv[1], &f);
		if ((v6 ? f.v6 : f.v4) != NETCFG_STATIC) {
			kprintf("ifconfig: want an address, not %s\n", what);
			return -EINVAL;
		}
	} else if (argc > 3) {
		kprintf("ifconfig: %s takes nothing after it\n", what);
		return -EINVAL;
	}
	LOCK_TCPIP_CORE();
	nif = find_if(argv[1]);
	if (!nif) {
		rc = -ENODEV;
	} else if (strcmp(what, "up") == 0) {
		netif_set_up(nif);
	} else if (strcmp(what, "down") == 0) {
		netif_set_down(nif);
	} else if (strcmp(what, "dhcp") == 0) {
		rc = dhcp_start(nif) == ERR_OK ? 0 : -ENOMEM;
	} else if (v6) {
		ip6_addr_t a;
		s8_t idx;

		memcpy(&a.addr, f.ip6, 16);
		ip6_addr_clear_zone(&a);
		if (netif_add_ip6_address(nif, &a, &idx) != ERR_OK)
			rc = -ENOSPC;
	} else {
		ip4_addr_t ip, mask, gw;
		struct netcfg_if g;

		netcfg_if_get(&c, "x", &g);
		IP4_ADDR(&ip, f.ip4[0], f.ip4[1], f.ip4[2], f.ip4[3]);
		ip4_addr_set_u32(&mask, f.plen4 ? lwip_htonl(~0u << (32 - f.plen4)) : 0);
		if (g.has_gw4)
			IP4_ADDR(&gw, g.gw4[0], g.gw4[1], g.gw4[2], g.gw4[3]);
		else
			ip4_addr_copy(gw, *netif_ip4_gw(nif));
		dhcp_release_and_stop(nif);
		netif_set_addr(nif, &ip, &mask, &gw);
	}
	UNLOCK_TCPIP_CORE();
	if (rc == -ENODEV)
		kprintf("ifconfig: no interface %s\n", argv[1]);
	else if (rc == -ENOSPC)
		kprintf("ifconfig: %s has no room for another IPv6 address\n", argv[1]);
	return rc;
}

static int cmd_ifconfig(int argc, char **argv)
{
	enum { MAXIF = 8 };
	struct ifsnap snap[MAXIF];
	struct netif *nif;
	int n = 0;

	if (!net_ready())
		return -ENODEV;
	if (argc > 2)
		return ifconfig_set(argc, argv);
	LOCK_TCPIP_CORE();
	NETIF_FOREACH(nif) {
		struct netdev *nd;
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
		s->dhcp = dhcp_supplied_address(nif);
		nd = net_vioif_dev(nif, &s->rx_nomem, &s->tx_drop);
		s->dev = nd != NULL;
		if (nd)
			s->st = nd->stats;
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

		kprintf("%s: %s, link %s, mtu %u\n", s->name,
			s->flags & NETIF_FLAG_UP ? "up" : "down",
			s->flags & NETIF_FLAG_LINK_UP ? "up" : "down", s->mtu);
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
			kprintf("%s\n", s->dhcp ? " (DHCP)" : "");
		}
		for (int j = 0; j < LWIP_IPV6_NUM_ADDRESSES; j++)
			if (!ip6_addr_isinvalid(s->ip6_state[j]))
				kprintf("    inet6 %s (%s)\n",
					ip6addr_ntoa_r(&s->ip6[j], a, sizeof(a)),
					net_ip6_state_name(s->ip6_state[j]));
		if (!s->dev)
			continue;
		kprintf("    rx %llu packets %llu bytes, dropped %llu; "
			"tx %llu packets %llu bytes, dropped %llu\n",
			(unsigned long long)s->st.rx_packets,
			(unsigned long long)s->st.rx_bytes,
			(unsigned long long)(s->st.rx_dropped + s->rx_nomem),
			(unsigned long long)s->st.tx_packets,
			(unsigned long long)s->st.tx_bytes,
			(unsigned long long)(s->st.tx_dropped + s->tx_drop));
		kprintf("    rx runt %llu oversize %llu nomem %llu, csum valid %llu sw %llu; "
			"tx csum offload %llu sw %llu; link changes %llu\n",
			(unsigned long long)s->st.rx_runt,
			(unsigned long long)s->st.rx_oversize,
			(unsigned long long)(s->st.rx_nomem + s->rx_nomem),
			(unsigned long long)s->st.rx_csum_valid,
			(unsigned long long)s->st.rx_csum_sw,
			(unsigned long long)s->st.tx_csum_offload,
			(unsigned long long)s->st.tx_csum_sw,
			(unsigned long long)s->st.link_changes);
	}
	return 0;
}
SHELL_CMD("ifconfig", "ifconfig [IF [up|down|dhcp|A.B.C.D/N [GW]|ADDR6/N|create|destroy|"
	  "wait [SECONDS]]] - interfaces, their link, addresses and counters; change one, or "
	  "wait for its IPv4 address", cmd_ifconfig);
