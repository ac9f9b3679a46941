/* SPDX-License-Identifier: MIT */
/* A cooperative scheduler on one CPU: threads run until they block, yield or
 * exit; interrupts only make threads runnable. The idle loop halts the CPU. */
#ifndef KERN_SCHED_H
#define KERN_SCHED_H

#include <kern/compiler.h>
#include <kern/irq.h>     /* WAIT_EVENT uses irq_save */

struct thread;

/* Create a runnable thread with its own stack (a guard page below it).
 * @return the thread, or NULL when out of memory. */
struct thread *thread_create(const char *name, void (*fn)(void *), void *arg);
__noreturn void thread_exit(void);
void thread_yield(void);
/* Sleep ns (0 yields). Interruptible: @return 0, or -EINTR when the thread
 * was interrupted (thread_interrupt) before or while it slept. */
int thread_sleep_ns(uint64_t ns);
/* The running thread: inline (errno and lwIP's core-lock check ask on
 * every call); only kern/sched.c changes it. */
extern struct thread *sched_current;
static inline struct thread *thread_self(void)
{
	return sched_current;
}
const char *thread_name(const struct thread *t);
/* Wait for t to exit (t is freed afterwards). @return 0 or -EINVAL. */
int thread_join(struct thread *t);
/* Print one line per thread (the `threads` shell command). */
void sched_dump(void);

/* Interrupts, as Ctrl-C delivers them to the shell's command: a flag on the
 * thread that stays set until cleared, and an end to any interruptible wait
 * it is in (thread_sleep_ns, waitq_sleep_intr_locked), which then returns
 * -EINTR. Other waits (mutexes, semaphores, WAIT_EVENT) are not cut short;
 * long loops and device waits that can be abandoned safely look at the
 * flag. thread_interrupt may be called from interrupt handlers. */
void thread_interrupt(struct thread *t);
bool thread_interrupted(void);
void thread_clear_interrupt(void);

/* Wait queues. waitq_wake_* may be called from interrupt handlers. */
struct waitq {
	struct thread *head, *tail;
};
#define WAITQ_INIT { 0, 0 }
void waitq_init(struct waitq *wq);
void waitq_wake_one(struct waitq *wq);
void waitq_wake_all(struct waitq *wq);
/* Block until woken or timeout_ns passes (0 = forever). Interrupts must be
 * disabled by the caller (irq_save), who re-checks its condition after;
 * this closes the check-then-sleep race on one CPU.
 * @return 0 when woken, -ETIMEDOUT on timeout. */
int waitq_sleep_locked(struct waitq *wq, uint64_t timeout_ns);
/* The same, but thread_interrupt ends it. @return 0, -ETIMEDOUT, or -EINTR
 * (also at once, without sleeping, when an interrupt is pending). */
int waitq_sleep_intr_locked(struct waitq *wq, uint64_t timeout_ns);

/* Sleep until cond is true; cond is evaluated with interrupts disabled. */
#define WAIT_EVENT(wq, cond)                                             \
	do {                                                             \
		unsigned long we_flags_ = irq_save();                    \
		while (!(cond))                                          \
			waitq_sleep_locked((wq), 0);                     \
		irq_restore(we_flags_);                                  \
	} while (0)

struct mutex {
	struct thread *owner;
	struct waitq wq;
};
void mutex_init(struct mutex *m);
void mutex_lock(struct mutex *m);
void mutex_unlock(struct mutex *m);

struct semaphore {
	int count;
	struct waitq wq;
};
void sem_init(struct semaphore *s, int count);
void sem_down(struct semaphore *s);
/* @return 0, or -ETIMEDOUT. */
int sem_down_timeout(struct semaphore *s, uint64_t timeout_ns);
void sem_up(struct semaphore *s);   /* callable from interrupt handlers */

#endif
