// SPDX-License-Identifier: MIT
/* The reference counter for calibration checks and tests: the HPET when
 * the ACPI tables describe one, else PIT channel 0. Neither is derived
 * from the TSC, so comparing time_ns() with it checks the TSC frequency. */
#include <arch/clock.h>
#include <arch/io.h>
#include <kern/errno.h>

/* A PIT that is not there reads as all ones and never moves. */
static bool pit_present(void)
{
	pit_counter_start();
	for (int i = 0; i < 10000; i++)
		if (pit_counter_read() > 0)
			return true;
	return false;
}

int refclock_get(struct refclock *rc)
{
	if (hpet_init() == 0) {
		*rc = (struct refclock){ "hpet", hpet_hz(), hpet_read };
		return 0;
	}
	/* Channel 0 drives the timer interrupts on a CPU without a LAPIC:
	 * reprogramming it as a counter would stop the clock's events. */
	if (pit_is_event_timer())
		return -EBUSY;
	if (pit_present()) {
		*rc = (struct refclock){ "pit", PIT_HZ, pit_counter_read };
		return 0;
	}
	return -ENODEV;
}
