/* SPDX-License-Identifier: MIT */
/* x86_64 clocks: the TSC (the clock source), where its frequency came from
 * (kvmclock, CPUID, or calibration against the HPET or the PIT), and those
 * reference counters themselves, for calibration and tests. */
#ifndef ARCH_CLOCK_H
#define ARCH_CLOCK_H

#include <kern/compiler.h>

/* a * b / c with a 128-bit intermediate (MUL then DIV). c must be non-zero;
 * a quotient that would not fit in 64 bits saturates to UINT64_MAX. */
static inline uint64_t mul_div_u64(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t hi, lo, q, r;

	__asm__("mulq %3" : "=a"(lo), "=d"(hi) : "a"(a), "rm"(b));
	if (hi >= c)
		return UINT64_MAX;
	__asm__("divq %4" : "=a"(q), "=d"(r) : "a"(lo), "d"(hi), "rm"(c));
	(void)r;
	return q;
}

/* --- TSC --- */

/* Find the TSC frequency (kvmclock, CPUID 0x15/0x16, HPET, PIT) and switch
 * time_ns() to it. Idempotent. @return 0 or -errno. */
int tsc_init(void);
uint64_t tsc_hz(void);
/* "kvmclock", "cpuid", "hpet", "pit", or "none" before tsc_init. */
const char *tsc_freq_source(void);
bool tsc_invariant(void);
/* Conversions with the calibrated frequency (ns->TSC rounds up). */
uint64_t tsc_to_ns(uint64_t delta);
uint64_t ns_to_tsc(uint64_t ns);
/* The TSC value at which time_ns() reads ns. */
uint64_t tsc_at_ns(uint64_t ns);

/* --- kvmclock (KVM paravirtual clock, Linux Documentation/virt/kvm/
 * x86/msr.rst) --- */

/* TSC frequency from the pvclock scale KVM publishes. @return 0 and *hz
 * (and *stable: PVCLOCK_TSC_STABLE_BIT), or -ENODEV when not under KVM. */
int kvmclock_tsc_hz(uint64_t *hz, bool *stable);
/* Is this a KVM guest (CPUID 0x40000000 "KVMKVMKVM")? */
bool kvm_detected(void);

/* --- HPET (IA-PC HPET spec 1.0a) --- */

/* Map the HPET from the ACPI table and start its main counter.
 * @return 0 or -ENODEV. Idempotent. */
int hpet_init(void);
bool hpet_present(void);
uint64_t hpet_read(void);          /* main counter */
uint64_t hpet_hz(void);

/* --- PIT (8254) channel 0 as a free-running counter --- */

#define PIT_HZ 1193182u
/* Program channel 0 as a free-running 16-bit counter (mode 0, reload
 * 65536) and reset the extended count. */
void pit_counter_start(void);
/* Ticks since pit_counter_start, extended to 64 bits: call at least every
 * 50 ms (the 16-bit counter wraps every 54.9 ms). */
uint64_t pit_counter_read(void);
/* Channel 0 as the event timer instead (no LAPIC): mode 0 ("interrupt on
 * terminal count"), one IRQ 0 edge count ticks from now; count 0 stops it.
 * From the first call on, channel 0 is no longer a free counter and
 * pit_is_event_timer() says so. */
void pit_oneshot(uint32_t count);
bool pit_is_event_timer(void);

/* --- reference counter: HPET when present, else the PIT --- */

struct refclock {
	const char *name;
	uint64_t hz;
	uint64_t (*read)(void);     /* PIT: poll at least every 50 ms */
};
/* Pick and start the reference counter. @return 0, -ENODEV, or -EBUSY (no
 * HPET, and the PIT is the event timer). */
int refclock_get(struct refclock *rc);

#endif
