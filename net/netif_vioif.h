/* SPDX-License-Identifier: MIT */
/* lwIP interfaces over <drivers/netdev.h> devices (net/netif_vioif.c). */
#ifndef NET_NETIF_VIOIF_H
#define NET_NETIF_VIOIF_H

#include <kern/compiler.h>

struct netif;
/* Configure the resolvers and attach every network device, present and
 * future (after the tcpip thread runs). No-op without the netdev API. */
void net_vioif_start(void);
/* The device name of a netdev interface ("vioif0"). @return false when
 * nif is not one. */
bool net_vioif_name(const struct netif *nif, char *buf, size_t size);
/* The tcpip thread is about to wait for input (net/sys_arch.c): send what
 * was held back meanwhile (coalesced ACKs). */
void net_vioif_idle(void);

#endif
