// SPDX-License-Identifier: MIT
/* The virtio PCI transport (virtio 1.2 §4.1): finds virtio functions,
 * picks the modern interface (pci_modern.c) or the legacy one
 * (pci_legacy.c) and hands the device to the core. Interrupt routing and
 * configuration access are shared by both halves.
 *
 * Options: virtio.legacy=1 drives transitional devices (0x1000-0x103f)
 * through their legacy I/O interface even though they offer the modern
 * one; virtio.legacy.<bus.dev.fn>=1 does so for one function
 * (e.g. virtio.legacy.00.04.0=1 for 00:04.0). Modern-only devices ignore it. */
#include "virtio_pci.h"
#include <kern/cmdline.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

CMDLINE_OPT(virtio_legacy, "virtio.legacy",
	    "1: use the legacy interface of transitional virtio-pci devices "
	    "(per function: virtio.legacy.00.04.0=1)");
CMDLINE_OPT(virtio_legacy_fn, "virtio.legacy.*",
	    "1: the same for one function, by bus address (virtio.legacy.00.04.0=1)");

int vpci_cfg_access(struct virtio_pci *vp, int bar, uint64_t base, uint32_t size,
		    unsigned off, void *buf, unsigned len, bool write)
{
	/* One access of the width the core picked (§4.1.3.1: the field's
	 * own width; the core splits wider fields and byte arrays). */
	if ((len != 1 && len != 2 && len != 4) || (off & (len - 1)) ||
	    off > size || len > size - off)
		return -EINVAL;
	uint64_t at = base + off;
	uint32_t v = 0;
	if (write) {
		memcpy(&v, buf, len);
		pci_bar_write(vp->pci, bar, at, len, v);
	} else {
		v = pci_bar_read(vp->pci, bar, at, len);
		memcpy(buf, &v, len);
	}
	return 0;
}

int vpci_intr_setup(struct virtio_dev *vdev, unsigned nvqs,
		    uint16_t (*set_config_vector)(struct virtio_pci *vp, uint16_t v))
{
	struct virtio_pci *vp = to_vpci(vdev);
	struct pci_dev *d = vp->pci;

	/* §4.1.5.1.2: with MSI-X, one vector for configuration changes and
	 * one per queue, so a completion goes straight to its queue without
	 * reading the ISR. */
	int got = pci_msix_enable(d, nvqs + 1);
	if (got >= (int)nvqs + 1) {
		int rc = pci_msix_attach(d, 0, virtio_intr_config, vdev);
		for (unsigned i = 0; !rc && i < nvqs; i++)
			rc = pci_msix_attach(d, i + 1, virtio_intr_vq, vdev->vqs[i]);
		/* The device reads back NO_VECTOR when it could not take
		 * the vector (§4.1.5.1.2.1). */
		if (!rc && set_config_vector(vp, 0) != 0)
			rc = -EBUSY;
		if (!rc) {
			vp->msix = true;
			vdev->irq_shared = false;
			return 0;
		}
		pr_warn("virtio %s: MSI-X set-up failed (%d), using INTx\n",
			vdev->name, rc);
		/* The legacy header shrinks back once MSI-X is off. */
		pci_msix_disable(d);
	} else if (got > 0) {
		pci_msix_disable(d);
	}
	vp->msix = false;
	/* §4.1.4.5: INTx is level-triggered and shared; the ISR register
	 * tells whether this device raised it, and reading it lowers it. */
	int rc = pci_intx_attach(d, virtio_intr_shared, vdev);
	if (rc)
		return rc;
	vdev->irq_shared = true;
	return 0;
}

static bool vpci_match(const struct pci_dev *d)
{
	return d->vendor == VIRTIO_PCI_VENDOR &&
	       d->device >= VIRTIO_PCI_DEVICE_TRANS_FIRST &&
	       d->device <= VIRTIO_PCI_DEVICE_LAST;
}

static bool want_legacy(const struct virtio_dev *vdev)
{
	char key[40], bus[sizeof(vdev->bus_id)];
	virtio_bus_key(vdev, bus, sizeof(bus));
	snprintf(key, sizeof(key), "virtio.legacy.%s", bus);
	if (cmdline_get(key))
		return cmdline_get_bool(key, false);
	return cmdline_get_bool("virtio.legacy", false);
}

static int vpci_probe(struct pci_dev *d)
{
	bool transitional = d->device <= VIRTIO_PCI_DEVICE_TRANS_LAST;
	struct virtio_pci *vp = calloc(1, sizeof(*vp));
	if (!vp)
		return -ENOMEM;
	vp->pci = d;
	vp->io_bar = -1;
	/* §4.1.2.1: a modern id encodes the type; a transitional device
	 * carries it in the subsystem device id. */
	vp->vdev.id = transitional ? d->subsys_id
				   : (uint16_t)(d->device - VIRTIO_PCI_DEVICE_MODERN);
	snprintf(vp->vdev.bus_id, sizeof(vp->vdev.bus_id), "%02x:%02x.%x",
		 d->bus, d->dev, d->fn);
	pci_enable(d);

	int rc = -ENODEV;
	if (!(transitional && want_legacy(&vp->vdev)))
		rc = vpci_modern_init(vp);
	if (rc && transitional)
		rc = vpci_legacy_init(vp);
	if (rc) {
		pr_err("virtio-pci %s: no usable interface (%d)\n", vp->vdev.bus_id, rc);
		free(vp);
		return rc;
	}
	d->drvdata = vp;
	return virtio_dev_register(&vp->vdev);
}

static const struct pci_driver virtio_pci_driver = {
	.name = "virtio-pci",
	.match = vpci_match,
	.probe = vpci_probe,
};
PCI_DRIVER(virtio_pci_driver);
