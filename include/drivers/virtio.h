/* SPDX-License-Identifier: MIT */
/* The virtio core as a device driver sees it (virtio 1.2 §2, §3).
 *
 * A device driver (virtio-blk, virtio-rng, ...) never learns which transport
 * carries its device (PCI modern, PCI legacy, MMIO): it names the device
 * types it handles with VIRTIO_DRIVER, and the core calls probe(vdev) once
 * the status handshake and feature negotiation (§3.1.1) are done. In probe
 * the driver reads its configuration (virtio_config_read), creates its
 * queues (virtio_find_vqs) and may call virtio_device_ready; the core sets
 * DRIVER_OK after a successful probe otherwise.
 *
 * I/O: virtio_enqueue + virtio_kick post requests (irq-safe, waiting for
 * ring space when the ring is full); the queue's done() callback reports
 * each completion (with interrupts disabled: set a flag, no blocking);
 * virtio_wait sleeps (irq mode) or spins on the used ring (poll mode) until
 * a flag is set. If the device misbehaves or asks for a reset
 * (DEVICE_NEEDS_RESET), the core resets it and completes every outstanding
 * request with err = -EIO; later requests fail with -EIO.
 *
 * Modes, from the command line: virtio.mode=irq|poll (default irq), and per
 * device virtio.mode.<name>=irq|poll where name is the device's name (vda,
 * rng0: set by its driver) or its transport address with dots (PCI 00:04.0
 * is virtio.mode.00.04.0=poll). */
#ifndef DRIVERS_VIRTIO_H
#define DRIVERS_VIRTIO_H

#include <kern/compiler.h>

/* Device types (virtio 1.2 §5). */
#define VIRTIO_ID_NET           1
#define VIRTIO_ID_BLOCK         2
#define VIRTIO_ID_CONSOLE       3
#define VIRTIO_ID_ENTROPY       4

/* Device status bits (§2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE       1
#define VIRTIO_STATUS_DRIVER            2
#define VIRTIO_STATUS_DRIVER_OK         4
#define VIRTIO_STATUS_FEATURES_OK       8
#define VIRTIO_STATUS_NEEDS_RESET       64
#define VIRTIO_STATUS_FAILED            128

/* Reserved (device-independent) feature bits (§6). Bits 0-23 and 50-127
 * belong to the device type; the core negotiates these itself. */
#define VIRTIO_F_INDIRECT_DESC          28
#define VIRTIO_F_EVENT_IDX              29
#define VIRTIO_F_VERSION_1              32
#define VIRTIO_F_ACCESS_PLATFORM        33
#define VIRTIO_F_RING_PACKED            34
#define VIRTIO_F_IN_ORDER               35
#define VIRTIO_F_NOTIFICATION_DATA      38
#define VIRTIO_BIT(b)                   (1ull << (b))

struct virtio_dev;   /* opaque to device drivers */
struct virtqueue;    /* opaque to device drivers */

/* One buffer of a request: device-readable ones first, then writable. */
struct vq_sg {
	void *addr;         /* kernel virtual address (identity-mapped RAM) */
	uint32_t len;
};

struct virtio_driver {
	const char *name;
	const uint16_t *ids;        /* device types handled, 0-terminated */
	uint64_t features;          /* device-type feature bits it can use */
	/* Set up the device. @return 0, or -errno (the device is failed). */
	int (*probe)(struct virtio_dev *vdev);
	/* Optional: the device changed its configuration (§2.5.2). Runs in
	 * interrupt context. */
	void (*config_changed)(struct virtio_dev *vdev);
	/* Optional: trim the device-type bits about to be negotiated (offered
	 * & features), e.g. by a command-line mask, keeping the dependencies
	 * §5.x asks for. @return the bits to accept. */
	uint64_t (*select_features)(uint64_t bits);
};

#define VIRTIO_DRIVER(drv)                                                   \
	static const struct virtio_driver *const virtio_driver_ptr_##drv     \
		__used __section(".virtiodrivers") __aligned(8) = &(drv)

/* Completion of one request: cookie as enqueued, len the bytes the device
 * wrote, err 0 or -EIO (device failed: len is 0). Interrupts are disabled. */
typedef void (*virtio_done_fn)(struct virtqueue *vq, void *cookie, uint32_t len,
			       int err);

/* A queue's used-buffer interrupt, for drivers that take completions in
 * their own thread (NAPI-style). Interrupt context: wake the thread. */
typedef void (*virtio_notify_fn)(struct virtqueue *vq);

struct virtio_vq_info {
	const char *name;
	virtio_done_fn done;        /* required: also gets the -EIO failures */
	unsigned indirect_max;      /* largest request sent indirect, 0 never */
	/* Optional. When set, completions are not run from the interrupt:
	 * the core turns the queue's callbacks off (virtio_disable_cb) and
	 * calls notify; the driver's thread takes completions with
	 * virtio_dequeue and turns callbacks back on with virtio_enable_cb.
	 * done() then sees only the -EIO completions of a failed device. */
	virtio_notify_fn notify;
	/* The device's used lengths count the readable bytes too (QEMU's
	 * virtio-scsi does): clamp them to the writable bytes instead of
	 * failing the device for it (VQ_USED_LEN_ALL). */
	bool used_len_all;
};

/* Was feature bit negotiated? */
bool virtio_has_feature(const struct virtio_dev *vdev, unsigned bit);
/* The device type (VIRTIO_ID_*). */
uint16_t virtio_dev_id(const struct virtio_dev *vdev);
/* Name for messages and per-device options; set it before virtio_find_vqs
 * (copied, at most 15 characters). */
void virtio_set_name(struct virtio_dev *vdev, const char *name);
const char *virtio_dev_name(const struct virtio_dev *vdev);
void virtio_set_drvdata(struct virtio_dev *vdev, void *p);
void *virtio_get_drvdata(const struct virtio_dev *vdev);
/* Does this device poll its used rings (virtio.mode)? */
bool virtio_polling(const struct virtio_dev *vdev);

/* Read len bytes of device configuration at off, retrying until the
 * configuration generation is stable (§2.5.1, §4.1.4.3.1), with accesses
 * of the field's width. @return 0, -EINVAL outside the area, -EIO. */
int virtio_config_read(struct virtio_dev *vdev, unsigned off, void *buf, unsigned len);
/* Write device configuration (fields the device type says are writable). */
int virtio_config_write(struct virtio_dev *vdev, unsigned off, const void *buf,
			unsigned len);
/* Read one field of a configuration struct by name. */
#define VIRTIO_CREAD(vdev, type, field, ptr)                                  \
	virtio_config_read((vdev), offsetof(type, field), (ptr),             \
			   sizeof(((type *)0)->field))

/* Create queues 0..n-1 (the size is the device's maximum, capped by
 * virtio.queue_size; legacy PCI sizes are the device's). @return 0 with vqs[]
 * filled, -ENOENT (device has fewer queues), -ENOMEM, -EIO. */
int virtio_find_vqs(struct virtio_dev *vdev, unsigned n, struct virtqueue **vqs,
		    const struct virtio_vq_info *info);
/* Set DRIVER_OK: the device may now use the queues (§3.1.1 step 8). */
void virtio_device_ready(struct virtio_dev *vdev);

/* Post a request (see vq_enqueue), waiting while the ring is full.
 * @return 0, -EINVAL (can never fit), -EIO (device failed). */
int virtio_enqueue(struct virtqueue *vq, void *cookie, const struct vq_sg *sg,
		   unsigned n_out, unsigned n_in);
/* Publish and notify (see vq_kick). @return 0 or -EIO. */
int virtio_kick(struct virtqueue *vq);
/* Notify the device about vq even when nothing new is in it (virtio_kick
 * skips that). For a device that looks at its backend only when told:
 * QEMU's virtio-serial reads a port's chardev again on a receive-queue
 * notification, after a port opened with every buffer already posted. */
void virtio_notify(struct virtqueue *vq);
/* Block until *flag is true: sleep until an interrupt (irq mode) or poll
 * the used ring (poll mode). The done() callback sets the flag; a failed
 * device completes everything, and a device that leaves a request
 * unanswered for virtio.timeout_ms (30 s) is failed, so this always
 * returns, with the flag set. */
void virtio_wait(struct virtqueue *vq, const volatile bool *flag);
/* The same, but the caller may give up: @return 0 (*flag is set), -EINTR
 * (thread_interrupt: Ctrl-C), -ETIMEDOUT (timeout_ns passed; 0: no limit)
 * or -EIO (the device failed). On -EINTR and -ETIMEDOUT the request is
 * still the device's: its buffers must stay valid until done() runs, so
 * only a driver that owns them (not the caller's stack) may give up. */
int virtio_wait_intr(struct virtqueue *vq, const volatile bool *flag,
		     uint64_t timeout_ns);
/* How long a request may go unanswered before its device counts as dead
 * (virtio.timeout_ms, 30 s by default): for drivers whose requests nobody
 * waits for in virtio_wait, which watch them themselves (virtio-blk). */
uint64_t virtio_request_timeout_ns(void);
/* Run completions that are ready now, whatever the mode. */
void virtio_poll(struct virtqueue *vq);
/* The device this queue belongs to. */
struct virtio_dev *virtio_vq_dev(const struct virtqueue *vq);

/* Queue facts, for drivers (struct virtqueue is opaque): entries, requests
 * the device holds now, free ring descriptors now. */
unsigned virtio_vq_size(const struct virtqueue *vq);
unsigned virtio_vq_inflight(const struct virtqueue *vq);
unsigned virtio_vq_num_free(const struct virtqueue *vq);

/* Post a request without ever waiting: safe with interrupts disabled and
 * from a done() callback (RX refill). @return 0, -ENOSPC (ring full now),
 * -EINVAL (can never fit), -EIO (device failed). */
int virtio_enqueue_nowait(struct virtqueue *vq, void *cookie, const struct vq_sg *sg,
			  unsigned n_out, unsigned n_in);

/* NAPI-style batching (§2.7.7, §2.7.10). Ask the device not to interrupt
 * for this queue (a hint: one more may come). */
void virtio_disable_cb(struct virtqueue *vq);
/* Ask for an interrupt at the next completion (irq mode; a polling device
 * stays quiet). @return true when completions are already waiting: take
 * them now, no interrupt will announce them. */
bool virtio_enable_cb(struct virtqueue *vq);
/* Take one completion in thread context (queues with a notify callback).
 * @return 0 with *cookie and *len; -EAGAIN when none is ready; -EIO when
 * the device failed (the core has then failed it: its outstanding
 * requests come back through done() with -EIO). */
int virtio_dequeue(struct virtqueue *vq, void **cookie, uint32_t *len);
/* Is a completion waiting? (false once the device failed) */
bool virtio_has_used(struct virtqueue *vq);
/* The ring's indices and counts in words, for a driver's timeout message. */
void virtio_vq_describe(struct virtqueue *vq, char *buf, size_t size);

/* Has the core given up on the device? */
bool virtio_dev_broken(const struct virtio_dev *vdev);
/* Look at the device status now and fail the device if it asks for a
 * reset (§2.1.2); for drivers that poll in their own thread. */
void virtio_check_status(struct virtio_dev *vdev);
/* Give up on a misbehaving device: reset it, fail every outstanding
 * request with -EIO, refuse new ones. Callable from interrupt context. */
void virtio_dev_fail(struct virtio_dev *vdev, const char *why);

#endif
