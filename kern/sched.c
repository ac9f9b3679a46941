/* SPDX-License-Identifier: MIT */
/* The scheduler: cooperative threads on one CPU, round robin.
 *
 * A thread runs until it yields, blocks or exits. Interrupt handlers never
 * switch threads; they only move threads onto the run queue (through
 * waitq_wake_* and sem_up), so every run-queue change happens with
 * interrupts disabled and one CPU needs no other lock. When nothing is
 * runnable the blocked thread's own stack hosts the idle loop, which halts
 * in arch_idle() until an interrupt makes something runnable.
 *
 * A thread's stack cannot be freed while the thread is still running on
 * it, so thread_exit only puts the thread on a list; the stack is freed by
 * whichever thread next creates or joins a thread, or starts. The structure
 * itself lives until thread_join (the joiner reads its state). */
#include "sched_priv.h"
#include <kern/arch.h>
#include <kern/errno.h>
#include <kern/init.h>
#include <kern/irq.h>
#include <kern/panic.h>
#include <kern/printk.h>
#include <kern/vm.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void sched_timeout(struct timer *tm);

/* kmain's thread: statically set up, so blocking works from the first
 * line of C; sched_init only finishes its timer. Its stack is the boot
 * stack, never freed. */
static struct thread boot_thread = {
	.state = T_RUNNING,
	.name = "main",
	.timer = { .fn = sched_timeout, .arg = &boot_thread },
};

struct thread *sched_current = &boot_thread;
static struct thread *runq_head, *runq_tail;
static struct thread *all_threads = &boot_thread;
static struct thread *dead_list;
static unsigned next_id = 1;

static void runq_push(struct thread *t)
{
	t->next = NULL;
	if (runq_tail)
		runq_tail->next = t;
	else
		runq_head = t;
	runq_tail = t;
}

static struct thread *runq_pop(void)
{
	struct thread *t = runq_head;

	if (t) {
		runq_head = t->next;
		if (!runq_head)
			runq_tail = NULL;
		t->next = NULL;
	}
	return t;
}

void sched_wake(struct thread *t)
{
	if (t->state != T_BLOCKED)
		return;
	t->state = T_RUNNABLE;
	runq_push(t);
}

void sched_switch(void)
{
	struct thread *prev = sched_current, *next;

	while (!(next = runq_pop())) {
		/* A yield with nobody else to run keeps running. */
		if (prev->state == T_RUNNING)
			return;
		arch_idle();
	}
	if (next == prev) {
		prev->state = T_RUNNING;
		return;
	}
	next->state = T_RUNNING;
	next->runs++;
	sched_current = next;
	arch_context_switch(&prev->sp, next->sp);
}

/* Take a blocked thread off the wait queue it sleeps on, if any, and make
 * it runnable (interrupts disabled). */
static void unqueue_and_wake(struct thread *t)
{
	struct waitq *wq = t->wq;

	if (wq) {
		struct thread **pp = &wq->head, *prev = NULL;

		while (*pp && *pp != t) {
			prev = *pp;
			pp = &(*pp)->next;
		}
		if (*pp) {
			*pp = t->next;
			if (wq->tail == t)
				wq->tail = prev;
		}
		t->wq = NULL;
		t->next = NULL;
	}
	sched_wake(t);
}

/* Timer handler (interrupt context) of a thread's wait or sleep. */
static void sched_timeout(struct timer *tm)
{
	struct thread *t = tm->arg;

	if (t->state != T_BLOCKED)
		return;
	t->timed_out = true;
	unqueue_and_wake(t);
}

void thread_interrupt(struct thread *t)
{
	unsigned long flags = irq_save();

	if (t && t->state != T_DEAD) {
		t->intr_pending = true;
		if (t->state == T_BLOCKED && t->interruptible) {
			timer_cancel(&t->timer);
			unqueue_and_wake(t);
		}
	}
	irq_restore(flags);
}

bool thread_interrupted(void)
{
	return READ_ONCE(sched_current->intr_pending);
}

void thread_clear_interrupt(void)
{
	unsigned long flags = irq_save();

	sched_current->intr_pending = false;
	irq_restore(flags);
}

/* Free the stacks of exited threads. Never called by a dead thread, and any
 * dead thread has switched away for good before another thread runs. */
static void reap(void)
{
	unsigned long flags = irq_save();
	struct thread *t = dead_list;

	dead_list = NULL;
	irq_restore(flags);
	while (t) {
		struct thread *n = t->dead_next;

		vm_stack_free(t->stack_top, THREAD_STACK_SIZE);
		t->stack_top = NULL;
		t->dead_next = NULL;
		t = n;
	}
}

/* The first function of every new thread (arch_thread_stack_init). The
 * switch that got here ran with interrupts off on the thread that gave up
 * the CPU; a new thread has no irq_save section of its own to end, so it
 * turns them on itself. */
static __noreturn void thread_trampoline(void *p)
{
	struct thread *t = p;

	irq_enable();
	reap();
	t->fn(t->arg);
	thread_exit();
}

struct thread *thread_create(const char *name, void (*fn)(void *), void *arg)
{
	struct thread *t;
	unsigned long flags;

	if (!fn)
		return NULL;
	reap();
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->stack_top = vm_stack_alloc(THREAD_STACK_SIZE);
	if (!t->stack_top) {
		free(t);
		return NULL;
	}
	strlcpy(t->name, name ? name : "thread", sizeof(t->name));
	t->fn = fn;
	t->arg = arg;
	waitq_init(&t->exitq);
	timer_init(&t->timer, sched_timeout, t);
	t->sp = arch_thread_stack_init(t->stack_top, thread_trampoline, t);

	flags = irq_save();
	t->id = next_id++;
	t->all_next = all_threads;
	all_threads = t;
	t->state = T_BLOCKED;
	sched_wake(t);
	irq_restore(flags);
	return t;
}

__noreturn void thread_exit(void)
{
	struct thread *t = sched_current;

	irq_save();     /* never restored: this thread does not come back */
	t->state = T_DEAD;
	waitq_wake_all(&t->exitq);
	if (t->stack_top) {
		t->dead_next = dead_list;
		dead_list = t;
	}
	sched_switch();
	panic("sched: dead thread %s ran again", t->name);
}

void thread_yield(void)
{
	unsigned long flags = irq_save();

	if (runq_head) {
		sched_current->state = T_RUNNABLE;
		runq_push(sched_current);
		sched_switch();
	}
	irq_restore(flags);
	reap();
}

int thread_sleep_ns(uint64_t ns)
{
	struct waitq wq = WAITQ_INIT;
	uint64_t now = time_ns(), deadline = now + ns;
	unsigned long flags;
	int rc = 0;

	if (ns == 0) {
		thread_yield();
		return thread_interrupted() ? -EINTR : 0;
	}
	if (deadline < now)
		deadline = UINT64_MAX;
	/* Only the timer knows this queue; the loop guards against a clock
	 * that fires a hair early. */
	flags = irq_save();
	while (rc != -EINTR && (now = time_ns()) < deadline)
		rc = waitq_sleep_intr_locked(&wq, deadline - now);
	irq_restore(flags);
	return rc == -EINTR ? -EINTR : 0;
}

int *thread_errno_location(void)
{
	return &sched_current->err;
}

const char *thread_name(const struct thread *t)
{
	return t ? t->name : "?";
}

int thread_join(struct thread *t)
{
	unsigned long flags;
	struct thread **pp;

	if (!t || t == sched_current || t == &boot_thread)
		return -EINVAL;
	flags = irq_save();
	for (pp = &all_threads; *pp && *pp != t; pp = &(*pp)->all_next)
		;
	if (!*pp || t->joined) {
		irq_restore(flags);
		return -EINVAL;
	}
	t->joined = true;
	while (t->state != T_DEAD)
		waitq_sleep_locked(&t->exitq, 0);
	/* Unlink again: the list may have changed while we slept. */
	for (pp = &all_threads; *pp != t; pp = &(*pp)->all_next)
		;
	*pp = t->all_next;
	irq_restore(flags);
	reap();
	free(t);
	return 0;
}

static const char *state_name(enum thread_state s)
{
	switch (s) {
	case T_RUNNABLE: return "ready";
	case T_RUNNING:  return "running";
	case T_BLOCKED:  return "blocked";
	case T_DEAD:     return "dead";
	}
	return "?";
}

void sched_dump(void)
{
	/* Copy first, print after: printing may block (a console lock), and
	 * a thread joined meanwhile would be freed under our feet. */
	enum { MAX = 32 };
	struct {
		unsigned id;
		enum thread_state state;
		bool self;
		uint64_t runs;
		char name[THREAD_NAME_MAX];
	} snap[MAX];
	int n = 0, more = 0;
	unsigned long flags = irq_save();

	for (struct thread *t = all_threads; t; t = t->all_next) {
		if (n == MAX) {
			more++;
			continue;
		}
		snap[n].id = t->id;
		snap[n].state = t->state;
		snap[n].self = t == sched_current;
		snap[n].runs = t->runs;
		memcpy(snap[n].name, t->name, sizeof(snap[n].name));
		n++;
	}
	irq_restore(flags);

	kprintf("  id  state     runs        name\n");
	for (int i = n - 1; i >= 0; i--)    /* oldest first */
		kprintf("%4u  %-8s  %-10llu  %s%s\n", snap[i].id,
			state_name(snap[i].state),
			(unsigned long long)snap[i].runs, snap[i].name,
			snap[i].self ? " (self)" : "");
	if (more)
		kprintf("  ... and %d more\n", more);
}

static int sched_init(void)
{
	timer_init(&boot_thread.timer, sched_timeout, &boot_thread);
	pr_info("sched: ready (%u KiB stacks, guard page below)\n",
		THREAD_STACK_SIZE / 1024);
	return 0;
}
INITCALL(INIT_CORE, sched_init);
