/* SPDX-License-Identifier: MIT */
/* Split virtqueues (virtio 1.2 §2.7), transport- and device-independent.
 * This is the core's and the transports' header: device drivers see
 * struct virtqueue as opaque, through <drivers/virtio.h> only.
 *
 * How to use one:
 *   - A device driver gets its queues from virtio_find_vqs() (the core
 *     creates them with vq_create and hands their ring addresses to the
 *     transport).
 *   - To send a request, describe its buffers as a scatter-gather list,
 *     device-readable ones first, then device-writable ones, and call
 *     vq_enqueue(vq, cookie, sg, n_out, n_in). The cookie (non-NULL) comes
 *     back from vq_dequeue when the device is done, with the number of bytes
 *     it wrote. Then vq_kick() publishes everything enqueued so far and
 *     notifies the device unless it asked not to be.
 *   - vq_dequeue() returns -EAGAIN when nothing is left.
 *   - None of these functions lock: the owner serialises them (the virtio
 *     core does so by disabling interrupts around them).
 *
 * Hardening: the device is not trusted. Every address, length and cookie
 * lives in private shadow state; shared memory is written but only the used
 * ring is read back, and everything read from it is checked. A bad used id,
 * a length beyond what was posted writable, or a used index that runs ahead
 * of what is in flight logs an error and marks the queue broken: from then
 * on every call returns -EIO until the owner resets the device and takes
 * the outstanding cookies back with vq_detach(). */
#ifndef DRIVERS_VIRTQUEUE_H
#define DRIVERS_VIRTQUEUE_H

#include <kern/compiler.h>
#include <drivers/virtio.h>         /* struct vq_sg */
#include <drivers/virtio_ring.h>


/* Private per-head state: what was posted, never taken from the device. */
struct vq_slot {
	void *cookie;       /* NULL when the head is not in flight */
	uint32_t in_len;    /* device-writable bytes posted */
	uint32_t all_len;   /* all bytes posted (saturating), for VQ_USED_LEN_ALL */
	uint16_t ndesc;     /* ring descriptors the chain took */
};

/* vq_create flags */
#define VQ_LEGACY       (1u << 0)   /* one block, used ring 4096-aligned */
#define VQ_EVENT_IDX    (1u << 1)   /* VIRTIO_F_EVENT_IDX negotiated */
#define VQ_INDIRECT     (1u << 2)   /* VIRTIO_F_INDIRECT_DESC negotiated */
/* The device counts readable bytes in the used length too (QEMU's
 * virtio-scsi, against §2.7.8.2): a length up to everything posted is
 * clamped to the writable bytes and counted (n_len_clamped); past that
 * the queue still breaks. */
#define VQ_USED_LEN_ALL (1u << 3)

struct virtqueue {
	/* Shared with the device. */
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint64_t desc_addr, avail_addr, used_addr;  /* device (DMA) addresses */

	/* Private state. */
	uint16_t num;           /* entries, a power of two */
	uint16_t index;         /* queue number on the device */
	uint16_t num_free;      /* free ring descriptors */
	uint16_t free_head;
	uint16_t avail_idx;     /* next avail index (published at kick) */
	uint16_t kicked_idx;    /* avail index the device last heard about */
	uint16_t last_used;     /* next used index to consume */
	uint16_t avail_flags;   /* shadow of avail->flags */
	uint16_t inflight;      /* requests (heads) the device holds */
	uint16_t indirect_max;  /* entries per indirect table, 0 = none */
	bool event_idx, cb_enabled, broken;
	bool used_len_all;      /* VQ_USED_LEN_ALL */
	uint16_t *next;         /* private chain/free-list links */
	struct vq_slot *slot;   /* per head */
	struct vring_desc *indirect;   /* num tables of indirect_max entries */
	void *mem[3];           /* allocations to free */

	/* Statistics for tests and benchmarks. */
	uint64_t n_enqueued, n_kicks, n_notifies, n_completed;
	uint64_t n_len_clamped;     /* VQ_USED_LEN_ALL lengths cut */

	/* Set by the owner: how to notify the device, and free fields. */
	void (*notify)(struct virtqueue *vq);
	void *owner;            /* the virtio core's per-queue data */
	void *priv;             /* the device driver's */
};

/* Create a queue of num entries (a power of two, 1..32768) with the given
 * VQ_* flags. With VQ_INDIRECT and indirect_max > 1, requests of 2 to
 * indirect_max buffers use one ring descriptor and a preallocated indirect
 * table. @return 0 with *out set, -EINVAL or -ENOMEM. */
int vq_create(struct virtqueue **out, uint16_t index, unsigned num,
	      unsigned flags, unsigned indirect_max);
/* Free a queue (the device must no longer use it: reset first). */
void vq_destroy(struct virtqueue *vq);

/* Post one request. @return 0; -ENOSPC when the ring is full for now;
 * -EINVAL for a request that can never fit or a NULL cookie; -EIO when the
 * queue is broken. */
int vq_enqueue(struct virtqueue *vq, void *cookie, const struct vq_sg *sg,
	       unsigned n_out, unsigned n_in);
/* Publish what was enqueued and notify the device if it wants to hear
 * (EVENT_IDX or the NO_NOTIFY flag, §2.7.13). @return 1 notified, 0 not,
 * -EIO broken. */
int vq_kick(struct virtqueue *vq);
/* Take one finished request. @return 0 with *cookie and *len (bytes the
 * device wrote); -EAGAIN when none is ready; -EIO when broken (including
 * when this call found the device misbehaving). */
int vq_dequeue(struct virtqueue *vq, void **cookie, uint32_t *len);
/* Is a finished request waiting? (false when broken) */
bool vq_has_used(struct virtqueue *vq);

/* Ask the device not to interrupt for this queue (a hint, §2.7.7). */
void vq_disable_cb(struct virtqueue *vq);
/* Ask for an interrupt on the next completion. @return true when requests
 * already finished meanwhile (drain again: no interrupt will say so). */
bool vq_enable_cb(struct virtqueue *vq);

/* Mark the queue broken (logged with why). */
void vq_break(struct virtqueue *vq, const char *why);
static inline bool vq_broken(const struct virtqueue *vq) { return vq->broken; }
/* Entries, requests the device holds, free ring descriptors. */
static inline unsigned vq_size(const struct virtqueue *vq) { return vq->num; }
static inline unsigned vq_inflight(const struct virtqueue *vq) { return vq->inflight; }
static inline unsigned vq_num_free(const struct virtqueue *vq) { return vq->num_free; }
/* Take back one in-flight request after the device was reset (or never got
 * it). @return 0 with *cookie, or -ENOENT when none is left. */
int vq_detach(struct virtqueue *vq, void **cookie);
/* Forget every in-flight request and return the queue to its initial state
 * (after a device reset, once the cookies were detached). */
void vq_reinit(struct virtqueue *vq);

#endif
