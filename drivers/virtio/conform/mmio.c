// SPDX-License-Identifier: MIT
/* Conformance of the virtio-mmio transport (virtio 1.2 §4.2), register
 * versions 2 and 1 (legacy, §4.2.4): identification registers, queue
 * registers across a reset, InterruptStatus. */
#include "conform.h"
#include <drivers/virtio_mmio.h>
#include <kern/errno.h>
#include <kern/irq.h>
#include <kern/time.h>
#include <kern/vm.h>
#include <arch/io.h>
#include <arch/barrier.h>

static uint8_t *regs(struct cf_dev *d)
{
	struct virtio_mmio_desc m;

	if (virtio_mmio_info(d->vdev, &m))
		return NULL;
	return vm_map_mmio(m.base, m.size);     /* already mapped: the same address */
}

static uint32_t rd(struct cf_dev *d, unsigned off)
{
	return mmio_read32(regs(d) + off);
}

static void wr(struct cf_dev *d, unsigned off, uint32_t v)
{
	mmio_write32(regs(d) + off, v);
}

#define R(f)    VIRTIO_MMIO_REG(f)

CONFORM_CHECK(mmio_magic, "4.2.2.1-magic-value", "MagicValue reads 0x74726976", CF_ANY, CF_MMIO)
{
	uint32_t m = rd(d, R(magic));

	if (m != VIRTIO_MMIO_MAGIC)
		CF_FAIL("MagicValue %#x", m);
}

CONFORM_CHECK(mmio_version, "4.2.2.1-version", "Version reads 2 (1 for the legacy interface of 4.2.4)", CF_ANY, CF_MMIO)
{
	uint32_t v = rd(d, R(version));

	if (v != 2 && v != 1)
		CF_FAIL("Version %u", v);
	else if (v == 1)
		CF_DIAG("Version 1: the legacy interface (4.2.4)");
}

CONFORM_CHECK(mmio_id, "4.2.2-device-id", "DeviceID is the device type (non-zero: a device is there)", CF_ANY, CF_MMIO)
{
	uint32_t id = rd(d, R(device_id));

	if (id == 0 || id != d->vdev->id)
		CF_FAIL("DeviceID %u", id);
	CF_DIAG("DeviceID %u, VendorID %#x", id, rd(d, R(vendor_id)));
}

CONFORM_CHECK(mmio_qmax, "4.2.2-queue-num-max", "QueueNumMax is 1..32768 for each queue the device type has (2.7: at most 32768)", CF_ANY, CF_MMIO)
{
	if (cf_reset(d))
		return;
	if (!d->nq) {
		CF_SKIP("n/a: no queues known for device type %u", d->vdev->id);
		return;
	}
	for (unsigned i = 0; i < d->nq; i++) {
		wr(d, R(queue_sel), i);
		uint32_t m = rd(d, R(queue_num_max));
		if (!m || m > 32768)
			CF_FAIL("queue %u: QueueNumMax %u", i, m);
		else
			CF_DIAG("queue %u: QueueNumMax %u", i, m);
	}
}

CONFORM_CHECK(mmio_ready, "4.2.2.1-reset-clears-queue-ready", "QueueReady reads 1 once set and 0 for every queue after a reset (legacy: QueuePFN 0)", CF_ANY, CF_MMIO)
{
	bool v1 = d->tr == CF_MMIO1;

	if (cf_up(d, 0))
		return;
	wr(d, R(queue_sel), 0);
	uint32_t r = v1 ? rd(d, R(queue_pfn)) : rd(d, R(queue_ready));
	if (v1 ? r == 0 : r != 1)
		CF_FAIL("queue 0: %s reads %#x once set up", v1 ? "QueuePFN" : "QueueReady", r);
	if (cf_reset(d))
		return;
	for (unsigned i = 0; i < d->nq; i++) {
		wr(d, R(queue_sel), i);
		r = v1 ? rd(d, R(queue_pfn)) : rd(d, R(queue_ready));
		if (r)
			CF_FAIL("queue %u: %s %#x after a reset", i, v1 ? "QueuePFN" : "QueueReady", r);
	}
}

/* A probe request used with interrupts off (nobody acknowledges it).
 * @return true with *flp the saved interrupt state, to restore. */
static bool used_quietly(struct cf_dev *d, unsigned long *flp)
{
	return !cf_up(d, 0) && cf_probe_unacked(d, flp);
}

CONFORM_CHECK(mmio_isr, "4.2.2.1-interrupt-status-until-ack", "a used buffer sets InterruptStatus bit 0, which stays until InterruptACK, then reads 0", CF_ANY, CF_MMIO)
{
	unsigned long fl;

	if (!used_quietly(d, &fl))
		return;
	uint32_t a = rd(d, R(interrupt_status));
	udelay(1000);
	uint32_t b = rd(d, R(interrupt_status));
	wr(d, R(interrupt_ack), a);
	uint32_t c = rd(d, R(interrupt_status));
	irq_restore(fl);
	if (!(a & VIRTIO_ISR_QUEUE))
		CF_FAIL("InterruptStatus %#x after a used buffer (bit 0 MUST be set)", a);
	else if (b != a)
		CF_FAIL("InterruptStatus %#x then %#x before any acknowledgement", a, b);
	if (c)
		CF_FAIL("InterruptStatus %#x after acknowledging %#x (no other event took place)",
			c, a);
}

CONFORM_CHECK(mmio_isr_reset, "4.2.2.1-reset-clears-interrupt-status", "a reset clears an unacknowledged InterruptStatus", CF_ANY, CF_MMIO)
{
	unsigned long fl;

	if (!used_quietly(d, &fl))
		return;
	uint32_t a = rd(d, R(interrupt_status));
	int rc = cf_reset(d);
	uint32_t b = rd(d, R(interrupt_status));
	irq_restore(fl);
	if (rc)
		CF_FAIL("the status did not read 0 after a reset");
	if (b)
		CF_FAIL("InterruptStatus %#x before the reset, %#x after (MUST be cleared)", a, b);
}

CONFORM_CHECK(mmio_notready, "4.2.2.1-no-access-when-not-ready", "a queue given its addresses but not QueueReady is not used, even once notified after DRIVER_OK", CF_ANY, CF_MMIO2)
{
	struct cf_probe p;
	unsigned quiet = cf_quiet_ms(d);

	/* Set up as usual, then take queue 0 back to not ready with its
	 * addresses in place. */
	if (cf_start(d, 0) || cf_queues(d))
		return;
	if (!cf_probe_build(d, &p, 0)) {
		CF_SKIP("n/a: no probe request for device type %s", d->type);
		return;
	}
	/* 4.2.2.2: stop a queue by writing 0 and reading it back. */
	wr(d, R(queue_sel), p.q);
	wr(d, R(queue_ready), 0);
	uint32_t back = rd(d, R(queue_ready));
	cf_driver_ok(d);
	cf_avail(d, p.q, cf_chain(d, p.q, p.seg, p.n_out, p.n_in));
	cf_kick(d, p.q);
	cf_delay_ms(quiet);
	uint16_t idx = READ_ONCE(d->vq[p.q]->used->idx);
	if (idx)
		CF_FAIL("QueueReady written 0 (reads back %u), yet the device used %u buffer(s) "
			"notified after that (watched %u ms)", back, idx, quiet);
}
