// SPDX-License-Identifier: MIT
/* Ports by name (<drivers/vport.h>) over virtio-console's queue pairs
 * (virtio 1.2 §5.3.6). Reads copy out of the receive buffers the device
 * filled and post them again; writes copy into the driver's transmit
 * buffers, so no caller memory is ever the device's.
 *
 * Waiting follows the virtio core's rule (drivers/virtio/README.md,
 * "Waiting"): irq mode sleeps on the port's wait queue, which completions
 * and control messages wake, and looks at the rings itself every 100 ms;
 * poll mode yields before every look at the rings. Every wait has a bound
 * or ends on Ctrl-C. */
#include "console_priv.h"
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/time.h>
#include <stdlib.h>
#include <string.h>

#define VPORT_SLICE_NS  (100 * NSEC_PER_MSEC)

struct vport {
	struct vcon_slot *s;
	uint32_t gen;           /* the port's generation when opened */
	unsigned want;          /* vport_poll's events */
};

/* The handle's port is still the one it opened. Interrupts off. */
static bool alive(const struct vport *p)
{
	return p->s->present && p->s->gen == p->gen && p->s->user == p;
}

static bool name_matches(const struct vcon_slot *s, const char *name)
{
	if (s->name[0] && !strcmp(s->name, name))
		return true;
	if (s->hvc >= 0 && !strncmp(name, "hvc", 3)) {
		char *end;
		long n = strtol(name + 3, &end, 10);
		return name[3] && !*end && n == s->hvc;
	}
	return false;
}

bool vport_arriving(void)
{
	uint64_t now = time_ns();

	for (struct vcon_dev *d = vcon_devs; d; d = d->next)
		if (d->multiport && now - d->ready_ns < VPORT_ARRIVE_NS)
			return true;
	return false;
}

int vport_open(const char *name, struct vport **out)
{
	for (struct vcon_dev *d = vcon_devs; d; d = d->next) {
		for (uint32_t i = 0; i < d->nports; i++) {
			struct vcon_slot *s = &d->slots[i];
			if (!s->present || !name_matches(s, name))
				continue;
			if (virtio_dev_broken(d->vdev))
				return -EIO;
			struct vport *p = calloc(1, sizeof(*p));
			if (!p)
				return -ENOMEM;
			mutex_lock(&d->lock);
			unsigned long fl = irq_save();
			int rc = 0;
			if (!s->present || s->user || s->kcons) {
				rc = s->present ? -EBUSY : -ENOENT;
			} else {
				p->s = s;
				p->gen = s->gen;
				s->user = p;
				s->host_seen = s->host_open;
			}
			irq_restore(fl);
			if (!rc && d->multiport) {
				vcon_ctl_send(d, s->id, VIRTIO_CONSOLE_PORT_OPEN, 1);
				/* Our buffers have been posted since the port
				 * came: QEMU, which stopped reading the
				 * backend while the port was closed, reads it
				 * again when told about the queue. */
				virtio_notify(s->rxq);
			}
			mutex_unlock(&d->lock);
			if (rc) {
				free(p);
				return rc;
			}
			*out = p;
			return 0;
		}
	}
	return -ENOENT;
}

void vport_close(struct vport *p)
{
	struct vcon_slot *s = p->s;
	struct vcon_dev *d = s->dev;

	mutex_lock(&d->lock);
	unsigned long fl = irq_save();
	bool mine = alive(p);
	if (mine) {
		s->user = NULL;
		/* Unread data is dropped; its buffers go back. */
		while (s->fifo_n) {
			uint16_t idx = s->fifo[s->fifo_head];
			s->rx_dropped += s->fifo_len[idx] - s->rd_off;
			s->rd_off = 0;
			s->fifo_head = (s->fifo_head + 1) % VCON_RX_BUFS;
			s->fifo_n--;
			vcon_rx_repost(s, idx);
		}
		vcon_slot_rx_rearm(s);
	}
	irq_restore(fl);
	if (mine && d->multiport && s->hvc < 0)
		vcon_ctl_send(d, s->id, VIRTIO_CONSOLE_PORT_OPEN, 0);
	mutex_unlock(&d->lock);
	free(p);
}

/* Wait until ready(p) holds. @return 0, -ETIMEDOUT, -EINTR, -EIO, or
 * -EAGAIN for a timeout of 0. */
static int port_wait(struct vport *p, bool (*ready)(struct vport *), uint64_t timeout_ns)
{
	struct vcon_slot *s = p->s;
	struct virtio_dev *vdev = s->dev->vdev;
	bool poll = virtio_polling(vdev);
	uint64_t deadline = 0;
	unsigned spins = 0;

	if (timeout_ns && timeout_ns != VPORT_FOREVER) {
		uint64_t now = time_ns();
		deadline = now + timeout_ns < now ? UINT64_MAX : now + timeout_ns;
	}
	for (;;) {
		vcon_slot_poll(s);
		unsigned long fl = irq_save();
		if (ready(p)) {
			irq_restore(fl);
			return 0;
		}
		if (virtio_dev_broken(vdev)) {
			irq_restore(fl);
			return -EIO;
		}
		if (timeout_ns == 0) {
			irq_restore(fl);
			return -EAGAIN;
		}
		if (thread_interrupted()) {
			irq_restore(fl);
			return -EINTR;
		}
		uint64_t now = time_ns(), slice = VPORT_SLICE_NS;
		if (deadline && now >= deadline) {
			irq_restore(fl);
			return -ETIMEDOUT;
		}
		if (deadline && deadline - now < slice)
			slice = deadline - now;
		/* Now and then: the device status (§2.1.2), and a nudge
		 * for a device that stopped reading a backend for us (see
		 * vport_open; the open's own nudge may have come early). */
		if (poll) {
			irq_restore(fl);
			thread_yield();
			if ((++spins & 4095) == 0) {
				virtio_check_status(vdev);
				virtio_notify(s->rxq);
			}
			continue;
		}
		/* The queues interrupt only when asked (console.c): ask,
		 * and look once more for what came before the request. */
		if (vcon_slot_arm(s)) {
			irq_restore(fl);
			continue;
		}
		int rc = waitq_sleep_intr_locked(&s->wq, slice);
		irq_restore(fl);
		if (rc == -EINTR)
			return -EINTR;
		if (rc == -ETIMEDOUT) {
			virtio_check_status(vdev);
			virtio_notify(s->rxq);
		}
	}
}

/* Something to read, or a reason not to wait. Interrupts off. */
static bool can_read(struct vport *p)
{
	struct vcon_slot *s = p->s;

	return !alive(p) || s->fifo_n || (s->host_seen && !s->host_open);
}

long vport_read(struct vport *p, void *buf, size_t n, uint64_t timeout_ns)
{
	struct vcon_slot *s = p->s;
	size_t got = 0;

	if (n == 0)
		return 0;
	int rc = port_wait(p, can_read, timeout_ns);
	if (rc)
		return rc;
	unsigned long fl = irq_save();
	if (!alive(p)) {
		irq_restore(fl);
		return -ENODEV;
	}
	bool kick = false;
	while (got < n && s->fifo_n) {
		uint16_t idx = s->fifo[s->fifo_head];
		uint32_t len = s->fifo_len[idx];
		size_t k = MIN(n - got, (size_t)(len - s->rd_off));
		memcpy((char *)buf + got, s->rx_mem + (size_t)idx * VCON_RX_SIZE + s->rd_off, k);
		got += k;
		s->rd_off += (uint32_t)k;
		if (s->rd_off == len) {
			struct vq_sg sg = { s->rx_mem + (size_t)idx * VCON_RX_SIZE, VCON_RX_SIZE };
			s->rd_off = 0;
			s->fifo_head = (s->fifo_head + 1) % VCON_RX_BUFS;
			s->fifo_n--;
			if (virtio_enqueue_nowait(s->rxq, &s->rx_ck[idx], &sg, 0, 1) == 0)
				kick = true;
		}
	}
	if (kick)
		virtio_kick(s->rxq);
	irq_restore(fl);
	return (long)got;       /* 0: end of file */
}

static bool can_write(struct vport *p)
{
	struct vcon_slot *s = p->s;

	return !alive(p) || s->tx_free || !s->host_open;
}

long vport_write(struct vport *p, const void *buf, size_t n, uint64_t timeout_ns)
{
	struct vcon_slot *s = p->s;
	size_t done = 0;

	/* A polled control queue may still hold the host's PORT_OPEN. */
	if (!s->host_open)
		vcon_ctl_sync(s->dev);
	while (done < n) {
		int rc = port_wait(p, can_write, timeout_ns);
		if (rc)
			return done ? (long)done : rc;
		unsigned long fl = irq_save();
		if (!alive(p)) {
			irq_restore(fl);
			return done ? (long)done : -ENODEV;
		}
		if (!s->host_open) {
			/* QEMU drops what a port with no host end sends. */
			irq_restore(fl);
			return done ? (long)done : -EPIPE;
		}
		bool posted = false;
		while (done < n && s->tx_free) {
			unsigned i = (unsigned)__builtin_ctz(s->tx_free);
			uint8_t *b = s->tx_mem + (size_t)i * VCON_TX_SIZE;
			uint32_t k = (uint32_t)MIN(n - done, (size_t)VCON_TX_SIZE);
			struct vq_sg sg = { b, k };
			memcpy(b, (const char *)buf + done, k);
			int e = virtio_enqueue_nowait(s->txq, &s->tx_ck[i], &sg, 1, 0);
			if (e) {
				irq_restore(fl);
				if (posted)
					virtio_kick(s->txq);
				return done ? (long)done : (e == -ENOSPC ? -EAGAIN : -EIO);
			}
			s->tx_free &= ~(1u << i);
			s->tx_bytes += k;
			done += k;
			posted = true;
		}
		if (posted)
			virtio_kick(s->txq);
		irq_restore(fl);
	}
	return (long)done;
}

/* The events that hold now. Interrupts off. */
static unsigned events_now(struct vport *p)
{
	struct vcon_slot *s = p->s;
	bool a = alive(p);
	unsigned ev = 0;

	if (a && s->fifo_n)
		ev |= VPORT_IN;
	if (a && s->tx_free && s->host_open)
		ev |= VPORT_OUT;
	if (!a || (s->host_seen && !s->host_open))
		ev |= VPORT_HUP | VPORT_IN;     /* a read returns at once */
	return ev;
}

static bool poll_ready(struct vport *p)
{
	return events_now(p) & p->want;
}

int vport_poll(struct vport *p, unsigned events, uint64_t timeout_ns)
{
	p->want = events | VPORT_HUP;
	int rc = port_wait(p, poll_ready, timeout_ns);
	if (rc == -ETIMEDOUT || rc == -EAGAIN)
		return 0;
	if (rc)
		return rc;
	unsigned long fl = irq_save();
	unsigned ev = events_now(p) & p->want;
	irq_restore(fl);
	return (int)ev;
}

unsigned vport_list(struct vport_info *out, unsigned max)
{
	unsigned n = 0;

	for (struct vcon_dev *d = vcon_devs; d; d = d->next) {
		for (uint32_t i = 0; i < d->nports; i++) {
			struct vcon_slot *s = &d->slots[i];
			if (!s->present)
				continue;
			if (n < max) {
				struct vport_info *v = &out[n];
				unsigned long fl = irq_save();
				memset(v, 0, sizeof(*v));
				memcpy(v->dev, d->name, sizeof(v->dev));
				v->id = s->id;
				memcpy(v->name, s->name, sizeof(v->name));
				v->hvc = s->hvc;
				v->host_open = s->host_open;
				v->guest_open = s->user || s->kcons;
				v->rx_bytes = s->rx_bytes;
				v->tx_bytes = s->tx_bytes;
				v->rx_dropped = s->rx_dropped;
				v->tx_dropped = s->tx_dropped;
				irq_restore(fl);
			}
			n++;
		}
	}
	return n;
}
