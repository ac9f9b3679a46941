/* SPDX-License-Identifier: MIT */
/* Ports of virtio-console devices (virtio 1.2 §5.3), by name: the ports
 * QEMU's `-device virtserialport,name=NAME,chardev=...` makes, and the
 * console ports (`virtconsole`) as hvc0, hvc1, ...
 *
 * A port is open by one user at a time; opening tells the host
 * (PORT_OPEN), which then starts sending. Data is copied both ways, so a
 * caller's buffer is its own again as soon as a call returns, whatever the
 * call returned. Every wait has a bound: timeout_ns 0 never waits,
 * VPORT_FOREVER waits until something happens (data, the host closing,
 * the port going away, the device failing) or Ctrl-C (thread_interrupt),
 * anything else waits at most that long. */
#ifndef DRIVERS_VPORT_H
#define DRIVERS_VPORT_H

#include <kern/compiler.h>

#define VPORT_FOREVER   UINT64_MAX

struct vport;   /* an open port */

/* Open the port called name (its PORT_NAME, or hvcN for a console port).
 * @return 0 with *out set, -ENOENT (no such port now), -EBUSY (open
 * already, or the kernel console), -ENOMEM, -EIO (device failed). */
int vport_open(const char *name, struct vport **out);
/* Close it (the host is told); p is freed. */
void vport_close(struct vport *p);

/* Read up to n bytes of what the host sent. @return bytes (> 0); 0 at
 * end of file (the host had its end open since vport_open and closed it,
 * and nothing is left); -EAGAIN (timeout 0, nothing there), -ETIMEDOUT,
 * -EINTR, -ENODEV (the port was removed), -EIO (the device failed). */
long vport_read(struct vport *p, void *buf, size_t n, uint64_t timeout_ns);
/* Write n bytes, waiting for room as above. @return bytes taken (fewer
 * than n only when a wait ended early), or, when none were: -EAGAIN,
 * -ETIMEDOUT, -EINTR, -EPIPE (nobody has the host end open), -ENODEV,
 * -EIO. */
long vport_write(struct vport *p, const void *buf, size_t n, uint64_t timeout_ns);

#define VPORT_IN        1u      /* a read would not wait (data or end of file) */
#define VPORT_OUT       2u      /* a write would take bytes now */
#define VPORT_HUP       4u      /* the host end is closed, or the port gone */
/* Wait until one of events holds (VPORT_HUP always counts).
 * @return the events that hold, 0 on timeout, -EINTR, -EIO. */
int vport_poll(struct vport *p, unsigned events, uint64_t timeout_ns);

/* One line of the `ports` listing. */
struct vport_info {
	char dev[16];           /* vcon0 */
	uint32_t id;            /* port number on that device */
	char name[64];          /* PORT_NAME, "" when it has none */
	int hvc;                /* console index (hvcN), or -1 */
	bool host_open;         /* the host has its end open */
	bool guest_open;        /* open here (vport_open, or the kernel console) */
	uint64_t rx_bytes, tx_bytes, rx_dropped, tx_dropped;
};
/* The ports present now, at most max of them into out.
 * @return how many there are (may exceed max). */
unsigned vport_list(struct vport_info *out, unsigned max);
/* Whether a device's ports may still be on their way: it was told
 * DEVICE_READY less than VPORT_ARRIVE_NS ago. Each port takes control
 * messages both ways; the probe waits only for the first lull in them,
 * and on a loaded host the rest can come later. A port missing meanwhile
 * is worth waiting for (the shell's port commands do). */
#define VPORT_ARRIVE_NS (5 * NSEC_PER_SEC)
bool vport_arriving(void);

#endif
