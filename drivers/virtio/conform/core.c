// SPDX-License-Identifier: MIT
/* The virtio conformance suite's runner and device set-up (conform=GLOB).
 *
 * The core binds no driver under conform= (drivers/virtio/virtio.c), so
 * every device sits reset and untouched when the suite starts. For each
 * device and each registered check whose name matches GLOB, one TAP line:
 * "virtio0:blk 2.4.1-reset-status-zero". A check for another device type
 * or transport is a skip that says so. After each check the device is
 * reset (so it lets go of the check's buffers, §2.4.1) and every buffer
 * the check posted is looked at: a canary byte changed around it, or a
 * device-readable one changed, fails the check (§2.7.5.1).
 *
 * Queues come from the core once per device (virtio_find_vqs, which also
 * routes the interrupts); the device's raw_intr hook makes the interrupt
 * entry points count instead of completing requests, and after every reset
 * the suite hands the same rings to the device again through the
 * transport's queue_setup. */
#include "conform.h"
#include <kern/cmdline.h>
#include <kern/errno.h>
#include <kern/pmm.h>
#include <kern/printk.h>
#include <kern/time.h>
#include <stdio.h>
#include <string.h>

CMDLINE_OPT(conform, "conform",
	    "run the virtio conformance checks matching globs on every device and exit "
	    "(conform=all, conform=2.7*,4.1*)");

CMDLINE_OPT(conform_timing, "conform.timing",
	    "conformance checks: 1 prints each check's time (\"# conform: N ms\")");
CMDLINE_OPT(conform_timeout, "conform.timeout_ms",
	    "conformance checks: a request unanswered this long fails its check (default 1000)");

extern const struct cf_check __conform_start[], __conform_end[];

unsigned cf_wait_ms = 1000;

static unsigned transport_bit(const struct virtio_dev *v)
{
	if (!strcmp(v->transport, "pci-modern"))
		return CF_PCI_MODERN;
	if (!strcmp(v->transport, "pci-legacy"))
		return CF_PCI_LEGACY;
	if (!strcmp(v->transport, "mmio"))
		return CF_MMIO2;
	return CF_MMIO1;
}

static const char *type_name(uint16_t id)
{
	switch (id) {
	case VIRTIO_ID_NET: return "net";
	case VIRTIO_ID_BLOCK: return "blk";
	case VIRTIO_ID_ENTROPY: return "rng";
	case VIRTIO_ID_CONSOLE: return "console";
	case VIRTIO_ID_BALLOON: return "balloon";
	case VIRTIO_ID_SCSI: return "scsi";
	default: return "other";
	}
}

/* ---- interrupts: counted, never completing anything ---- */

static void raw_intr(struct virtio_dev *vdev, struct virtqueue *vq, uint8_t isr)
{
	struct cf_dev *d = vdev->drvdata;

	if (vq) {
		if (vq->index < CF_MAXQ)
			d->n_vq_intr[vq->index]++;
		return;
	}
	d->isr_seen |= isr;
	if (isr & VIRTIO_ISR_QUEUE)
		d->n_shared_intr++;
	if (isr & VIRTIO_ISR_CONFIG)
		d->n_config_intr++;
}

bool cf_irq(struct cf_dev *d)
{
	return d->have_vqs && !d->vdev->poll;
}

/* ---- device set-up ---- */

int cf_reset(struct cf_dev *d)
{
	struct virtio_dev *v = d->vdev;

	v->ops->reset(v);
	for (int i = 0; i < 20000; i++) {
		if (v->ops->get_status(v) == 0)
			return 0;
		udelay(10);
	}
	return -ETIMEDOUT;
}

int cf_start(struct cf_dev *d, uint64_t want)
{
	struct virtio_dev *v = d->vdev;

	if (cf_reset(d)) {
		CF_DIAG("the device status is %#x 200 ms after a reset, not 0",
			v->ops->get_status(v));
		return -ETIMEDOUT;
	}
	v->ops->set_status(v, VIRTIO_STATUS_ACKNOWLEDGE);
	v->ops->set_status(v, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	d->offered = v->ops->get_features(v);
	uint64_t f = d->offered & want;
	if (v->legacy) {
		f &= 0xffffffffull;
	} else {
		if (!(d->offered & VIRTIO_BIT(VIRTIO_F_VERSION_1))) {
			CF_DIAG("a modern interface without VIRTIO_F_VERSION_1 (features %#llx)",
				(unsigned long long)d->offered);
			return -EIO;
		}
		f |= VIRTIO_BIT(VIRTIO_F_VERSION_1);
	}
	v->ops->set_features(v, f);
	d->features = v->features = f;
	if (v->legacy)
		return 0;
	v->ops->set_status(v, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
				     VIRTIO_STATUS_FEATURES_OK);
	uint8_t st = v->ops->get_status(v);
	if (!(st & VIRTIO_STATUS_FEATURES_OK)) {
		CF_DIAG("the device refused FEATURES_OK for %#llx (offered %#llx), status %#x",
			(unsigned long long)f, (unsigned long long)d->offered, st);
		return -EIO;
	}
	return 0;
}

static void noop_done(struct virtqueue *vq, void *cookie, uint32_t len, int err)
{
	(void)vq; (void)cookie; (void)len; (void)err;
}

static void clear_ring(struct cf_dev *d, unsigned q)
{
	struct virtqueue *vq = d->vq[q];

	memset(vq->desc, 0, vring_desc_size(vq->num));
	memset(vq->avail, 0, vring_avail_size(vq->num));
	memset(vq->used, 0, vring_used_size(vq->num));
	d->avail_idx[q] = d->used_seen[q] = d->next_desc[q] = 0;
	d->n_vq_intr[q] = 0;
}

int cf_queues(struct cf_dev *d)
{
	struct virtio_dev *v = d->vdev;

	if (!d->nq) {
		CF_DIAG("no queues known for device type %u", v->id);
		return -ENOENT;
	}
	d->n_shared_intr = d->n_config_intr = 0;
	d->isr_seen = 0;
	if (!d->have_vqs) {
		/* Once per device: the core allocates the rings and routes
		 * the interrupts; a failure here stays a failure. */
		static const struct virtio_vq_info info[CF_MAXQ] = {
			{ .name = "cf0", .done = noop_done },
			{ .name = "cf1", .done = noop_done },
			{ .name = "cf2", .done = noop_done },
			{ .name = "cf3", .done = noop_done },
		};
		if (v->nvqs) {
			CF_DIAG("queue creation failed before");
			return -EIO;
		}
		int rc = virtio_find_vqs(v, d->nq, d->vq, info);
		if (rc) {
			CF_DIAG("queue set-up failed: %d", rc);
			return rc;
		}
		d->have_vqs = true;
		for (unsigned q = 0; q < d->nq; q++)
			clear_ring(d, q);
		return 0;
	}
	for (unsigned q = 0; q < d->nq; q++) {
		clear_ring(d, q);
		int rc = v->ops->queue_setup(v, d->vq[q]);
		if (rc) {
			CF_DIAG("queue %u set-up failed: %d", q, rc);
			return rc;
		}
	}
	return 0;
}

void cf_driver_ok(struct cf_dev *d)
{
	if (d->tr & CF_PCI)
		cf_pci_config_vector(d);
	struct virtio_dev *v = d->vdev;

	v->ops->set_status(v, v->ops->get_status(v) | VIRTIO_STATUS_DRIVER_OK);
}

int cf_up(struct cf_dev *d, uint64_t want)
{
	int rc = cf_start(d, want);

	if (!rc)
		rc = cf_queues(d);
	if (!rc)
		cf_driver_ok(d);
	if (rc)
		CF_FAIL("could not bring the device up: %d", rc);
	return rc;
}

/* ---- after a check: canaries and device-readable buffers ---- */

static uint32_t sum(const uint8_t *p, uint32_t n)
{
	uint32_t s = 0x811c9dc5u;

	for (uint32_t i = 0; i < n; i++)
		s = (s ^ p[i]) * 0x01000193u;
	return s;
}

uint32_t cf_sum(const struct cf_buf *b)
{
	return sum(b->p, b->len);
}

static void check_and_free(struct cf_dev *d)
{
	while (d->bufs) {
		struct cf_buf *b = d->bufs;
		size_t total = (size_t)PAGE_SIZE << b->order;
		uint8_t *end = b->p + b->len;

		d->bufs = b->next;
		for (uint8_t *p = b->region; p < b->region + total; p++) {
			if (p == b->p)
				p = end;
			if (p >= b->region + total)
				break;
			if (*p != CF_CANARY) {
				CF_FAIL("2.7.5.1/2.7.8: the device wrote %#x at %s%ld bytes %s a "
					"%u-byte %s buffer", *p, p < b->p ? "-" : "+",
					p < b->p ? (long)(b->p - p) : (long)(p - end),
					p < b->p ? "before" : "after", b->len,
					b->write ? "writable" : "readable");
				break;
			}
		}
		if (!b->write && b->sum && cf_sum(b) != b->sum)
			CF_FAIL("2.7.5.1: the device wrote into a %u-byte device-readable "
				"buffer (MUST NOT)", b->len);
		page_free(b->region, b->order);
	}
}

/* ---- the runner ---- */

struct cf_run {
	const struct cf_check *c;
	struct cf_dev *d;
};

static void run_check(void *arg)
{
	struct cf_run *r = arg;
	struct cf_dev *d = r->d;
	const struct cf_check *c = r->c;

	if (c->types && !(c->types & (1u << (d->vdev->id < 32 ? d->vdev->id : 31)))) {
		CF_SKIP("n/a: not for device type %s", d->type);
		return;
	}
	if ((c->transports & ~CF_LAST) && !(c->transports & ~CF_LAST & d->tr)) {
		CF_SKIP("n/a: not for transport %s", d->vdev->transport);
		return;
	}
	if (d->unreachable) {
		CF_SKIP("n/a: the transport does not reach the device (its status reads 0xff)");
		return;
	}
	c->fn(d);
	/* Stop the device before looking at (and freeing) what it held. */
	if (cf_reset(d))
		CF_FAIL("the device status is not 0 200 ms after a reset");
	check_and_free(d);
}

/* Clause order: section numbers compared as numbers ("2.7.10" after
 * "2.7.8"), then the short name; CF_LAST checks after all others. */
static int clause_cmp(const struct cf_check *ca, const struct cf_check *cb)
{
	const char *a = ca->name, *b = cb->name;

	if ((ca->transports ^ cb->transports) & CF_LAST)
		return (ca->transports & CF_LAST) ? 1 : -1;
	while (*a && *b) {
		if (*a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
			unsigned long x = 0, y = 0;
			while (*a >= '0' && *a <= '9')
				x = x * 10 + (unsigned long)(*a++ - '0');
			while (*b >= '0' && *b <= '9')
				y = y * 10 + (unsigned long)(*b++ - '0');
			if (x != y)
				return x < y ? -1 : 1;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		a++, b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

int conform_run(const char *spec)
{
	static const struct cf_check *order[256];
	unsigned nchk = 0;

	for (const struct cf_check *c = __conform_start; c < __conform_end &&
	     nchk < ARRAY_SIZE(order); c++) {
		unsigned i = nchk++;
		while (i && clause_cmp(order[i - 1], c) > 0) {
			order[i] = order[i - 1];
			i--;
		}
		order[i] = c;
	}

	static struct cf_dev devs[16];
	unsigned ndev = 0;
	cf_wait_ms = (unsigned)cmdline_get_range("conform.timeout_ms", 10, 600000, 1000);
	bool timing = cmdline_get_bool("conform.timing", false);
	int total = 0, res[3] = { 0, 0, 0 }, n = 0;

	for (struct virtio_dev *v = virtio_devices(); v && ndev < ARRAY_SIZE(devs); v = v->next) {
		struct cf_dev *d = &devs[ndev++];

		d->vdev = v;
		d->tr = transport_bit(v);
		d->type = type_name(v->id);
		d->nq = cf_type_queues(v->id);
		v->drvdata = d;
		v->raw_intr = raw_intr;
		/* All-ones: nothing answers the transport's accesses (an I/O
		 * BAR this kernel cannot reach), which says nothing about the
		 * device. */
		d->unreachable = cf_reset(d) && v->ops->get_status(v) == 0xff;
		kprintf("# conform: %s: %s at %s (%s)\n", v->name, d->type, v->bus_id,
			v->transport);
	}
	for (unsigned k = 0; k < nchk; k++)
		total += test_selected(spec, order[k]->name) ? (int)ndev : 0;
	test_tap_plan(total);
	for (unsigned i = 0; i < ndev; i++) {
		for (unsigned k = 0; k < nchk; k++) {
			const struct cf_check *c = order[k];
			char name[96];
			struct cf_run r = { c, &devs[i] };

			if (!test_selected(spec, c->name))
				continue;
			snprintf(name, sizeof(name), "%s:%s %s", devs[i].vdev->name,
				 devs[i].type, c->name);
			/* Names the check a VMM that dies in it died in. */
			kprintf("# conform: %s\n", name);
			uint64_t t0 = time_ns();
			res[test_run_one(++n, name, run_check, &r)]++;
			if (timing)
				kprintf("# conform: %llu ms\n",
					(unsigned long long)((time_ns() - t0) / 1000000u));
		}
	}
	return test_tap_summary(res[TEST_PASS], res[TEST_FAIL], res[TEST_SKIP]);
}
