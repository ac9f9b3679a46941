// SPDX-License-Identifier: MIT
/* virtio-net (virtio 1.2 §5.1): one receive and one transmit queue, and a
 * control queue with CTRL_VQ, per NIC; each NIC is a netdev named vioif0,
 * vioif1, ... in probe order (<drivers/netdev.h> is the contract).
 *
 * Work happens in one thread per NIC, NAPI-style: queue interrupts only
 * wake it (the core turns the queue's callbacks off first), the thread
 * takes receive completions, hands frames to the stack, reposts buffers,
 * reclaims transmit completions, and turns callbacks back on when it runs
 * out of work. In poll mode (virtio.mode) it looks at the rings and
 * yields between looks. Transmit posts the stack's segments behind our
 * header (zero copy) and never waits.
 *
 * Receive buffers: with MRG_RXBUF, buffers of VNET_MRG_BUF (1984) bytes (or more
 * when the MTU needs it, so a frame never takes more than VNET_MAX_FRAGS)
 * hold the header and data, num_buffers of them per frame (§5.1.6.3.1,
 * §5.1.6.4); without it, a header descriptor and one buffer for a whole
 * frame. Every buffer the device returns is reposted at once, or replaced
 * by a new one when the stack kept it, so the ring never runs dry.
 *
 * Options: virtio.net.features=MASK limits the device-type feature bits
 * offered to the core (e.g. 0 refuses all of them). */
#include <drivers/virtio.h>
#include <drivers/virtio_net.h>
#include <drivers/netcsum.h>
#include <kern/cmdline.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/rng.h>
#include <kern/heap.h>
#include <kern/sched.h>
#include <kern/time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

CMDLINE_OPT(virtio_net_features, "virtio.net.features",
	    "mask of virtio-net feature bits the driver may negotiate (0x8000: MRG_RXBUF only)");

#define VNET_BUDGET         64      /* frames per pass before yielding */
#define VNET_TX_MAX_SG      32      /* stack segments per frame */
#define VNET_VLAN_LEN       4       /* a received frame may carry a tag */
/* Frames in flight with no completion this long: the device is dead. The
 * core's bound for any request (virtio.timeout_ms, 30 s), not less: a
 * backend that is only slow (a socket netdev whose peer reads late, a
 * loaded host) must not cost the interface (seen at 5 s under load). */
#define VNET_TX_TIMEOUT_NS  (30 * NSEC_PER_SEC)
#define VNET_CTRL_TIMEOUT_NS (1 * NSEC_PER_SEC)
#define VNET_IDLE_SLICE_NS  (100 * NSEC_PER_MSEC)

enum { Q_RX, Q_TX, Q_CTRL };

struct vnet_rxbuf {
	struct vnet_rxbuf *next;        /* on the free list */
	struct virtio_net_hdr hdr;      /* without MRG_RXBUF: the header descriptor */
	uint8_t data[] __aligned(16);
};

/* A merged receive buffer's data bytes, header included: as many as fit
 * the heap's largest slab class with the buffer's own header, two to a
 * page. At 2048 a buffer took a whole 4 KiB page (1 MiB for a 256-entry
 * ring, half of it unused), which alone kept an 8 MiB guest from serving
 * 64 connections. A whole Ethernet frame and its header still fit one. */
#define VNET_MRG_BUF        ((uint32_t)(HEAP_SLAB_MAX - sizeof(struct vnet_rxbuf)))
_Static_assert(HEAP_SLAB_MAX - sizeof(struct vnet_rxbuf) >=
	       1500 + 14 + 4 + sizeof(struct virtio_net_hdr), "a frame fits one buffer");

/* A received frame while the stack has it (NETDEV_RX_KEPT). */
struct vnet_frame {
	struct netdev_rx rx;
	struct vnet_frame *next;        /* on the free list */
	unsigned nbuf;
	struct vnet_rxbuf *buf[VNET_MAX_FRAGS];
	struct netdev_sg seg[VNET_MAX_FRAGS];
};

struct vnet_txreq {
	struct virtio_net_hdr hdr;
	netdev_tx_done_fn done;
	void *arg;
	uint32_t len;
	int err;                        /* -EIO when the device failed */
	struct vnet_txreq *next;        /* free list / failed list */
};

struct vnet_ctrl {
	struct virtio_net_ctrl_hdr hdr;
	uint8_t data[6];
	uint8_t ack;
	volatile bool done;
	int err;
};

struct vioif {
	struct netdev nd;
	struct virtio_dev *vdev;
	struct virtqueue *vq[3];
	unsigned hdr_len;
	bool mrg, csum, guest_csum, ctrl_rx, link_feature;
	uint32_t rxbuf_size;            /* data bytes per receive buffer */
	unsigned rx_target;             /* buffers to keep posted */
	unsigned rx_posted;
	struct vnet_rxasm asm_;         /* the frame being collected */
	struct vnet_rxbuf *rx_free;     /* buffers not posted */
	struct vnet_frame *frame_free;
	struct vnet_txreq *tx_reqs, *tx_free;
	struct vnet_txreq *tx_failed;   /* completed with -EIO by the core */
	struct vnet_rxbuf *rx_failed;   /* ditto, to free in the thread */
	unsigned tx_inflight;
	uint64_t tx_progress_ns;        /* last completion or first post */
	volatile bool event, config_event;
	struct waitq wq;
	struct mutex ctrl_lock;
	bool dead;                      /* device failed: link down for good */
	struct thread *thread;
};

/* virtio.net.features, then §5.1.3.1's dependencies: the control
 * features need the control queue. */
static uint64_t vioif_select_features(uint64_t bits)
{
	bits &= (uint64_t)cmdline_get_int("virtio.net.features", -1);
	if (!(bits & VIRTIO_BIT(VIRTIO_NET_F_CTRL_VQ)))
		bits &= ~(VIRTIO_BIT(VIRTIO_NET_F_CTRL_RX) |
			  VIRTIO_BIT(VIRTIO_NET_F_CTRL_MAC_ADDR));
	return bits;
}

/* ---- receive ------------------------------------------------------------------- */

static struct vnet_rxbuf *rxbuf_get(struct vioif *vi)
{
	struct vnet_rxbuf *b = vi->rx_free;
	if (b) {
		vi->rx_free = b->next;
		return b;
	}
	return malloc(sizeof(*b) + vi->rxbuf_size);
}

static void rxbuf_put(struct vioif *vi, struct vnet_rxbuf *b)
{
	b->next = vi->rx_free;
	vi->rx_free = b;
}

/* Post one buffer. @return 0, -ENOSPC, -EIO. */
static int rx_post(struct vioif *vi, struct vnet_rxbuf *b)
{
	struct vq_sg sg[2];
	unsigned n = 0;
	if (!vi->mrg)
		sg[n++] = (struct vq_sg){ &b->hdr, vi->hdr_len };
	sg[n++] = (struct vq_sg){ b->data, vi->rxbuf_size };
	int rc = virtio_enqueue_nowait(vi->vq[Q_RX], b, sg, 0, n);
	if (!rc)
		vi->rx_posted++;
	return rc;
}

/* Top the receive ring up; notify unless the device isn't live yet
 * (§3.1.1: no notifications before DRIVER_OK). @return buffers posted. */
static unsigned rx_refill(struct vioif *vi, bool kick)
{
	unsigned n = 0;
	while (vi->rx_posted < vi->rx_target) {
		struct vnet_rxbuf *b = rxbuf_get(vi);
		if (!b) {
			vi->nd.stats.rx_nomem++;
			break;
		}
		if (rx_post(vi, b)) {
			rxbuf_put(vi, b);
			break;
		}
		n++;
	}
	if (n && kick)
		virtio_kick(vi->vq[Q_RX]);
	return n;
}

static void rx_drop(struct vioif *vi, int cause)
{
	struct netdev_stats *s = &vi->nd.stats;
	s->rx_dropped++;
	switch (cause) {
	case VNET_DROP_RUNT:     s->rx_runt++; break;
	case VNET_DROP_OVERSIZE: s->rx_oversize++; break;
	case VNET_DROP_NBUF:     s->rx_bad_nbuf++; break;
	default:                 s->rx_bad_csum++; break;
	}
	/* Log the first few of each kind, then every 1000th. */
	uint64_t total = s->rx_runt + s->rx_oversize + s->rx_bad_nbuf + s->rx_bad_csum;
	if (total <= 8 || total % 1000 == 0)
		pr_warn("%s: dropped a received frame (%s, %u bytes in %u buffers)\n",
			vi->nd.name,
			cause == VNET_DROP_RUNT ? "runt" :
			cause == VNET_DROP_OVERSIZE ? "oversize" :
			cause == VNET_DROP_NBUF ? "num_buffers inconsistent" : "bad checksum offsets",
			vi->asm_.len, vi->asm_.nfrag);
}

/* Give the collected buffers back to the ring. */
static void rx_recycle(struct vioif *vi)
{
	for (unsigned i = 0; i < vi->asm_.nfrag; i++) {
		struct vnet_rxbuf *b = vi->asm_.frag[i].cookie;
		if (rx_post(vi, b))
			rxbuf_put(vi, b);
	}
	vnet_rx_reset(&vi->asm_);
}

static void rx_frame(struct vioif *vi)
{
	struct vnet_rxasm *a = &vi->asm_;
	struct vnet_frame *f = vi->frame_free;
	if (f)
		vi->frame_free = f->next;
	else if (!(f = malloc(sizeof(*f)))) {
		vi->nd.stats.rx_nomem++;
		vi->nd.stats.rx_dropped++;
		rx_recycle(vi);
		return;
	}
	unsigned nseg = vnet_rx_segs(a, f->seg);
	unsigned flags = 0;
	bool sw;
	int rc = vnet_rx_csum(&a->hdr, f->seg, nseg, a->len, &flags, &sw);
	if (rc) {
		rx_drop(vi, -rc);
		f->next = vi->frame_free;
		vi->frame_free = f;
		rx_recycle(vi);
		return;
	}
	if (sw)
		vi->nd.stats.rx_csum_sw++;
	else if (flags & NETDEV_RX_CSUM_VALID)
		vi->nd.stats.rx_csum_valid++;
	f->rx = (struct netdev_rx){ .len = a->len, .nseg = nseg, .flags = flags,
				    .seg = f->seg, .priv = f };
	f->nbuf = a->nfrag;
	for (unsigned i = 0; i < a->nfrag; i++)
		f->buf[i] = a->frag[i].cookie;
	if (netdev_deliver(&vi->nd, &f->rx) == NETDEV_RX_KEPT) {
		/* The stack has the buffers; fresh ones take their place. */
		vnet_rx_reset(a);
		return;
	}
	rx_recycle(vi);
	f->next = vi->frame_free;
	vi->frame_free = f;
}

static void vioif_rx_release(struct netdev *nd, struct netdev_rx *rx)
{
	struct vioif *vi = nd->priv;
	struct vnet_frame *f = rx->priv;
	for (unsigned i = 0; i < f->nbuf; i++)
		rxbuf_put(vi, f->buf[i]);
	f->next = vi->frame_free;
	vi->frame_free = f;
}

/* Take up to budget frames. @return frames handled. */
static unsigned rx_poll(struct vioif *vi, unsigned budget)
{
	unsigned frames = 0;
	void *cookie;
	uint32_t len;

	while (frames < budget && virtio_dequeue(vi->vq[Q_RX], &cookie, &len) == 0) {
		struct vnet_rxbuf *b = cookie;
		vi->rx_posted--;
		/* The core checked len against what we posted (header
		 * descriptor included without MRG_RXBUF). */
		int rc = vnet_rx_add(&vi->asm_, b, b->data, len, &b->hdr);
		if (rc == VNET_RX_MORE)
			continue;
		frames++;
		if (rc < 0) {
			rx_drop(vi, -rc);
			rx_recycle(vi);
		} else {
			rx_frame(vi);
		}
	}
	return frames;
}

/* ---- transmit ------------------------------------------------------------------ */

static void tx_complete(struct vioif *vi, struct vnet_txreq *r, int err)
{
	if (err) {
		vi->nd.stats.tx_dev_error++;
		vi->nd.stats.tx_dropped++;
	} else {
		vi->nd.stats.tx_packets++;
		vi->nd.stats.tx_bytes += r->len;
	}
	netdev_tx_done_fn done = r->done;
	void *arg = r->arg;
	r->next = vi->tx_free;
	vi->tx_free = r;
	vi->tx_inflight--;
	done(&vi->nd, arg, err);
}

/* @return completions handled. */
static unsigned tx_reclaim(struct vioif *vi)
{
	unsigned n = 0;
	void *cookie;
	uint32_t len;
	while (virtio_dequeue(vi->vq[Q_TX], &cookie, &len) == 0) {
		tx_complete(vi, cookie, 0);
		n++;
	}
	if (n)
		vi->tx_progress_ns = time_ns();
	return n;
}

static int vioif_xmit(struct netdev *nd, const struct netdev_tx *tx)
{
	struct vioif *vi = nd->priv;
	struct vq_sg sg[VNET_TX_MAX_SG + 1];

	if (vi->dead || virtio_dev_broken(vi->vdev))
		return -EIO;
	/* Reclaim first: completions free slots (contract: done() may run in
	 * the caller's thread, inside netdev_xmit). */
	tx_reclaim(vi);
	struct vnet_txreq *r = vi->tx_free;
	if (!r)
		return -ENOSPC;
	int sw = vnet_tx_hdr(&r->hdr, tx, vi->csum);
	if (sw < 0)
		return sw;
	unsigned n = 0;
	/* §5.1.6.6 legacy note: the header in its own descriptor. */
	sg[n++] = (struct vq_sg){ &r->hdr, vi->hdr_len };
	uint32_t len = 0;
	for (unsigned i = 0; i < tx->nsg; i++) {
		if (!tx->sg[i].len)
			continue;
		sg[n++] = (struct vq_sg){ tx->sg[i].addr, tx->sg[i].len };
		len += tx->sg[i].len;
	}
	int rc = virtio_enqueue_nowait(vi->vq[Q_TX], r, sg, n, 0);
	if (rc) {
		/* Frames held back by NETDEV_TX_MORE must reach the device, or
		 * a full ring would never drain. */
		if (rc == -ENOSPC)
			virtio_kick(vi->vq[Q_TX]);
		return rc;
	}
	if (sw)
		nd->stats.tx_csum_sw++;
	else if (tx->flags & NETDEV_TX_CSUM)
		nd->stats.tx_csum_offload++;
	vi->tx_free = r->next;
	r->done = tx->done;
	r->arg = tx->arg;
	r->len = len;
	if (vi->tx_inflight++ == 0)
		vi->tx_progress_ns = time_ns();
	if (!(tx->flags & NETDEV_TX_MORE))
		virtio_kick(vi->vq[Q_TX]);
	return 0;
}

/* ---- completions the core fails (device reset), and wakeups ------------------------ */

/* Interrupts are disabled here: queue the memory for the thread. */
static void vioif_done(struct virtqueue *vq, void *cookie, uint32_t len, int err)
{
	struct vioif *vi = virtio_get_drvdata(virtio_vq_dev(vq));
	if (!vi)
		return;
	if (vq == vi->vq[Q_RX]) {
		struct vnet_rxbuf *b = cookie;
		b->next = vi->rx_failed;
		vi->rx_failed = b;
		vi->rx_posted--;
	} else if (vq == vi->vq[Q_TX]) {
		struct vnet_txreq *r = cookie;
		r->err = err;
		r->next = vi->tx_failed;
		vi->tx_failed = r;
	} else {
		struct vnet_ctrl *c = cookie;
		c->err = err;
		c->done = true;
	}
	vi->event = true;
	waitq_wake_all(&vi->wq);
}

static void vioif_notify(struct virtqueue *vq)
{
	struct vioif *vi = virtio_get_drvdata(virtio_vq_dev(vq));
	if (!vi)
		return;
	vi->event = true;
	waitq_wake_all(&vi->wq);
}

/* §5.1.4: STATUS changes come with a configuration interrupt. */
static void vioif_config_changed(struct virtio_dev *vdev)
{
	struct vioif *vi = virtio_get_drvdata(vdev);
	if (!vi)
		return;
	vi->config_event = true;
	waitq_wake_all(&vi->wq);
}

static void read_link(struct vioif *vi)
{
	uint16_t st = VIRTIO_NET_S_LINK_UP;
	if (vi->link_feature &&
	    VIRTIO_CREAD(vi->vdev, struct virtio_net_config, status, &st))
		return;
	netdev_link_set(&vi->nd, !vi->dead && (st & VIRTIO_NET_S_LINK_UP));
}

/* The device failed (the core reset it): hand everything back. */
static void handle_failed(struct vioif *vi)
{
	unsigned long fl = irq_save();
	struct vnet_txreq *t = vi->tx_failed;
	struct vnet_rxbuf *b = vi->rx_failed;
	vi->tx_failed = NULL;
	vi->rx_failed = NULL;
	irq_restore(fl);
	while (t) {
		struct vnet_txreq *next = t->next;
		tx_complete(vi, t, t->err ? t->err : -EIO);
		t = next;
	}
	while (b) {
		struct vnet_rxbuf *next = b->next;
		free(b);
		b = next;
	}
	/* A frame half collected is gone with its device. */
	for (unsigned i = 0; i < vi->asm_.nfrag; i++)
		free(vi->asm_.frag[i].cookie);
	vnet_rx_reset(&vi->asm_);
	if (!vi->dead) {
		vi->dead = true;
		vi->nd.stats.dev_errors++;
		pr_err("%s: device failed; interface stays down\n", vi->nd.name);
		netdev_link_set(&vi->nd, false);
	}
}

/* §2.1.2 gives no way to learn that a device silently stopped: if
 * transmit completions stop while frames are in flight, give up on it
 * rather than let the stack's memory sit there forever. */
static void tx_watchdog(struct vioif *vi)
{
	if (vi->tx_inflight && !vi->dead &&
	    time_ns() - vi->tx_progress_ns > VNET_TX_TIMEOUT_NS) {
		pr_err("%s: %u frames unanswered for %llu ms\n", vi->nd.name,
		       vi->tx_inflight,
		       (unsigned long long)(VNET_TX_TIMEOUT_NS / NSEC_PER_MSEC));
		virtio_dev_fail(vi->vdev, "transmit timeout");
	}
}

static void vioif_thread(void *arg)
{
	struct vioif *vi = arg;
	bool poll = virtio_polling(vi->vdev);
	unsigned idle = 0;

	for (;;) {
		vi->event = false;
		if (vi->config_event) {
			vi->config_event = false;
			read_link(vi);
		}
		if (vi->tx_failed || vi->rx_failed || (virtio_dev_broken(vi->vdev) && !vi->dead))
			handle_failed(vi);
		unsigned work = 0;
		if (!vi->dead) {
			work += rx_poll(vi, VNET_BUDGET);
			virtio_kick(vi->vq[Q_RX]);   /* what rx_poll reposted */
			work += tx_reclaim(vi);
			rx_refill(vi, true);
			tx_watchdog(vi);
		}
		if (work >= VNET_BUDGET) {
			thread_yield();    /* more to do: let others run first */
			continue;
		}
		if (poll) {
			/* Poll mode: look again after everyone else had a turn;
			 * the status now and then (§2.1.2 NEEDS_RESET). */
			if (work) {
				idle = 0;
			} else if ((++idle & 4095) == 0) {
				virtio_check_status(vi->vdev);
				/* No configuration interrupt without interrupts:
				 * look at the link ourselves. */
				vi->config_event = vi->link_feature;
			}
			thread_yield();
			continue;
		}
		/* Irq mode: ask for interrupts again; completions that came in
		 * meanwhile mean another pass (§2.7.7.2). */
		if (!vi->dead && (virtio_enable_cb(vi->vq[Q_RX]) |
				  virtio_enable_cb(vi->vq[Q_TX]))) {
			virtio_disable_cb(vi->vq[Q_RX]);
			virtio_disable_cb(vi->vq[Q_TX]);
			continue;
		}
		unsigned long fl = irq_save();
		if (!vi->event && !vi->config_event &&
		    waitq_sleep_locked(&vi->wq, VNET_IDLE_SLICE_NS) == -ETIMEDOUT) {
			irq_restore(fl);
			/* A lost interrupt or a silent NEEDS_RESET can't stall us,
			 * nor a lost configuration interrupt hide a link change. */
			virtio_check_status(vi->vdev);
			vi->config_event = vi->link_feature;
		} else {
			irq_restore(fl);
		}
		if (!vi->dead) {
			virtio_disable_cb(vi->vq[Q_RX]);
			virtio_disable_cb(vi->vq[Q_TX]);
		}
	}
}

/* ---- control queue ---------------------------------------------------------------- */

/* One command (§5.1.6.5), waited for a bounded time. @return 0, -EIO
 * (refused or the device failed), -ETIMEDOUT (the device was failed). */
static int ctrl_cmd(struct vioif *vi, uint8_t class, uint8_t cmd, const void *data,
		    unsigned len)
{
	struct vnet_ctrl *c = calloc(1, sizeof(*c));   /* device-visible, not on a stack */
	if (!c)
		return -ENOMEM;
	mutex_lock(&vi->ctrl_lock);
	c->hdr = (struct virtio_net_ctrl_hdr){ class, cmd };
	memcpy(c->data, data, len);
	c->ack = 0xff;
	struct vq_sg sg[3] = { { &c->hdr, sizeof(c->hdr) }, { c->data, len }, { &c->ack, 1 } };
	int rc = virtio_enqueue(vi->vq[Q_CTRL], c, sg, 2, 1);
	if (!rc) {
		virtio_kick(vi->vq[Q_CTRL]);
		uint64_t t0 = time_ns();
		while (!c->done) {
			virtio_poll(vi->vq[Q_CTRL]);
			if (c->done)
				break;
			if (time_ns() - t0 > VNET_CTRL_TIMEOUT_NS) {
				/* Resetting the device is the only way to get the
				 * buffer back safely; it completes c with -EIO. */
				virtio_dev_fail(vi->vdev, "control command timeout");
				rc = -ETIMEDOUT;
				break;
			}
			thread_sleep_ns(100 * NSEC_PER_USEC);
		}
		if (!rc)
			rc = c->err ? c->err : c->ack == VIRTIO_NET_OK ? 0 : -EIO;
	}
	mutex_unlock(&vi->ctrl_lock);
	/* After a timeout the core completed c while failing the device. */
	free(c);
	return rc;
}

static int vioif_set_rx_mode(struct netdev *nd, unsigned mode)
{
	struct vioif *vi = nd->priv;
	if (!vi->ctrl_rx)
		return -EOPNOTSUPP;
	uint8_t on = !!(mode & NETDEV_RX_PROMISC);
	int rc = ctrl_cmd(vi, VIRTIO_NET_CTRL_RX, VIRTIO_NET_CTRL_RX_PROMISC, &on, 1);
	if (rc)
		return rc;
	/* Multicast stays accepted without a filter list (netdev.h). */
	on = 1;
	return ctrl_cmd(vi, VIRTIO_NET_CTRL_RX, VIRTIO_NET_CTRL_RX_ALLMULTI, &on, 1);
}

static void vioif_describe(struct netdev *nd, char *buf, size_t len)
{
	struct vioif *vi = nd->priv;
	snprintf(buf, len, "%s %s%s%s%s%s%s%s rxq %u txq %u rxbuf %u%s",
		 virtio_dev_name(vi->vdev),
		 vi->mrg ? "mrg_rxbuf " : "", vi->csum ? "csum " : "",
		 vi->guest_csum ? "guest_csum " : "", vi->ctrl_rx ? "ctrl_rx " : "",
		 vi->link_feature ? "status " : "",
		 virtio_has_feature(vi->vdev, VIRTIO_NET_F_MTU) ? "mtu " : "",
		 virtio_has_feature(vi->vdev, VIRTIO_F_EVENT_IDX) ? "event_idx" : "",
		 virtio_vq_size(vi->vq[Q_RX]), virtio_vq_size(vi->vq[Q_TX]), vi->rxbuf_size,
		 vi->dead ? " FAILED" : virtio_polling(vi->vdev) ? " poll" : " irq");
}

static const struct netdev_ops vioif_ops = {
	.xmit = vioif_xmit,
	.set_rx_mode = vioif_set_rx_mode,
	.rx_release = vioif_rx_release,
	.describe = vioif_describe,
};

/* ---- probe -------------------------------------------------------------------------- */

static void read_mac(struct vioif *vi)
{
	struct virtio_dev *vdev = vi->vdev;
	uint8_t *mac = vi->nd.mac;
	if (virtio_has_feature(vdev, VIRTIO_NET_F_MAC) &&
	    !VIRTIO_CREAD(vdev, struct virtio_net_config, mac, mac) &&
	    !(mac[0] & 1) && (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
		return;
	/* §5.1.5: no address from the device: make one up, locally
	 * administered (bit 1) and unicast (bit 0 clear). */
	if (!rng_available() || rng_read(mac, 6, 100 * NSEC_PER_MSEC) != 6) {
		/* No entropy device (yet): mix the clock and this NIC's address
		 * (splitmix64), distinct per NIC and per boot time. */
		uint64_t z = time_ns() + (uint64_t)(uintptr_t)vi + 0x9e3779b97f4a7c15ull;
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		z ^= z >> 31;
		for (int i = 0; i < 6; i++, z >>= 8)
			mac[i] = (uint8_t)z;
	}
	mac[0] = (uint8_t)((mac[0] & ~1u) | 2u);
	pr_info("%s: no MAC from the device, using a random one\n", virtio_dev_name(vdev));
}

static unsigned read_mtu(struct vioif *vi)
{
	uint16_t mtu = 0;
	/* §5.1.4.1: a device MTU below 68 is not one to use. */
	if (virtio_has_feature(vi->vdev, VIRTIO_NET_F_MTU) &&
	    !VIRTIO_CREAD(vi->vdev, struct virtio_net_config, mtu, &mtu) && mtu >= 68) {
		vi->nd.caps |= NETDEV_CAP_MTU;
		return mtu;
	}
	return 1500;
}

static unsigned vioif_count;

static int vioif_probe(struct virtio_dev *vdev)
{
	struct vioif *vi = calloc(1, sizeof(*vi));
	if (!vi)
		return -ENOMEM;
	vi->vdev = vdev;
	waitq_init(&vi->wq);
	mutex_init(&vi->ctrl_lock);
	char name[16];
	snprintf(name, sizeof(name), "vioif%u", vioif_count);
	virtio_set_name(vdev, name);

	vi->mrg = virtio_has_feature(vdev, VIRTIO_NET_F_MRG_RXBUF);
	vi->csum = virtio_has_feature(vdev, VIRTIO_NET_F_CSUM);
	vi->guest_csum = virtio_has_feature(vdev, VIRTIO_NET_F_GUEST_CSUM);
	vi->link_feature = virtio_has_feature(vdev, VIRTIO_NET_F_STATUS);
	bool ctrl = virtio_has_feature(vdev, VIRTIO_NET_F_CTRL_VQ);
	vi->ctrl_rx = virtio_has_feature(vdev, VIRTIO_NET_F_CTRL_RX);
	/* §5.1.6: the header has num_buffers with VERSION_1 or MRG_RXBUF. */
	vi->hdr_len = (virtio_has_feature(vdev, VIRTIO_F_VERSION_1) || vi->mrg)
		      ? sizeof(struct virtio_net_hdr) : VIRTIO_NET_HDR_LEGACY_LEN;

	read_mac(vi);
	vi->nd.mtu = read_mtu(vi);
	uint32_t max_frame = vi->nd.mtu + NETDEV_ETH_HLEN + VNET_VLAN_LEN;
	/* §5.1.6.3.1: without MRG_RXBUF (and no GUEST_TSO*) every buffer
	 * holds a whole frame; with it, buffers of any size, here large
	 * enough that a frame never needs more than VNET_MAX_FRAGS. */
	if (vi->mrg)
		vi->rxbuf_size = MAX(VNET_MRG_BUF,
				     ALIGN_UP((max_frame + vi->hdr_len + VNET_MAX_FRAGS - 2) /
					      (VNET_MAX_FRAGS - 1), 64u));
	else
		vi->rxbuf_size = ALIGN_UP(max_frame, 64u);
	vi->asm_ = (struct vnet_rxasm){ .hdr_len = vi->hdr_len, .mrg = vi->mrg,
					.max_frame = max_frame };

	struct virtio_vq_info info[3] = {
		{ .name = "rx", .done = vioif_done, .notify = vioif_notify, .indirect_max = 2 },
		{ .name = "tx", .done = vioif_done, .notify = vioif_notify,
		  .indirect_max = VNET_TX_MAX_SG + 1 },
		{ .name = "ctrl", .done = vioif_done, .indirect_max = 3 },
	};
	virtio_set_drvdata(vdev, vi);
	int rc = virtio_find_vqs(vdev, ctrl ? 3 : 2, vi->vq, info);
	if (rc)
		goto fail;
	unsigned rxq = virtio_vq_size(vi->vq[Q_RX]), txq = virtio_vq_size(vi->vq[Q_TX]);
	/* Without indirect descriptors a non-merged buffer takes two. */
	vi->rx_target = (vi->mrg || virtio_has_feature(vdev, VIRTIO_F_INDIRECT_DESC))
			? rxq : rxq / 2;
	if (vi->rx_target == 0 || txq < 2) {
		pr_err("%s: queues too small (rx %u, tx %u)\n", name, rxq, txq);
		rc = -EINVAL;
		goto fail;
	}
	vi->tx_reqs = calloc(txq, sizeof(*vi->tx_reqs));
	if (!vi->tx_reqs) {
		rc = -ENOMEM;
		goto fail;
	}
	for (unsigned i = 0; i < txq; i++) {
		vi->tx_reqs[i].next = vi->tx_free;
		vi->tx_free = &vi->tx_reqs[i];
	}

	vi->nd.ops = &vioif_ops;
	vi->nd.driver = "virtio-net";
	vi->nd.priv = vi;
	vi->nd.tx_max_sg = MIN((unsigned)VNET_TX_MAX_SG, txq - 1);
	vi->nd.caps |= (vi->csum ? NETDEV_CAP_TX_CSUM : 0) |
		       (vi->guest_csum ? NETDEV_CAP_RX_CSUM : 0) |
		       (vi->ctrl_rx ? NETDEV_CAP_RX_MODE : 0) |
		       (vi->link_feature ? NETDEV_CAP_LINK : 0);

	/* §3.1.1 step 7: buffers before DRIVER_OK, so the device has some
	 * the moment it may use them. */
	rx_refill(vi, false);
	if (vi->rx_posted == 0) {
		rc = -ENOMEM;
		goto fail;
	}
	virtio_device_ready(vdev);
	virtio_kick(vi->vq[Q_RX]);

	/* With CTRL_MAC_ADDR the device learns an address it didn't give
	 * (§5.1.6.5.2); with CTRL_RX, filter to ours + broadcast + all
	 * multicast, unless the device can't know our address. */
	bool mac_known = virtio_has_feature(vdev, VIRTIO_NET_F_MAC);
	if (!mac_known && virtio_has_feature(vdev, VIRTIO_NET_F_CTRL_MAC_ADDR))
		mac_known = !ctrl_cmd(vi, VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_ADDR_SET,
				      vi->nd.mac, 6);
	if (vi->ctrl_rx) {
		vi->nd.rx_mode = mac_known ? NETDEV_RX_ALLMULTI
					   : NETDEV_RX_ALLMULTI | NETDEV_RX_PROMISC;
		if (vioif_set_rx_mode(&vi->nd, vi->nd.rx_mode))
			pr_warn("%s: the device refused the receive mode\n", name);
	}
	vi->nd.link_up = true;
	if (vi->link_feature) {
		uint16_t st = 0;
		VIRTIO_CREAD(vdev, struct virtio_net_config, status, &st);
		vi->nd.link_up = st & VIRTIO_NET_S_LINK_UP;
	}
	rc = netdev_register(&vi->nd, "vioif");
	if (rc)
		goto fail;
	vi->thread = thread_create(name, vioif_thread, vi);
	if (!vi->thread) {
		rc = -ENOMEM;
		goto fail;
	}
	vioif_count++;
	pr_info("%s: %02x:%02x:%02x:%02x:%02x:%02x mtu %u link %s%s%s%s%s%s\n", vi->nd.name,
		vi->nd.mac[0], vi->nd.mac[1], vi->nd.mac[2], vi->nd.mac[3], vi->nd.mac[4],
		vi->nd.mac[5], vi->nd.mtu, vi->nd.link_up ? "up" : "down",
		vi->mrg ? ", mrg_rxbuf" : "", vi->csum ? ", csum" : "",
		vi->guest_csum ? ", guest_csum" : "", vi->ctrl_rx ? ", ctrl_rx" : "",
		virtio_has_feature(vdev, VIRTIO_F_EVENT_IDX) ? ", event_idx" : "");
	return 0;
fail:
	/* vi stays allocated: the failed device's queues may still name its
	 * buffers (the core completes them into vioif_done). */
	pr_err("%s: probe failed: %d\n", name, rc);
	return rc;
}

static const uint16_t vioif_ids[] = { VIRTIO_ID_NET, 0 };

static const struct virtio_driver virtio_net_driver = {
	.name = "virtio-net",
	.ids = vioif_ids,
	.features = VIRTIO_BIT(VIRTIO_NET_F_CSUM) | VIRTIO_BIT(VIRTIO_NET_F_GUEST_CSUM) |
		    VIRTIO_BIT(VIRTIO_NET_F_MTU) | VIRTIO_BIT(VIRTIO_NET_F_MAC) |
		    VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF) | VIRTIO_BIT(VIRTIO_NET_F_STATUS) |
		    VIRTIO_BIT(VIRTIO_NET_F_CTRL_VQ) | VIRTIO_BIT(VIRTIO_NET_F_CTRL_RX) |
		    VIRTIO_BIT(VIRTIO_NET_F_CTRL_MAC_ADDR),
	.probe = vioif_probe,
	.config_changed = vioif_config_changed,
	.select_features = vioif_select_features,
};
VIRTIO_DRIVER(virtio_net_driver);
