/* SPDX-License-Identifier: MIT */
/* What kern/sched.c shares with kern/sync.c: the thread structure and the
 * two primitives wait queues are built from. Everything here runs with
 * interrupts disabled. */
#ifndef KERN_SCHED_PRIV_H
#define KERN_SCHED_PRIV_H

#include <kern/sched.h>
#include <kern/time.h>

/* With its guard page a stack is 32 KiB, a whole buddy block (order 3). */
#define THREAD_STACK_SIZE (28 * 1024)
#define THREAD_NAME_MAX   24

enum thread_state { T_RUNNABLE, T_RUNNING, T_BLOCKED, T_DEAD };

struct thread {
	void *sp;                   /* saved while switched out */
	struct thread *next;        /* run queue or wait queue link */
	struct waitq *wq;           /* the wait queue we are on, if any */
	struct thread *all_next;    /* every live thread, for `threads` */
	struct thread *dead_next;   /* exited, stack not yet freed */
	enum thread_state state;
	bool timed_out;             /* the last wait ended by its timer */
	bool interruptible;         /* blocked in an interruptible wait */
	bool intr_pending;          /* thread_interrupt: not yet cleared */
	bool joined;                /* someone is (or was) joining */
	void (*fn)(void *);
	void *arg;
	void *stack_top;            /* NULL: the boot stack, or freed */
	struct timer timer;         /* wait and sleep timeouts */
	struct waitq exitq;         /* joiners */
	unsigned id;
	uint64_t runs;              /* times switched to */
	int err;                    /* errno (<errno.h>) */
	char name[THREAD_NAME_MAX];
};

/* Park the current thread (already marked blocked or dead, or queued by a
 * yield) and run another; returns when it is switched back to. */
void sched_switch(void);
/* Make a blocked thread runnable (no effect on any other state). */
void sched_wake(struct thread *t);

#endif
