/* SPDX-License-Identifier: MIT */
/* The VMware backdoor and its RPCI message channel, as open-vm-tools
 * describes them (lib/include/backdoor_def.h, lib/include/guest_msg_def.h,
 * lib/message/message.c). Private to drivers/pvbus.
 *
 * A backdoor call is an `in` from port 0x5658 with the magic 'VMXh' in EAX
 * and a command in CX; the hypervisor reads and rewrites the general
 * registers. The "message" command (30) carries a sub-type in ECX[31:16]
 * and a channel id in EDX[31:16]; large payloads may go through the
 * high-bandwidth port 0x5659 with `rep outsb`/`rep insb`. Where the
 * registers come from is a transport (struct vmw_bdoor_ops): port I/O on
 * x86, a simulated host in the unit tests. */
#ifndef DRIVERS_PVBUS_VMWARE_H
#define DRIVERS_PVBUS_VMWARE_H

#include <kern/compiler.h>

#define VMW_BDOOR_MAGIC      0x564D5868u   /* 'VMXh' (backdoor_def.h) */
#define VMW_BDOOR_PORT       0x5658        /* low-bandwidth port */
#define VMW_BDOORHB_PORT     0x5659        /* high-bandwidth port */
#define VMW_CMD_GETVERSION   10
#define VMW_CMD_MESSAGE      30
#define VMW_HBCMD_MESSAGE    0             /* BDOORHB_CMD_MESSAGE */

/* Message sub-types, ECX[31:16] (guest_msg_def.h, MessageType). */
#define VMW_MSG_OPEN         0
#define VMW_MSG_SENDSIZE     1
#define VMW_MSG_SENDPAYLOAD  2
#define VMW_MSG_RECVSIZE     3
#define VMW_MSG_RECVPAYLOAD  4
#define VMW_MSG_RECVSTATUS   5
#define VMW_MSG_CLOSE        6

/* Reply status bits, ECX[31:16] (or EBX[31:16] after a high-bandwidth
 * transfer). */
#define VMW_STATUS_SUCCESS   0x0001
#define VMW_STATUS_DORECV    0x0002
#define VMW_STATUS_CLOSED    0x0004
#define VMW_STATUS_UNSENT    0x0008
#define VMW_STATUS_CPT       0x0010        /* a checkpoint: retry */
#define VMW_STATUS_POWEROFF  0x0020
#define VMW_STATUS_TIMEOUT   0x0040
#define VMW_STATUS_HB        0x0080        /* high-bandwidth available */

/* Opening an RPCI channel: the protocol 'RPCI' and the cookie flag. */
#define VMW_RPCI_PROTO       0x49435052u
#define VMW_MSG_FLAG_COOKIE  0x80000000u

/* The host takes at most this many bytes in one message
 * (GUESTMSG_MAX_IN_SIZE); we accept replies of the same size. */
#define VMW_MSG_MAX          (64 * 1024)

/* How many times an operation restarts after a checkpoint status before it
 * gives up (open-vm-tools retries without bound; we don't). */
#define VMW_CPT_RETRIES      8

/* The registers of one backdoor call, in and out. 64-bit wide because the
 * high-bandwidth calls take buffer addresses in RSI/RDI. The layout is used
 * by the x86 assembly: do not reorder. */
struct vmw_regs {
	uint64_t ax, bx, cx, dx, si, di, bp;
};

/* The transport. Every op is required. ax and the port in dx are already
 * set by the caller. */
struct vmw_bdoor_ops {
	void (*lb)(void *ctx, struct vmw_regs *r);     /* in %dx, %eax */
	void (*hb_out)(void *ctx, struct vmw_regs *r); /* rep outsb, RSI/RCX */
	void (*hb_in)(void *ctx, struct vmw_regs *r);  /* rep insb, RDI/RCX */
};

struct vmw_backdoor {
	const struct vmw_bdoor_ops *ops;
	void *ctx;
	uint32_t version, product;     /* from GETVERSION */
	bool rpc;                      /* an RPCI channel opened at probe */
	bool no_hb;                    /* never use the high-bandwidth port */
};

/* GETVERSION. @return 0 when a backdoor answers with the magic, -ENODEV
 * otherwise; also tries (once) to open and close an RPCI channel and notes
 * in b->rpc whether that worked. */
int vmw_probe(struct vmw_backdoor *b, const struct vmw_bdoor_ops *ops, void *ctx);

/* One RPCI round trip: send req (reqlen bytes), receive the reply into
 * reply (NUL-terminated; *rlen its length). @return 0; -EOPNOTSUPP when no
 * channel opens (QEMU's vmport); -E2BIG for a request over VMW_MSG_MAX;
 * -EMSGSIZE when the reply won't fit in max (with its NUL); -EPROTO for a
 * reply that breaks the protocol; -ETIMEDOUT after VMW_CPT_RETRIES
 * checkpoints; -EIO when the host fails a step. */
int vmw_rpci(struct vmw_backdoor *b, const char *req, size_t reqlen,
	     char *reply, size_t max, size_t *rlen);

/* guestinfo through RPCI "info-get KEY" / "info-set KEY VALUE"; the reply
 * starts with "1 " on success and "0 " on failure. get @return the value's
 * length, -ENOENT, -ERANGE, ...; set @return 0, -EPERM (refused), ... */
int vmw_guestinfo_get(struct vmw_backdoor *b, const char *key, char *val, size_t len);
int vmw_guestinfo_set(struct vmw_backdoor *b, const char *key, const char *val);

/* The pvbus store "guestinfo" (ctx = struct vmw_backdoor *). */
extern const struct pvbus_store_ops vmw_store_ops;

#endif
