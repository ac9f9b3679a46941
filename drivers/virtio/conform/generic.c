// SPDX-License-Identifier: MIT
/* Conformance checks every device type shares (virtio 1.2 §2: status,
 * reset, features, configuration, split virtqueues), run with each type's
 * probe request (blk.c, net.c, rng.c). */
#include "conform.h"
#include <kern/errno.h>
#include <kern/irq.h>
#include <kern/time.h>
#include <arch/barrier.h>
#include <string.h>

#define VIRTIO_F_ANY_LAYOUT     27

unsigned cf_type_queues(uint16_t id)
{
	switch (id) {
	case VIRTIO_ID_NET: return 2;      /* receiveq1, transmitq1 */
	case VIRTIO_ID_BLOCK: return 1;
	case VIRTIO_ID_ENTROPY: return 1;
	/* receiveq, transmitq of port 0 and the control queues (used only
	 * with MULTIPORT; QEMU's device always has them). */
	case VIRTIO_ID_CONSOLE: return 4;
	/* inflateq, deflateq, statsq (QEMU always has the statsq). */
	case VIRTIO_ID_BALLOON: return 3;
	/* controlq, eventq, the first request queue. */
	case VIRTIO_ID_SCSI: return 3;
	default: return 0;
	}
}

int cf_probe_build(struct cf_dev *d, struct cf_probe *p, int layout)
{
	memset(p, 0, sizeof(*p));
	switch (d->vdev->id) {
	case VIRTIO_ID_BLOCK: return cf_blk_probe(d, p, layout);
	case VIRTIO_ID_NET: return cf_net_probe(d, p, layout);
	case VIRTIO_ID_ENTROPY: return cf_rng_probe(d, p, layout);
	case VIRTIO_ID_CONSOLE: return cf_console_probe(d, p, layout);
	case VIRTIO_ID_SCSI: return cf_scsi_probe(d, p, layout);
	default: return 0;
	}
}

bool cf_probe_ok(struct cf_dev *d, const struct cf_probe *p, uint32_t len)
{
	if (len > p->in_total) {
		CF_DIAG("used len %u is more than the %u writable bytes posted", len,
			p->in_total);
		return false;
	}
	switch (d->vdev->id) {
	case VIRTIO_ID_BLOCK: return cf_blk_probe_ok(d, p, len);
	case VIRTIO_ID_ENTROPY: return cf_rng_probe_ok(d, p, len);
	case VIRTIO_ID_SCSI: return cf_scsi_probe_ok(d, p, len);
	default: return true;
	}
}

bool cf_probe_unacked(struct cf_dev *d, unsigned long *flp)
{
	struct cf_probe p;

	if (!cf_probe_build(d, &p, 0)) {
		CF_SKIP("n/a: no probe request for device type %s", d->type);
		return false;
	}
	unsigned long fl = irq_save();
	cf_avail(d, p.q, cf_chain(d, p.q, p.seg, p.n_out, p.n_in));
	cf_kick(d, p.q);
	int rc = cf_wait_used(d, p.q, 1, CF_WAIT_MS);
	/* The device's moment to raise the interrupt after the used index
	 * moved (§4.1.4.5.1: the ISR bit before the notification). */
	udelay(2000);
	if (rc) {
		irq_restore(fl);
		CF_FAIL("%s", cf_why(d, rc));
		return false;
	}
	*flp = fl;
	return true;
}

/* Build layout's probe or skip the check (a type without one). */
static bool probe(struct cf_dev *d, struct cf_probe *p, int layout)
{
	if (!cf_probe_build(d, p, layout)) {
		if (!p->n_out && !p->n_in)
			CF_SKIP("n/a: no probe request for device type %s", d->type);
		return false;
	}
	return true;
}

static uint32_t intr_count(struct cf_dev *d, unsigned q)
{
	return d->n_vq_intr[q] + d->n_shared_intr;
}

/* Wait (bounded) for an interrupt of queue q after the count was was. */
static bool wait_intr(struct cf_dev *d, unsigned q, uint32_t was, unsigned ms)
{
	uint64_t end = time_ns() + (uint64_t)ms * 1000000u;

	while (time_ns() < end)
		if (intr_count(d, q) != was)
			return true;
	return intr_count(d, q) != was;
}

/* One probe request, answered right. */
static bool probe_request(struct cf_dev *d, int layout, struct cf_probe *p)
{
	uint32_t len;

	if (!probe(d, p, layout))
		return false;
	if (cf_request(d, p->q, p->seg, p->n_out, p->n_in, &len))
		return false;
	if (!cf_probe_ok(d, p, len)) {
		CF_FAIL("layout %d: the answer is wrong (used len %u)", layout, len);
		return false;
	}
	return true;
}

unsigned cf_quiet_ms(struct cf_dev *d)
{
	struct cf_probe p;
	uint32_t len;
	unsigned ms = CF_QUIET_MS;

	if (cf_up(d, 0) || !cf_probe_build(d, &p, 0))
		return ms;
	uint64_t t0 = time_ns();
	if (!cf_request(d, p.q, p.seg, p.n_out, p.n_in, &len)) {
		uint64_t took = (time_ns() - t0) / 1000000u;
		ms = (unsigned)MIN((uint64_t)CF_WAIT_MS, MAX((uint64_t)ms, 4 * took + CF_QUIET_MS));
	}
	cf_reset(d);
	return ms;
}

CONFORM_CHECK(reset_zero, "2.4.1-reset-status-zero", "after a reset (status 0 written) the device status reads 0", CF_ANY, CF_ALL)
{
	struct cf_probe p;
	struct virtio_dev *v = d->vdev;

	if (cf_up(d, 0))
		return;
	if (cf_probe_build(d, &p, 0))
		probe_request(d, 0, &p);
	v->ops->reset(v);
	uint8_t first = v->ops->get_status(v);
	if (cf_reset(d))
		CF_FAIL("status %#x 200 ms after writing 0 (first read %#x); 2.4.1: the device MUST "
			"reinitialize it to 0", v->ops->get_status(v), first);
	else
		CF_DIAG("status read %#x at once after the reset, then 0", first);
}

CONFORM_CHECK(reset_quiet, "2.4.1-no-queue-use-after-reset", "a request posted and notified after a reset is neither used nor written, and no interrupt comes", CF_ANY, CF_ALL)
{
	struct cf_probe p;
	unsigned quiet = cf_quiet_ms(d);

	if (cf_up(d, 0))
		return;
	if (cf_reset(d)) {
		CF_FAIL("the status did not read 0 after a reset");
		return;
	}
	if (!probe(d, &p, 0))
		return;
	uint32_t intr = intr_count(d, p.q);
	cf_avail(d, p.q, cf_chain(d, p.q, p.seg, p.n_out, p.n_in));
	cf_kick(d, p.q);
	cf_delay_ms(quiet);
	if (intr_count(d, p.q) != intr)
		CF_FAIL("%u interrupt(s) for the queue after the reset (MUST NOT notify until "
			"re-initialised)", intr_count(d, p.q) - intr);
	uint16_t idx = READ_ONCE(d->vq[p.q]->used->idx);
	if (idx)
		CF_FAIL("the device moved the used index to %u after a reset (MUST NOT touch the "
			"queues until re-initialised)", idx);
	for (unsigned i = p.n_out; i < p.n_out + p.n_in; i++)
		for (uint32_t k = 0; k < p.seg[i].len; k++)
			if (p.seg[i].b->p[p.seg[i].off + k] != CF_CANARY) {
				CF_FAIL("the device wrote a buffer posted after a reset");
				return;
			}
}

CONFORM_CHECK(no_use_early, "2.1.2-no-used-buffer-before-driver-ok", "a request notified before DRIVER_OK is not used until DRIVER_OK is set", CF_ANY, CF_MODERN)
{
	struct cf_probe p;
	unsigned quiet = cf_quiet_ms(d);

	if (cf_start(d, 0) || cf_queues(d)) {
		CF_FAIL("could not set the device up");
		return;
	}
	if (!probe(d, &p, 0))
		return;
	cf_avail(d, p.q, cf_chain(d, p.q, p.seg, p.n_out, p.n_in));
	cf_kick(d, p.q);
	cf_delay_ms(quiet);
	uint16_t idx = READ_ONCE(d->vq[p.q]->used->idx);
	if (idx)
		CF_FAIL("status %#x (no DRIVER_OK), yet the device used %u buffer(s) %u ms after the "
			"notification; 2.1.2: MUST NOT consume buffers before DRIVER_OK",
			d->vdev->ops->get_status(d->vdev), idx, quiet);
	cf_driver_ok(d);
	cf_kick(d, p.q);
	if (!idx) {
		int rc = cf_wait_used(d, p.q, 1, CF_WAIT_MS);
		CF_DIAG("after DRIVER_OK and a second notification: %s",
			rc ? cf_why(d, rc) : "used");
	}
}

CONFORM_CHECK(subset, "2.2.2-valid-feature-subset-accepted", "FEATURES_OK stays set for VERSION_1 alone, again after a reset, and for the ring features offered (SHOULD; MUST clear it otherwise)", CF_ANY, CF_MODERN)
{
	uint64_t ring = VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) | VIRTIO_BIT(VIRTIO_F_EVENT_IDX);

	if (cf_start(d, 0))
		CF_FAIL("VERSION_1 alone refused");
	else if (cf_start(d, 0))
		CF_FAIL("VERSION_1 alone refused on re-negotiation after a reset (SHOULD NOT)");
	if (cf_start(d, ring))
		CF_FAIL("%#llx refused", (unsigned long long)(d->offered & ring));
	CF_DIAG("offered %#llx", (unsigned long long)d->offered);
}

/* Stable configuration bytes per type, for reads that must agree. */
static unsigned stable_cfg(struct cf_dev *d)
{
	switch (d->vdev->id) {
	case VIRTIO_ID_BLOCK: return 20;   /* capacity, size_max, seg_max, geometry */
	case VIRTIO_ID_NET: return (d->offered & VIRTIO_BIT(5)) ? 6 : 0;  /* mac */
	default: return 0;
	}
}

static int read_cfg(struct cf_dev *d, uint8_t *buf, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		int rc = d->vdev->ops->config_read(d->vdev, i, &buf[i], 1);
		if (rc)
			return rc;
	}
	return 0;
}

CONFORM_CHECK(cfg_early, "2.5.2-config-readable-before-features-ok", "device configuration read before FEATURES_OK equals what it reads once the device is live", CF_NET | CF_BLK, CF_ALL)
{
	struct virtio_dev *v = d->vdev;
	uint8_t early[32], late[32];

	if (cf_reset(d)) {
		CF_FAIL("reset did not complete");
		return;
	}
	v->ops->set_status(v, VIRTIO_STATUS_ACKNOWLEDGE);
	v->ops->set_status(v, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	d->offered = v->ops->get_features(v);
	unsigned n = stable_cfg(d);
	if (!n) {
		CF_SKIP("n/a: no stable configuration field offered");
		return;
	}
	int rc = read_cfg(d, early, n);
	if (rc) {
		CF_FAIL("reading %u configuration bytes before FEATURES_OK: %d", n, rc);
		return;
	}
	if (cf_up(d, 0) || read_cfg(d, late, n))
		return;
	if (memcmp(early, late, n))
		CF_FAIL("configuration bytes 0..%u differ before FEATURES_OK and after DRIVER_OK",
			n);
}

CONFORM_CHECK(gen_stable, "2.5-config-generation-stable", "config_generation does not move across reads of an unchanging configuration (else a driver retries forever)", CF_NET | CF_BLK, CF_MODERN)
{
	struct virtio_dev *v = d->vdev;
	uint8_t a[32], b[32];

	if (cf_up(d, 0))
		return;
	unsigned n = stable_cfg(d);
	if (!n) {
		CF_SKIP("n/a: no stable configuration field offered");
		return;
	}
	uint32_t g0 = v->ops->config_generation(v);
	read_cfg(d, a, n);
	uint32_t g1 = v->ops->config_generation(v);
	read_cfg(d, b, n);
	uint32_t g2 = v->ops->config_generation(v);
	if (g0 != g1 || g1 != g2)
		CF_FAIL("config_generation %u, %u, %u across reads of an unchanged configuration",
			g0, g1, g2);
	if (memcmp(a, b, n))
		CF_FAIL("the configuration changed between two reads");
}

CONFORM_CHECK(used_len, "2.7.8-used-len-within-buffer", "the used length of a probe request is at most the writable bytes posted, and the answer is right", CF_ANY, CF_ALL)
{
	struct cf_probe p;

	if (cf_up(d, 0))
		return;
	if (probe_request(d, 0, &p))
		CF_DIAG("%u writable bytes posted", p.in_total);
}

CONFORM_CHECK(used_order, "2.7.8.1-used-elem-before-idx", "every used element the used index publishes is already written (id of a buffer in flight, each once, len set)", CF_ANY, CF_ALL)
{
	enum { K = 4 };
	struct cf_probe p[K];
	uint16_t head[K];
	bool seen[K] = { false };

	if (cf_up(d, 0))
		return;
	for (unsigned k = 0; k < K; k++)
		if (!probe(d, &p[k], 0))
			return;
	struct virtqueue *vq = d->vq[p[0].q];
	for (unsigned i = 0; i < vq->num; i++)
		vq->used->ring[i] = (struct vring_used_elem){ 0xffffffffu, 0xffffffffu };
	wmb();
	for (unsigned k = 0; k < K; k++) {
		head[k] = cf_chain(d, p[k].q, p[k].seg, p[k].n_out, p[k].n_in);
		cf_avail(d, p[k].q, head[k]);
	}
	cf_kick(d, p[0].q);
	for (unsigned got = 0; got < K;) {
		int rc = cf_wait_used(d, p[0].q, 1, CF_WAIT_MS);
		if (rc) {
			CF_FAIL("after %u of %u: %s", got, K, cf_why(d, rc));
			return;
		}
		/* Look at every element published so far, at once. */
		uint16_t n = (uint16_t)(READ_ONCE(vq->used->idx) - d->used_seen[p[0].q]);
		rmb();
		for (unsigned i = 0; i < n && got < K; i++, got++) {
			struct vring_used_elem e = cf_used(d, p[0].q, i);
			unsigned k = 0;
			while (k < K && head[k] != e.id)
				k++;
			if (e.id == 0xffffffffu || e.len == 0xffffffffu)
				CF_FAIL("used element %u was published (idx) before it was written "
					"(id %#x len %#x)", got, e.id, e.len);
			else if (k == K || seen[k])
				CF_FAIL("used element %u has id %u: not a head in flight", got, e.id);
			else
				seen[k] = true;
		}
		cf_consume(d, p[0].q, n);
	}
}

/* §2.7.4.3: a legacy device may expect its own layout unless it offers
 * VIRTIO_F_ANY_LAYOUT. */
static bool any_layout(struct cf_dev *d, uint64_t *want)
{
	if (!d->vdev->legacy)
		return true;
	uint64_t f = d->vdev->ops->get_features(d->vdev);
	if (!(f & VIRTIO_BIT(VIRTIO_F_ANY_LAYOUT))) {
		CF_SKIP("n/a: legacy device without VIRTIO_F_ANY_LAYOUT (2.7.4.3)");
		return false;
	}
	*want |= VIRTIO_BIT(VIRTIO_F_ANY_LAYOUT);
	return true;
}

CONFORM_CHECK(framing, "2.7.4.1-any-descriptor-layout", "the same request split across descriptors in other ways (headers split, data and status in one buffer) gives the same answer", CF_ANY, CF_ALL)
{
	struct cf_probe p0, p;
	uint64_t want = 0;

	if (!any_layout(d, &want) || cf_up(d, want))
		return;
	if (!probe_request(d, 0, &p0))
		return;
	for (int layout = 1; layout <= 3; layout++) {
		if (!probe_request(d, layout, &p))
			return;
		if (p0.data && p.data && d->vdev->id == VIRTIO_ID_BLOCK &&
		    memcmp(p0.data->p, p.data->p, p0.data->len - 1))
			CF_FAIL("layout %d read other data than the plain layout", layout);
	}
}

static bool indirect_up(struct cf_dev *d)
{
	uint64_t f = VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC);

	if (cf_start(d, f))
		return false;
	if (!(d->features & f)) {
		CF_SKIP("n/a: VIRTIO_F_INDIRECT_DESC not offered");
		return false;
	}
	if (cf_queues(d))
		return false;
	cf_driver_ok(d);
	return true;
}

static void indirect_request(struct cf_dev *d, int layout, unsigned lead, bool wflag)
{
	struct cf_probe p;
	uint32_t len;

	if (!indirect_up(d) || !probe(d, &p, layout))
		return;
	/* Direct ones in front: the readable part, or one buffer. */
	if (lead == ~0u && p.n_out + p.n_in < 2 && !probe(d, &p, 0))
		return;
	if (lead == ~0u)
		lead = p.n_out && p.n_out < p.n_out + p.n_in ? p.n_out : 1;
	uint16_t head = cf_chain_indirect(d, p.q, p.seg, p.n_out, p.n_in, lead, wflag);
	cf_avail(d, p.q, head);
	cf_kick(d, p.q);
	int rc = cf_wait_used(d, p.q, 1, CF_WAIT_MS);
	if (rc) {
		CF_FAIL("%u direct descriptor(s) then an indirect table of %u%s: %s", lead,
			p.n_out + p.n_in - lead, wflag ? " (WRITE flag on it)" : "", cf_why(d, rc));
		return;
	}
	struct vring_used_elem e = cf_used(d, p.q, 0);
	len = e.len;
	if (e.id != head)
		CF_FAIL("used id %u, posted head %u", e.id, head);
	else if (!cf_probe_ok(d, &p, len))
		CF_FAIL("the answer through the indirect table is wrong (used len %u)", len);
}

CONFORM_CHECK(indirect, "2.7.5.3-indirect-table", "a request in one indirect table is answered right", CF_ANY, CF_ALL)
{
	indirect_request(d, 0, 0, false);
}

CONFORM_CHECK(indirect_lead, "2.7.5.3.2-chain-then-indirect", "direct descriptors followed by one indirect descriptor (MUST handle)", CF_ANY, CF_ALL)
{
	indirect_request(d, 1, ~0u, false);
}

CONFORM_CHECK(indirect_wflag, "2.7.5.3.2-indirect-write-flag-ignored", "the WRITE flag on a descriptor pointing at an indirect table is ignored", CF_ANY, CF_ALL)
{
	indirect_request(d, 0, 0, true);
}

CONFORM_CHECK(desc_ro, "2.7.5.1-descriptor-table-not-written", "the descriptor table (and indirect tables) are unchanged after the device used them", CF_ANY, CF_ALL)
{
	struct cf_probe p;
	struct vring_desc copy[16];

	if (cf_up(d, 0) || !probe(d, &p, 3))
		return;
	struct virtqueue *vq = d->vq[p.q];
	uint16_t head = cf_chain(d, p.q, p.seg, p.n_out, p.n_in);
	unsigned n = p.n_out + p.n_in;
	for (unsigned i = 0; i < n; i++)
		copy[i] = vq->desc[(head + i) % vq->num];
	cf_avail(d, p.q, head);
	cf_kick(d, p.q);
	int rc = cf_wait_used(d, p.q, 1, CF_WAIT_MS);
	if (rc) {
		CF_FAIL("%s", cf_why(d, rc));
		return;
	}
	for (unsigned i = 0; i < n; i++)
		if (memcmp(&copy[i], &vq->desc[(head + i) % vq->num], sizeof(copy[i])))
			CF_FAIL("descriptor %u changed", (head + i) % vq->num);
}

CONFORM_CHECK(notify_flags, "2.7.7.2-interrupt-unless-no-interrupt", "without EVENT_IDX: flags 0 gets an interrupt (used_event ignored); flags 1 (NO_INTERRUPT) should get none", CF_ANY, CF_ALL)
{
	struct cf_probe p;

	if (cf_up(d, 0))
		return;
	if (!cf_irq(d)) {
		CF_SKIP("n/a: no interrupts (virtio.mode=poll or none routed)");
		return;
	}
	if (!probe(d, &p, 0))
		return;
	struct virtqueue *vq = d->vq[p.q];
	/* used_event far ahead: without EVENT_IDX it MUST be ignored. */
	*vring_used_event(vq->avail, vq->num) = 0x7fff;
	WRITE_ONCE(vq->avail->flags, 0);
	uint32_t c0 = intr_count(d, p.q), len;
	if (cf_request(d, p.q, p.seg, p.n_out, p.n_in, &len))
		return;
	if (!wait_intr(d, p.q, c0, CF_WAIT_MS)) {
		CF_FAIL("flags 0, used_event 0x7fff: no interrupt within %u ms after the used "
			"buffer (MUST send one)", CF_WAIT_MS);
		return;
	}
	/* Either counter may move; settle, then try NO_INTERRUPT. */
	cf_delay_ms(CF_QUIET_MS);
	WRITE_ONCE(vq->avail->flags, VRING_AVAIL_F_NO_INTERRUPT);
	if (!probe(d, &p, 0))
		return;
	uint32_t c1 = intr_count(d, p.q);
	if (cf_request(d, p.q, p.seg, p.n_out, p.n_in, &len))
		return;
	cf_delay_ms(CF_QUIET_MS);
	uint16_t uf = READ_ONCE(vq->used->flags);
	if (intr_count(d, p.q) != c1)
		CF_DIAG("with NO_INTERRUPT the device still interrupted (SHOULD NOT; not failed)");
	if (uf > 1)
		CF_FAIL("2.7.10.2: used flags %#x (MUST be 0 or 1 without EVENT_IDX)", uf);
}

CONFORM_CHECK(notify_event, "2.7.7.2-event-idx-used-event", "with EVENT_IDX: the NO_INTERRUPT flag is ignored and the buffer placed at used_event gets an interrupt", CF_ANY, CF_ALL)
{
	struct cf_probe p;
	uint32_t len;
	uint64_t f = VIRTIO_BIT(VIRTIO_F_EVENT_IDX);

	if (cf_start(d, f))
		return;
	if (!(d->features & f)) {
		CF_SKIP("n/a: VIRTIO_F_EVENT_IDX not offered");
		return;
	}
	if (cf_queues(d))
		return;
	cf_driver_ok(d);
	if (!cf_irq(d)) {
		CF_SKIP("n/a: no interrupts (virtio.mode=poll or none routed)");
		return;
	}
	if (!probe(d, &p, 0))
		return;
	struct virtqueue *vq = d->vq[p.q];
	WRITE_ONCE(vq->avail->flags, VRING_AVAIL_F_NO_INTERRUPT);   /* MUST be ignored */
	*vring_used_event(vq->avail, vq->num) = 1;
	if (cf_request(d, p.q, p.seg, p.n_out, p.n_in, &len))
		return;
	cf_delay_ms(CF_QUIET_MS);
	uint32_t c1 = intr_count(d, p.q);
	if (c1)
		CF_DIAG("an interrupt for the buffer at used idx 0 with used_event 1 (SHOULD NOT; "
			"not failed)");
	if (!probe(d, &p, 0) || cf_request(d, p.q, p.seg, p.n_out, p.n_in, &len))
		return;
	if (!wait_intr(d, p.q, c1, CF_WAIT_MS))
		CF_FAIL("used_event 1, flags 1: no interrupt within %u ms after the buffer placed at "
			"used idx 1 (MUST send one; the flag MUST be ignored)", CF_WAIT_MS);
	uint16_t uf = READ_ONCE(vq->used->flags);
	if (uf)
		CF_FAIL("2.7.10.2: used flags %#x with EVENT_IDX (MUST be 0)", uf);
}

CONFORM_CHECK(spurious, "2.7.10.2-spurious-notification", "notifications with nothing new in the ring are harmless: the next request is answered", CF_ANY, CF_ALL)
{
	struct cf_probe p;

	if (cf_up(d, 0) || !probe(d, &p, 0))
		return;
	for (int i = 0; i < 4; i++)
		d->vdev->ops->queue_notify(d->vq[p.q]);
	cf_delay_ms(10);
	if (READ_ONCE(d->vq[p.q]->used->idx))
		CF_FAIL("the used index moved with nothing posted");
	probe_request(d, 0, &p);
	uint8_t st = d->vdev->ops->get_status(d->vdev);
	if (st & (VIRTIO_STATUS_NEEDS_RESET | VIRTIO_STATUS_FAILED))
		CF_FAIL("status %#x after spurious notifications", st);
}

CONFORM_CHECK(needs_reset, "2.1.2-needs-reset-config-notification", "a device that sets DEVICE_NEEDS_RESET after DRIVER_OK (provoked with an available head past the queue) sends a configuration change notification", CF_ANY, CF_MODERN | CF_LAST)
{
	struct virtio_dev *v = d->vdev;
	struct cf_probe p;

	if (!cf_probe_build(d, &p, 0)) {
		CF_SKIP("n/a: no probe request for device type %s", d->type);
		return;
	}
	/* The device reacts (or not) within its own answer time. */
	unsigned quiet = cf_quiet_ms(d);
	if (cf_up(d, 0))
		return;
	if (!cf_irq(d)) {
		CF_SKIP("n/a: no interrupts (virtio.mode=poll or none routed)");
		return;
	}
	unsigned q = p.q;
	uint32_t c0 = d->n_config_intr;
	/* A head index no descriptor has: a driver error a device may take
	 * as a reason to need a reset. */
	cf_avail(d, q, (uint16_t)d->vq[q]->num);
	cf_kick(d, q);
	int rc = cf_wait_used(d, q, 1, quiet);
	uint8_t st = v->ops->get_status(v);
	if (rc != -EIO) {
		CF_SKIP("n/a: the device did not set DEVICE_NEEDS_RESET (status %#x): nothing to "
			"check", st);
		return;
	}
	uint64_t end = time_ns() + (uint64_t)CF_WAIT_MS * 1000000u;
	while (d->n_config_intr == c0 && time_ns() < end)
		cpu_relax();
	if (d->n_config_intr == c0)
		CF_FAIL("status %#x (DEVICE_NEEDS_RESET after DRIVER_OK), but no configuration "
			"change notification within %u ms (MUST send one)", st, CF_WAIT_MS);
}
