// SPDX-License-Identifier: MIT
/* A virtio console port as the kernel console (hvc0): printk, the shell
 * and the test runner's TAP lines go through it. It becomes the console
 * when the command line says console=hvcN for it, or when the machine has
 * no console at all (no UART: x86 microvm with -serial none); the early
 * console stays the UART where there is one.
 *
 * Output may come from any context (interrupts off, a fault handler, a
 * panic), so it never sleeps: it copies into the port's transmit buffers
 * and kicks; with every buffer in flight it polls the transmit queue for a
 * bounded time and then drops, counted. Once the queues are unusable (the
 * core failed the device) it writes byte by byte into the emergency write
 * field of the configuration where the device offers it
 * (VIRTIO_CONSOLE_F_EMERG_WRITE, §5.3.4), which is how a panic still gets
 * out. Input goes to the console layer's ring (console_rx), from the
 * receive completion. */
#include "console_priv.h"
#include <kern/cmdline.h>
#include <kern/console.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/time.h>
#include <arch/barrier.h>
#include <stdio.h>
#include <string.h>

CMDLINE_OPT(console, "console", "hvc0: the first virtio console port is the kernel console");

/* All transmit buffers busy: poll this long before dropping output, then
 * drop at once until a buffer comes back (a host that stopped reading
 * must not slow every printk down). */
#define HVC_STALL_NS    (200 * NSEC_PER_MSEC)
#define HVC_FLUSH_NS    (1000 * NSEC_PER_MSEC)

static struct vcon_slot *hvc;
static bool hvc_stalled;
static char hvc_name[8];

static void emerg_write(const char *s, size_t n)
{
	struct vcon_dev *d = hvc->dev;

	if (!d->emerg)
		return;
	for (size_t i = 0; i < n; i++) {
		uint32_t v = (uint8_t)s[i];
		if (s[i] == '\n') {
			uint32_t cr = '\r';
			virtio_config_write(d->vdev, offsetof(struct virtio_console_config,
							      emerg_wr), &cr, 4);
		}
		virtio_config_write(d->vdev, offsetof(struct virtio_console_config, emerg_wr),
				    &v, 4);
	}
}

/* A free transmit buffer, waiting a bounded time for one. Interrupts off. */
static int take_tx(void)
{
	uint64_t start = 0;

	for (;;) {
		if (hvc->tx_free) {
			hvc_stalled = false;
			return __builtin_ctz(hvc->tx_free);
		}
		vcon_tx_take(hvc);
		if (hvc->tx_free || virtio_dev_broken(hvc->dev->vdev))
			continue;
		if (hvc_stalled)
			return -EAGAIN;
		uint64_t now = time_ns();
		if (!start)
			start = now;
		else if (now - start > HVC_STALL_NS) {
			hvc_stalled = true;
			return -EAGAIN;
		}
		cpu_relax();
	}
}

static void hvc_write(const char *s, size_t n)
{
	struct vcon_slot *p = hvc;
	unsigned long fl = irq_save();

	while (n) {
		if (virtio_dev_broken(p->dev->vdev)) {
			emerg_write(s, n);
			break;
		}
		int i = take_tx();
		if (i < 0) {
			p->tx_dropped += n;
			break;
		}
		/* '\n' goes out as "\r\n", as on the UART. */
		uint8_t *b = p->tx_mem + (size_t)i * VCON_TX_SIZE;
		uint32_t k = 0;
		while (n && k + 2 <= VCON_TX_SIZE) {
			if (*s == '\n')
				b[k++] = '\r';
			b[k++] = (uint8_t)*s++;
			n--;
		}
		struct vq_sg sg = { b, k };
		if (virtio_enqueue_nowait(p->txq, &p->tx_ck[i], &sg, 1, 0)) {
			p->tx_dropped += k;
			continue;       /* failed meanwhile: the loop sees it */
		}
		p->tx_free &= ~(1u << i);
		p->tx_bytes += k;
		virtio_kick(p->txq);
	}
	irq_restore(fl);
}

static void hvc_putc(char c)
{
	hvc_write(&c, 1);
}

/* Polled input: a poll-mode device has no receive interrupt; its
 * completions feed console_rx from here. */
static int hvc_getc(void)
{
	virtio_poll(hvc->rxq);
	return -1;
}

/* Before the VM exits: wait until the device has taken every buffer. */
static void hvc_flush(void)
{
	uint64_t start = time_ns();
	uint32_t all = (1u << MIN((unsigned)VCON_TX_BUFS, virtio_vq_size(hvc->txq))) - 1;

	while (!virtio_dev_broken(hvc->dev->vdev) && (hvc->tx_free & all) != all &&
	       time_ns() - start < HVC_FLUSH_NS) {
		vcon_tx_take(hvc);
		cpu_relax();
	}
}

static const struct console_ops hvc_ops = {
	.name = hvc_name,
	.putc = hvc_putc,
	.getc = hvc_getc,
	.write = hvc_write,
	.flush = hvc_flush,
};

void vcon_hvc_input(struct vcon_slot *s, const uint8_t *p, uint32_t n)
{
	(void)s;
	for (uint32_t i = 0; i < n; i++)
		console_rx((char)p[i]);
}

void vcon_hvc_found(struct vcon_slot *s)
{
	char want[8];
	const char *opt = cmdline_get("console");

	if (hvc)
		return;
	snprintf(want, sizeof(want), "hvc%d", s->hvc);
	if (opt ? strcmp(opt, want) != 0 : console_name() != NULL)
		return;
	if (s->user) {
		pr_warn("%s: %s is open as a port; not the console\n", s->dev->name, want);
		return;
	}
	strlcpy(hvc_name, want, sizeof(hvc_name));
	pr_info("%s: port %u (%s) is the console from here on\n", s->dev->name, s->id, want);
	unsigned long fl = irq_save();
	hvc = s;
	s->kcons = true;
	irq_restore(fl);
	console_set_irq_driven(!virtio_polling(s->dev->vdev));
	console_register(&hvc_ops);
	kprintf("%s: console on %s port %u\n", hvc_name, s->dev->name, s->id);
}
