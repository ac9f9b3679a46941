/* SPDX-License-Identifier: MIT */
/* Connections in TIME-WAIT under connection churn, through lwIP's
 * LWIP_HOOK_TCP_INPACKET_PCB (net/lwipopts.h), which tcp_input calls
 * with the PCB a segment was matched to, a listener's included.
 *
 * A server that closes first keeps each connection in TIME-WAIT for
 * 2 * TCP_MSL (two minutes in lwIP). Two things went wrong with that
 * under churn (tests/hooks/app_soak.py churn: 200,000 connections of one
 * request each through QEMU's hostfwd), and are handled here:
 *
 * - A new SYN for a 4-tuple still in TIME-WAIT. Linux's loopback reuses a
 *   client port within seconds (net.ipv4.tcp_tw_reuse), and QEMU's user
 *   network keeps the host client's port, so the guest sees the same
 *   4-tuple again long before two minutes are over. lwIP answers such a
 *   SYN with an ACK (an out-of-window SYN, RFC 793 p. 69) and ignores the
 *   peer's RST (RFC 1337), so the new connection hangs until the old
 *   PCB expires. RFC 1122 4.2.2.13 allows reopening from TIME-WAIT on a
 *   SYN beyond everything the old connection received, as Linux and the
 *   BSDs do; QEMU's user network does not keep its initial sequence
 *   numbers increasing across connections, so the SYN is taken unless it
 *   could be an old duplicate of the connection it replaces: at most a
 *   receive window behind rcv_nxt (those get lwIP's answer). The old PCB
 *   is dropped and the SYN handed to the stack again (tcpip_inpkt),
 *   where the listener takes it. A duplicate SYN from further back
 *   would only open a connection the peer resets. Linux gets to the same
 *   place by dropping TIME-WAIT on the peer's RST (tcp_rfc1337=0), but
 *   only after the peer's SYN retransmission, seconds later.
 *
 * - Their number. Each PCB (288 bytes on x86_64) comes out of lwIP's
 *   budget (net/mem.c), and every segment for a listener is first
 *   compared with each of them (tcp_input walks tcp_tw_pcbs): at a few
 *   hundred connections a second that is tens of thousands of PCBs,
 *   megabytes taken from packet buffers, and a request rate that sinks
 *   as they pile up. At most tw_cap() stay; when a SYN reaches a listener with
 *   more, the oldest go, as lwIP itself does when its PCB pool is empty
 *   (tcp_kill_timewait). Their number and the two counters are in
 *   `netstat` (net_tcp_tw_stats). */
#include <kern/compiler.h>
#include <net/net.h>
#include "lwip/ip.h"
#include "lwip/pbuf.h"
#include "lwip/tcpip.h"
#include "lwip/priv/tcp_priv.h"
#include "netpriv.h"

static unsigned long tw_reopened, tw_dropped;

/* TIME-WAIT PCBs kept: 1/32 of lwIP's budget, 32..1024 (an 8 MiB guest,
 * 1 MiB of budget, keeps about 110). */
static unsigned tw_cap(void)
{
	struct net_mem_stats s;
	size_t n;

	net_mem_stats(&s);
	n = s.limit / 32 / sizeof(struct tcp_pcb);
	return (unsigned)MIN(MAX(n, (size_t)32), (size_t)1024);
}

static unsigned tw_count(void)
{
	unsigned n = 0;

	for (struct tcp_pcb *p = tcp_tw_pcbs; p; p = p->next)
		n++;
	return n;
}

/* Drop the oldest TIME-WAIT PCBs over the cap (core lock held). A PCB
 * whose socket was only shut for writing (shutdown(SHUT_WR), then the
 * peer's FIN) reaches TIME-WAIT still held by its netconn, which frees it
 * at close(): freeing it here left the socket a dangling PCB (a general
 * protection fault in tcp_shutdown at -m 6, where the cap is small and
 * httpd's 503s linger so). Only PCBs without a netconn (callback_arg,
 * cleared by the netconn layer at close) are dropped or reopened. */
static void tw_trim(void)
{
	unsigned cap = tw_cap(), n = tw_count();

	while (n > cap) {
		struct tcp_pcb *old = NULL;

		for (struct tcp_pcb *p = tcp_tw_pcbs; p; p = p->next)
			if (!p->callback_arg &&
			    (!old || (u32_t)(tcp_ticks - p->tmr) > (u32_t)(tcp_ticks - old->tmr)))
				old = p;
		if (!old)
			break;          /* all still held by sockets (below) */
		tcp_abort(old);         /* a TIME-WAIT PCB is only freed: no RST */
		tw_dropped++;
		n--;
	}
}

/* A segment for a TIME-WAIT PCB: a new SYN that is no duplicate of the
 * old connection's reopens (RFC 1122 4.2.2.13). @return ERR_OK to let lwIP handle it,
 * else the segment is taken. */
static err_t tw_input(struct tcp_pcb *pcb, struct tcp_hdr *hdr, struct pbuf *p)
{
	struct netif *inp = ip_current_input_netif();
	const u8_t *ip = ip_current_is_v6() ? (const u8_t *)ip6_current_header()
					    : (const u8_t *)ip4_current_header();
	u32_t seq = hdr->seqno;         /* tcp_input turned the header to host order */

	if (pcb->callback_arg || (TCPH_FLAGS(hdr) & (TCP_SYN | TCP_ACK | TCP_RST)) != TCP_SYN ||
	    TCP_SEQ_BETWEEN(seq, pcb->rcv_nxt - TCP_WND, pcb->rcv_nxt)) {
		return ERR_OK;
	}
	/* Put the IP and TCP headers back in front (tcp_input and the IP
	 * layer only moved the payload pointer past them); a SYN that is not
	 * one contiguous pool or RAM buffer is left to lwIP. */
	if (!inp || !ip || p->next || ip > (const u8_t *)p->payload ||
	    pbuf_add_header(p, (size_t)((const u8_t *)p->payload - ip)))
		return ERR_OK;
	/* Back to network order, so that the checksum holds again. */
	hdr->src = lwip_htons(hdr->src);
	hdr->dest = lwip_htons(hdr->dest);
	hdr->seqno = lwip_htonl(hdr->seqno);
	hdr->ackno = lwip_htonl(hdr->ackno);
	hdr->wnd = lwip_htons(hdr->wnd);
	tcp_abort(pcb);
	tw_reopened++;
	pbuf_ref(p);            /* tcp_input frees its own reference */
	if (tcpip_inpkt(p, inp, ip_input) != ERR_OK)
		pbuf_free(p);   /* the mailbox is full: the peer sends the SYN again */
	return ERR_ABRT;
}

signed char net_tcp_input_hook(struct tcp_pcb *pcb, struct tcp_hdr *hdr, struct pbuf *p)
{
	if (pcb->state == LISTEN) {
		if (TCPH_FLAGS(hdr) & TCP_SYN)
			tw_trim();
		return ERR_OK;
	}
	if (pcb->state == TIME_WAIT)
		return tw_input(pcb, hdr, p);
	return ERR_OK;
}

void net_tcp_tw_stats(unsigned *count, unsigned *cap, unsigned long *reopened,
		      unsigned long *dropped)
{
	LOCK_TCPIP_CORE();
	*count = tw_count();
	*cap = tw_cap();
	*reopened = tw_reopened;
	*dropped = tw_dropped;
	UNLOCK_TCPIP_CORE();
}
