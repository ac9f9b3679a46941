/* SPDX-License-Identifier: MIT */
/* <net/socket.h>'s side of the contract with lwIP (net/socket_abi.h), and
 * in6addr_loopback (lwIP's core/ipv6/inet6.c defines in6addr_any). */
#include <net/socket.h>

#define ABI(c) _Static_assert(c, #c);
#include "socket_abi.h"

const struct in6_addr in6addr_loopback = IN6ADDR_LOOPBACK_INIT;
