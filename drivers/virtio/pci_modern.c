// SPDX-License-Identifier: MIT
/* The modern virtio PCI interface (virtio 1.2 §4.1.4): vendor capabilities
 * locate the common configuration, notification, ISR and device
 * configuration structures inside memory (or I/O) BARs. */
#include "virtio_pci.h"
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/time.h>
#include <stdlib.h>

/* Common configuration fields by name (§4.1.4.3). */
#define CC_OFF(f)       offsetof(struct virtio_pci_common_cfg, f)
#define CC_W(f)         sizeof(((struct virtio_pci_common_cfg *)0)->f)
#define CC_READ(vp, f)                                                       \
	pci_bar_read((vp)->pci, (vp)->common.bar, (vp)->common.off + CC_OFF(f), CC_W(f))
#define CC_WRITE(vp, f, v)                                                   \
	pci_bar_write((vp)->pci, (vp)->common.bar, (vp)->common.off + CC_OFF(f), \
		      CC_W(f), (v))

/* 64-bit fields as two 32-bit writes, low half first (§4.1.3.1). */
static void cc_write64(struct virtio_pci *vp, unsigned off, uint64_t v)
{
	pci_bar_write(vp->pci, vp->common.bar, vp->common.off + off, 4, (uint32_t)v);
	pci_bar_write(vp->pci, vp->common.bar, vp->common.off + off + 4, 4,
		      (uint32_t)(v >> 32));
}

static uint8_t m_get_status(struct virtio_dev *vdev)
{
	return (uint8_t)CC_READ(to_vpci(vdev), device_status);
}

static void m_set_status(struct virtio_dev *vdev, uint8_t s)
{
	CC_WRITE(to_vpci(vdev), device_status, s);
}

static void m_reset(struct virtio_dev *vdev)
{
	struct virtio_pci *vp = to_vpci(vdev);
	CC_WRITE(vp, device_status, 0); /* the core waits for it to finish */
}

static uint64_t m_get_features(struct virtio_dev *vdev)
{
	struct virtio_pci *vp = to_vpci(vdev);
	CC_WRITE(vp, device_feature_select, 0);
	uint64_t lo = CC_READ(vp, device_feature);
	CC_WRITE(vp, device_feature_select, 1);
	uint64_t hi = CC_READ(vp, device_feature);
	return hi << 32 | lo;
}

static void m_set_features(struct virtio_dev *vdev, uint64_t f)
{
	struct virtio_pci *vp = to_vpci(vdev);
	CC_WRITE(vp, driver_feature_select, 0);
	CC_WRITE(vp, driver_feature, (uint32_t)f);
	CC_WRITE(vp, driver_feature_select, 1);
	CC_WRITE(vp, driver_feature, (uint32_t)(f >> 32));
}

static uint32_t m_config_generation(struct virtio_dev *vdev)
{
	return CC_READ(to_vpci(vdev), config_generation);
}

static int m_config_read(struct virtio_dev *vdev, unsigned off, void *buf, unsigned len)
{
	struct virtio_pci *vp = to_vpci(vdev);
	if (vp->device.bar < 0)
		return -EINVAL;
	return vpci_cfg_access(vp, vp->device.bar, vp->device.off, vp->device.len,
			       off, buf, len, false);
}

static int m_config_write(struct virtio_dev *vdev, unsigned off, const void *buf,
			  unsigned len)
{
	struct virtio_pci *vp = to_vpci(vdev);
	if (vp->device.bar < 0)
		return -EINVAL;
	return vpci_cfg_access(vp, vp->device.bar, vp->device.off, vp->device.len,
			       off, (void *)buf, len, true);
}

static unsigned m_queue_max(struct virtio_dev *vdev, unsigned index)
{
	struct virtio_pci *vp = to_vpci(vdev);
	if (index >= vp->nqueues)
		return 0;
	CC_WRITE(vp, queue_select, index);
	unsigned max = CC_READ(vp, queue_size);
	/* A size above the spec's limit is not a size we can use. */
	return max > VRING_MAX_SIZE ? 0 : max;
}

static int m_queue_setup(struct virtio_dev *vdev, struct virtqueue *vq)
{
	struct virtio_pci *vp = to_vpci(vdev);
	unsigned i = vq->index;

	if (i >= vp->nqueues)
		return -ENOENT;
	/* §4.1.5.1.3: select, size, vector, addresses, then enable. */
	CC_WRITE(vp, queue_select, i);
	if (CC_READ(vp, queue_enable))
		return -EBUSY;
	CC_WRITE(vp, queue_size, vq->num);
	uint16_t vec = vpci_queue_vector(vp, i);
	CC_WRITE(vp, queue_msix_vector, vec);
	if (CC_READ(vp, queue_msix_vector) != vec)
		return -EBUSY;   /* §4.1.5.1.2.1: no room for the vector */
	cc_write64(vp, CC_OFF(queue_desc), vq->desc_addr);
	cc_write64(vp, CC_OFF(queue_driver), vq->avail_addr);
	cc_write64(vp, CC_OFF(queue_device), vq->used_addr);
	/* §4.1.4.4: the notification address is cap.offset +
	 * queue_notify_off * notify_off_multiplier; it must lie inside the
	 * notification structure (a 16-bit write goes there). */
	uint64_t noff = (uint64_t)CC_READ(vp, queue_notify_off) * vp->notify_mult;
	if (noff + 2 > vp->notify.len) {
		pr_err("virtio %s: queue %u notify offset %#llx outside the window\n",
		       vdev->name, i, (unsigned long long)noff);
		return -EIO;
	}
	vp->notify_off[i] = (uint32_t)noff;
	CC_WRITE(vp, queue_enable, 1);
	return 0;
}

static void m_queue_notify(struct virtqueue *vq)
{
	struct virtio_pci *vp = to_vpci(virtio_vq_dev(vq));
	/* §4.1.5.2: without NOTIFICATION_DATA the queue index is written. */
	pci_bar_write(vp->pci, vp->notify.bar, vp->notify.off + vp->notify_off[vq->index],
		      2, vq->index);
}

static uint16_t m_set_config_vector(struct virtio_pci *vp, uint16_t v)
{
	CC_WRITE(vp, config_msix_vector, v);
	return (uint16_t)CC_READ(vp, config_msix_vector);
}

static int m_intr_setup(struct virtio_dev *vdev, unsigned nvqs)
{
	return vpci_intr_setup(vdev, nvqs, m_set_config_vector);
}

static uint8_t m_isr_ack(struct virtio_dev *vdev)
{
	struct virtio_pci *vp = to_vpci(vdev);
	return (uint8_t)pci_bar_read(vp->pci, vp->isr.bar, vp->isr.off, 1);
}

static const struct virtio_transport_ops vpci_modern_ops = {
	.reset = m_reset,
	.get_status = m_get_status,
	.set_status = m_set_status,
	.get_features = m_get_features,
	.set_features = m_set_features,
	.config_generation = m_config_generation,
	.config_read = m_config_read,
	.config_write = m_config_write,
	.queue_max = m_queue_max,
	.queue_setup = m_queue_setup,
	.queue_notify = m_queue_notify,
	.intr_setup = m_intr_setup,
	.isr_ack = m_isr_ack,
};

/* Take the first usable capability of each type (§4.1.4.1: the driver
 * should use the first it can; reserved BAR numbers are skipped). */
static int find_caps(struct virtio_pci *vp)
{
	struct pci_dev *d = vp->pci;
	struct vpci_region *want[] = {
		[VIRTIO_PCI_CAP_COMMON_CFG] = &vp->common,
		[VIRTIO_PCI_CAP_NOTIFY_CFG] = &vp->notify,
		[VIRTIO_PCI_CAP_ISR_CFG] = &vp->isr,
		[VIRTIO_PCI_CAP_DEVICE_CFG] = &vp->device,
	};
	for (unsigned t = 1; t < ARRAY_SIZE(want); t++)
		want[t]->bar = -1;

	int found = 0;
	for (int pos = pci_find_cap(d, PCI_CAP_ID_VNDR, 0); pos > 0;
	     pos = pci_find_cap(d, PCI_CAP_ID_VNDR, pos)) {
		if (++found > 64)
			break;   /* a looping capability list */
		unsigned type = pci_cfg_read(d, pos + offsetof(struct virtio_pci_cap, cfg_type), 1);
		unsigned bar = pci_cfg_read(d, pos + offsetof(struct virtio_pci_cap, bar), 1);
		uint32_t off = pci_cfg_read(d, pos + offsetof(struct virtio_pci_cap, offset), 4);
		uint32_t len = pci_cfg_read(d, pos + offsetof(struct virtio_pci_cap, length), 4);
		if (type >= ARRAY_SIZE(want) || type == 0 || want[type]->bar >= 0)
			continue;
		if (bar > 5 || !d->bar[bar].size ||
		    (uint64_t)off + len > d->bar[bar].size)
			continue;
		if (type == VIRTIO_PCI_CAP_NOTIFY_CFG)
			vp->notify_mult = pci_cfg_read(d, pos + VIRTIO_PCI_NOTIFY_MULT_OFF, 4);
		if (!d->bar[bar].io && !pci_map_bar(d, (int)bar))
			continue;
		*want[type] = (struct vpci_region){ (int)bar, off, len };
	}
	if (vp->common.bar < 0 || vp->notify.bar < 0 || vp->isr.bar < 0)
		return -ENODEV;
	if (vp->common.len < sizeof(struct virtio_pci_common_cfg) ||
	    vp->notify.len < 2 || vp->isr.len < 1)
		return -ENODEV;
	return 0;
}

int vpci_modern_init(struct virtio_pci *vp)
{
	int rc = find_caps(vp);
	if (rc)
		return rc;
	vp->nqueues = CC_READ(vp, num_queues);
	vp->notify_off = calloc(vp->nqueues ? vp->nqueues : 1, sizeof(*vp->notify_off));
	if (!vp->notify_off)
		return -ENOMEM;
	vp->vdev.ops = &vpci_modern_ops;
	vp->vdev.legacy = false;
	vp->vdev.transport = "pci-modern";
	return 0;
}
