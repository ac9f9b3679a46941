/* SPDX-License-Identifier: MIT */
/* Kernel entropy: random bytes from the hypervisor's entropy device
 * (virtio-rng, virtio 1.2 §5.4), for seeding and for the `rng` shell
 * command. There is no software pool: every byte comes from the device. */
#ifndef KERN_RNG_H
#define KERN_RNG_H

#include <kern/compiler.h>

/* Fill buf with n random bytes; may sleep (or poll, per virtio.mode), at
 * most timeout_ns (0: no limit; a rate-limited device may take minutes).
 * Ctrl-C (thread_interrupt) ends the wait. @return n, or -ENODEV (no
 * entropy device), -ETIMEDOUT, -EINTR (buf's contents are then undefined),
 * -EIO (the device failed or keeps returning nothing). */
long rng_read(void *buf, size_t n, uint64_t timeout_ns);
/* Is an entropy source present? */
bool rng_available(void);

#endif
