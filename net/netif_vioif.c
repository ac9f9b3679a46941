/* SPDX-License-Identifier: MIT */
/* lwIP interfaces over the kernel's network devices (<drivers/netdev.h>):
 * every device the registry announces becomes an lwIP netif, configured
 * from the net.* options (net/netcfg.h) or by DHCP and SLAAC.
 *
 * Transmit is zero-copy: the pbuf chain is posted as scatter-gather and
 * held (pbuf_ref) until the driver's done(). TCP checksums are left to the
 * device through netdev_csum_prepare (lwIP has no partial checksums, so
 * its TCP generation is off on these interfaces); UDP's stay in software,
 * because a UDP datagram larger than the MTU leaves as IPv4 fragments,
 * which the offload does not cover. Receive copies each frame into a pool
 * pbuf: lwIP 2.1.3's custom pbufs (zero-copy receive) lack the fix for
 * its bug #60681, and one copy keeps the driver's buffers moving.
 * lwIP cannot skip its receive checksum check per packet, so the
 * device's DATA_VALID is not used yet.
 *
 * Pure ACKs are coalesced, as GRO does for Linux: while the tcpip thread
 * has more input queued, a pure ACK is held back, and a later one for the
 * same connection that acknowledges more replaces it (at most
 * VIF_ACK_COALESCE of them); anything else sent on the interface first
 * sends the held one, and so does the tcpip thread when its mailbox runs
 * empty (net_vioif_idle). lwIP acknowledges every second segment; a
 * burst of 64 received segments then costs one or a few ACKs, not 32
 * frames and device notifications.
 *
 * Configuration, per key, from the first source that has a well-formed
 * value: the command line, then the hypervisor's key-value store (fw_cfg
 * items opt/net/IF/ip, ...; pvbus), then the default (DHCP, SLAAC). Which
 * one won is logged; a malformed value is warned about and passed over.
 * Resolvers given that way (net.dns) also win over DHCP's: lwIP's DHCP
 * client hands its resolvers to net_dhcp_dns_setserver (the Makefile
 * renames its dns_setserver call), which drops them then. */
#include <drivers/netdev.h>
#include <drivers/pvbus.h>
#include <kern/cmdline.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/sched.h>
#include <net/net.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lwip/dhcp.h"
#include "lwip/dns.h"
#include "lwip/etharp.h"
#include "lwip/ethip6.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/tcpip.h"
#include "netcfg.h"
#include "netif_vioif.h"
#include "netpriv.h"

/* Every net.<key>; net_vioif_start warns about the ones not known. */
CMDLINE_OPT(net_opts, "net.*",
	    "net.dns=ADDR[,ADDR]; net.attach=all|none|IF[,IF]; net.IF.ip=A.B.C.D/N|dhcp|off, net.IF.gw=A.B.C.D, "
	    "net.IF.ip6=ADDR/N|auto|off (IF: vioif0, ...); also fw_cfg opt/net/IF/ip, ...");

#define VIF_ACK_COALESCE 16     /* ACKs one held ACK may stand for */

struct vif {
	struct netif netif;
	struct netdev *nd;
	uint64_t rx_nomem, tx_drop;
	uint64_t acks_coalesced;        /* pure ACKs replaced by a later one */
	struct pbuf *held;              /* a pure ACK held back, or NULL */
	uint8_t held_flow[12];          /* its addresses and ports */
	uint32_t held_ack;              /* its acknowledgment number */
	unsigned held_n;                /* ACKs it replaced */
	bool attached;                  /* in lwIP's list, the device open */
	struct vif *next;
};

static struct vif *vifs;

/* --- Transmit --------------------------------------------------------------- */
static void vif_tx_done(struct netdev *nd, void *arg, int err)
{
	pbuf_free(arg);         /* thread-safe: SYS_LIGHTWEIGHT_PROT */
}

static err_t vif_send(struct vif *v, struct pbuf *p)
{
	struct netdev_sg sg[16];
	struct netdev_tx tx = { .sg = sg, .done = vif_tx_done };
	unsigned max = MIN(v->nd->tx_max_sg, ARRAY_SIZE(sg));
	struct pbuf *q, *send = p;
	int rc;

	/* A chain longer than the device takes is flattened first. */
	if (pbuf_clen(p) > max) {
		send = pbuf_clone(PBUF_RAW, PBUF_RAM, p);
		if (!send) {
			v->tx_drop++;
			return ERR_MEM;
		}
	} else {
		pbuf_ref(p);
	}
	for (q = send; q; q = q->next)
		if (q->len)
			sg[tx.nsg++] = (struct netdev_sg){ q->payload, q->len };
	tx.arg = send;
	rc = netdev_csum_prepare(&tx);
	if (rc < 0 && rc != -ENOENT) {
		pbuf_free(send);
		v->tx_drop++;
		return ERR_VAL;
	}
	rc = netdev_xmit(v->nd, &tx);
	if (rc < 0) {
		/* done() will not come: the frame is ours to drop. TCP
		 * retransmits; a full ring is the only expected case. */
		pbuf_free(send);
		v->tx_drop++;
		return rc == -ENOSPC ? ERR_MEM : ERR_IF;
	}
	return ERR_OK;
}

/* Is p a pure ACK (IPv4 TCP, ACK the only flag, no data, headers in the
 * first pbuf, as lwIP builds them)? Then its flow and ack number. */
static bool tcp_pure_ack(const struct pbuf *p, uint8_t flow[12], uint32_t *ack)
{
	const uint8_t *f = p->payload, *ip = f + 14, *tcp;
	unsigned ihl, doff;

	if (p->len < 14 + 20 + 20 || f[12] != 0x08 || f[13] != 0x00 ||
	    ip[0] >> 4 != 4 || ip[9] != 6 || (ip[6] & 0x3f) || ip[7])
		return false;                   /* not IPv4 TCP, or a fragment */
	ihl = (ip[0] & 0xfu) * 4;
	if (ihl < 20 || p->len < 14 + ihl + 20)
		return false;
	tcp = ip + ihl;
	doff = (tcp[12] >> 4) * 4u;
	if (doff < 20 || (unsigned)(ip[2] << 8 | ip[3]) != ihl + doff || tcp[13] != 0x10)
		return false;                   /* data, or SYN/FIN/RST/PSH/URG */
	memcpy(flow, ip + 12, 8);
	memcpy(flow + 8, tcp, 4);
	*ack = (uint32_t)tcp[8] << 24 | (uint32_t)tcp[9] << 16 | (uint32_t)tcp[10] << 8 | tcp[11];
	return true;
}

static void vif_flush(struct vif *v)
{
	struct pbuf *p = v->held;

	if (!p)
		return;
	v->held = NULL;
	vif_send(v, p);         /* a drop is counted there; TCP recovers */
	pbuf_free(p);
}

static err_t vif_linkoutput(struct netif *netif, struct pbuf *p)
{
	struct vif *v = netif->state;
	uint8_t flow[12];
	uint32_t ack;
	unsigned n = 0;
	bool pure = tcp_pure_ack(p, flow, &ack);

	if (v->held) {
		if (pure && !memcmp(flow, v->held_flow, sizeof(flow)) &&
		    (int32_t)(ack - v->held_ack) > 0 && v->held_n < VIF_ACK_COALESCE) {
			/* Acknowledges more (a duplicate ACK never replaces). */
			pbuf_free(v->held);
			v->held = NULL;
			v->acks_coalesced++;
			n = v->held_n + 1;
		} else {
			vif_flush(v);
		}
	}
	if (pure && thread_self() == net_tcpip_thread() && net_tcpip_backlog() > 0) {
		pbuf_ref(p);
		v->held = p;
		memcpy(v->held_flow, flow, sizeof(flow));
		v->held_ack = ack;
		v->held_n = n;
		return ERR_OK;
	}
	return vif_send(v, p);
}

/* The tcpip thread is about to wait for input: send the held ACKs. */
void net_vioif_idle(void)
{
	for (struct vif *v = vifs; v; v = v->next)
		if (v->attached)
			vif_flush(v);
}

/* --- Receive (the driver's thread) -------------------------------------------- */
static int vif_rx(struct netdev *nd, void *ctx, struct netdev_rx *rx)
{
	struct vif *v = ctx;
	struct pbuf *p;
	uint32_t off = 0;

	if (!v->attached || rx->len > 0xffff)
		return NETDEV_RX_DONE;          /* being created; or not one pbuf chain */
	p = pbuf_alloc(PBUF_RAW, (u16_t)rx->len, PBUF_POOL);
	if (!p) {
		v->rx_nomem++;                  /* budget spent: drop, go on */
		return NETDEV_RX_DONE;
	}
	for (unsigned i = 0; i < rx->nseg && off < rx->len; i++) {
		uint32_t n = MIN(rx->seg[i].len, rx->len - off);

		pbuf_take_at(p, rx->seg[i].addr, (u16_t)n, (u16_t)off);
		off += n;
	}
	/* tcpip_input queues it for the tcpip thread; no lock needed. */
	if (v->netif.input(p, &v->netif) != ERR_OK)
		pbuf_free(p);
	return NETDEV_RX_DONE;
}

static void vif_link_changed(struct netdev *nd, void *ctx, bool up)
{
	struct vif *v = ctx;

	LOCK_TCPIP_CORE();
	if (up)
		netif_set_link_up(&v->netif);
	else
		netif_set_link_down(&v->netif);
	UNLOCK_TCPIP_CORE();
	pr_info("net: %s link %s\n", nd->name, up ? "up" : "down");
}

/* --- Routes while the link is down (the hooks in lwipopts.h) ------------------ */
static bool vif_link_down(const struct netif *nif)
{
	return nif->linkoutput == vif_linkoutput && netif_is_up(nif) &&
	       !netif_is_link_up(nif);
}

/* Only when lwIP found no interface (src NULL: ip4_route's last resort):
 * the interface whose subnet holds dest, or the default one with a
 * gateway, if its link is down. */
struct netif *net_route4_link_down(const ip4_addr_t *src, const ip4_addr_t *dest)
{
	struct netif *nif;

	if (src)
		return NULL;
	NETIF_FOREACH(nif) {
		if (!vif_link_down(nif) || ip4_addr_isany_val(*netif_ip4_addr(nif)))
			continue;
		if (ip4_addr_netcmp(dest, netif_ip4_addr(nif), netif_ip4_netmask(nif)) ||
		    (nif == netif_default && !ip4_addr_isany_val(*netif_ip4_gw(nif))))
			return nif;
	}
	return NULL;
}

/* lwIP asks first, for an unzoned destination: an interface with its link
 * down that has a valid address in dest's /64 (one with its link up is
 * lwIP's own business). */
struct netif *net_route6_link_down(const ip6_addr_t *src, const ip6_addr_t *dest)
{
	struct netif *nif;

	NETIF_FOREACH(nif) {
		if (!vif_link_down(nif))
			continue;
		for (int i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++)
			if (ip6_addr_isvalid(netif_ip6_addr_state(nif, i)) &&
			    ip6_addr_netcmp(dest, netif_ip6_addr(nif, i)))
				return nif;
	}
	return NULL;
}

/* --- Set-up ---------------------------------------------------------------------- */
static err_t vif_netif_init(struct netif *netif)
{
	struct vif *v = netif->state;

	netif->name[0] = 'v';
	netif->name[1] = 'i';
	netif->hwaddr_len = ETH_HWADDR_LEN;
	memcpy(netif->hwaddr, v->nd->mac, ETH_HWADDR_LEN);
	netif->mtu = (u16_t)MIN(v->nd->mtu, 0xffffu);
	netif->mtu6 = netif->mtu;
	netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP |
		       NETIF_FLAG_ETHERNET | NETIF_FLAG_IGMP | NETIF_FLAG_MLD6;
	netif->output = etharp_output;
	netif->output_ip6 = ethip6_output;
	netif->linkoutput = vif_linkoutput;
	NETIF_SET_CHECKSUM_CTRL(netif, NETIF_CHECKSUM_ENABLE_ALL &
				~NETIF_CHECKSUM_GEN_TCP);
	return ERR_OK;
}

/* The settings in force, from every source (net_vioif_start, vif_added). */
static struct netcfg cfg;
static const char *dns_src;     /* where cfg.dns came from, or NULL */

/* Sources of a key, in order of precedence. */
enum { SRC_CMDLINE, SRC_STORE, NSRC };

/* Apply key from the first source with a well-formed value and say which
 * won. @return that source's name, or NULL when neither had one. */
static const char *cfg_key(const char *key)
{
	static char sval[128];
	char skey[64], src[NSRC][96];
	const char *vals[NSRC] = { cmdline_get(key), NULL };
	unsigned bad;
	int rc;

	snprintf(src[SRC_CMDLINE], sizeof(src[0]), "the command line");
	if (netcfg_store_key(key, skey, sizeof(skey)) == 0) {
		snprintf(src[SRC_STORE], sizeof(src[0]), "the hypervisor store (%s)", skey);
		rc = pvbus_kv_read(NULL, skey, sval, sizeof(sval));
		if (rc >= 0) {
			netcfg_trim(sval);
			vals[SRC_STORE] = sval;
		} else if (rc == -ERANGE) {
			pr_warn("net: %s in the hypervisor store is too long, ignored\n", skey);
		}
	}
	rc = netcfg_set_first(&cfg, key, vals, NSRC, &bad);
	for (int i = 0; i < NSRC; i++)
		if (bad & (1u << i))
			pr_warn("net: %s=%s from %s is malformed, ignored\n", key,
				vals[i], src[i]);
	if (rc < 0)
		return NULL;
	pr_info("net: %s=%s from %s\n", key, vals[rc], src[rc]);
	for (int i = rc + 1; i < NSRC; i++)
		if (vals[i] && !(bad & (1u << i)))
			pr_info("net: %s=%s from %s not used\n", key, vals[i], src[i]);
	return rc == SRC_CMDLINE ? "the command line" : "the hypervisor store";
}

struct if_src {
	const char *v4, *gw, *v6;
};

static void cfg_load(const char *ifname, struct if_src *s)
{
	char key[64];

	snprintf(key, sizeof(key), "net.%s.ip", ifname);
	s->v4 = cfg_key(key);
	snprintf(key, sizeof(key), "net.%s.gw", ifname);
	s->gw = cfg_key(key);
	snprintf(key, sizeof(key), "net.%s.ip6", ifname);
	s->v6 = cfg_key(key);
}

static void ip4_from(ip4_addr_t *a, const uint8_t b[4])
{
	IP4_ADDR(a, b[0], b[1], b[2], b[3]);
}

static void vif_configure(struct vif *v, const struct netcfg_if *f,
			  const struct if_src *src)
{
	struct netif *nif = &v->netif;
	const char *name = v->nd->name;

	if (f->v4 == NETCFG_STATIC) {
		ip4_addr_t ip, mask, gw;

		ip4_from(&ip, f->ip4);
		ip4_addr_set_u32(&mask, f->plen4 ? lwip_htonl(~0u << (32 - f->plen4)) : 0);
		ip4_addr_set_zero(&gw);
		if (f->has_gw4)
			ip4_from(&gw, f->gw4);
		netif_set_addr(nif, &ip, &mask, &gw);
		pr_info("net: %s IPv4 %u.%u.%u.%u/%u static, from %s\n", name,
			f->ip4[0], f->ip4[1], f->ip4[2], f->ip4[3], f->plen4, src->v4);
	} else if (f->v4 == NETCFG_AUTO) {
		dhcp_start(nif);
		pr_info("net: %s IPv4 by DHCP%s%s\n", name,
			src->v4 ? ", as asked by " : "", src->v4 ? src->v4 : "");
	} else {
		pr_info("net: %s IPv4 off, as asked by %s\n", name, src->v4);
	}
	if (f->v6 != NETCFG_OFF)
		netif_create_ip6_linklocal_address(nif, 1);
	if (f->v6 == NETCFG_STATIC) {
		ip6_addr_t a;

		memcpy(&a.addr, f->ip6, 16);
		ip6_addr_clear_zone(&a);
		if (netif_add_ip6_address(nif, &a, NULL) != ERR_OK)
			pr_warn("net: %s: no room for its IPv6 address\n", name);
		else
			pr_info("net: %s IPv6 static, from %s\n", name, src->v6);
	} else if (f->v6 == NETCFG_AUTO) {
		netif_set_ip6_autoconfig_enabled(nif, 1);
	} else {
		pr_info("net: %s IPv6 off, as asked by %s\n", name, src->v6);
	}
}

/* Does net.attach give this interface to the stack? Interfaces left out
 * stay free for another netdev client (the raw virtio-net tests). */
static bool vif_wanted(const char *name)
{
	const char *list = cmdline_get("net.attach");
	size_t n = strlen(name);

	if (!list || !strcmp(list, "all"))
		return true;
	for (const char *p = list; *p; ) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == n && !strncmp(p, name, n))
			return true;
		p += len + (end ? 1 : 0);
	}
	return false;
}

/* A lease, or its loss, in the log (tcpip thread, core lock held: the
 * one line is short). */
static void vif_status(struct netif *nif, netif_nsc_reason_t reason,
		       const netif_ext_callback_args_t *args)
{
	char name[NETDEV_NAME_LEN], a[IP4ADDR_STRLEN_MAX], m[IP4ADDR_STRLEN_MAX],
	     g[IP4ADDR_STRLEN_MAX];

	if (!(reason & LWIP_NSC_IPV4_ADDRESS_CHANGED) ||
	    !net_vioif_name(nif, name, sizeof(name)) || !netif_dhcp_data(nif))
		return;
	if (ip4_addr_isany_val(*netif_ip4_addr(nif))) {
		pr_info("net: %s DHCP lease lost\n", name);
		return;
	}
	if (dhcp_supplied_address(nif))
		pr_info("net: %s DHCP lease %s netmask %s gateway %s\n", name,
		ip4addr_ntoa_r(netif_ip4_addr(nif), a, sizeof(a)),
		ip4addr_ntoa_r(netif_ip4_netmask(nif), m, sizeof(m)),
		ip4addr_ntoa_r(netif_ip4_gw(nif), g, sizeof(g)));
}

static void dns_load(void);

/* Bring v's device into the stack: an lwIP interface configured from the
 * net.* options as at boot, the device opened. @return 0, -ENOMEM (lwIP
 * refused the interface), -EBUSY (another client has the device). */
static int vif_attach(struct vif *v)
{
	struct netdev_client cl = { .ctx = v, .rx = vif_rx,
				    .link_changed = vif_link_changed };
	struct netdev *nd = v->nd;
	struct netcfg_if f;
	struct if_src src;

	dns_load();
	cfg_load(nd->name, &src);
	netcfg_if_get(&cfg, nd->name, &f);
	/* The device first: while another client (a bridge, a raw test)
	 * has it, the stack must not send through it. */
	if (netdev_open(nd, &cl) < 0) {
		pr_warn("net: %s: already attached elsewhere\n", nd->name);
		return -EBUSY;
	}
	LOCK_TCPIP_CORE();
	if (!netif_add(&v->netif, NULL, NULL, NULL, v, vif_netif_init,
		       tcpip_input)) {
		UNLOCK_TCPIP_CORE();
		netdev_close(nd);
		pr_warn("net: %s: lwIP refused the interface\n", nd->name);
		return -ENOMEM;
	}
	if (!netif_default || netif_default == netif_get_by_index(1))
		netif_set_default(&v->netif);
	if (nd->link_up)
		netif_set_link_up(&v->netif);
	netif_set_up(&v->netif);
	vif_configure(v, &f, &src);
	v->attached = true;
	UNLOCK_TCPIP_CORE();
	return 0;
}

/* The glue's state for nd, made on first use and kept for the device's
 * life (a destroyed interface comes back in the same memory). */
static struct vif *vif_get(struct netdev *nd)
{
	struct vif *v;

	for (v = vifs; v; v = v->next)
		if (v->nd == nd)
			return v;
	v = calloc(1, sizeof(*v));
	if (!v)
		return NULL;
	v->nd = nd;
	v->next = vifs;
	vifs = v;
	return v;
}

static void vif_added(struct netdev *nd, void *unused)
{
	struct vif *v;

	if (!vif_wanted(nd->name)) {
		pr_info("net: %s left out of the stack (net.attach)\n", nd->name);
		return;
	}
	v = vif_get(nd);
	if (!v) {
		pr_warn("net: %s: out of memory\n", nd->name);
		return;
	}
	vif_attach(v);
}

bool net_vioif_name(const struct netif *nif, char *buf, size_t size)
{
	if (nif->linkoutput != vif_linkoutput)
		return false;
	snprintf(buf, size, "%s", ((struct vif *)nif->state)->nd->name);
	return true;
}

int net_vioif_create(const char *name)
{
	struct netdev *nd = netdev_find(name);
	struct vif *v;
	int rc;

	if (!net_ready() || !nd)
		return -ENODEV;
	v = vif_get(nd);
	if (!v)
		return -ENOMEM;
	if (v->attached)
		return -EEXIST;
	rc = vif_attach(v);
	if (rc == 0)
		pr_info("net: %s created\n", name);
	return rc;
}

/* Take v out of the stack (core lock held): what lwIP's netif_remove
 * does not (DHCP's state, a held ACK), then netif_remove, which aborts
 * the TCP connections on its addresses (their sockets see ECONNABORTED),
 * drops its ARP and neighbour entries, leaves its multicast groups and
 * its routes (lwIP routes by interface, so none remain). */
static void vif_detach_locked(struct vif *v)
{
	struct pbuf *held = v->held;

	v->held = NULL;
	if (held)
		pbuf_free(held);
	dhcp_stop(&v->netif);
	dhcp_cleanup(&v->netif);
	netif_remove(&v->netif);
	if (!netif_default) {
		/* The default route moves to another interface, if any. */
		struct netif *nif;

		NETIF_FOREACH(nif)
			if (nif->linkoutput == vif_linkoutput) {
				netif_set_default(nif);
				break;
			}
	}
	v->attached = false;
}

int net_vioif_release(const char *name)
{
	struct vif *v;

	if (!net_ready())
		return -ENOENT;
	LOCK_TCPIP_CORE();
	for (v = vifs; v; v = v->next)
		if (v->attached && strcmp(v->nd->name, name) == 0)
			break;
	if (v)
		vif_detach_locked(v);
	UNLOCK_TCPIP_CORE();
	if (!v)
		return -ENOENT;
	/* After this no frame of the device reaches vif_rx. Frames already
	 * queued for the tcpip thread still name v->netif, which stays
	 * valid memory (v is kept): lwIP drops them, the interface being
	 * down and off its list, or a new create takes them. */
	netdev_close(v->nd);
	pr_info("net: %s released by the stack\n", name);
	return 0;
}

struct netdev *net_vioif_dev(const struct netif *nif, uint64_t *rx_nomem,
			     uint64_t *tx_drop)
{
	const struct vif *v = nif->state;

	if (nif->linkoutput != vif_linkoutput)
		return NULL;
	*rx_nomem = v->rx_nomem;
	*tx_drop = v->tx_drop;
	return v->nd;
}

/* The resolvers, once: at the first interface, when the stores are up
 * (the buses probe before the drivers register devices). */
static void dns_load(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	dns_src = cfg_key("net.dns");
	if (!dns_src)
		return;
	LOCK_TCPIP_CORE();
	for (int i = 0; i < cfg.ndns; i++) {
		ip_addr_t a;

		if (cfg.dns[i].family == 4) {
			IP_ADDR4(&a, cfg.dns[i].addr[0], cfg.dns[i].addr[1],
				 cfg.dns[i].addr[2], cfg.dns[i].addr[3]);
		} else {
			IP_SET_TYPE_VAL(a, IPADDR_TYPE_V6);
			memcpy(ip_2_ip6(&a)->addr, cfg.dns[i].addr, 16);
			ip6_addr_clear_zone(ip_2_ip6(&a));
		}
		dns_setserver((u8_t)i, &a);
	}
	UNLOCK_TCPIP_CORE();
}

/* lwIP's DHCP client offers the resolvers of a lease here (core lock
 * held): they are used unless net.dns gave some. */
void net_dhcp_dns_setserver(u8_t n, const ip_addr_t *a);
void net_dhcp_dns_setserver(u8_t n, const ip_addr_t *a)
{
	if (!dns_src)
		dns_setserver(n, a);
}

const char *net_dns_source(void)
{
	return dns_src ? dns_src : "DHCP";
}

/* Each net.* word of the command line that is not an option we know. */
static void warn_unknown_options(void)
{
	const char *p = cmdline_raw();

	while (p && *p) {
		char key[64];
		size_t n = 0;
		bool quoted = false;

		while (*p == ' ' || *p == '\t')
			p++;
		while (p[n] && p[n] != '=' && p[n] != ' ' && p[n] != '\t' &&
		       n < sizeof(key) - 1) {
			key[n] = p[n];
			n++;
		}
		key[n] = '\0';
		if (strncmp(key, "net.", 4) == 0 && !netcfg_key_known(key) &&
		    strcmp(key, "net.attach") != 0)
			pr_warn("net: unknown option %s, ignored (net.dns, net.attach, "
				"net.IF.ip, net.IF.gw, net.IF.ip6)\n", key);
		/* To the end of the word; a quoted value may hold blanks. */
		for (p += n; *p && (quoted || (*p != ' ' && *p != '\t')); p++)
			if (*p == '"')
				quoted = !quoted;
	}
}

/* After net_init: every device, now and later. */
void net_vioif_start(void)
{
	NETIF_DECLARE_EXT_CALLBACK(status_cb)

	warn_unknown_options();
	LOCK_TCPIP_CORE();
	netif_add_ext_callback(&status_cb, vif_status);
	UNLOCK_TCPIP_CORE();
	if (netdev_watch(vif_added, NULL) < 0)
		pr_warn("net: cannot watch for network devices\n");
}
