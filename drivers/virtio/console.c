// SPDX-License-Identifier: MIT
/* virtio-console (virtio 1.2 §5.3): devices vcon0, vcon1, ... with one
 * port (no MULTIPORT) or up to max_nr_ports of them (VCON_MAX_PORTS here),
 * each a receive and a transmit queue; with MULTIPORT a control queue pair
 * says which ports exist, their names, which are consoles and whether the
 * host has them open (§5.3.6.2), while the guest runs.
 *
 * This file: probe, the queues' completions, and the control thread that
 * acts on the device's control messages (decoded by console_ctl.c, which
 * trusts nothing). Ports by name for the rest of the kernel are in
 * console_port.c (<drivers/vport.h>), the kernel console in console_hvc.c,
 * the shell commands in console_cmd.c.
 *
 * The port queues are NAPI-style (the core's notify callback, virtio 1.2
 * §2.7.7 and §2.7.10): their completions are taken with interrupts off by
 * whoever needs them (vcon_slot_poll: a reader, a writer, the kernel
 * console) or by the notify callback of an interrupt, and interrupts are
 * asked for only by a thread about to sleep. So while a reader is busy
 * with what it got, the device fills further buffers without an
 * interrupt each, and transmit completions, which a writer only needs
 * when it runs out of buffers, never interrupt a writer that has some.
 * Completion handling only moves buffers between lists and wakes
 * waiters; everything that allocates or sends runs in a thread. */
#include "console_priv.h"
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vcon_dev *vcon_devs;
static struct vcon_dev **vcon_tail = &vcon_devs;
static unsigned vcon_count;

/* How long the probe waits for the device's first control messages to
 * stop coming (the ports QEMU has at boot): quiet this long, at most the
 * second bound. Only affects whether boot messages already see them. */
#define VCON_SETTLE_QUIET_NS    (50 * NSEC_PER_MSEC)
#define VCON_SETTLE_MAX_NS      (1000 * NSEC_PER_MSEC)
/* The control thread looks at a polled control queue (and a polled kernel
 * console's input) this often, and at an interrupt-driven control queue
 * on its own this often (a lost interrupt). */
#define VCON_CTL_POLL_NS        (5 * NSEC_PER_MSEC)
#define VCON_CTL_SLICE_NS       (100 * NSEC_PER_MSEC)
/* A control message waits this long at most for a free buffer. */
#define VCON_CTL_SEND_NS        (1000 * NSEC_PER_MSEC)

/* ---- completions (interrupts off) ----------------------------------------- */

/* The slot a port queue belongs to (at most VCON_MAX_PORTS to look at). */
static struct vcon_slot *slot_of(struct virtqueue *vq)
{
	struct vcon_dev *d = virtio_get_drvdata(virtio_vq_dev(vq));

	for (uint32_t i = 0; i < d->nports; i++)
		if (d->slots[i].rxq == vq || d->slots[i].txq == vq)
			return &d->slots[i];
	return NULL;
}

/* One filled receive buffer: to the kernel console, the reader's fifo,
 * or back to the device when nobody is there to read it. */
static void rx_one(struct vcon_slot *s, struct vcon_buf *b, uint32_t len)
{
	/* len <= VCON_RX_SIZE: the virtqueue checked it against what we
	 * posted (a longer one breaks the queue, and the device). */
	if (s->kcons) {
		vcon_hvc_input(s, s->rx_mem + (size_t)b->idx * VCON_RX_SIZE, len);
		s->rx_bytes += len;
		vcon_rx_repost(s, b->idx);
		return;
	}
	if (!s->present || !s->user || len == 0) {
		/* Nobody to read it (a port removed or closed a moment ago). */
		s->rx_dropped += len;
		vcon_rx_repost(s, b->idx);
		return;
	}
	s->fifo[(s->fifo_head + s->fifo_n) % VCON_RX_BUFS] = b->idx;
	s->fifo_len[b->idx] = len;
	s->fifo_n++;
	s->rx_bytes += len;
}

bool vcon_tx_take(struct vcon_slot *s)
{
	void *ck;
	uint32_t len;
	bool any = false;

	while (s->has_bufs && virtio_dequeue(s->txq, &ck, &len) == 0) {
		s->tx_free |= 1u << ((struct vcon_buf *)ck)->idx;
		any = true;
	}
	return any;
}

/* Take every completion on the slot's queues. Interrupts off. A bad used
 * entry makes virtio_dequeue fail the device (counted by the core); its
 * buffers then come back through the done() callbacks below. */
static bool slot_take(struct vcon_slot *s)
{
	void *ck;
	uint32_t len;
	bool any = false;

	if (!s->has_bufs)
		return false;
	while (virtio_dequeue(s->rxq, &ck, &len) == 0) {
		rx_one(s, ck, len);
		any = true;
	}
	return vcon_tx_take(s) || any;
}

/* Only a failed device's buffers come back here (-EIO): the queues have
 * notify callbacks, so the core hands us nothing else. */
static void rx_done(struct virtqueue *vq, void *cookie, uint32_t len, int err)
{
	struct vcon_buf *b = cookie;

	(void)vq;
	(void)len;
	(void)err;
	waitq_wake_all(&b->s->wq);
}

static void tx_done(struct virtqueue *vq, void *cookie, uint32_t len, int err)
{
	struct vcon_buf *b = cookie;

	(void)vq;
	(void)len;
	(void)err;
	b->s->tx_free |= 1u << b->idx;
	waitq_wake_all(&b->s->wq);
}

/* A port queue's interrupt (the core has turned its callbacks off), or a
 * poll of it. The kernel console and a port nobody has open keep taking
 * interrupts (their input must not wait for a reader); a port with a
 * reader stays quiet until the reader has taken everything and sleeps
 * (vcon_slot_arm). */
static void port_notify(struct virtqueue *vq)
{
	struct vcon_slot *s = slot_of(vq);

	if (!s)
		return;
	slot_take(s);
	while (vq == s->rxq && (s->kcons || !s->user) && virtio_enable_cb(vq))
		slot_take(s);
	waitq_wake_all(&s->wq);
}

static void ctl_rx_done(struct virtqueue *vq, void *cookie, uint32_t len, int err)
{
	struct vcon_buf *b = cookie;
	struct vcon_dev *d = virtio_get_drvdata(virtio_vq_dev(vq));

	if (!err) {
		d->ctl_fifo[(d->ctl_head + d->ctl_n) % VCON_CTL_BUFS] = b->idx;
		d->ctl_len[b->idx] = len;
		d->ctl_n++;
	}
	waitq_wake_all(&d->ctl_wq);
}

static void ctl_tx_done(struct virtqueue *vq, void *cookie, uint32_t len, int err)
{
	struct vcon_buf *b = cookie;
	struct vcon_dev *d = virtio_get_drvdata(virtio_vq_dev(vq));

	(void)len;
	(void)err;
	d->ctl_tx_free |= 1u << b->idx;
}

/* ---- buffers ---------------------------------------------------------------- */

void vcon_rx_repost(struct vcon_slot *s, uint16_t idx)
{
	struct vq_sg sg = { s->rx_mem + (size_t)idx * VCON_RX_SIZE, VCON_RX_SIZE };

	/* Never fails for want of room: only the buffers that fit the ring
	 * were ever posted (slot_buffers), and each comes back before it is
	 * posted again; -EIO is a failed device, whose buffers no longer
	 * matter. With EVENT_IDX the kick notifies only a device that had
	 * run out of buffers (§2.7.10). */
	if (virtio_enqueue_nowait(s->rxq, &s->rx_ck[idx], &sg, 0, 1) == 0)
		virtio_kick(s->rxq);
}

bool vcon_slot_poll(struct vcon_slot *s)
{
	unsigned long fl = irq_save();
	bool any = slot_take(s);
	irq_restore(fl);
	return any;
}

bool vcon_slot_arm(struct vcon_slot *s)
{
	unsigned long fl = irq_save();
	bool more = virtio_enable_cb(s->rxq);
	uint32_t all = (1u << MIN((unsigned)VCON_TX_BUFS, virtio_vq_size(s->txq))) - 1;

	/* Transmit completions matter only to a writer out of buffers. */
	if ((s->tx_free & all) != all)
		more |= virtio_enable_cb(s->txq);
	irq_restore(fl);
	return more;
}

void vcon_slot_rx_rearm(struct vcon_slot *s)
{
	unsigned long fl = irq_save();

	do
		slot_take(s);
	while (virtio_enable_cb(s->rxq));
	irq_restore(fl);
}

/* Give a port number its buffers, once: receive buffers posted, transmit
 * buffers idle. Thread context. */
static int slot_buffers(struct vcon_slot *s)
{
	if (s->has_bufs)
		return 0;
	unsigned nrx = MIN((unsigned)VCON_RX_BUFS, virtio_vq_size(s->rxq));
	unsigned ntx = MIN((unsigned)VCON_TX_BUFS, virtio_vq_size(s->txq));
	s->rx_mem = malloc((size_t)VCON_RX_BUFS * VCON_RX_SIZE);
	s->tx_mem = malloc((size_t)VCON_TX_BUFS * VCON_TX_SIZE);
	if (!s->rx_mem || !s->tx_mem) {
		free(s->rx_mem);
		free(s->tx_mem);
		s->rx_mem = s->tx_mem = NULL;
		return -ENOMEM;
	}
	for (unsigned i = 0; i < VCON_RX_BUFS; i++)
		s->rx_ck[i] = (struct vcon_buf){ s, (uint16_t)i };
	for (unsigned i = 0; i < VCON_TX_BUFS; i++)
		s->tx_ck[i] = (struct vcon_buf){ s, (uint16_t)i };
	s->tx_free = ntx >= 32 ? ~0u : (1u << ntx) - 1;
	s->has_bufs = true;
	unsigned long fl = irq_save();
	/* Nobody waits for transmit completions yet (vcon_slot_arm). */
	virtio_disable_cb(s->txq);
	for (unsigned i = 0; i < nrx; i++)
		vcon_rx_repost(s, (uint16_t)i);
	irq_restore(fl);
	return 0;
}

/* ---- control messages --------------------------------------------------------- */

int vcon_ctl_send(struct vcon_dev *d, uint32_t id, uint16_t event, uint16_t value)
{
	uint64_t end = time_ns() + VCON_CTL_SEND_NS;

	if (!d->multiport)
		return 0;
	for (;;) {
		unsigned long fl = irq_save();
		if (virtio_dev_broken(d->vdev)) {
			irq_restore(fl);
			return -EIO;
		}
		if (d->ctl_tx_free) {
			unsigned i = (unsigned)__builtin_ctz(d->ctl_tx_free);
			struct vq_sg sg = { d->ctl_tx[i], 8 };
			d->ctl_tx_free &= ~(1u << i);
			vcon_ctl_encode(d->ctl_tx[i], id, event, value);
			int rc = virtio_enqueue_nowait(d->c_ovq, &d->ctl_ck[i], &sg, 1, 0);
			if (rc == 0)
				rc = virtio_kick(d->c_ovq);
			else
				d->ctl_tx_free |= 1u << i;
			irq_restore(fl);
			return rc;
		}
		irq_restore(fl);
		virtio_poll(d->c_ovq);
		if (time_ns() > end) {
			pr_err("%s: control queue stuck, message %u for port %u dropped\n",
			       d->name, event, id);
			return -ETIMEDOUT;
		}
		thread_sleep_ns(NSEC_PER_MSEC);
	}
}

static void ctl_repost(struct vcon_dev *d, uint16_t idx)
{
	struct vq_sg sg = { d->ctl_rx + (size_t)idx * VCON_CTL_SIZE, VCON_CTL_SIZE };
	unsigned long fl = irq_save();

	/* ctl_ck[] doubles as the receive cookies: indices below
	 * VCON_CTL_BUFS name receive buffers on c_ivq, and the same entries
	 * name transmit buffers on c_ovq (each queue has its own done()). */
	if (virtio_enqueue_nowait(d->c_ivq, &d->ctl_ck[idx], &sg, 0, 1) == 0)
		virtio_kick(d->c_ivq);
	irq_restore(fl);
}

static void port_add(struct vcon_dev *d, struct vcon_slot *s)
{
	int rc = slot_buffers(s);

	if (rc) {
		pr_err("%s: port %u: no memory for its buffers\n", d->name, s->id);
		vcon_ctl_send(d, s->id, VIRTIO_CONSOLE_PORT_READY, 0);
		return;
	}
	unsigned long fl = irq_save();
	s->present = true;
	s->gen++;
	s->name[0] = '\0';
	s->host_open = false;
	s->user = NULL;
	s->rx_dropped = s->tx_dropped = s->rx_bytes = s->tx_bytes = 0;
	irq_restore(fl);
	d->announced[s->id / 8] |= (uint8_t)(1u << (s->id % 8));
	pr_info("%s: port %u added\n", d->name, s->id);
	/* §5.3.6.1: the device sends the port's name, console role and host
	 * state once we say the port is ready. */
	vcon_ctl_send(d, s->id, VIRTIO_CONSOLE_PORT_READY, 1);
}

static void port_remove(struct vcon_dev *d, struct vcon_slot *s)
{
	unsigned long fl = irq_save();
	s->present = false;
	s->gen++;
	s->user = NULL;         /* an open handle now sees -ENODEV */
	s->host_open = false;
	/* What nobody read is dropped; its buffers go back to the device. */
	while (s->fifo_n) {
		uint16_t idx = s->fifo[s->fifo_head];
		s->rx_dropped += s->fifo_len[idx];
		s->fifo_head = (s->fifo_head + 1) % VCON_RX_BUFS;
		s->fifo_n--;
		vcon_rx_repost(s, idx);
	}
	s->rd_off = 0;
	if (s->has_bufs)
		vcon_slot_rx_rearm(s);
	waitq_wake_all(&s->wq);
	irq_restore(fl);
	d->announced[s->id / 8] &= (uint8_t)~(1u << (s->id % 8));
	pr_info("%s: port %u (%s) removed\n", d->name, s->id, s->name[0] ? s->name : "no name");
}

static unsigned hvc_next;

static void ctl_handle(struct vcon_dev *d, const uint8_t *buf, uint32_t len)
{
	struct vcon_ctl m;
	const char *why;

	if (vcon_ctl_parse(buf, len, VCON_CTL_SIZE, d->nports, d->announced, &m, &why)) {
		d->ctl_errors++;
		pr_err("%s: control message dropped: %s (id %u, event %u, %u bytes)\n",
		       d->name, why, m.id, m.event, len);
		return;
	}
	struct vcon_slot *s = &d->slots[m.id];
	mutex_lock(&d->lock);
	switch (m.event) {
	case VIRTIO_CONSOLE_DEVICE_ADD:
		port_add(d, s);
		break;
	case VIRTIO_CONSOLE_DEVICE_REMOVE:
		port_remove(d, s);
		break;
	case VIRTIO_CONSOLE_PORT_NAME:
		strcpy(s->name, m.name);
		pr_info("%s: port %u is %s\n", d->name, s->id, s->name);
		break;
	case VIRTIO_CONSOLE_PORT_OPEN: {
		unsigned long fl = irq_save();
		s->host_open = m.value != 0;
		if (s->host_open && s->user)
			s->host_seen = true;
		waitq_wake_all(&s->wq);
		irq_restore(fl);
		break;
	}
	case VIRTIO_CONSOLE_RESIZE:
		s->rows = m.rows;
		s->cols = m.cols;
		break;
	case VIRTIO_CONSOLE_CONSOLE_PORT:
		if (s->hvc < 0)
			s->hvc = (int)hvc_next++;
		pr_info("%s: port %u is console hvc%d\n", d->name, s->id, s->hvc);
		/* A console port is always open on our side (§5.3.6.1). */
		vcon_ctl_send(d, s->id, VIRTIO_CONSOLE_PORT_OPEN, 1);
		vcon_hvc_found(s);
		break;
	}
	mutex_unlock(&d->lock);
}

/* Act on every control message received so far, in order (one thread at
 * a time: the control thread, or a writer catching up). @return how many. */
static unsigned ctl_process(struct vcon_dev *d)
{
	unsigned n = 0;

	mutex_lock(&d->ctl_lock);
	for (;;) {
		unsigned long fl = irq_save();
		if (!d->ctl_n) {
			irq_restore(fl);
			mutex_unlock(&d->ctl_lock);
			return n;
		}
		uint16_t idx = d->ctl_fifo[d->ctl_head];
		uint32_t len = d->ctl_len[idx];
		d->ctl_head = (d->ctl_head + 1) % VCON_CTL_BUFS;
		d->ctl_n--;
		irq_restore(fl);
		ctl_handle(d, d->ctl_rx + (size_t)idx * VCON_CTL_SIZE, len);
		ctl_repost(d, idx);
		n++;
	}
}

void vcon_ctl_sync(struct vcon_dev *d)
{
	if (!d->multiport)
		return;
	virtio_poll(d->c_ivq);
	ctl_process(d);
}

static void ctl_thread(void *arg)
{
	struct vcon_dev *d = arg;
	bool poll = virtio_polling(d->vdev);

	while (!virtio_dev_broken(d->vdev)) {
		if (poll) {
			/* Nobody else looks at a polled kernel console's
			 * input while the shell runs a command: Ctrl-C must
			 * still get through. */
			for (uint32_t i = 0; i < d->nports; i++)
				if (d->slots[i].kcons)
					virtio_poll(d->slots[i].rxq);
			if (d->c_ivq)
				virtio_poll(d->c_ivq);
		}
		if (d->multiport && ctl_process(d))
			continue;
		if (poll) {
			thread_sleep_ns(VCON_CTL_POLL_NS);
			virtio_check_status(d->vdev);
			continue;
		}
		unsigned long fl = irq_save();
		if (!d->ctl_n && waitq_sleep_locked(&d->ctl_wq, VCON_CTL_SLICE_NS) == -ETIMEDOUT) {
			irq_restore(fl);
			virtio_poll(d->c_ivq);          /* a lost interrupt */
			virtio_check_status(d->vdev);
			continue;
		}
		irq_restore(fl);
	}
	pr_err("%s: device failed; its ports are gone\n", d->name);
	for (uint32_t i = 0; i < d->nports; i++) {
		unsigned long fl = irq_save();
		waitq_wake_all(&d->slots[i].wq);
		irq_restore(fl);
	}
}

/* The ports the device has at boot: DEVICE_READY, then the messages it
 * answers with, until they stop coming (bounded). */
static void ctl_settle(struct vcon_dev *d)
{
	uint64_t start = time_ns(), last = start;

	d->ready_ns = start;
	vcon_ctl_send(d, 0, VIRTIO_CONSOLE_DEVICE_READY, 1);
	for (;;) {
		uint64_t now = time_ns();
		virtio_poll(d->c_ivq);
		if (ctl_process(d))
			last = now;
		if (now - last > VCON_SETTLE_QUIET_NS || now - start > VCON_SETTLE_MAX_NS ||
		    virtio_dev_broken(d->vdev))
			return;
		thread_sleep_ns(NSEC_PER_MSEC);
	}
}

/* ---- probe -------------------------------------------------------------------- */

static int vcon_probe(struct virtio_dev *vdev)
{
	struct vcon_dev *d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	snprintf(d->name, sizeof(d->name), "vcon%u", vcon_count);
	virtio_set_name(vdev, d->name);
	d->vdev = vdev;
	d->multiport = virtio_has_feature(vdev, VIRTIO_CONSOLE_F_MULTIPORT);
	d->emerg = virtio_has_feature(vdev, VIRTIO_CONSOLE_F_EMERG_WRITE);
	waitq_init(&d->ctl_wq);
	mutex_init(&d->lock);
	mutex_init(&d->ctl_lock);
	d->nports = 1;
	if (d->multiport) {
		uint32_t max = 0;
		int rc = VIRTIO_CREAD(vdev, struct virtio_console_config, max_nr_ports, &max);
		if (rc)
			return rc;
		if (max == 0) {
			pr_err("%s: MULTIPORT with max_nr_ports 0\n", d->name);
			return -EINVAL;
		}
		if (max > VCON_MAX_PORTS)
			pr_warn("%s: device has %u ports; using the first %u\n", d->name,
				max, VCON_MAX_PORTS);
		d->nports = MIN(max, (uint32_t)VCON_MAX_PORTS);
	}
	unsigned nq = d->multiport ? 2 + 2 * d->nports : 2;
	struct virtqueue **vqs = calloc(nq, sizeof(*vqs));
	struct virtio_vq_info *info = calloc(nq, sizeof(*info));
	d->slots = calloc(d->nports, sizeof(*d->slots));
	d->ctl_rx = d->multiport ? malloc((size_t)VCON_CTL_BUFS * VCON_CTL_SIZE) : NULL;
	if (!vqs || !info || !d->slots || (d->multiport && !d->ctl_rx))
		return -ENOMEM;         /* d stays: a failed device may name it */
	for (unsigned q = 0; q < nq; q++) {
		bool ctl = d->multiport && (q == 2 || q == 3);
		bool rx = !(q & 1);
		info[q].name = ctl ? (rx ? "control-rx" : "control-tx") : (rx ? "rx" : "tx");
		info[q].done = ctl ? (rx ? ctl_rx_done : ctl_tx_done) : (rx ? rx_done : tx_done);
		info[q].notify = ctl ? NULL : port_notify;
	}
	virtio_set_drvdata(vdev, d);
	int rc = virtio_find_vqs(vdev, nq, vqs, info);
	free(info);
	if (rc)
		return rc;
	for (uint32_t i = 0; i < d->nports; i++) {
		struct vcon_slot *s = &d->slots[i];
		s->dev = d;
		s->id = i;
		s->hvc = -1;
		s->rxq = vqs[vcon_rxq_index(i)];
		s->txq = vqs[vcon_rxq_index(i) + 1];
		waitq_init(&s->wq);
	}
	if (d->multiport) {
		d->c_ivq = vqs[2];
		d->c_ovq = vqs[3];
		for (unsigned i = 0; i < VCON_CTL_BUFS; i++)
			d->ctl_ck[i] = (struct vcon_buf){ NULL, (uint16_t)i };
		d->ctl_tx_free = (1u << MIN((unsigned)VCON_CTL_TX, virtio_vq_size(d->c_ovq))) - 1;
		for (unsigned i = 0; i < MIN((unsigned)VCON_CTL_BUFS, virtio_vq_size(d->c_ivq)); i++)
			ctl_repost(d, (uint16_t)i);
	}
	free(vqs);
	/* §5.3.6.1: DRIVER_OK first, then DEVICE_READY on the control queue. */
	virtio_device_ready(vdev);
	vcon_count++;
	*vcon_tail = d;
	vcon_tail = &d->next;
	pr_info("%s: %s, %u port%s%s\n", d->name, d->multiport ? "multiport" : "single port",
		d->nports, d->nports == 1 ? "" : "s", d->emerg ? ", emergency write" : "");
	if (!d->multiport) {
		/* §5.3.6: without MULTIPORT, port 0 is a console, and there is
		 * nobody to say when the host has it open: take it as open. */
		struct vcon_slot *s = &d->slots[0];
		if ((rc = slot_buffers(s)))
			return rc;
		s->present = true;
		s->gen++;
		s->host_open = true;
		s->hvc = (int)hvc_next++;
		d->announced[0] |= 1;
		vcon_hvc_found(s);
	} else {
		ctl_settle(d);
	}
	/* The control queue's thread; a polled device without one still
	 * needs it for console input. */
	if ((d->multiport || virtio_polling(vdev)) && !thread_create(d->name, ctl_thread, d))
		pr_err("%s: no control thread: ports will not change\n", d->name);
	return 0;
}

/* §5.3.2 size: the console size is only reported (RESIZE carries it with
 * MULTIPORT); nothing here depends on it. */
static const uint16_t vcon_ids[] = { VIRTIO_ID_CONSOLE, 0 };

static const struct virtio_driver virtio_console_driver = {
	.name = "virtio-console",
	.ids = vcon_ids,
	.features = VIRTIO_BIT(VIRTIO_CONSOLE_F_MULTIPORT) |
		    VIRTIO_BIT(VIRTIO_CONSOLE_F_EMERG_WRITE),
	.probe = vcon_probe,
};
VIRTIO_DRIVER(virtio_console_driver);
