/* SPDX-License-Identifier: MIT */
/* Network devices as a protocol stack sees them, and the small registry
 * that names them (drivers/net/netdev.c).
 *
 * Two sides use this header:
 *   - a device driver (virtio-net, drivers/virtio/net.c) fills a struct
 *     netdev (ops, MAC, MTU, capabilities) and calls netdev_register(),
 *     which names it <prefix><n> in registration order (vioif0, vioif1,
 *     ... in probe order); it hands received frames to netdev_deliver()
 *     and link changes to netdev_link_set();
 *   - a stack (the lwIP glue in net/) learns of devices through
 *     netdev_watch() (existing ones at once, later ones as they come),
 *     attaches with netdev_open(), sends with netdev_xmit().
 *
 * Execution contexts. The scheduler is cooperative on one CPU: a thread
 * runs until it blocks or yields, and interrupts only make threads
 * runnable. Nothing in this API is called in interrupt context:
 *   - rx(): from the driver's own per-device thread (NAPI-style: the
 *     interrupt only wakes it; in poll mode the thread polls and yields),
 *     interrupts enabled, no driver lock held. It may block (take the
 *     stack's core lock, say), but while it does the device receives
 *     nothing, so keep it short.
 *   - link_changed(): from the same thread, in order with rx().
 *   - tx done(): from the driver's thread or from inside a later
 *     netdev_xmit() on the same device (then in the caller's thread, with
 *     whatever locks the caller holds); a device that copies the frame
 *     (the in-guest bridge) calls it before its netdev_xmit() returns 0. It may free memory; it must not
 *     block and must not call netdev_xmit().
 *   - netdev_xmit(): any thread, never from interrupt context. It never
 *     blocks or waits for the device.
 *   - netdev_set_rx_mode(): a thread that may block (it waits for the
 *     device's answer on a control queue, bounded).
 *
 * Transmit and buffer ownership (zero-copy). A frame is a scatter-gather
 * list starting at the Ethernet destination address, without FCS and
 * without any device header (the driver adds its own). The memory must be
 * ordinary kernel RAM (heap, static or a thread stack that outlives the
 * send: the driver posts the addresses to the device as they are). When
 * netdev_xmit() returns 0 the driver owns the memory until it calls
 * tx->done(nd, tx->arg, err) exactly once; err is 0 (sent), or -EIO (the
 * device failed or stopped answering; the frame may or may not have left).
 * When netdev_xmit() returns an error, done() is never called and the
 * caller still owns everything. The struct netdev_tx and its sg[] array
 * itself may be reused as soon as netdev_xmit() returns.
 *
 * Checksum offload on transmit (who does what). The stack sets
 * NETDEV_TX_CSUM with csum_start (offset from the frame start of the
 * bytes to sum: the L4 header) and csum_offset (where, from csum_start,
 * the 16-bit checksum field lies), having written into that field the
 * one's-complement sum of the L4 pseudo-header, NOT inverted (the same
 * convention as virtio 1.2 §5.1.6.2 and Linux CHECKSUM_PARTIAL). The
 * device, or the driver in software when the device can't
 * (NETDEV_CAP_TX_CSUM absent), then sums csum_start..end of frame and
 * stores the inverted result. netdev_csum_prepare() does the stack's part
 * for an IPv4/IPv6 TCP/UDP frame whose checksum field holds anything:
 * lwIP, which has no partial-checksum support, can build frames with its
 * TCP/UDP checksum generation off and call it from its link output. So
 * the stack may always ask for offload; it never needs to look at caps.
 *
 * Receive and buffer ownership. rx() gets a struct netdev_rx: the frame
 * (Ethernet header first, no device header, no FCS) as one or more
 * segments in driver-owned memory, len bytes in all. Return NETDEV_RX_DONE
 * and the memory is the driver's again when rx() returns (copy what you
 * need). Return NETDEV_RX_KEPT and the stack owns the segments and the
 * struct netdev_rx itself until it calls netdev_rx_release(nd, rx) (from
 * any thread; the driver posts fresh buffers meanwhile): this is how a
 * stack wraps received data without copying (lwIP custom pbufs: note that
 * lwIP 2.1.3 lacks the fix for bug #60681, so a custom pbuf's fields must
 * be initialised by the glue itself). NETDEV_RX_CSUM_VALID in rx->flags
 * means the L4 checksum (TCP/UDP over IPv4/IPv6) was verified by the
 * device or completed by the driver: the stack may skip checking it.
 * Without the flag the stack checks as usual.
 *
 * Link. nd->link_up is the current state; devices that can't tell (no
 * NETDEV_CAP_LINK) are always up. link_changed() reports each change
 * after nd->link_up has been updated. While the link is down
 * netdev_xmit() fails with -ENETDOWN.
 *
 * Receive filtering. Drivers start with their own unicast address,
 * broadcast and all multicast accepted (so IPv6 neighbour discovery works
 * without a multicast list). NETDEV_RX_PROMISC accepts every frame,
 * NETDEV_RX_ALLMULTI every multicast frame; a device without
 * NETDEV_CAP_RX_MODE may deliver more than asked for (it filters nothing,
 * QEMU's default) and netdev_set_rx_mode() says -EOPNOTSUPP.
 *
 * Errors are negative errno values from <kern/errno.h>.
 *
 * Counters (struct netdev_stats) are per device, kept by the driver and
 * the registry, and only ever grow. Every frame the driver drops is
 * counted in rx_dropped/tx_dropped and under one cause. */
#ifndef DRIVERS_NETDEV_H
#define DRIVERS_NETDEV_H

#include <kern/compiler.h>

#define NETDEV_NAME_LEN         16
#define NETDEV_ALEN             6
#define NETDEV_ETH_HLEN         14      /* dst, src, ethertype */
#define NETDEV_ETH_MIN          60      /* shortest frame without FCS */

struct netdev;

/* Capabilities (nd->caps). */
#define NETDEV_CAP_TX_CSUM      (1u << 0)   /* device completes NETDEV_TX_CSUM */
#define NETDEV_CAP_RX_CSUM      (1u << 1)   /* device may set NETDEV_RX_CSUM_VALID */
#define NETDEV_CAP_RX_MODE      (1u << 2)   /* netdev_set_rx_mode works */
#define NETDEV_CAP_LINK         (1u << 3)   /* link state is reported */
#define NETDEV_CAP_MTU          (1u << 4)   /* the MTU came from the device */

/* Receive modes (netdev_set_rx_mode, nd->rx_mode). */
#define NETDEV_RX_PROMISC       (1u << 0)
#define NETDEV_RX_ALLMULTI      (1u << 1)

struct netdev_sg {
	void *addr;
	uint32_t len;
};

/* netdev_tx.flags */
#define NETDEV_TX_CSUM          (1u << 0)   /* csum_start/csum_offset are valid */
#define NETDEV_TX_MORE          (1u << 1)   /* more frames follow at once: the
					       driver may hold back notifying
					       the device until one without it */

typedef void (*netdev_tx_done_fn)(struct netdev *nd, void *arg, int err);

struct netdev_tx {
	const struct netdev_sg *sg;     /* the frame, Ethernet header first */
	unsigned nsg;                   /* 1 .. nd->tx_max_sg */
	unsigned flags;                 /* NETDEV_TX_* */
	uint16_t csum_start;            /* with NETDEV_TX_CSUM, from frame start */
	uint16_t csum_offset;           /* from csum_start to the checksum field */
	netdev_tx_done_fn done;         /* required */
	void *arg;
};

/* netdev_rx.flags */
#define NETDEV_RX_CSUM_VALID    (1u << 0)

struct netdev_rx {
	uint32_t len;                   /* frame bytes, the sum of the segments */
	unsigned nseg;
	unsigned flags;                 /* NETDEV_RX_* */
	const struct netdev_sg *seg;    /* nseg segments, Ethernet header first */
	void *priv;                     /* the driver's */
};

/* rx() results */
#define NETDEV_RX_DONE          0   /* the driver takes the buffers back now */
#define NETDEV_RX_KEPT          1   /* the stack keeps them: netdev_rx_release */

/* What a stack installs with netdev_open (copied; ctx is passed back). */
struct netdev_client {
	void *ctx;
	/* A received frame (driver thread). @return NETDEV_RX_DONE or _KEPT. */
	int (*rx)(struct netdev *nd, void *ctx, struct netdev_rx *rx);
	/* Optional: the link went up or down (driver thread). */
	void (*link_changed)(struct netdev *nd, void *ctx, bool up);
};

struct netdev_stats {
	uint64_t rx_packets, rx_bytes;      /* delivered to the stack */
	uint64_t tx_packets, tx_bytes;      /* completed by the device */
	uint64_t rx_dropped, tx_dropped;    /* sums of the causes below */
	/* Receive drops by cause. */
	uint64_t rx_runt;           /* shorter than the device header + Ethernet header */
	uint64_t rx_oversize;       /* longer than what was posted or MTU allows */
	uint64_t rx_bad_nbuf;       /* num_buffers disagrees with what arrived */
	uint64_t rx_bad_csum;       /* partial-checksum offsets outside the frame */
	uint64_t rx_no_client;      /* nobody attached */
	uint64_t rx_nomem;          /* no memory to replace a buffer */
	/* Receive checksum handling (not drops). */
	uint64_t rx_csum_valid;     /* the device said DATA_VALID */
	uint64_t rx_csum_sw;        /* the driver completed a partial checksum */
	/* Transmit refusals (netdev_xmit errors) and losses, by cause. */
	uint64_t tx_busy;           /* -ENOSPC: ring full */
	uint64_t tx_oversize;       /* -EMSGSIZE: longer than MTU + header */
	uint64_t tx_invalid;        /* -EINVAL: bad segments or offsets */
	uint64_t tx_link_down;      /* -ENETDOWN */
	uint64_t tx_dev_error;      /* -EIO: device failed or timed out */
	uint64_t tx_csum_offload;   /* left to the device */
	uint64_t tx_csum_sw;        /* completed by the driver */
	/* The device. */
	uint64_t link_changes;
	uint64_t dev_errors;        /* the device misbehaved (logged) */
};

/* The driver's side of a device. Every op is required. */
struct netdev_ops {
	/* Post a checked frame (see netdev_xmit). @return 0 or -errno. */
	int (*xmit)(struct netdev *nd, const struct netdev_tx *tx);
	/* Apply NETDEV_RX_* (see netdev_set_rx_mode). @return 0 or -errno. */
	int (*set_rx_mode)(struct netdev *nd, unsigned mode);
	/* Take back a frame the stack kept. */
	void (*rx_release)(struct netdev *nd, struct netdev_rx *rx);
	/* One line of driver detail (features, queues) for listings. */
	void (*describe)(struct netdev *nd, char *buf, size_t len);
};

struct netdev {
	/* Filled by the driver before netdev_register; read-only to stacks. */
	const struct netdev_ops *ops;
	const char *driver;             /* "virtio-net" */
	uint8_t mac[NETDEV_ALEN];
	unsigned mtu;                   /* bytes after the Ethernet header */
	unsigned caps;                  /* NETDEV_CAP_* */
	unsigned tx_max_sg;             /* segments one frame may have */
	bool link_up;
	unsigned rx_mode;               /* NETDEV_RX_* in force */
	void *priv;                     /* the driver's */
	struct netdev_stats stats;

	/* The registry's. */
	char name[NETDEV_NAME_LEN];     /* vioif0, ... */
	unsigned index;                 /* 0, 1, ... over all devices */
	struct netdev_client client;
	bool open;
	struct netdev *next;
};

/* ---- the stack's side --------------------------------------------------- */

/* The first registered device (then nd->next), or NULL. */
struct netdev *netdev_first(void);
/* The device called name. @return it, or NULL. */
struct netdev *netdev_find(const char *name);
/* How many devices are registered. */
unsigned netdev_count(void);
/* Call added(nd, ctx) for every device now (in order) and for each one
 * registered later (from the registering thread). @return 0, or -ENOMEM
 * when too many watchers. */
int netdev_watch(void (*added)(struct netdev *nd, void *ctx), void *ctx);

/* Attach a stack: from now on received frames go to cl->rx.
 * @return 0, -EBUSY (already open), -EINVAL (no rx). */
int netdev_open(struct netdev *nd, const struct netdev_client *cl);
/* Detach: received frames are dropped (rx_no_client) from now on. Frames
 * kept or in transmit are still released or completed as promised. */
void netdev_close(struct netdev *nd);

/* Send one frame (never blocks). @return 0 (done() will follow), -EINVAL
 * (no segments, too many, a NULL done, offsets outside the frame or a frame
 * shorter than the Ethernet header), -EMSGSIZE (longer than MTU + 14),
 * -ENETDOWN (link down), -ENOSPC (the device's ring is full: retry after a
 * completion or drop), -EIO (device failed). */
int netdev_xmit(struct netdev *nd, const struct netdev_tx *tx);
/* Give back a frame rx() returned NETDEV_RX_KEPT for (any thread). */
void netdev_rx_release(struct netdev *nd, struct netdev_rx *rx);
/* Set the receive mode (NETDEV_RX_* bits; 0 = own address, broadcast and
 * all multicast). May block. @return 0, -EOPNOTSUPP, -EINVAL (unknown
 * bits), -EIO or -ETIMEDOUT (the device did not accept it). */
int netdev_set_rx_mode(struct netdev *nd, unsigned mode);

/* Prepare a TCP or UDP frame over IPv4 or IPv6 (no IPv6 extension
 * headers, no IPv4 fragments) for NETDEV_TX_CSUM: find the L4 header,
 * write the pseudo-header sum into its checksum field and fill
 * tx->csum_start/csum_offset and the flag. The headers (Ethernet, IP, L4
 * up to the checksum field) may span segments. @return 0; -ENOENT for a
 * frame that is not TCP/UDP over IP (send it as it is, checksummed by the
 * stack); -EINVAL for a malformed one. */
int netdev_csum_prepare(struct netdev_tx *tx);

/* ---- the driver's side -------------------------------------------------- */

/* Name nd <prefix><n> (n counts per prefix from 0) and announce it to the
 * watchers. @return 0, -EINVAL (missing ops or bad MTU) or -ENOMEM. */
int netdev_register(struct netdev *nd, const char *prefix);
/* Hand a received frame to the stack (driver thread). Counts rx_packets/
 * rx_bytes, or rx_no_client/rx_dropped when nobody is attached.
 * @return NETDEV_RX_DONE or NETDEV_RX_KEPT. */
int netdev_deliver(struct netdev *nd, struct netdev_rx *rx);
/* Record the link state and tell the stack when it changed (driver thread). */
void netdev_link_set(struct netdev *nd, bool up);

#endif
