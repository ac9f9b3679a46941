// SPDX-License-Identifier: MIT
/* Monotonic time and one-shot timers, arch-neutral (include/kern/time.h).
 *
 * Pending timers sit on one singly linked list sorted by deadline (equal
 * deadlines keep arming order). The arch event device is always programmed
 * for the head of the list. The list is touched only with interrupts
 * disabled: there is one CPU, and the timer interrupt is the only other
 * user. Handlers run in interrupt context from time_interrupt and may
 * re-arm or cancel any timer, themselves included. */
#include <kern/time.h>
#include <kern/irq.h>
#include <arch/barrier.h>

static struct timer *pending;
static uint64_t programmed = TIME_NO_DEADLINE;

void udelay(uint64_t us)
{
	uint64_t end = time_ns() + us * NSEC_PER_USEC;

	while (time_ns() < end)
		cpu_relax();
}

/* Program the event device for the head of the list, if that changed. */
static void reprogram(void)
{
	uint64_t next = pending ? pending->deadline : TIME_NO_DEADLINE;

	if (next == programmed)
		return;
	programmed = next;
	arch_timer_program(next);
}

static void list_remove(struct timer *t)
{
	for (struct timer **pp = &pending; *pp; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	t->next = NULL;
	t->pending = false;
}

static void list_insert(struct timer *t)
{
	struct timer **pp = &pending;

	while (*pp && (*pp)->deadline <= t->deadline)
		pp = &(*pp)->next;
	t->next = *pp;
	*pp = t;
	t->pending = true;
}

void timer_init(struct timer *t, void (*fn)(struct timer *t), void *arg)
{
	t->deadline = 0;
	t->fn = fn;
	t->arg = arg;
	t->next = NULL;
	t->pending = false;
}

void timer_arm(struct timer *t, uint64_t deadline_ns)
{
	unsigned long flags = irq_save();

	if (t->pending)
		list_remove(t);
	t->deadline = deadline_ns;
	list_insert(t);
	reprogram();
	irq_restore(flags);
}

bool timer_cancel(struct timer *t)
{
	unsigned long flags = irq_save();
	bool was = t->pending;

	if (was) {
		list_remove(t);
		reprogram();
	}
	irq_restore(flags);
	return was;
}

/* A handler that keeps re-arming itself in the past must not wedge the CPU
 * in interrupt context: after this many expiries in one interrupt, leave
 * the rest to the next one (the device fires again at once). */
#define MAX_EXPIRIES_PER_IRQ 256

void time_interrupt(void)
{
	uint64_t now = time_ns();
	unsigned n = 0;

	/* The device's deadline has passed (or it fired early: then the
	 * loop finds nothing due and reprogram sets it again). */
	programmed = TIME_NO_DEADLINE;
	while (pending && pending->deadline <= now && n++ < MAX_EXPIRIES_PER_IRQ) {
		struct timer *t = pending;

		pending = t->next;
		t->next = NULL;
		t->pending = false;
		t->fn(t);
		if (!pending || pending->deadline > now)
			now = time_ns();
	}
	reprogram();
}

const char *time_clock_name(void)
{
	return arch_clock_name();
}

const char *time_event_name(void)
{
	return arch_event_name();
}
