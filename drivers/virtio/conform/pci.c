// SPDX-License-Identifier: MIT
/* Conformance of the virtio PCI transport (virtio 1.2 §4.1): identifiers,
 * the vendor capabilities and the structures they locate, the common
 * configuration's registers, MSI-X vectors and the ISR. These checks know
 * the transport (virtio_pci.h); device drivers never do. */
#include "conform.h"
#include "../virtio_pci.h"
#include <kern/errno.h>
#include <kern/irq.h>
#include <kern/time.h>
#include <arch/barrier.h>
#include <string.h>

#define CC(f)           offsetof(struct virtio_pci_common_cfg, f)
#define CCW(f)          sizeof(((struct virtio_pci_common_cfg *)0)->f)

static struct virtio_pci *vp_of(struct cf_dev *d)
{
	return to_vpci(d->vdev);
}

static uint32_t cc_rd(struct virtio_pci *vp, unsigned off, unsigned w)
{
	return pci_bar_read(vp->pci, vp->common.bar, vp->common.off + off, w);
}

static void cc_wr(struct virtio_pci *vp, unsigned off, unsigned w, uint32_t v)
{
	pci_bar_write(vp->pci, vp->common.bar, vp->common.off + off, w, v);
}

/* §4.1.2.1's table of transitional ids by device type. */
static int transitional_id(uint16_t type)
{
	switch (type) {
	case 1: return 0x1000;
	case 2: return 0x1001;
	case 5: return 0x1002;
	case 3: return 0x1003;
	case 8: return 0x1004;
	case 4: return 0x1005;
	case 9: return 0x1009;
	default: return -1;
	}
}

CONFORM_CHECK(pci_ids, "4.1.2.1-pci-vendor-and-device-id", "vendor 0x1AF4, device id 0x1040 + type or the type's transitional id", CF_ANY, CF_PCI)
{
	struct pci_dev *p = vp_of(d)->pci;
	uint16_t type = d->vdev->id;

	if (p->vendor != VIRTIO_PCI_VENDOR)
		CF_FAIL("vendor %#x", p->vendor);
	if (p->device != 0x1040 + type && (int)p->device != transitional_id(type))
		CF_FAIL("device id %#x for device type %u (0x1040 + type or %#x)", p->device, type,
			transitional_id(type));
	CF_DIAG("%04x:%04x revision %u subsystem %04x:%04x", p->vendor, p->device, p->revision,
		p->subsys_vendor, p->subsys_id);
	/* §4.1.2.1's SHOULDs for non-transitional devices: reported, not failed. */
	if (p->device >= VIRTIO_PCI_DEVICE_MODERN && (p->revision < 1 || p->subsys_id < 0x40))
		CF_DIAG("non-transitional with revision %u, subsystem id %#x (SHOULD be >= 1 and "
			">= 0x40; not failed)", p->revision, p->subsys_id);
}

CONFORM_CHECK(pci_trans, "4.1.2.3-transitional-revision-and-subsystem", "a transitional device (0x1000..0x103f) has revision 0 and subsystem device id = device type", CF_ANY, CF_PCI)
{
	struct pci_dev *p = vp_of(d)->pci;

	if (p->device > VIRTIO_PCI_DEVICE_TRANS_LAST) {
		CF_SKIP("n/a: not a transitional device (id %#x)", p->device);
		return;
	}
	if (p->revision != 0)
		CF_FAIL("revision %u (MUST be 0)", p->revision);
	if (p->subsys_id != d->vdev->id)
		CF_FAIL("subsystem device id %#x for device type %u", p->subsys_id, d->vdev->id);
}

struct cap {
	int pos;
	uint8_t len, type, bar;
	uint32_t off, length;
};

/* The first capability of cfg_type type, or pos -1; *count how many. */
static struct cap find_cap(struct cf_dev *d, unsigned type, unsigned *count)
{
	struct pci_dev *p = vp_of(d)->pci;
	struct cap c = { .pos = -1 };
	unsigned n = 0, guard = 0;

	for (int pos = pci_find_cap(p, PCI_CAP_ID_VNDR, 0); pos > 0 && guard++ < 64;
	     pos = pci_find_cap(p, PCI_CAP_ID_VNDR, pos)) {
		if (pci_cfg_read(p, pos + 3, 1) != type)
			continue;
		if (!n++)
			c = (struct cap){ pos, (uint8_t)pci_cfg_read(p, pos + 2, 1), (uint8_t)type,
					  (uint8_t)pci_cfg_read(p, pos + 4, 1),
					  pci_cfg_read(p, pos + 8, 4), pci_cfg_read(p, pos + 12, 4) };
	}
	if (count)
		*count = n;
	return c;
}

static bool modern_caps(struct cf_dev *d)
{
	unsigned n;

	find_cap(d, VIRTIO_PCI_CAP_COMMON_CFG, &n);
	if (!n) {
		CF_SKIP("n/a: no virtio capabilities (a legacy-only device)");
		return false;
	}
	return true;
}

CONFORM_CHECK(pci_caplen, "4.1.4.2-cap-len-covers-fields", "every virtio vendor capability's cap_len covers its fields (16; notify and pci_cfg 20) and its window lies inside its BAR", CF_ANY, CF_PCI)
{
	struct pci_dev *p = vp_of(d)->pci;
	unsigned guard = 0, n = 0;

	if (!modern_caps(d))
		return;
	for (int pos = pci_find_cap(p, PCI_CAP_ID_VNDR, 0); pos > 0 && guard++ < 64;
	     pos = pci_find_cap(p, PCI_CAP_ID_VNDR, pos)) {
		unsigned len = pci_cfg_read(p, pos + 2, 1), type = pci_cfg_read(p, pos + 3, 1);
		unsigned bar = pci_cfg_read(p, pos + 4, 1);
		uint32_t off = pci_cfg_read(p, pos + 8, 4), length = pci_cfg_read(p, pos + 12, 4);
		unsigned need = (type == VIRTIO_PCI_CAP_NOTIFY_CFG || type == VIRTIO_PCI_CAP_PCI_CFG)
					? 20 : 16;
		n++;
		if (len < need)
			CF_FAIL("capability at %#x (type %u): cap_len %u < %u", pos, type, len, need);
		if (type >= 1 && type <= 4 && bar <= 5 &&
		    (uint64_t)off + length > p->bar[bar].size)
			CF_FAIL("capability at %#x (type %u): %#x+%#x outside BAR %u (%#llx bytes)",
				pos, type, off, length, bar, (unsigned long long)p->bar[bar].size);
	}
	CF_DIAG("%u vendor capabilities", n);
}

CONFORM_CHECK(pci_common, "4.1.4.3.1-common-cfg-cap", "a common configuration capability, offset 4-byte aligned, at least 56 bytes long", CF_ANY, CF_PCI)
{
	if (!modern_caps(d))
		return;
	struct cap c = find_cap(d, VIRTIO_PCI_CAP_COMMON_CFG, NULL);
	if (c.off & 3)
		CF_FAIL("offset %#x is not 4-byte aligned", c.off);
	if (c.length < sizeof(struct virtio_pci_common_cfg))
		CF_FAIL("length %u < 56", c.length);
}

CONFORM_CHECK(pci_notify, "4.1.4.4.1-notify-cap", "a notify capability, offset 2-byte aligned, multiplier 0 or an even power of 2, length >= queue_notify_off * multiplier + 2 for every queue", CF_ANY, CF_PCI)
{
	struct virtio_pci *vp = vp_of(d);

	if (!modern_caps(d))
		return;
	struct cap c = find_cap(d, VIRTIO_PCI_CAP_NOTIFY_CFG, NULL);
	if (c.pos < 0) {
		CF_FAIL("no notify capability");
		return;
	}
	uint32_t mult = pci_cfg_read(vp->pci, c.pos + VIRTIO_PCI_NOTIFY_MULT_OFF, 4);
	if (c.off & 1)
		CF_FAIL("offset %#x is not 2-byte aligned", c.off);
	if (mult && (!IS_POW2(mult) || mult == 1))
		CF_FAIL("notify_off_multiplier %u", mult);
	if (c.length < 2)
		CF_FAIL("length %u < 2", c.length);
	if (d->tr != CF_PCI_MODERN) {
		CF_DIAG("driven through the legacy interface: queue offsets not read");
		return;
	}
	unsigned nq = cc_rd(vp, CC(num_queues), 2);
	for (unsigned i = 0; i < nq && i < 1024; i++) {
		cc_wr(vp, CC(queue_select), 2, i);
		uint64_t need = (uint64_t)cc_rd(vp, CC(queue_notify_off), 2) * mult + 2;
		if (c.length < need)
			CF_FAIL("queue %u: length %u < queue_notify_off * multiplier + 2 = %llu", i,
				c.length, (unsigned long long)need);
	}
	CF_DIAG("multiplier %u, length %u, %u queues", mult, c.length, nq);
}

CONFORM_CHECK(pci_isrcap, "4.1.4.5.1-isr-cap", "an ISR status capability is present", CF_ANY, CF_PCI)
{
	if (modern_caps(d) && find_cap(d, VIRTIO_PCI_CAP_ISR_CFG, NULL).pos < 0)
		CF_FAIL("no ISR capability");
}

CONFORM_CHECK(pci_devcap, "4.1.4.6.1-device-cfg-cap-aligned", "the device-specific configuration capability is present and 4-byte aligned", CF_NET | CF_BLK, CF_PCI)
{
	if (!modern_caps(d))
		return;
	struct cap c = find_cap(d, VIRTIO_PCI_CAP_DEVICE_CFG, NULL);
	if (c.pos < 0)
		CF_FAIL("no device configuration capability for a type that has a configuration");
	else if (c.off & 3)
		CF_FAIL("offset %#x is not 4-byte aligned", c.off);
}

CONFORM_CHECK(pci_cfgcap, "4.1.4.9.1-pci-cfg-access", "a PCI configuration access capability is present and a read through pci_cfg_data returns num_queues", CF_ANY, CF_PCI_MODERN)
{
	struct virtio_pci *vp = vp_of(d);
	struct pci_dev *p = vp->pci;

	if (!modern_caps(d))
		return;
	struct cap c = find_cap(d, VIRTIO_PCI_CAP_PCI_CFG, NULL);
	if (c.pos < 0) {
		CF_FAIL("no VIRTIO_PCI_CAP_PCI_CFG capability");
		return;
	}
	uint16_t direct = (uint16_t)cc_rd(vp, CC(num_queues), 2);
	pci_cfg_write(p, c.pos + 4, 1, (uint32_t)vp->common.bar);
	pci_cfg_write(p, c.pos + 8, 4, vp->common.off + CC(num_queues));
	pci_cfg_write(p, c.pos + 12, 4, 2);
	CF_DIAG("cap at %#x: bar %d, offset %#x, length 2 (num_queues), then a read of "
		"pci_cfg_data", c.pos, vp->common.bar, vp->common.off + (unsigned)CC(num_queues));
	uint16_t via = (uint16_t)pci_cfg_read(p, c.pos + 16, 2);
	if (via != direct)
		CF_FAIL("num_queues reads %u through pci_cfg_data, %u directly", via, direct);
}

CONFORM_CHECK(pci_fsel, "4.1.4.3.1-device-feature-select", "device_feature shows bits 0-31 and 32-63 for selects 0 and 1, and 0 for select 2", CF_ANY, CF_PCI_MODERN)
{
	struct virtio_pci *vp = vp_of(d);

	if (cf_reset(d))
		return;
	uint64_t f = d->vdev->ops->get_features(d->vdev);
	cc_wr(vp, CC(device_feature_select), 4, 2);
	uint32_t hi2 = cc_rd(vp, CC(device_feature), 4);
	if (hi2)
		CF_FAIL("device_feature_select 2 shows %#x (no feature is above 63)", hi2);
	if (!(f & VIRTIO_BIT(VIRTIO_F_VERSION_1)))
		CF_FAIL("VERSION_1 (bit 32) not shown with select 1: %#llx", (unsigned long long)f);
}

CONFORM_CHECK(pci_drvf, "4.1.4.3.1-driver-feature-readback", "driver_feature reads back the valid feature bits written", CF_ANY, CF_PCI_MODERN)
{
	struct virtio_pci *vp = vp_of(d);

	if (cf_start(d, VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) | VIRTIO_BIT(VIRTIO_F_EVENT_IDX)))
		return;
	cc_wr(vp, CC(driver_feature_select), 4, 0);
	uint64_t lo = cc_rd(vp, CC(driver_feature), 4);
	cc_wr(vp, CC(driver_feature_select), 4, 1);
	uint64_t got = lo | (uint64_t)cc_rd(vp, CC(driver_feature), 4) << 32;
	if (got != d->features)
		CF_FAIL("driver_feature reads %#llx, %#llx was written", (unsigned long long)got,
			(unsigned long long)d->features);
}

CONFORM_CHECK(pci_reset, "4.1.4.3.1-reset-clears-queue-enable", "queue_enable reads 1 once enabled and 0 for every queue after a reset", CF_ANY, CF_PCI_MODERN)
{
	struct virtio_pci *vp = vp_of(d);

	if (cf_up(d, 0))
		return;
	cc_wr(vp, CC(queue_select), 2, 0);
	if (cc_rd(vp, CC(queue_enable), 2) != 1)
		CF_FAIL("queue 0: queue_enable reads %u after the driver wrote 1",
			cc_rd(vp, CC(queue_enable), 2));
	if (cf_reset(d)) {
		CF_FAIL("device_status not 0 after a reset");
		return;
	}
	unsigned nq = cc_rd(vp, CC(num_queues), 2);
	for (unsigned i = 0; i < nq && i < 1024; i++) {
		cc_wr(vp, CC(queue_select), 2, i);
		if (cc_rd(vp, CC(queue_enable), 2))
			CF_FAIL("queue %u: queue_enable %u after a reset", i,
				cc_rd(vp, CC(queue_enable), 2));
	}
}

CONFORM_CHECK(pci_qsize, "4.1.4.3.1-queue-size-power-of-two", "queue_size is 0 or a power of 2 for every queue, and 0 for queue_select = num_queues", CF_ANY, CF_PCI_MODERN)
{
	struct virtio_pci *vp = vp_of(d);

	if (cf_reset(d))
		return;
	unsigned nq = cc_rd(vp, CC(num_queues), 2);
	for (unsigned i = 0; i <= nq && i <= 1024; i++) {
		cc_wr(vp, CC(queue_select), 2, i);
		unsigned s = cc_rd(vp, CC(queue_size), 2);
		if (i == nq && s)
			CF_FAIL("queue_select %u (= num_queues, no such queue): queue_size %u, not 0",
				i, s);
		else if (i < nq && s && !IS_POW2(s))
			CF_FAIL("queue %u: queue_size %u is not a power of 2", i, s);
	}
	CF_DIAG("%u queues", nq);
}

CONFORM_CHECK(legacy_qsize, "2.7-queue-size-power-of-two", "the legacy interface's fixed queue size is a power of 2 (at most 32768)", CF_ANY, CF_PCI_LEGACY)
{
	struct virtio_pci *vp = vp_of(d);

	for (unsigned i = 0; i < d->nq; i++) {
		pci_bar_write(vp->pci, vp->io_bar, VIRTIO_PCI_L_QUEUE_SEL, 2, i);
		unsigned s = pci_bar_read(vp->pci, vp->io_bar, VIRTIO_PCI_L_QUEUE_NUM, 2);
		if (!s || !IS_POW2(s))
			CF_FAIL("queue %u: size %u", i, s);
		else
			CF_DIAG("queue %u: size %u", i, s);
	}
}

/* MSI-X vector registers, modern or legacy (the latter only while MSI-X is
 * enabled: they shift the configuration then). */
static uint16_t vec_rw(struct cf_dev *d, bool queue, int write)
{
	struct virtio_pci *vp = vp_of(d);

	if (d->tr == CF_PCI_MODERN) {
		unsigned off = queue ? CC(queue_msix_vector) : CC(config_msix_vector);
		if (queue)
			cc_wr(vp, CC(queue_select), 2, 0);
		if (write >= 0)
			cc_wr(vp, off, 2, (uint32_t)write);
		return (uint16_t)cc_rd(vp, off, 2);
	}
	unsigned off = queue ? VIRTIO_PCI_L_QUEUE_VECTOR : VIRTIO_PCI_L_CONFIG_VECTOR;
	if (queue)
		pci_bar_write(vp->pci, vp->io_bar, VIRTIO_PCI_L_QUEUE_SEL, 2, 0);
	if (write >= 0)
		pci_bar_write(vp->pci, vp->io_bar, off, 2, (uint32_t)write);
	return (uint16_t)pci_bar_read(vp->pci, vp->io_bar, off, 2);
}

void cf_pci_config_vector(struct cf_dev *d)
{
	/* vpci_intr_setup gave configuration changes vector 0. */
	if (vp_of(d)->msix)
		vec_rw(d, false, 0);
}

static unsigned msix_table_size(struct cf_dev *d)
{
	struct pci_dev *p = vp_of(d)->pci;
	int cap = pci_find_cap(p, PCI_CAP_ID_MSIX, 0);

	return cap > 0 ? (pci_cfg_read(p, cap + 2, 2) & 0x7ff) + 1 : 0;
}

static bool msix_up(struct cf_dev *d)
{
	if (cf_up(d, 0))
		return false;
	if (!vp_of(d)->msix) {
		CF_SKIP("n/a: MSI-X not enabled (no MSI-X capability, vectors=0, or polling)");
		return false;
	}
	return true;
}

CONFORM_CHECK(msix_rb, "4.1.5.1.2.1-msix-vector-readback", "config and queue vectors read back what was mapped, NO_VECTOR once unmapped, and NO_VECTOR for a vector past the table (mapping failure)", CF_ANY, CF_PCI)
{
	if (!msix_up(d))
		return;
	unsigned n = msix_table_size(d);
	for (int q = 0; q <= 1; q++) {
		const char *w = q ? "queue_msix_vector" : "config_msix_vector";
		uint16_t v;
		if ((v = vec_rw(d, q, 0)) != 0)
			CF_FAIL("%s: mapped to 0, reads %#x", w, v);
		if ((v = vec_rw(d, q, VIRTIO_MSI_NO_VECTOR)) != VIRTIO_MSI_NO_VECTOR)
			CF_FAIL("%s: unmapped, reads %#x (NO_VECTOR expected)", w, v);
		if ((v = vec_rw(d, q, (int)n)) != VIRTIO_MSI_NO_VECTOR)
			CF_FAIL("%s: vector %u written with a %u-entry table reads %#x; a mapping "
				"that cannot work MUST read NO_VECTOR", w, n, n, v);
		if ((v = vec_rw(d, q, 0x7ff)) != VIRTIO_MSI_NO_VECTOR)
			CF_FAIL("%s: vector 0x7ff written with a %u-entry table reads %#x", w, n, v);
	}
	CF_DIAG("MSI-X table of %u entries%s", n,
		n < 2 || n > 0x800 ? " (SHOULD be 2..0x800; not failed)" : "");
}

CONFORM_CHECK(msix_reset, "4.1.5.1.2.1-msix-unmapped-after-reset", "after a reset the config and queue 0 vectors read NO_VECTOR", CF_ANY, CF_PCI)
{
	if (!msix_up(d))
		return;
	vec_rw(d, false, 0);
	if (cf_reset(d))
		return;
	uint16_t c = vec_rw(d, false, -1), q = vec_rw(d, true, -1);
	if (c != VIRTIO_MSI_NO_VECTOR || q != VIRTIO_MSI_NO_VECTOR)
		CF_FAIL("after a reset config_msix_vector %#x, queue_msix_vector %#x "
			"(both MUST be unmapped)", c, q);
}

/* A probe request completed with interrupts off, so nothing reads the ISR
 * before the check. @return true with the request used. */
static bool used_quietly(struct cf_dev *d, unsigned long *flp)
{
	if (cf_up(d, 0))
		return false;
	if (vp_of(d)->msix) {
		CF_SKIP("n/a: MSI-X enabled (the ISR queue bit is required with MSI-X disabled)");
		return false;
	}
	return cf_probe_unacked(d, flp);
}

CONFORM_CHECK(isr_clear, "4.1.4.5.1-isr-read-to-clear", "with MSI-X disabled a used buffer sets ISR bit 0, and a read of the ISR resets it to 0", CF_ANY, CF_PCI)
{
	unsigned long fl;

	if (!used_quietly(d, &fl))
		return;
	uint8_t a = d->vdev->ops->isr_ack(d->vdev), b = d->vdev->ops->isr_ack(d->vdev);
	irq_restore(fl);
	if (!(a & VIRTIO_ISR_QUEUE))
		CF_FAIL("ISR reads %#x after a used buffer (the queue bit MUST be set)", a);
	if (b)
		CF_FAIL("ISR reads %#x then %#x: the first read MUST reset it to 0", a, b);
}

CONFORM_CHECK(isr_status, "4.1.4.5.1-intx-status-bit", "with MSI-X disabled the PCI Status Interrupt bit follows the ISR: set after a used buffer, clear once the ISR was read", CF_ANY, CF_PCI)
{
	unsigned long fl;

	if (!used_quietly(d, &fl))
		return;
	struct pci_dev *p = vp_of(d)->pci;
	uint16_t s1 = (uint16_t)pci_cfg_read(p, PCI_STATUS, 2);
	d->vdev->ops->isr_ack(d->vdev);
	uint16_t s2 = (uint16_t)pci_cfg_read(p, PCI_STATUS, 2);
	irq_restore(fl);
	if (!(s1 & PCI_STATUS_INTX))
		CF_FAIL("PCI Status %#x after a used buffer: Interrupt Status clear", s1);
	if (s2 & PCI_STATUS_INTX)
		CF_FAIL("PCI Status %#x after the ISR read: Interrupt Status still set", s2);
}

CONFORM_CHECK(msix_novec, "4.1.5.3.1-no-interrupt-without-vector", "with MSI-X enabled and queue_msix_vector NO_VECTOR, a used buffer brings no interrupt for the queue", CF_ANY, CF_PCI)
{
	struct cf_probe p;
	uint32_t len;
	unsigned quiet = cf_quiet_ms(d);

	if (!msix_up(d) || !cf_probe_build(d, &p, 0))
		return;
	/* Queue 0's vector unmapped; the probe's queue must be queue 0. */
	if (p.q != 0) {
		CF_SKIP("n/a: the probe request is not on queue 0");
		return;
	}
	vec_rw(d, true, VIRTIO_MSI_NO_VECTOR);
	uint32_t c0 = d->n_vq_intr[0] + d->n_shared_intr;
	if (cf_request(d, 0, p.seg, p.n_out, p.n_in, &len))
		return;
	cf_delay_ms(quiet);
	if (d->n_vq_intr[0] + d->n_shared_intr != c0)
		CF_FAIL("queue 0's vector is NO_VECTOR, yet %u interrupt(s) came for it",
			d->n_vq_intr[0] + d->n_shared_intr - c0);
}

CONFORM_CHECK(chg_isr_pci, "4.1.4.5.1-isr-config-bit", "with MSI-X disabled, the host's configuration change sets ISR bit 1 (read by the interrupt handler)", CF_BLK | CF_NET | CF_BALLOON, CF_PCI)
{
	bool changed = cf_host_change(d);

	if (vp_of(d)->msix || !cf_irq(d)) {
		CF_SKIP("n/a: MSI-X enabled or no interrupts (the ISR bit is required with MSI-X "
			"disabled)");
		return;
	}
	if (changed && !(d->chg.isr & VIRTIO_ISR_CONFIG))
		CF_FAIL("the configuration changed; ISR bits read %#x: bit 1 never set", d->chg.isr);
}

CONFORM_CHECK(chg_novec, "4.1.5.4.1-no-config-interrupt-without-vector", "with MSI-X enabled and config_msix_vector NO_VECTOR, the host's configuration change brings no interrupt", CF_BLK | CF_NET | CF_BALLOON, CF_PCI)
{
	unsigned quiet = cf_quiet_ms(d);
	uint64_t want = d->vdev->id == VIRTIO_ID_NET ? VIRTIO_BIT(16) : 0;   /* STATUS */

	if (cf_up(d, want))
		return;
	if (!vp_of(d)->msix) {
		CF_SKIP("n/a: MSI-X not enabled (no MSI-X capability, vectors=0, or polling)");
		return;
	}
	vec_rw(d, false, VIRTIO_MSI_NO_VECTOR);
	uint32_t n0 = d->n_config_intr;
	int rc = cf_host_poke(d);
	if (rc) {
		CF_SKIP("n/a: %s", rc == -ENOENT ? "no configuration field the host can change" :
			"the host changed no configuration (tests/conform does, through QMP)");
		return;
	}
	cf_delay_ms(quiet);
	if (d->n_config_intr != n0)
		CF_FAIL("config_msix_vector NO_VECTOR, yet %u configuration interrupt(s) came",
			d->n_config_intr - n0);
}
