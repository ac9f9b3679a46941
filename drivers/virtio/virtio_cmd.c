// SPDX-License-Identifier: MIT
/* The `virtio` shell command: every virtio device with its transport,
 * driver, mode, negotiated features and per-queue counters. */
#include <drivers/virtio_transport.h>
#include <kern/printk.h>
#include <kern/shell.h>

static int cmd_virtio(int argc, char **argv)
{
	if (!virtio_devices()) {
		kprintf("no virtio devices\n");
		return 0;
	}
	for (struct virtio_dev *v = virtio_devices(); v; v = v->next) {
		uint8_t st = v->ops->get_status(v);
		kprintf("%-8s type %-2u %-10s %-12s %-10s %s%s status %#04x features %#llx\n",
			v->name, v->id, v->bus_id, v->transport,
			v->driver ? v->driver->name : "-",
			v->poll ? "poll" : v->irq_shared ? "intx" : "msi-x",
			v->broken ? " BROKEN" : "", st, (unsigned long long)v->features);
		for (unsigned i = 0; i < v->nvqs; i++) {
			struct virtqueue *q = v->vqs[i];
			kprintf("  queue %u: size %u%s%s, in flight %u, requests %llu, kicks %llu, "
				"notifies %llu\n", i, q->num,
				q->indirect_max ? " indirect" : "",
				q->event_idx ? " event-idx" : "", q->inflight,
				(unsigned long long)q->n_enqueued, (unsigned long long)q->n_kicks,
				(unsigned long long)q->n_notifies);
		}
		kprintf("  interrupts %llu, config %llu\n", (unsigned long long)v->n_intr,
			(unsigned long long)v->n_config_intr);
	}
	return 0;
}
SHELL_CMD("virtio", "virtio - list virtio devices, modes and queue counters", cmd_virtio);
