/* SPDX-License-Identifier: MIT */
/* Wait queues, mutexes and semaphores on top of the scheduler.
 *
 * A waiter is on at most one wait queue, linked through its own thread
 * structure, so waiting allocates nothing. A waker takes the waiter off the
 * queue and cancels its timeout before making it runnable; a timeout takes
 * it off the queue itself (kern/sched.c), so a thread leaves the queue
 * exactly once either way. Both run with interrupts disabled, which on one
 * CPU is all the exclusion they need. */
#include "sched_priv.h"
#include <kern/errno.h>
#include <kern/irq.h>
#include <kern/panic.h>

void waitq_init(struct waitq *wq)
{
	wq->head = wq->tail = NULL;
}

static struct thread *waitq_pop(struct waitq *wq)
{
	struct thread *t = wq->head;

	if (t) {
		wq->head = t->next;
		if (!wq->head)
			wq->tail = NULL;
		t->next = NULL;
		t->wq = NULL;
		timer_cancel(&t->timer);
	}
	return t;
}

void waitq_wake_one(struct waitq *wq)
{
	unsigned long flags = irq_save();
	struct thread *t = waitq_pop(wq);

	if (t)
		sched_wake(t);
	irq_restore(flags);
}

void waitq_wake_all(struct waitq *wq)
{
	unsigned long flags = irq_save();
	struct thread *t;

	while ((t = waitq_pop(wq)))
		sched_wake(t);
	irq_restore(flags);
}

/* Absolute deadline for a relative timeout, saturating instead of wrapping. */
static uint64_t deadline_after(uint64_t ns)
{
	uint64_t now = time_ns();

	return now + ns < now ? UINT64_MAX : now + ns;
}

static int sleep_on(struct waitq *wq, uint64_t timeout_ns, bool intr)
{
	struct thread *t = sched_current;
	/* The caller should have disabled interrupts (else its condition check
	 * races with the wake-up); saving again costs nothing and keeps the
	 * queues consistent even if it did not. */
	unsigned long flags = irq_save();
	int ret;

	if (intr && t->intr_pending) {
		irq_restore(flags);
		return -EINTR;
	}
	t->timed_out = false;
	t->interruptible = intr;
	t->wq = wq;
	t->next = NULL;
	if (wq->tail)
		wq->tail->next = t;
	else
		wq->head = t;
	wq->tail = t;
	t->state = T_BLOCKED;
	if (timeout_ns)
		timer_arm(&t->timer, deadline_after(timeout_ns));
	sched_switch();
	t->interruptible = false;
	if (intr && t->intr_pending)
		ret = -EINTR;
	else
		ret = t->timed_out ? -ETIMEDOUT : 0;
	irq_restore(flags);
	return ret;
}

int waitq_sleep_locked(struct waitq *wq, uint64_t timeout_ns)
{
	return sleep_on(wq, timeout_ns, false);
}

int waitq_sleep_intr_locked(struct waitq *wq, uint64_t timeout_ns)
{
	return sleep_on(wq, timeout_ns, true);
}

void mutex_init(struct mutex *m)
{
	m->owner = NULL;
	waitq_init(&m->wq);
}

/* Ownership is handed straight to the first waiter on unlock, so the lock
 * is FIFO-fair and a thread that unlocks and relocks in a loop cannot
 * starve the others. */
void mutex_lock(struct mutex *m)
{
	unsigned long flags = irq_save();
	struct thread *self = sched_current;

	assert(m->owner != self);       /* not recursive */
	if (!m->owner)
		m->owner = self;
	while (m->owner != self)
		waitq_sleep_locked(&m->wq, 0);
	irq_restore(flags);
}

void mutex_unlock(struct mutex *m)
{
	unsigned long flags = irq_save();
	struct thread *next;

	assert(m->owner == sched_current);
	next = waitq_pop(&m->wq);
	m->owner = next;
	if (next)
		sched_wake(next);
	irq_restore(flags);
}

void sem_init(struct semaphore *s, int count)
{
	s->count = count;
	waitq_init(&s->wq);
}

void sem_down(struct semaphore *s)
{
	sem_down_timeout(s, 0);
}

/* timeout_ns 0 waits forever, as for waitq_sleep_locked. A woken waiter
 * re-checks the count: sem_up may run in an interrupt handler, and another
 * thread may take the unit first. */
int sem_down_timeout(struct semaphore *s, uint64_t timeout_ns)
{
	unsigned long flags = irq_save();
	uint64_t deadline = timeout_ns ? deadline_after(timeout_ns) : 0;
	int ret = 0;

	while (s->count <= 0) {
		uint64_t left = 0;

		if (deadline) {
			uint64_t now = time_ns();

			if (now >= deadline) {
				ret = -ETIMEDOUT;
				break;
			}
			left = deadline - now;
		}
		waitq_sleep_locked(&s->wq, left);
	}
	if (ret == 0)
		s->count--;
	irq_restore(flags);
	return ret;
}

void sem_up(struct semaphore *s)
{
	unsigned long flags = irq_save();

	s->count++;
	waitq_wake_one(&s->wq);
	irq_restore(flags);
}
