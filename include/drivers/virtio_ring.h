/* SPDX-License-Identifier: MIT */
/* The split virtqueue as it sits in memory shared with the device
 * (virtio 1.2 §2.7). Only the layout and the notification arithmetic live
 * here; the driver's private bookkeeping is in <drivers/virtqueue.h>.
 * All fields are little-endian; both our architectures are too, and legacy
 * devices use guest-native order, so no byte swapping is needed. */
#ifndef DRIVERS_VIRTIO_RING_H
#define DRIVERS_VIRTIO_RING_H

#include <kern/compiler.h>

/* Descriptor flags (virtio 1.2 §2.7.5). */
#define VRING_DESC_F_NEXT       1   /* chain continues in .next */
#define VRING_DESC_F_WRITE      2   /* device writes (otherwise reads) */
#define VRING_DESC_F_INDIRECT   4   /* buffer is a table of descriptors */

/* avail->flags: "don't interrupt me" (§2.7.7), ignored with EVENT_IDX. */
#define VRING_AVAIL_F_NO_INTERRUPT 1
/* used->flags: "don't notify me" (§2.7.10), ignored with EVENT_IDX. */
#define VRING_USED_F_NO_NOTIFY     1

/* The largest split queue the spec allows (§2.7: a power of two). */
#define VRING_MAX_SIZE          32768
/* Legacy interfaces align the used ring to this (§2.7.2 legacy note and
 * §4.1.5.1.3.1: the PFN register counts 4096-byte pages). */
#define VRING_LEGACY_ALIGN      4096

struct vring_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};
_Static_assert(sizeof(struct vring_desc) == 16, "virtio 1.2 §2.7.5");

/* The available ring (driver area): flags, idx, ring[num], then used_event
 * when VIRTIO_F_EVENT_IDX is negotiated (§2.7.6). */
struct vring_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];
};
_Static_assert(sizeof(struct vring_avail) == 4, "virtio 1.2 §2.7.6");

struct vring_used_elem {
	uint32_t id;    /* head of the chain the device finished */
	uint32_t len;   /* bytes the device wrote into the chain */
};
_Static_assert(sizeof(struct vring_used_elem) == 8, "virtio 1.2 §2.7.8");

/* The used ring (device area): flags, idx, ring[num], then avail_event. */
struct vring_used {
	uint16_t flags;
	uint16_t idx;
	struct vring_used_elem ring[];
};
_Static_assert(sizeof(struct vring_used) == 4, "virtio 1.2 §2.7.8");

/* Sizes of the three areas for a queue of num entries (§2.7, table of
 * alignments and sizes), including the event words. */
static inline size_t vring_desc_size(unsigned num) { return 16u * num; }
static inline size_t vring_avail_size(unsigned num) { return 6u + 2u * num; }
static inline size_t vring_used_size(unsigned num) { return 6u + 8u * num; }

/* The event words sit just past each ring (§2.7.6, §2.7.8). */
static inline uint16_t *vring_used_event(struct vring_avail *a, unsigned num)
{
	return &a->ring[num];
}
static inline uint16_t *vring_avail_event(struct vring_used *u, unsigned num)
{
	return (uint16_t *)&u->ring[num];
}

/* Should the side that moved its index from old to new_idx signal the
 * other, which asked to hear once the index passes event? (§2.7.10 and
 * §2.7.7.2: "crosses" event, computed in wrapping 16-bit arithmetic so it
 * stays right when the indices wrap at 65536.) */
static inline bool vring_need_event(uint16_t event, uint16_t new_idx, uint16_t old)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old);
}

#endif
