/* SPDX-License-Identifier: MIT */
/* The virtio PCI transport's register layouts (virtio 1.2 §4.1) and the
 * state shared by its modern and legacy halves. Private to drivers/virtio. */
#ifndef DRIVERS_VIRTIO_PCI_H
#define DRIVERS_VIRTIO_PCI_H

#include <drivers/pci.h>
#include <drivers/virtio_transport.h>

#define VIRTIO_PCI_VENDOR               0x1af4
/* §4.1.2: 0x1040 + type for modern; 0x1000-0x103f transitional, whose
 * subsystem device id is the type. */
#define VIRTIO_PCI_DEVICE_MODERN        0x1040
#define VIRTIO_PCI_DEVICE_TRANS_FIRST   0x1000
#define VIRTIO_PCI_DEVICE_TRANS_LAST    0x103f
#define VIRTIO_PCI_DEVICE_LAST          0x107f

/* §4.1.4: a vendor capability locating one structure in a BAR. */
struct virtio_pci_cap {
	uint8_t cap_vndr, cap_next, cap_len;
	uint8_t cfg_type;
	uint8_t bar;
	uint8_t id;
	uint8_t padding[2];
	uint32_t offset;
	uint32_t length;
};
_Static_assert(sizeof(struct virtio_pci_cap) == 16, "virtio 1.2 §4.1.4");

#define VIRTIO_PCI_CAP_COMMON_CFG       1
#define VIRTIO_PCI_CAP_NOTIFY_CFG       2
#define VIRTIO_PCI_CAP_ISR_CFG          3
#define VIRTIO_PCI_CAP_DEVICE_CFG       4
#define VIRTIO_PCI_CAP_PCI_CFG          5
/* §4.1.4.4: the notify capability adds the multiplier. */
#define VIRTIO_PCI_NOTIFY_MULT_OFF      16

/* §4.1.4.3: the common configuration structure (1.1 fields; 1.2's
 * queue_notif_config_data and queue_reset follow but are not used). */
struct virtio_pci_common_cfg {
	uint32_t device_feature_select;
	uint32_t device_feature;
	uint32_t driver_feature_select;
	uint32_t driver_feature;
	uint16_t config_msix_vector;
	uint16_t num_queues;
	uint8_t device_status;
	uint8_t config_generation;
	uint16_t queue_select;
	uint16_t queue_size;
	uint16_t queue_msix_vector;
	uint16_t queue_enable;
	uint16_t queue_notify_off;
	uint64_t queue_desc;
	uint64_t queue_driver;
	uint64_t queue_device;
};
_Static_assert(sizeof(struct virtio_pci_common_cfg) == 56, "virtio 1.2 §4.1.4.3");

/* §4.1.4.8: the legacy header in I/O BAR 0. */
#define VIRTIO_PCI_L_HOST_FEATURES      0   /* 32 */
#define VIRTIO_PCI_L_GUEST_FEATURES     4   /* 32 */
#define VIRTIO_PCI_L_QUEUE_PFN          8   /* 32: ring address >> 12 */
#define VIRTIO_PCI_L_QUEUE_NUM          12  /* 16 */
#define VIRTIO_PCI_L_QUEUE_SEL          14  /* 16 */
#define VIRTIO_PCI_L_QUEUE_NOTIFY       16  /* 16 */
#define VIRTIO_PCI_L_STATUS             18  /* 8 */
#define VIRTIO_PCI_L_ISR                19  /* 8 */
#define VIRTIO_PCI_L_CONFIG_VECTOR      20  /* 16, only with MSI-X enabled */
#define VIRTIO_PCI_L_QUEUE_VECTOR       22  /* 16, only with MSI-X enabled */
#define VIRTIO_PCI_L_CONFIG             20  /* device config without MSI-X */
#define VIRTIO_PCI_L_CONFIG_MSIX        24  /* ... and with it */
#define VIRTIO_PCI_L_PFN_SHIFT          12

#define VIRTIO_MSI_NO_VECTOR            0xffff

/* A structure found through a capability: BAR and window in it. */
struct vpci_region {
	int bar;
	uint32_t off, len;
};

struct virtio_pci {
	struct virtio_dev vdev;
	struct pci_dev *pci;
	/* modern */
	struct vpci_region common, notify, isr, device;
	uint32_t notify_mult;
	uint32_t *notify_off;       /* per queue, within the notify region */
	unsigned nqueues;
	/* legacy: everything in this I/O BAR */
	int io_bar;
	/* interrupts */
	bool msix;                  /* vector 0 config, vector 1+i queue i */
};

static inline struct virtio_pci *to_vpci(struct virtio_dev *vdev)
{
	return container_of(vdev, struct virtio_pci, vdev);
}

/* Set up the device through its modern capabilities / its legacy I/O
 * header. @return 0 (vdev.ops, legacy set) or -ENODEV when absent. */
int vpci_modern_init(struct virtio_pci *vp);
int vpci_legacy_init(struct virtio_pci *vp);

/* The shared interrupt set-up: MSI-X with a vector per queue plus one for
 * configuration changes, else INTx. set_config_vector programs the device's
 * configuration vector and returns what it reads back. */
int vpci_intr_setup(struct virtio_dev *vdev, unsigned nvqs,
		    uint16_t (*set_config_vector)(struct virtio_pci *vp, uint16_t v));
/* The vector for queue i (VIRTIO_MSI_NO_VECTOR without MSI-X). */
static inline uint16_t vpci_queue_vector(const struct virtio_pci *vp, unsigned i)
{
	return vp->msix ? (uint16_t)(i + 1) : VIRTIO_MSI_NO_VECTOR;
}
/* Split a device-configuration access into accesses of the field's width
 * (§4.1.3.1) through rd/wr at base within a window of size. */
int vpci_cfg_access(struct virtio_pci *vp, int bar, uint64_t base, uint32_t size,
		    unsigned off, void *buf, unsigned len, bool write);

#endif
