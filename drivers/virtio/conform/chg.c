// SPDX-License-Identifier: MIT
/* Configuration changes the host makes (virtio 1.2 §2.5, §3.2.1): the
 * guest asks for one on the console ("# conform: host: resize|link|balloon
 * ..."), tests/conform makes it through QMP (block_resize of the disk;
 * set_link of the NIC, down then up again so the network checks after it
 * still have a link; balloon, a lower target: num_pages grows), and the
 * checks look at what the device showed: the new value, config_generation,
 * the notification and the ISR bits. A VMM runner that answers nothing
 * makes these checks skip. */
#include "conform.h"
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/time.h>
#include <arch/barrier.h>

#define NET_F_STATUS    16

/* The field that changes: blk capacity (offset 0, 8 bytes), net status
 * (offset 6, 2 bytes; only with VIRTIO_NET_F_STATUS), balloon num_pages
 * (offset 0, 4 bytes: the host lowers the target by 1 MiB). */
static int field(struct cf_dev *d, uint64_t *v)
{
	struct virtio_dev *vd = d->vdev;
	uint32_t lo = 0, hi = 0;
	uint16_t st = 0;

	switch (vd->id) {
	case VIRTIO_ID_BLOCK:
		vd->ops->config_read(vd, 0, &lo, 4);
		vd->ops->config_read(vd, 4, &hi, 4);
		*v = (uint64_t)hi << 32 | lo;
		return 0;
	case VIRTIO_ID_NET:
		if (!(d->features & VIRTIO_BIT(NET_F_STATUS)))
			return -ENOENT;
		vd->ops->config_read(vd, 6, &st, 2);
		*v = st;
		return 0;
	case VIRTIO_ID_BALLOON:
		vd->ops->config_read(vd, 0, &lo, 4);
		*v = lo;
		return 0;
	default:
		return -ENOENT;
	}
}

static int ask_and_wait(struct cf_dev *d, uint64_t was)
{
	uint64_t end = time_ns() + (uint64_t)CF_WAIT_MS * 1000000u, v;

	uint16_t id = d->vdev->id;

	kprintf("# conform: host: %s %s %s\n", id == VIRTIO_ID_NET ? "link" :
		id == VIRTIO_ID_BALLOON ? "balloon" : "resize", d->vdev->name, d->vdev->bus_id);
	while (time_ns() < end) {
		if (!field(d, &v) && v != was)
			return 0;
		udelay(500);
	}
	return -ETIMEDOUT;
}

int cf_host_poke(struct cf_dev *d)
{
	uint64_t v0, v1;

	if (field(d, &v0))
		return -ENOENT;
	int rc = ask_and_wait(d, v0);
	/* A link taken down is brought back (the runner toggles it). */
	if (!rc && d->vdev->id == VIRTIO_ID_NET && !field(d, &v1))
		ask_and_wait(d, v1);
	return rc;
}

static void change_once(struct cf_dev *d)
{
	struct virtio_dev *v = d->vdev;
	uint64_t want = v->id == VIRTIO_ID_NET ? VIRTIO_BIT(NET_F_STATUS) : 0;

	d->chg.state = 1;
	if (cf_up(d, want) || field(d, &d->chg.val0))
		return;
	d->chg.gen0 = v->ops->config_generation(v);
	uint32_t n0 = d->n_config_intr;
	if (ask_and_wait(d, d->chg.val0))
		return;
	field(d, &d->chg.val1);
	d->chg.gen1 = v->ops->config_generation(v);
	uint64_t end = time_ns() + (uint64_t)CF_WAIT_MS * 1000000u;
	while (d->n_config_intr == n0 && time_ns() < end)
		cpu_relax();
	d->chg.notes = d->n_config_intr - n0;
	d->chg.isr = d->isr_seen;
	d->chg.state = 2;
	if (v->id == VIRTIO_ID_NET)
		ask_and_wait(d, d->chg.val1);   /* the link back up */
}

bool cf_host_change(struct cf_dev *d)
{
	if (d->chg.state == 0)
		change_once(d);
	if (d->chg.state != 2)
		CF_SKIP("n/a: the host changed no configuration within %u ms (tests/conform "
			"resizes the disk, toggles the link or lowers the balloon target through "
			"QMP when asked)", CF_WAIT_MS);
	else
		CF_DIAG("%s %#llx -> %#llx, generation %u -> %u, %u notification(s), ISR bits "
			"seen %#x", d->vdev->id == VIRTIO_ID_NET ? "status" :
			d->vdev->id == VIRTIO_ID_BALLOON ? "num_pages" : "capacity",
			(unsigned long long)d->chg.val0, (unsigned long long)d->chg.val1,
			d->chg.gen0, d->chg.gen1, d->chg.notes, d->chg.isr);
	return d->chg.state == 2;
}

CONFORM_CHECK(chg_note, "3.2.1-config-change-notification", "the host changes the configuration (disk grown, link down, balloon target lowered): a configuration change notification follows", CF_BLK | CF_NET | CF_BALLOON, CF_ALL)
{
	bool changed = cf_host_change(d);

	if (!cf_irq(d)) {
		CF_SKIP("n/a: no interrupts (virtio.mode=poll or none routed)");
		return;
	}
	if (changed && !d->chg.notes)
		CF_FAIL("the configuration changed, but no configuration change notification within "
			"%u ms", CF_WAIT_MS);
}

CONFORM_CHECK(chg_gen_pci, "4.1.4.3.1-config-generation-changes", "after the driver read a value the host changed, config_generation differs from before", CF_BLK | CF_NET | CF_BALLOON, CF_PCI_MODERN)
{
	if (cf_host_change(d) && d->chg.gen0 == d->chg.gen1)
		CF_FAIL("config_generation %u before and after the configuration changed",
			d->chg.gen0);
}

CONFORM_CHECK(chg_gen_mmio, "4.2.2.1-config-generation-changes", "ConfigGeneration differs once the host changed the configuration", CF_BLK | CF_NET | CF_BALLOON, CF_MMIO2)
{
	if (cf_host_change(d) && d->chg.gen0 == d->chg.gen1)
		CF_FAIL("ConfigGeneration %u before and after the configuration changed",
			d->chg.gen0);
}

CONFORM_CHECK(chg_isr_mmio, "4.2.2.1-interrupt-status-config-bit", "the host's configuration change is presented as InterruptStatus bit 1", CF_BLK | CF_NET | CF_BALLOON, CF_MMIO)
{
	bool changed = cf_host_change(d);

	if (!cf_irq(d)) {
		CF_SKIP("n/a: no interrupts (virtio.mode=poll or none routed)");
		return;
	}
	if (changed && !(d->chg.isr & VIRTIO_ISR_CONFIG))
		CF_FAIL("InterruptStatus bits seen %#x: bit 1 (configuration change) never set",
			d->chg.isr);
}
