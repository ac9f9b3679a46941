/* SPDX-License-Identifier: MIT */
/* The neighbour tables and the resolver for the shell: `arp` (lwIP's ARP
 * cache, its resolved entries), `ndp` (IPv6 neighbour cache, RFC 4861
 * §5.1, with each entry's state) and `dns` (the resolvers, and a lookup of
 * a name's A and AAAA records). Tables are copied under the core lock and
 * printed after. */
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/shell.h>
#include <net/net.h>
#include <stdlib.h>
#include <string.h>
#include "lwip/api.h"
#include "lwip/dns.h"
#include "lwip/etharp.h"
#include "lwip/tcpip.h"
#include "lwip/priv/nd6_priv.h"
#include "netif_vioif.h"
#include "netpriv.h"

struct neigh {
	ip_addr_t ip;
	uint8_t mac[6];
	char ifname[16];
	u8_t state, router;
};

static void print_mac(const uint8_t *m)
{
	kprintf("%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static int cmd_arp(int argc, char **argv)
{
	struct neigh *t;
	int n = 0;

	if (!net_ready())
		return -ENODEV;
	t = calloc(ARP_TABLE_SIZE, sizeof(*t));
	if (!t)
		return -ENOMEM;
	LOCK_TCPIP_CORE();
	for (size_t i = 0; i < ARP_TABLE_SIZE; i++) {
		ip4_addr_t *ip;
		struct netif *nif;
		struct eth_addr *eth;

		if (!etharp_get_entry(i, &ip, &nif, &eth))
			continue;
		ip_addr_copy_from_ip4(t[n].ip, *ip);
		memcpy(t[n].mac, eth->addr, 6);
		net_ifname(nif, t[n].ifname, sizeof(t[n].ifname));
		n++;
	}
	UNLOCK_TCPIP_CORE();
	kprintf("%-16s %-17s %s\n", "address", "hwaddr", "interface");
	for (int i = 0; i < n; i++) {
		char a[IPADDR_STRLEN_MAX];

		kprintf("%-16s ", ipaddr_ntoa_r(&t[i].ip, a, sizeof(a)));
		print_mac(t[i].mac);
		kprintf(" %s\n", t[i].ifname);
	}
	kprintf("%d entries\n", n);
	free(t);
	return 0;
}
SHELL_CMD("arp", "arp - the ARP cache (resolved entries)", cmd_arp);

static const char *const nd_states[] = {
	"none", "incomplete", "reachable", "stale", "delay", "probe",
};

static int cmd_ndp(int argc, char **argv)
{
	struct neigh *t;
	int n = 0;

	if (!net_ready())
		return -ENODEV;
	t = calloc(LWIP_ND6_NUM_NEIGHBORS, sizeof(*t));
	if (!t)
		return -ENOMEM;
	LOCK_TCPIP_CORE();
	for (int i = 0; i < LWIP_ND6_NUM_NEIGHBORS; i++) {
		const struct nd6_neighbor_cache_entry *e = &neighbor_cache[i];

		if (e->state == ND6_NO_ENTRY || !e->netif)
			continue;
		ip_addr_copy_from_ip6(t[n].ip, e->next_hop_address);
		memcpy(t[n].mac, e->lladdr, 6);
		net_ifname(e->netif, t[n].ifname, sizeof(t[n].ifname));
		t[n].state = e->state;
		t[n].router = e->isrouter;
		n++;
	}
	UNLOCK_TCPIP_CORE();
	kprintf("%-28s %-17s %-10s %s\n", "address", "hwaddr", "state", "interface");
	for (int i = 0; i < n; i++) {
		char a[IPADDR_STRLEN_MAX];

		kprintf("%-28s ", ipaddr_ntoa_r(&t[i].ip, a, sizeof(a)));
		if (t[i].state == ND6_INCOMPLETE)
			kprintf("%-17s", "(incomplete)");
		else
			print_mac(t[i].mac);
		kprintf(" %-10s %s%s\n",
			t[i].state < ARRAY_SIZE(nd_states) ? nd_states[t[i].state] : "?",
			t[i].ifname, t[i].router ? " router" : "");
	}
	kprintf("%d entries\n", n);
	free(t);
	return 0;
}
SHELL_CMD("ndp", "ndp - the IPv6 neighbour cache", cmd_ndp);

/* One lookup of name in one family, printed. @return 0 or -ENOENT. */
static int dns_lookup(const char *name, u8_t type, const char *rr)
{
	ip_addr_t a;
	char buf[IPADDR_STRLEN_MAX];
	err_t e = netconn_gethostbyname_addrtype(name, &a, type);

	if (e != ERR_OK) {
		kprintf("%s %s: %s\n", name, rr, e == ERR_VAL ? "no such name or no answer" :
			lwip_strerr(e));
		return -ENOENT;
	}
	kprintf("%s %s %s\n", name, rr, ipaddr_ntoa_r(&a, buf, sizeof(buf)));
	return 0;
}

static int cmd_dns(int argc, char **argv)
{
	ip_addr_t srv[DNS_MAX_SERVERS];
	int found = 0;

	if (!net_ready())
		return -ENODEV;
	if (argc > 2) {
		kprintf("usage: dns [NAME]\n");
		return -EINVAL;
	}
	LOCK_TCPIP_CORE();
	for (int i = 0; i < DNS_MAX_SERVERS; i++)
		ip_addr_copy(srv[i], *dns_getserver((u8_t)i));
	UNLOCK_TCPIP_CORE();
	if (argc == 1) {
		for (int i = 0; i < DNS_MAX_SERVERS; i++) {
			char buf[IPADDR_STRLEN_MAX];

			if (!ip_addr_isany_val(srv[i]))
				kprintf("resolver %d: %s\n", i,
					ipaddr_ntoa_r(&srv[i], buf, sizeof(buf)));
		}
		kprintf("resolvers from %s\n", net_dns_source());
		return 0;
	}
	/* Each family on its own: an A and an AAAA query. */
	if (dns_lookup(argv[1], NETCONN_DNS_IPV4, "A") == 0)
		found++;
	if (dns_lookup(argv[1], NETCONN_DNS_IPV6, "AAAA") == 0)
		found++;
	return found ? 0 : -ENOENT;
}
SHELL_CMD("dns", "dns [NAME] - the resolvers, or NAME's IPv4 and IPv6 addresses",
	  cmd_dns);
