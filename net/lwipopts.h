/* SPDX-License-Identifier: MIT */
/* lwIP's configuration for the kernel (lwIP 2.1.3, src/include/lwip/opt.h
 * documents every option). Only what differs from lwIP's defaults, or what
 * is worth stating, is here. */
#ifndef NET_LWIPOPTS_H
#define NET_LWIPOPTS_H

/* --- Threads and locking ------------------------------------------------
 * lwIP runs in its own tcpip thread on the kernel's cooperative scheduler
 * (net/sys_arch.c). Socket calls take the core lock and run lwIP's code in
 * the caller's thread instead of messaging the tcpip thread: one switch
 * less per call. Driver input still goes through the tcpip mailbox, so a
 * driver never runs the stack in its own context. */
#define NO_SYS                          0
#define LWIP_TCPIP_CORE_LOCKING         1
#define LWIP_TCPIP_CORE_LOCKING_INPUT   0
#define SYS_LIGHTWEIGHT_PROT            1
#define LWIP_NETCONN_SEM_PER_THREAD     0
#define TCPIP_THREAD_NAME               "tcpip"
#define TCPIP_MBOX_SIZE                 512
#define DEFAULT_TCP_RECVMBOX_SIZE       256
#define DEFAULT_UDP_RECVMBOX_SIZE       128
#define DEFAULT_RAW_RECVMBOX_SIZE       64
#define DEFAULT_ACCEPTMBOX_SIZE         64
/* Catch a call into the core without the lock (net/arch/sys_arch.h). */
#include "arch/sys_arch.h"
void sys_mark_tcpip_thread(void);
#define LWIP_ASSERT_CORE_LOCKED()       sys_check_core_locking()
#define LWIP_MARK_TCPIP_THREAD()        sys_mark_tcpip_thread()

/* --- Memory ---------------------------------------------------------------
 * The heap and every pool come from the kernel heap (MEM_LIBC_MALLOC,
 * MEMP_MEM_MALLOC), through a budget sized from the guest's RAM at boot
 * (net/mem.c): past it an allocation fails, and lwIP drops what it could
 * not buffer, as it would with a full static pool. The pool counts below
 * then limit nothing; the socket table (MEMP_NUM_NETCONN) is the one
 * static array. */
#define MEM_LIBC_MALLOC                 1
#define MEMP_MEM_MALLOC                 1
#define MEM_ALIGNMENT                   8
void *net_mem_malloc(unsigned long size);
void *net_mem_calloc(unsigned long n, unsigned long size);
void net_mem_free(void *p);
#define mem_clib_malloc                 net_mem_malloc
#define mem_clib_calloc                 net_mem_calloc
#define mem_clib_free                   net_mem_free
#define MEMP_NUM_NETCONN                128
#define PBUF_POOL_SIZE                  256

/* --- Protocols ------------------------------------------------------------ */
#define LWIP_IPV4                       1
#define LWIP_IPV6                       1
#define LWIP_ARP                        1
#define LWIP_ETHERNET                   1
#define LWIP_ICMP                       1
#define LWIP_RAW                        1   /* ping uses a raw pcb */
#define LWIP_UDP                        1
#define LWIP_TCP                        1
#define LWIP_DHCP                       1
#define LWIP_AUTOIP                     0
/* No IGMP: nothing here joins an IPv4 multicast group (lwIP then takes
 * any multicast an interface receives), and its 2.5 KiB of code kept the
 * aarch64 image over its 512 KiB budget. MLD stays: IPv6 neighbour
 * discovery needs the solicited-node groups. */
#define LWIP_IGMP                       0
#define LWIP_DNS                        1
#define DNS_MAX_SERVERS                 2
/* "localhost" resolves with no server (getaddrinfo in the tests). */
#define DNS_LOCAL_HOSTLIST              1
#define DNS_LOCAL_HOSTLIST_INIT \
	{ DNS_LOCAL_HOSTLIST_ELEM("localhost", IPADDR4_INIT_BYTES(127, 0, 0, 1)) }
#define LWIP_IPV6_AUTOCONFIG            1   /* SLAAC */
#define LWIP_IPV6_MLD                   1
#define LWIP_IPV6_SEND_ROUTER_SOLICIT   1
#define LWIP_IPV6_DHCP6                 0
#define LWIP_ND6_RDNSS_MAX_DNS_SERVERS  0
#define LWIP_IPV6_NUM_ADDRESSES         3
#define IP_REASSEMBLY                   1
#define IP_FRAG                         1
#define LWIP_IPV6_FRAG                  1
#define LWIP_IPV6_REASS                 1
/* 64-bit pointers: lwIP's reassembly helper no longer fits in the
 * fragment header it overlays, so it copies the header aside. */
#define IPV6_FRAG_COPYHEADER            1
#define ARP_TABLE_SIZE                  32
#define LWIP_ND6_NUM_NEIGHBORS          16
#define LWIP_ND6_NUM_DESTINATIONS       16

/* --- TCP, tuned for throughput ---------------------------------------------
 * A 1460-byte MSS (Ethernet's 1500 MTU), a receive window of 128 segments
 * (window scaling: more than 64 KiB in flight) and a send buffer of 64
 * segments. With memory from the heap they cost only what is in flight. */
#define TCP_MSS                         1460
#define LWIP_WND_SCALE                  1
#define TCP_RCV_SCALE                   2
#define TCP_WND                         (128 * TCP_MSS)
#define TCP_SND_BUF                     (64 * TCP_MSS)
#define TCP_SND_QUEUELEN                ((4 * TCP_SND_BUF + TCP_MSS - 1) / TCP_MSS)
#define TCP_SNDLOWAT                    (TCP_SND_BUF / 2)
#define TCP_QUEUE_OOSEQ                 1
#define TCP_LISTEN_BACKLOG              1
#define TCP_DEFAULT_LISTEN_BACKLOG      16
#define LWIP_TCP_KEEPALIVE              1
#define LWIP_TCP_TIMESTAMPS             0
#define SO_REUSE                        1

/* --- Interfaces -------------------------------------------------------------- */
#define LWIP_NETIF_LOOPBACK             1   /* 127.0.0.1, ::1, and own addresses */
#define LWIP_HAVE_LOOPIF                1
#define LWIP_LOOPBACK_MAX_PBUFS         0
#define LWIP_NETIF_API                  1
#define LWIP_NETIF_STATUS_CALLBACK      1
#define LWIP_NETIF_LINK_CALLBACK        1
#define LWIP_NETIF_EXT_STATUS_CALLBACK  1
#define LWIP_NETIF_HOSTNAME             1
#define LWIP_SINGLE_NETIF               0
/* Checksums on or off per interface (netif->chksum_flags), so a NIC with
 * checksum offload (virtio-net CSUM / GUEST_CSUM) skips what it does. */
#define LWIP_CHECKSUM_CTRL_PER_NETIF    1
#define CHECKSUM_GEN_IP                 1
#define CHECKSUM_GEN_UDP                1
#define CHECKSUM_GEN_TCP                1
#define CHECKSUM_GEN_ICMP               1
#define CHECKSUM_GEN_ICMP6              1
#define CHECKSUM_CHECK_IP               1
#define CHECKSUM_CHECK_UDP              1
#define CHECKSUM_CHECK_TCP              1
#define CHECKSUM_CHECK_ICMP             1
#define CHECKSUM_CHECK_ICMP6            1
#define ETH_PAD_SIZE                    0
/* What is checked or made in software is summed a word at a time
 * (net/chksum.c), not by lwIP's 16-bit loop. */
unsigned short net_chksum(const void *data, int len);
#define LWIP_CHKSUM                     net_chksum
/* A TCP send sums its data while copying it into the segment
 * (net_chksum_copy), so output checksums only the headers. */
#define LWIP_CHECKSUM_ON_COPY           1
unsigned short net_chksum_copy(void *dst, const void *src, unsigned short len);
#define LWIP_CHKSUM_COPY(dst, src, len) net_chksum_copy(dst, src, len)

/* --- Routes while a link is down -----------------------------------------
 * lwIP routes nothing through an interface whose link is down, so a send
 * on a connection fails with EHOSTUNREACH (after queuing the data) while
 * the cable is out. These hooks keep such an interface as the route for
 * its own subnets: frames sent meanwhile are dropped by the device and
 * TCP resends them once the link is back (net/netif_vioif.c). */
struct netif;
struct ip4_addr;
struct ip6_addr;
struct netif *net_route4_link_down(const struct ip4_addr *src, const struct ip4_addr *dest);
struct netif *net_route6_link_down(const struct ip6_addr *src, const struct ip6_addr *dest);
#define LWIP_HOOK_IP4_ROUTE_SRC(src, dest)  net_route4_link_down((src), (dest))
#define LWIP_HOOK_IP6_ROUTE(src, dest)      net_route6_link_down((src), (dest))

/* --- TIME-WAIT under connection churn (net/tcp_tw.c) --------------------------
 * A new SYN for a 4-tuple in TIME-WAIT reopens it (RFC 1122 4.2.2.13)
 * instead of hanging until the old connection expires, and at most a
 * bounded number of connections stay in TIME-WAIT. */
struct tcp_pcb;
struct tcp_hdr;
struct pbuf;
signed char net_tcp_input_hook(struct tcp_pcb *pcb, struct tcp_hdr *hdr, struct pbuf *p);
#define LWIP_HOOK_TCP_INPACKET_PCB(pcb, hdr, optlen, opt1len, opt2, p) \
	net_tcp_input_hook((pcb), (hdr), (p))

/* --- Sockets ------------------------------------------------------------------
 * Our own <net/socket.h> is the API for applications: the lwip_ names are
 * not mapped onto the POSIX ones (LWIP_COMPAT_SOCKETS 0), net/socket.c
 * does that in functions. */
#define LWIP_SOCKET                     1
#define LWIP_NETCONN                    1
#define LWIP_COMPAT_SOCKETS             0
#define LWIP_POSIX_SOCKETS_IO_NAMES     0
#define LWIP_SOCKET_OFFSET              0
#define LWIP_SOCKET_SELECT              1
#define LWIP_SOCKET_POLL                1
#define LWIP_SO_RCVTIMEO                1
#define LWIP_SO_SNDTIMEO                1
#define LWIP_SO_RCVBUF                  1
#define LWIP_SO_LINGER                  1
#define LWIP_TCP_KEEPALIVE              1
#define LWIP_FIONREAD_LINUXMODE         1
#define LWIP_DNS_API_DECLARE_STRUCTS    1

/* --- Statistics (the `netstat` command, the leak tests) ------------------------ */
#define LWIP_STATS                      1
#define LWIP_STATS_DISPLAY              0
#define LWIP_STATS_LARGE                1   /* 32-bit counters */
#define MEM_STATS                       1
#define MEMP_STATS                      1
#define LINK_STATS                      1
#define ETHARP_STATS                    1
#define IP_STATS                        1
#define IPFRAG_STATS                    1
#define ICMP_STATS                      1
#define UDP_STATS                       1
#define TCP_STATS                       1
#define SYS_STATS                       1
#define IP6_STATS                       1
#define ICMP6_STATS                     1
#define ND6_STATS                       1
#define MLD6_STATS                      1
#define IP6_FRAG_STATS                  1

/* --- Randomness --------------------------------------------------------------
 * Ports, TCP initial sequence numbers, DHCP and DNS transaction ids
 * (net/rand.c: seeded from <kern/rng.h> when there is an entropy device). */
unsigned int net_rand(void);
#define LWIP_RAND()                     ((u32_t)net_rand())
#define LWIP_RANDOMIZE_INITIAL_LOCAL_PORTS 1

#endif
