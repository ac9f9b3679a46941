/* SPDX-License-Identifier: MIT */
/* vhost-hostile: a vhost-user back end serving one virtio-blk device to
 * QEMU, which on command misbehaves in the ways the guest's virtio core
 * claims to survive. Host program, libc only.
 *
 * Layouts and message numbers are from QEMU's docs/interop/vhost-user.rst
 * (the vhost-user protocol) and OASIS virtio 1.2 (§2.7 split rings, §5.2
 * virtio-blk: the kernel's <drivers/virtio_ring.h> and
 * <drivers/virtio_blk.h>, so built with -Iinclude). Everything is
 * little-endian, as is the host (x86_64). */
#ifndef VHH_H
#define VHH_H

#include <drivers/virtio_blk.h>
#include <drivers/virtio_ring.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- vhost-user messages (vhost-user.rst, "Message types") ---------------- */

enum {
	VHU_GET_FEATURES = 1,
	VHU_SET_FEATURES = 2,
	VHU_SET_OWNER = 3,
	VHU_RESET_OWNER = 4,
	VHU_SET_MEM_TABLE = 5,
	VHU_SET_LOG_BASE = 6,
	VHU_SET_LOG_FD = 7,
	VHU_SET_VRING_NUM = 8,
	VHU_SET_VRING_ADDR = 9,
	VHU_SET_VRING_BASE = 10,
	VHU_GET_VRING_BASE = 11,
	VHU_SET_VRING_KICK = 12,
	VHU_SET_VRING_CALL = 13,
	VHU_SET_VRING_ERR = 14,
	VHU_GET_PROTOCOL_FEATURES = 15,
	VHU_SET_PROTOCOL_FEATURES = 16,
	VHU_GET_QUEUE_NUM = 17,
	VHU_SET_VRING_ENABLE = 18,
	VHU_SET_BACKEND_REQ_FD = 21,
	VHU_GET_CONFIG = 24,
	VHU_SET_CONFIG = 25,
};

/* Back end to front end, on the channel SET_BACKEND_REQ_FD hands over. */
#define VHU_BACKEND_CONFIG_CHANGE_MSG   2

/* Header flags: version 1 in bits 0-1, a reply, a request for an ack. */
#define VHU_VERSION             0x1u
#define VHU_FLAG_REPLY          0x4u
#define VHU_FLAG_NEED_REPLY     0x8u

/* Feature bit 30 says the protocol-features messages exist. */
#define VHU_F_PROTOCOL_FEATURES 30

/* Protocol features (GET_PROTOCOL_FEATURES). */
#define VHU_PF_MQ               0
#define VHU_PF_REPLY_ACK        3
#define VHU_PF_BACKEND_REQ      5
#define VHU_PF_CONFIG           9

/* SET_VRING_KICK/CALL/ERR payload: the ring index in bits 0-7, bit 8 set
 * when no descriptor comes with the message. */
#define VHU_VRING_IDX_MASK      0xffu
#define VHU_VRING_NOFD          (1u << 8)

#define VHU_MAX_REGIONS         8
#define VHU_MAX_FDS             8
#define VHU_MAX_PAYLOAD         4096
#define VHU_CONFIG_HDR          12      /* offset, size, flags */
#define VHU_CONFIG_MAX          256

struct vhu_hdr {
	uint32_t request;
	uint32_t flags;
	uint32_t size;
} __attribute__((packed));

struct vhu_region {
	uint64_t gpa;           /* guest physical address */
	uint64_t size;
	uint64_t uva;           /* the front end's virtual address */
	uint64_t mmap_offset;   /* where the region starts in the fd */
};

struct vhu_vring_state {
	uint32_t index;
	uint32_t num;
};

struct vhu_vring_addr {
	uint32_t index;
	uint32_t flags;
	uint64_t desc;          /* all three in the front end's address space */
	uint64_t used;
	uint64_t avail;
	uint64_t log;
};

/* ---- virtio (virtio 1.2) ------------------------------------------------- */

#define VIRTIO_F_INDIRECT_DESC  28
#define VIRTIO_F_EVENT_IDX      29
#define VIRTIO_F_VERSION_1      32

/* The configuration this device has (§5.2.4): every field up to
 * write_zeroes_may_unmap and its three bytes of padding; nothing after
 * (the secure-erase fields) is offered. */
#define VHH_CONFIG_LEN          60u
_Static_assert(offsetof(struct virtio_blk_config, write_zeroes_may_unmap) + 4 == VHH_CONFIG_LEN,
	       "virtio 1.2 §5.2.4");
_Static_assert(sizeof(struct virtio_blk_config) >= VHH_CONFIG_LEN, "virtio 1.2 §5.2.4");

/* The most sectors one DISCARD or WRITE_ZEROES segment may cover, and the
 * most segments per request. */
#define VHH_RANGE_SECTORS       32768
#define VHH_RANGE_SEGS          16

/* ---- what the device does wrong ---------------------------------------- */

enum misbehave {
	MB_NONE,
	MB_BAD_ID,      /* used id = queue size (out of range) */
	MB_IDLE_ID,     /* used id of a descriptor not in flight */
	MB_DUP_ID,      /* a request completed twice */
	MB_BAD_LEN,     /* used length one past the writable bytes */
	MB_IDX_JUMP,    /* used index moved by more than the queue size */
	MB_IRQ_STORM,   /* requests complete, then the call eventfd is hammered */
	MB_HANG,        /* requests are taken and never completed */
	MB_VRING_ERR,   /* the error eventfd is signalled, nothing completes */
	MB_CONFIG,      /* capacity changes again and again (backend channel) */
	MB_DISCONNECT,  /* the back end goes away with requests in flight */
	MB_REORDER,     /* completions in reverse order of arrival (legal) */
	MB_SCRIBBLE,    /* the driver's descriptors and available ring trashed
			 * once read, requests then completed well */
};

struct opts {
	const char *socket;
	const char *disk;       /* backing file, or NULL: RAM */
	uint64_t ram_bytes;
	const char *serial;
	bool readonly;
	enum misbehave mode;
	uint64_t after;         /* requests served well before misbehaving */
	unsigned storm;         /* interrupts in an irq storm */
	unsigned changes;       /* configuration changes in a config storm */
	unsigned gap_us;        /* between two storm events */
};

extern struct opts opt;

const char *mb_name(enum misbehave m);
void vhh_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
uint64_t now_ms(void);

/* ---- the back end's state ------------------------------------------------ */

struct region {
	struct vhu_region r;
	uint8_t *map;           /* mmap of [0, mmap_offset + size) of the fd */
	size_t map_len;
};

#define VHH_MAX_QUEUE   1024
#define VHH_MAX_SEGS    (VHH_MAX_QUEUE + 8)

struct vring {
	unsigned num;
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint16_t last_avail;    /* next available entry to take */
	uint16_t used_idx;      /* our copy of used->idx */
	uint16_t signalled_at;  /* used_idx at the last interrupt */
	int kick, call, err;    /* eventfds, -1: none */
	bool addr_set, started, disabled;
	bool inflight[VHH_MAX_QUEUE];   /* heads taken and not yet completed */
	uint16_t held[VHH_MAX_QUEUE];   /* heads kept back (hang, vring-err) */
	unsigned nheld;
};

struct dev {
	int sock;               /* the front end's connection */
	int backend_fd;         /* backend channel, -1 until given */
	uint64_t features, protocol_features;
	struct region reg[VHU_MAX_REGIONS];
	unsigned nreg;
	struct vring vq;        /* one request queue */
	uint64_t capacity;      /* 512-byte sectors, what GET_CONFIG says */
	uint64_t disk_bytes;
	int disk_fd;            /* -1: RAM */
	uint8_t *ram;
	uint64_t served;        /* requests completed well */
	uint64_t scribbled;
	bool misbehaving;
	unsigned storm_left, changes_left;
	uint64_t next_change_ms;
	bool change_unsent;     /* capacity changed, QEMU not told yet */
};

/* memory.c */
void *gpa_to_host(struct dev *d, uint64_t gpa, uint64_t len);
void *uva_to_host(struct dev *d, uint64_t uva, uint64_t len);
void mem_unmap_all(struct dev *d);
int mem_set_table(struct dev *d, const uint8_t *payload, uint32_t size,
		  const int *fds, unsigned nfds);

/* vring.c */
void vring_process(struct dev *d);
void vring_stop(struct dev *d);
void vring_signal(struct dev *d, bool force);

/* proto.c */
int proto_handle(struct dev *d);        /* 0, or -1: connection over */
int proto_config_change(struct dev *d);  /* -1: channel full, try again */

#endif
