// SPDX-License-Identifier: MIT
/* The legacy virtio PCI interface (virtio 1.2 §4.1.4.8, §4.1.5.1.3.1) of
 * transitional devices: a fixed header in I/O BAR 0, 32 feature bits,
 * device-chosen queue sizes, queues given as a page frame number, and a
 * device configuration that starts at 20 or, with MSI-X enabled, at 24. */
#include "virtio_pci.h"
#include <kern/errno.h>
#include <kern/printk.h>

static uint32_t lrd(struct virtio_pci *vp, unsigned off, unsigned w)
{
	return pci_bar_read(vp->pci, vp->io_bar, off, w);
}

static void lwr(struct virtio_pci *vp, unsigned off, unsigned w, uint32_t v)
{
	pci_bar_write(vp->pci, vp->io_bar, off, w, v);
}

static uint8_t l_get_status(struct virtio_dev *vdev)
{
	return (uint8_t)lrd(to_vpci(vdev), VIRTIO_PCI_L_STATUS, 1);
}

static void l_set_status(struct virtio_dev *vdev, uint8_t s)
{
	lwr(to_vpci(vdev), VIRTIO_PCI_L_STATUS, 1, s);
}

static void l_reset(struct virtio_dev *vdev)
{
	/* Legacy devices reset synchronously on the write (§4.1.4.8); the
	 * core's read-back of the status confirms it reached the device. */
	l_set_status(vdev, 0);
}

static uint64_t l_get_features(struct virtio_dev *vdev)
{
	return lrd(to_vpci(vdev), VIRTIO_PCI_L_HOST_FEATURES, 4);
}

static void l_set_features(struct virtio_dev *vdev, uint64_t f)
{
	lwr(to_vpci(vdev), VIRTIO_PCI_L_GUEST_FEATURES, 4, (uint32_t)f);
}

static uint32_t l_config_generation(struct virtio_dev *vdev)
{
	return 0;   /* legacy has no generation counter */
}

/* The device configuration follows the header, which grows by the two
 * MSI-X vector registers while MSI-X is enabled. */
static unsigned l_cfg_base(const struct virtio_pci *vp)
{
	return vp->msix ? VIRTIO_PCI_L_CONFIG_MSIX : VIRTIO_PCI_L_CONFIG;
}

static int l_config_access(struct virtio_dev *vdev, unsigned off, void *buf,
			   unsigned len, bool write)
{
	struct virtio_pci *vp = to_vpci(vdev);
	uint64_t size = vp->pci->bar[vp->io_bar].size;
	unsigned base = l_cfg_base(vp);
	if (size <= base)
		return -EINVAL;
	return vpci_cfg_access(vp, vp->io_bar, base, (uint32_t)(size - base), off,
			       buf, len, write);
}

static int l_config_read(struct virtio_dev *vdev, unsigned off, void *buf, unsigned len)
{
	return l_config_access(vdev, off, buf, len, false);
}

static int l_config_write(struct virtio_dev *vdev, unsigned off, const void *buf,
			  unsigned len)
{
	return l_config_access(vdev, off, (void *)buf, len, true);
}

static unsigned l_queue_max(struct virtio_dev *vdev, unsigned index)
{
	struct virtio_pci *vp = to_vpci(vdev);
	if (index > 0xffff)
		return 0;
	lwr(vp, VIRTIO_PCI_L_QUEUE_SEL, 2, index);
	unsigned num = lrd(vp, VIRTIO_PCI_L_QUEUE_NUM, 2);
	return num > VRING_MAX_SIZE ? 0 : num;
}

static int l_queue_setup(struct virtio_dev *vdev, struct virtqueue *vq)
{
	struct virtio_pci *vp = to_vpci(vdev);

	lwr(vp, VIRTIO_PCI_L_QUEUE_SEL, 2, vq->index);
	if (lrd(vp, VIRTIO_PCI_L_QUEUE_PFN, 4))
		return -EBUSY;
	/* §4.1.5.1.3.1: the legacy queue size is the device's, not ours. */
	if (lrd(vp, VIRTIO_PCI_L_QUEUE_NUM, 2) != vq->num)
		return -EINVAL;
	if (vp->msix) {
		uint16_t vec = vpci_queue_vector(vp, vq->index);
		lwr(vp, VIRTIO_PCI_L_QUEUE_VECTOR, 2, vec);
		if (lrd(vp, VIRTIO_PCI_L_QUEUE_VECTOR, 2) != vec)
			return -EBUSY;
	}
	/* The one register takes the page number of the whole contiguous
	 * ring (descriptors first, used ring on a 4096 boundary). */
	uint64_t pfn = vq->desc_addr >> VIRTIO_PCI_L_PFN_SHIFT;
	if ((vq->desc_addr & (VRING_LEGACY_ALIGN - 1)) || pfn > 0xffffffffull)
		return -EINVAL;
	lwr(vp, VIRTIO_PCI_L_QUEUE_PFN, 4, (uint32_t)pfn);
	return 0;
}

static void l_queue_notify(struct virtqueue *vq)
{
	lwr(to_vpci(virtio_vq_dev(vq)), VIRTIO_PCI_L_QUEUE_NOTIFY, 2, vq->index);
}

static uint16_t l_set_config_vector(struct virtio_pci *vp, uint16_t v)
{
	lwr(vp, VIRTIO_PCI_L_CONFIG_VECTOR, 2, v);
	return (uint16_t)lrd(vp, VIRTIO_PCI_L_CONFIG_VECTOR, 2);
}

static int l_intr_setup(struct virtio_dev *vdev, unsigned nvqs)
{
	/* The vector registers (and the moved configuration) exist only
	 * while MSI-X is enabled; vpci_intr_setup sets vp->msix to match. */
	return vpci_intr_setup(vdev, nvqs, l_set_config_vector);
}

static uint8_t l_isr_ack(struct virtio_dev *vdev)
{
	return (uint8_t)lrd(to_vpci(vdev), VIRTIO_PCI_L_ISR, 1);
}

static const struct virtio_transport_ops vpci_legacy_ops = {
	.reset = l_reset,
	.get_status = l_get_status,
	.set_status = l_set_status,
	.get_features = l_get_features,
	.set_features = l_set_features,
	.config_generation = l_config_generation,
	.config_read = l_config_read,
	.config_write = l_config_write,
	.queue_max = l_queue_max,
	.queue_setup = l_queue_setup,
	.queue_notify = l_queue_notify,
	.intr_setup = l_intr_setup,
	.isr_ack = l_isr_ack,
};

int vpci_legacy_init(struct virtio_pci *vp)
{
	struct pci_dev *d = vp->pci;
	/* §4.1.4.8: the legacy header lives in BAR 0, an I/O BAR. */
	if (!d->bar[0].size || !d->bar[0].io || d->bar[0].size < VIRTIO_PCI_L_CONFIG)
		return -ENODEV;
	vp->io_bar = 0;
	vp->vdev.ops = &vpci_legacy_ops;
	vp->vdev.legacy = true;
	vp->vdev.queue_size_fixed = true;
	vp->vdev.transport = "pci-legacy";
	return 0;
}
