/* SPDX-License-Identifier: MIT */
/* virtio-console's state, shared by its files: console.c (probe, control
 * queue), console_port.c (<drivers/vport.h>), console_hvc.c (the kernel
 * console), console_cmd.c (shell commands). */
#ifndef VIRTIO_CONSOLE_PRIV_H
#define VIRTIO_CONSOLE_PRIV_H

#include <drivers/virtio.h>
#include <drivers/virtio_console.h>
#include <drivers/vport.h>
#include <kern/sched.h>

/* Receive: buffers of the size QEMU's virtio-serial fills at once (it
 * reads a chardev 4 KiB at a time), as many as its queues hold (128), so
 * the device can go on while the guest is not running (under TCG on a
 * busy host, the vCPU waits for a host CPU). Transmit: few, large
 * buffers, since QEMU writes each to the chardev with a syscall of its
 * own. Both are allocated when a port number is first used: 1 MiB. */
#define VCON_RX_BUFS    128
#define VCON_RX_SIZE    4096
#define VCON_TX_BUFS    16
#define VCON_TX_SIZE    32768
#define VCON_CTL_BUFS   16
#define VCON_CTL_SIZE   1024    /* a header and a name, with room */
#define VCON_CTL_TX     16

struct vcon_dev;
struct vcon_slot;

/* A buffer's cookie: which slot, which buffer. */
struct vcon_buf {
	struct vcon_slot *s;
	uint16_t idx;
};

/* One port number's queue pair. It outlives the port: QEMU keeps the
 * receive buffers we posted across DEVICE_REMOVE, and a port added again
 * with that number finds them (§5.3.6.1 leaves the queues to the id). */
struct vcon_slot {
	struct vcon_dev *dev;
	uint32_t id;
	struct virtqueue *rxq, *txq;
	bool has_bufs;                  /* buffers allocated and posted */
	uint8_t *rx_mem, *tx_mem;
	struct vcon_buf rx_ck[VCON_RX_BUFS], tx_ck[VCON_TX_BUFS];
	/* Received, not yet read: buffer indices in arrival order. */
	uint16_t fifo[VCON_RX_BUFS];
	uint32_t fifo_len[VCON_RX_BUFS];    /* by buffer index */
	unsigned fifo_head, fifo_n, rd_off;
	uint32_t tx_free;               /* bitmap of idle transmit buffers */

	/* The port, while present (DEVICE_ADD .. DEVICE_REMOVE). */
	bool present;
	uint32_t gen;                   /* bumped by every add and remove */
	char name[VCON_NAME_MAX + 1];
	int hvc;                        /* console index, -1: not a console */
	bool host_open;
	bool host_seen;                 /* host open at some time since vport_open */
	struct vport *user;             /* the open handle, if any */
	bool kcons;                     /* the kernel console: input to console_rx */
	uint16_t rows, cols;
	struct waitq wq;                /* readers, writers, pollers */
	uint64_t rx_bytes, tx_bytes, rx_dropped, tx_dropped;
};

struct vcon_dev {
	struct virtio_dev *vdev;
	struct vcon_dev *next;
	char name[16];
	bool multiport, emerg;
	uint32_t nports;
	struct vcon_slot *slots;        /* nports of them */
	uint8_t announced[VCON_MAX_PORTS / 8];
	struct virtqueue *c_ivq, *c_ovq;
	uint8_t *ctl_rx;                /* VCON_CTL_BUFS * VCON_CTL_SIZE */
	struct vcon_buf ctl_ck[VCON_CTL_BUFS];
	uint16_t ctl_fifo[VCON_CTL_BUFS];
	uint32_t ctl_len[VCON_CTL_BUFS];
	unsigned ctl_head, ctl_n;
	uint8_t ctl_tx[VCON_CTL_TX][8];
	uint32_t ctl_tx_free;
	struct waitq ctl_wq;
	struct mutex lock;              /* port state changes vs. open/close */
	struct mutex ctl_lock;          /* one thread acts on control messages */
	uint64_t ctl_errors;
	uint64_t ready_ns;              /* DEVICE_READY sent (vport_arriving) */
};

extern struct vcon_dev *vcon_devs;

/* console.c */
int vcon_ctl_send(struct vcon_dev *d, uint32_t id, uint16_t event, uint16_t value);
/* Act on the control messages that came so far (a writer that finds the
 * host end closed: its PORT_OPEN may be waiting in a polled queue). */
void vcon_ctl_sync(struct vcon_dev *d);
void vcon_rx_repost(struct vcon_slot *s, uint16_t idx);
/* Take the completions waiting on the slot's queues (they interrupt only
 * when asked, see console.c). @return whether there were any. */
bool vcon_slot_poll(struct vcon_slot *s);
/* Only the transmit completions (the kernel console's output, which may
 * run in any context, leaves input to the interrupt). Interrupts off. */
bool vcon_tx_take(struct vcon_slot *s);
/* Before sleeping on the slot's wait queue: ask for the receive queue's
 * interrupt, and the transmit queue's while buffers are out. @return true
 * when completions came meanwhile (take them; no interrupt will come). */
bool vcon_slot_arm(struct vcon_slot *s);
/* Nobody reads the port any more: drop what came, and let the receive
 * interrupt drop what comes. Interrupts off or on. */
void vcon_slot_rx_rearm(struct vcon_slot *s);

/* console_hvc.c: a console port appeared; make it the kernel console when
 * console=hvcN names it, or when there is no console at all. */
void vcon_hvc_found(struct vcon_slot *s);
/* Feed received console bytes to the console layer (interrupts off). */
void vcon_hvc_input(struct vcon_slot *s, const uint8_t *p, uint32_t n);

#endif
