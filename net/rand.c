/* SPDX-License-Identifier: MIT */
/* LWIP_RAND: TCP initial sequence numbers, ephemeral ports, DHCP and DNS
 * transaction ids. lwIP calls it with its core lock held, often, so it is
 * a fast generator (splitmix64) rather than a device read per number. The
 * seed mixes the clock with bytes from <kern/rng.h> when the guest has an
 * entropy device (virtio-rng); without one, ids are unpredictable only to
 * someone who cannot guess the boot time. Not for cryptography. */
#include <kern/arch.h>
#include <kern/init.h>
#include <kern/irq.h>
#include <kern/printk.h>
#include <kern/rng.h>
#include <kern/time.h>
#include "netpriv.h"

static uint64_t state;

static uint64_t splitmix64(void)
{
	uint64_t z = (state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

unsigned int net_rand(void)
{
	unsigned long flags = irq_save();
	unsigned int r = (unsigned int)(splitmix64() >> 32);

	irq_restore(flags);
	return r;
}

void net_rand_seed(void)
{
	uint64_t seed = 0;
	unsigned long flags;

	/* Bounded: a rate-limited device must not hold up the boot. */
	if (rng_available() &&
	    rng_read(&seed, sizeof(seed), 100 * NSEC_PER_MSEC) != sizeof(seed))
		seed = 0;
	flags = irq_save();
	state ^= seed ^ arch_cycles() ^ (time_ns() << 17);
	irq_restore(flags);
}

/* The entropy device is probed among the drivers, after the stack starts:
 * mix its bytes in once every device is there. */
static int net_rand_late(void)
{
	net_rand_seed();
	if (!rng_available())
		pr_info("net: no entropy device, random ids seeded from the clock\n");
	return 0;
}
INITCALL(INIT_LATE, net_rand_late);
