/* SPDX-License-Identifier: MIT */
/* virtio-console (virtio 1.2 §5.3): the device's layouts and the pure
 * control-message decoder (drivers/virtio/console_ctl.c, host unit-tested
 * and fuzzed). The port API for the rest of the kernel is <drivers/vport.h>. */
#ifndef DRIVERS_VIRTIO_CONSOLE_H
#define DRIVERS_VIRTIO_CONSOLE_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

/* Feature bits (§5.3.3). */
#define VIRTIO_CONSOLE_F_SIZE           0
#define VIRTIO_CONSOLE_F_MULTIPORT      1
#define VIRTIO_CONSOLE_F_EMERG_WRITE    2

/* §5.3.4: the configuration layout. max_nr_ports is valid with MULTIPORT,
 * cols/rows with SIZE; emerg_wr is written by the driver (EMERG_WRITE). */
struct virtio_console_config {
	uint16_t cols;
	uint16_t rows;
	uint32_t max_nr_ports;
	uint32_t emerg_wr;
} __attribute__((packed));
_Static_assert(sizeof(struct virtio_console_config) == 12, "virtio_console_config");

/* §5.3.6.2: a control message; PORT_NAME carries the name after it,
 * RESIZE a struct vcon_resize. Little-endian (VERSION_1; legacy devices
 * are the guest's endianness, which is little on both our arches). */
struct virtio_console_control {
	uint32_t id;
	uint16_t event;
	uint16_t value;
};
_Static_assert(sizeof(struct virtio_console_control) == 8, "virtio_console_control");

#define VIRTIO_CONSOLE_DEVICE_READY     0   /* driver -> device */
#define VIRTIO_CONSOLE_DEVICE_ADD       1   /* device -> driver */
#define VIRTIO_CONSOLE_DEVICE_REMOVE    2   /* device -> driver */
#define VIRTIO_CONSOLE_PORT_READY       3   /* driver -> device */
#define VIRTIO_CONSOLE_CONSOLE_PORT     4   /* device -> driver */
#define VIRTIO_CONSOLE_RESIZE           5   /* device -> driver */
#define VIRTIO_CONSOLE_PORT_OPEN        6   /* both ways */
#define VIRTIO_CONSOLE_PORT_NAME        7   /* device -> driver */

/* The receive queue of port N (§5.3.2): 0 for port 0, else 2 * (N + 1);
 * its transmit queue is the next one. Queues 2 and 3 are control. */
static inline unsigned vcon_rxq_index(uint32_t port)
{
	return port == 0 ? 0 : 2 * (port + 1);
}

/* Longest port name we take, without its terminator. */
#define VCON_NAME_MAX   63
/* Ports (queue pairs) a device may have here, at most. */
#define VCON_MAX_PORTS  32

/* One decoded device -> driver control message. */
struct vcon_ctl {
	uint32_t id;
	uint16_t event;
	uint16_t value;
	uint16_t rows, cols;                /* RESIZE */
	char name[VCON_NAME_MAX + 1];       /* PORT_NAME, terminated */
};

/* Decode the control message the device wrote into a buffer of cap bytes,
 * used len. nports: ids below it have queues; announced: a bitmap of the
 * ids the device added (DEVICE_ADD) and did not remove since.
 * @return 0 with *out filled, or -EPROTO with *why set: shorter than the
 * header, a used length past the buffer, an id out of range, an id never
 * announced (any event but DEVICE_ADD), DEVICE_ADD of an announced id, an
 * event the device does not send, a RESIZE without its size, a name that
 * is empty, unterminated within VCON_NAME_MAX bytes, or not printable. */
int vcon_ctl_parse(const void *buf, uint32_t len, uint32_t cap, uint32_t nports,
		   const uint8_t *announced, struct vcon_ctl *out, const char **why);

/* Encode a driver -> device message into out (8 bytes). */
void vcon_ctl_encode(void *out, uint32_t id, uint16_t event, uint16_t value);

static inline bool vcon_bit(const uint8_t *map, uint32_t id)
{
	return map[id / 8] & (1u << (id % 8));
}

#endif
