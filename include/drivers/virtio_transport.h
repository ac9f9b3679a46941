/* SPDX-License-Identifier: MIT */
/* The virtio core as a transport sees it (PCI modern and legacy, MMIO).
 * Device drivers include <drivers/virtio.h> only.
 *
 * A transport finds a device, fills a struct virtio_dev (ops, device type,
 * legacy flag, address) and calls virtio_dev_register; the core resets it,
 * negotiates features and binds a driver. Every op is required. The core
 * serialises calls per device (interrupts disabled around queue work). */
#ifndef DRIVERS_VIRTIO_TRANSPORT_H
#define DRIVERS_VIRTIO_TRANSPORT_H

#include <drivers/virtio.h>
#include <drivers/virtqueue.h>

struct virtio_transport_ops {
	/* Start a device reset (write 0 to the status, §2.4). The core then
	 * waits, bounded, until the status reads back 0 (§4.1.4.3.2,
	 * §4.2.2.2): only after that does the device leave the queues alone. */
	void (*reset)(struct virtio_dev *vdev);
	uint8_t (*get_status)(struct virtio_dev *vdev);
	void (*set_status)(struct virtio_dev *vdev, uint8_t status);
	/* Device feature bits (legacy: the low 32 only). */
	uint64_t (*get_features)(struct virtio_dev *vdev);
	void (*set_features)(struct virtio_dev *vdev, uint64_t features);
	/* Configuration generation (§2.5.1); a legacy device has none and
	 * returns 0. */
	uint32_t (*config_generation)(struct virtio_dev *vdev);
	/* One device-configuration access of len 1, 2 or 4 bytes at off, a
	 * multiple of len (the core splits fields and arrays into such
	 * accesses once for every transport). @return 0, or -EINVAL for
	 * another width, a misaligned off or one outside the area. */
	int (*config_read)(struct virtio_dev *vdev, unsigned off, void *buf, unsigned len);
	int (*config_write)(struct virtio_dev *vdev, unsigned off, const void *buf,
			    unsigned len);
	/* Largest size the device allows for queue index; 0 = no such queue. */
	unsigned (*queue_max)(struct virtio_dev *vdev, unsigned index);
	/* Give the device vq's size and ring addresses, its interrupt vector
	 * from intr_setup when there was one, and enable it (§4.1.5.1.3).
	 * @return 0 or -errno (e.g. legacy can't take that size). */
	int (*queue_setup)(struct virtio_dev *vdev, struct virtqueue *vq);
	/* Tell the device vq has new buffers (§2.7.13.4). */
	void (*queue_notify)(struct virtqueue *vq);
	/* Route interrupts for nvqs queues: one vector per queue plus a
	 * configuration vector when the transport can (MSI-X), calling
	 * virtio_intr_vq / virtio_intr_config, else one shared line calling
	 * virtio_intr_shared. Called before queue_setup, only in irq mode.
	 * @return 0 or -errno (the core falls back to polling). */
	int (*intr_setup)(struct virtio_dev *vdev, unsigned nvqs);
	/* Read and acknowledge the interrupt status (§4.1.4.5: bit 0 a queue,
	 * bit 1 a configuration change). */
	uint8_t (*isr_ack)(struct virtio_dev *vdev);
};

#define VIRTIO_ISR_QUEUE        1
#define VIRTIO_ISR_CONFIG       2

struct virtio_vq_priv;

struct virtio_dev {
	/* Filled by the transport before virtio_dev_register. */
	const struct virtio_transport_ops *ops;
	uint16_t id;                /* device type */
	bool legacy;                /* legacy interface (§2.7.2, no VERSION_1) */
	bool queue_size_fixed;      /* the driver can't pick a queue size (legacy
				       PCI, §4.1.5.1.3.1): use queue_max as is */
	char bus_id[16];            /* transport address, e.g. PCI "00:04.0" */
	const char *transport;      /* "pci-modern", "pci-legacy", "mmio" */

	/* The core's. */
	char name[16];
	uint64_t dev_features;      /* offered */
	uint64_t features;          /* negotiated */
	const struct virtio_driver *driver;
	void *drvdata;
	unsigned nvqs;
	struct virtqueue **vqs;
	bool poll;                  /* polling instead of interrupts */
	bool irq_shared;            /* one line for all (INTx/ISR) */
	bool broken;
	uint64_t n_intr, n_config_intr;
	/* Set by the conformance suite (conform=, drivers/virtio/conform/),
	 * which drives a device no driver holds through the ops itself and
	 * writes its rings: the interrupt entry points count as usual and
	 * call this instead of running completions. vq is the queue of a
	 * per-queue vector, else NULL; isr what the shared line's ISR read
	 * gave (VIRTIO_ISR_QUEUE for a queue vector, VIRTIO_ISR_CONFIG for
	 * the configuration vector). */
	void (*raw_intr)(struct virtio_dev *vdev, struct virtqueue *vq, uint8_t isr);
	struct virtio_dev *next;
};

/* Hand a new device to the core, which binds a driver (now, or when the
 * drivers are probed at INIT_DRIVER). @return 0 or -errno. */
int virtio_dev_register(struct virtio_dev *vdev);

/* Interrupt entry points (irq_handler_t arguments as named). */
void virtio_intr_vq(void *vq);          /* struct virtqueue * */
void virtio_intr_config(void *vdev);    /* struct virtio_dev * */
void virtio_intr_shared(void *vdev);    /* struct virtio_dev * */


/* bus_id as a command-line key word ("00:04.0" -> "00.04.0"). */
void virtio_bus_key(const struct virtio_dev *vdev, char *out, size_t len);

/* Every registered device, for tests and the shell. */
struct virtio_dev *virtio_devices(void);

#endif
