/* SPDX-License-Identifier: MIT */
/* lwIP interfaces over <drivers/netdev.h> devices (net/netif_vioif.c). */
#ifndef NET_NETIF_VIOIF_H
#define NET_NETIF_VIOIF_H

#include <kern/compiler.h>

struct netif;
struct netdev;
/* Attach every network device, present and future, configured from the
 * net.* options (after the tcpip thread runs). */
void net_vioif_start(void);
/* The device under a netdev interface, and the glue's own drops (no pbuf
 * for a received frame; a frame the device refused). @return NULL when
 * nif is not one. Core lock held. */
struct netdev *net_vioif_dev(const struct netif *nif, uint64_t *rx_nomem,
			     uint64_t *tx_drop);
/* Where the resolvers came from: "the command line", "the hypervisor
 * store" or "DHCP". */
const char *net_dns_source(void);
/* The device name of a netdev interface ("vioif0"). @return false when
 * nif is not one. */
bool net_vioif_name(const struct netif *nif, char *buf, size_t size);
/* The tcpip thread is about to wait for input (net/sys_arch.c): send what
 * was held back meanwhile (coalesced ACKs). */
void net_vioif_idle(void);

#endif
