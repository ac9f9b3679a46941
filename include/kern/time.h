/* SPDX-License-Identifier: MIT */
/* Monotonic time and one-shot timers, arch-neutral. The arch provides a
 * clock source (TSC/kvmclock on x86, the generic counter on arm64) and a
 * one-shot event device (TSC-deadline/LAPIC timer, generic timer). */
#ifndef KERN_TIME_H
#define KERN_TIME_H

#include <kern/compiler.h>

#define NSEC_PER_USEC 1000ULL
#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_SEC  1000000000ULL

/* Nanoseconds since boot, monotonic, never goes backwards. The arch's
 * clock read without a call of its own (lwIP's sys_now and every timed
 * wait ask often). Host unit tests link their own. */
uint64_t arch_time_ns(void);
#ifndef UNIT_TEST
static inline uint64_t time_ns(void)
{
	return arch_time_ns();
}
#else
uint64_t time_ns(void);
#endif
/* Busy-wait (for drivers before the scheduler, and short device delays). */
void udelay(uint64_t us);

struct timer {
	uint64_t deadline;          /* absolute time_ns() value */
	void (*fn)(struct timer *t); /* runs in interrupt context */
	void *arg;
	struct timer *next;         /* private: the pending list */
	bool pending;
};

void timer_init(struct timer *t, void (*fn)(struct timer *t), void *arg);
/* Arm (or re-arm) t to fire at the absolute deadline. */
void timer_arm(struct timer *t, uint64_t deadline_ns);
/* Cancel t if pending; returns true if it was pending. */
bool timer_cancel(struct timer *t);

/* Convert an arch_cycles() difference to nanoseconds (0 before the clock
 * is calibrated). Boot-phase stamps use it. */
uint64_t time_cycles_to_ns(uint64_t cycles);

/* Names of the clock source and event device in use ("kvmclock", "tsc", ...). */
const char *time_clock_name(void);
const char *time_event_name(void);

/* --- Between kern/time.c and the arch (kern/arch/<arch>/) ---------------
 * The arch supplies the clock and a one-shot event device; kern/time.c
 * keeps the sorted timer list on top. time_cycles_to_ns is the arch's too. */
#define TIME_NO_DEADLINE UINT64_MAX
/* arch_time_ns (above): nanoseconds since boot from the arch clock (an
 * estimate before it is calibrated; never goes backwards across the
 * calibration). */
/* Fire the event device once at time_ns() >= deadline_ns (a past deadline
 * fires at once); TIME_NO_DEADLINE stops it. Interrupts are disabled. An
 * early interrupt is harmless: time_interrupt re-checks the list. */
void arch_timer_program(uint64_t deadline_ns);
const char *arch_clock_name(void);
const char *arch_event_name(void);
/* The arch's event interrupt handler calls this (interrupts disabled):
 * runs the expired timers and programs the next deadline. */
void time_interrupt(void);

#endif
