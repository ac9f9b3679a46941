/* SPDX-License-Identifier: MIT */
/* In-guest tests of threads, wait queues, mutexes and semaphores. Timers
 * drive the interrupt-side tests: a timer handler runs in interrupt
 * context, just like a device's. */
#include <kern/test.h>
#include <kern/sched.h>
#include <kern/time.h>
#include <kern/irq.h>
#include <kern/heap.h>
#include <kern/pmm.h>
#include <kern/errno.h>
#include <string.h>
#include "../../kern/sched_priv.h"

#define MS NSEC_PER_MSEC
/* "On time" means never early, and not absurdly late. Early is a bug
 * every time. Late is a bug only when it repeats: under TCG an
 * oversubscribed host deschedules QEMU's vCPU thread for hundreds of
 * milliseconds (a 5 ms wait took 623 ms at load 15 in a fresh-clone run),
 * and the guest's clock runs on meanwhile. A scheduler bug (a lost timer,
 * wrong units) is late on every try; a host stall is not. So a timed test
 * whose step ran late runs again, up to ON_TIME_TRIES times, and fails
 * only when every try was late. */
#define LATE            (500 * MS)
#define ON_TIME_TRIES   3

static bool late_seen;

static void check_elapsed(uint64_t t0, uint64_t want)
{
	uint64_t dt = time_ns() - t0;

	if (dt < want || dt > want + LATE)
		test_diag("elapsed %llu ns, wanted %llu", (unsigned long long)dt,
			  (unsigned long long)want);
	T_CHECK(dt >= want);
	if (dt > want + LATE)
		late_seen = true;
}

/* Run a timed test body until one run has no late step (see above). */
static void on_time(void (*body)(void))
{
	for (int i = 0; i < ON_TIME_TRIES; i++) {
		late_seen = false;
		body();
		if (!late_seen)
			return;
		test_diag("try %d of %d was late (a stalled host, or a bug if "
			  "every try is)", i + 1, ON_TIME_TRIES);
	}
	T_CHECK(!late_seen);
}

static char trace[128];
static int trace_n;

static void trace_add(char c)
{
	if (trace_n < (int)sizeof(trace) - 1)
		trace[trace_n++] = c;
	trace[trace_n] = '\0';
}

static void yielder(void *arg)
{
	for (int i = 0; i < 5; i++) {
		trace_add((char)(uintptr_t)arg);
		thread_yield();
	}
}

TEST(sched_interleave)
{
	trace_n = 0;
	struct thread *a = thread_create("ta", yielder, (void *)'a');
	struct thread *b = thread_create("tb", yielder, (void *)'b');

	T_CHECK(a && b);
	T_CHECK(strcmp(thread_name(a), "ta") == 0);
	T_EQ(thread_join(a), 0);
	T_EQ(thread_join(b), 0);
	if (strcmp(trace, "ababababab") != 0)
		test_diag("trace %s", trace);
	T_CHECK(strcmp(trace, "ababababab") == 0);
}

TEST(sched_yield_alone)
{
	struct thread *self = thread_self();

	/* Nothing else runnable: yield returns at once, still us. */
	for (int i = 0; i < 1000; i++)
		thread_yield();
	T_CHECK(thread_self() == self);
	T_CHECK(thread_name(self)[0] != '\0');
}

static volatile int child_value;

static void set_value(void *arg)
{
	child_value = (int)(uintptr_t)arg;
	T_CHECK(strcmp(thread_name(thread_self()), "setter") == 0);
}

TEST(sched_join)
{
	child_value = 0;
	struct thread *t = thread_create("setter", set_value, (void *)42);

	T_CHECK(t != NULL);
	T_EQ(thread_join(t), 0);
	T_EQ(child_value, 42);
	T_EQ(thread_join(NULL), -EINVAL);
	T_EQ(thread_join(thread_self()), -EINVAL);
	T_EQ(thread_create("nofn", NULL, NULL) == NULL, 1);
}

static void sched_sleep_body(void)
{
	static const uint64_t ms[] = { 1, 10, 50 };

	for (size_t i = 0; i < ARRAY_SIZE(ms); i++) {
		uint64_t t0 = time_ns();
		thread_sleep_ns(ms[i] * MS);
		check_elapsed(t0, ms[i] * MS);
	}
	thread_sleep_ns(0);     /* a yield */
}

TEST(sched_sleep)
{
	on_time(sched_sleep_body);
}

/* Each sleeper's deadline as it read the clock just before sleeping, and
 * when it woke. */
static uint64_t sleep_deadline[4], sleep_woke[4];

static void sleeper(void *arg)
{
	uintptr_t n = (uintptr_t)arg;

	sleep_deadline[n] = time_ns() + n * 10 * MS;
	thread_sleep_ns(n * 10 * MS);
	sleep_woke[n] = time_ns();
	trace_add((char)('0' + n));
}

/* Three threads sleep 30, 10 and 20 ms and must wake in the order of their
 * deadlines, none early. The deadlines are what the threads saw: under TCG
 * a descheduled QEMU can start one thread's sleep tens of milliseconds
 * after another's, which reorders the deadlines themselves; that is the
 * host, not the scheduler. Deadlines closer than 1 ms (clock read vs the
 * kernel's own reading) may wake either way. */
static void sched_sleep_order_body(void)
{
	struct thread *t[3];
	uint64_t t0 = time_ns();

	trace_n = 0;
	t[0] = thread_create("s3", sleeper, (void *)3);
	t[1] = thread_create("s1", sleeper, (void *)1);
	t[2] = thread_create("s2", sleeper, (void *)2);
	for (int i = 0; i < 3; i++)
		T_EQ(thread_join(t[i]), 0);
	T_EQ(trace_n, 3);
	for (int i = 0; i < trace_n; i++) {
		unsigned a = (unsigned)(trace[i] - '0');
		T_CHECK(a >= 1 && a <= 3);
		if (a < 1 || a > 3)
			return;
		T_CHECK(sleep_woke[a] >= sleep_deadline[a]);    /* not early */
		for (int j = i + 1; j < trace_n; j++) {
			unsigned b = (unsigned)(trace[j] - '0');
			if (b >= 1 && b <= 3)
				T_CHECK(sleep_deadline[a] <= sleep_deadline[b] + MS);
		}
	}
	if (strcmp(trace, "123") != 0)
		test_diag("woke %s: deadlines +%llu/+%llu/+%llu us", trace,
			  (unsigned long long)(sleep_deadline[1] - t0) / 1000,
			  (unsigned long long)(sleep_deadline[2] - t0) / 1000,
			  (unsigned long long)(sleep_deadline[3] - t0) / 1000);
	/* They slept at the same time, not one after another. */
	check_elapsed(t0, 30 * MS);
}

TEST(sched_sleep_order)
{
	on_time(sched_sleep_order_body);
}

/* --- wait queues woken from interrupt context ----------------------- */

static struct waitq irq_wq = WAITQ_INIT;
static volatile bool irq_flag;
static volatile uint64_t irq_fired_at;

static void wake_from_timer(struct timer *tm)
{
	irq_flag = true;
	irq_fired_at = time_ns();
	if (tm->arg)
		waitq_wake_all(&irq_wq);
	else
		waitq_wake_one(&irq_wq);
}

static void sched_waitq_irq_body(void)
{
	struct timer tm;
	uint64_t t0 = time_ns();

	irq_flag = false;
	timer_init(&tm, wake_from_timer, (void *)1);
	timer_arm(&tm, t0 + 10 * MS);
	WAIT_EVENT(&irq_wq, irq_flag);
	T_CHECK(irq_flag);
	check_elapsed(t0, 10 * MS);
}

TEST(sched_waitq_irq)
{
	on_time(sched_waitq_irq_body);
}

static volatile int woken_count;

static void irq_waiter(void *arg)
{
	(void)arg;
	WAIT_EVENT(&irq_wq, irq_flag);
	woken_count++;
}

TEST(sched_waitq_irq_threads)
{
	struct thread *t[3];
	struct timer tm;

	irq_flag = false;
	woken_count = 0;
	for (int i = 0; i < 3; i++)
		t[i] = thread_create("irqwait", irq_waiter, NULL);
	thread_yield();         /* let them block */
	timer_init(&tm, wake_from_timer, (void *)1);
	timer_arm(&tm, time_ns() + 5 * MS);
	for (int i = 0; i < 3; i++)
		T_EQ(thread_join(t[i]), 0);
	T_EQ(woken_count, 3);
}

static void sched_waitq_timeout_body(void)
{
	struct waitq wq = WAITQ_INIT;
	struct timer tm;
	unsigned long flags;
	uint64_t t0 = time_ns();
	int r;

	flags = irq_save();
	r = waitq_sleep_locked(&wq, 5 * MS);
	irq_restore(flags);
	T_EQ(r, -ETIMEDOUT);
	check_elapsed(t0, 5 * MS);
	T_CHECK(wq.head == NULL && wq.tail == NULL);

	/* Woken before the timeout: 0, early, and the timeout is cancelled.
	 * Armed with interrupts off, as a waker's condition is set under
	 * the waitq's lock: armed before, a guest stalled for 5 ms by a
	 * loaded host ran the wake before the sleep, and it was lost (-110
	 * after 2 s; fresh-clone run 2 of 16d79e5). */
	irq_flag = false;
	timer_init(&tm, wake_from_timer, NULL);
	flags = irq_save();
	t0 = time_ns();
	timer_arm(&tm, t0 + 5 * MS);
	r = waitq_sleep_locked(&irq_wq, 2000 * MS);
	irq_restore(flags);
	T_EQ(r, 0);
	T_CHECK(irq_flag);
	check_elapsed(t0, 5 * MS);
	/* A stale timeout would wake this sleep early. */
	t0 = time_ns();
	thread_sleep_ns(20 * MS);
	check_elapsed(t0, 20 * MS);
	timer_cancel(&tm);      /* fired, unless the sleep failed: never leave it listed */
}

TEST(sched_waitq_timeout)
{
	on_time(sched_waitq_timeout_body);
}

/* --- mutex and semaphore ---------------------------------------------- */

static struct mutex mtx;
static volatile int in_cs, cs_overlaps, cs_count;

static void mutex_worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < 50; i++) {
		mutex_lock(&mtx);
		if (in_cs++)
			cs_overlaps++;
		thread_yield();         /* others run, and must not get in */
		cs_count++;
		in_cs--;
		mutex_unlock(&mtx);
		thread_yield();
	}
}

TEST(sched_mutex)
{
	struct thread *t[4];

	mutex_init(&mtx);
	in_cs = cs_overlaps = cs_count = 0;
	for (int i = 0; i < 4; i++)
		t[i] = thread_create("mutex", mutex_worker, NULL);
	for (int i = 0; i < 4; i++)
		T_EQ(thread_join(t[i]), 0);
	T_EQ(cs_overlaps, 0);
	T_EQ(cs_count, 200);
	T_CHECK(mtx.owner == NULL);
}

static struct semaphore sem;
static volatile int sem_active, sem_max, sem_done;

static void sem_worker(void *arg)
{
	(void)arg;
	sem_down(&sem);
	if (++sem_active > sem_max)
		sem_max = sem_active;
	for (int i = 0; i < 3; i++)
		thread_yield();
	sem_active--;
	sem_done++;
	sem_up(&sem);
}

TEST(sched_sem_count)
{
	struct thread *t[6];

	sem_init(&sem, 2);
	sem_active = sem_max = sem_done = 0;
	for (int i = 0; i < 6; i++)
		t[i] = thread_create("sem", sem_worker, NULL);
	for (int i = 0; i < 6; i++)
		T_EQ(thread_join(t[i]), 0);
	T_EQ(sem_max, 2);
	T_EQ(sem_done, 6);
	T_EQ(sem.count, 2);
}

static void up_from_timer(struct timer *tm)
{
	sem_up(tm->arg);
}

static void sched_sem_timeout_body(void)
{
	struct semaphore s;
	struct timer tm;
	uint64_t t0 = time_ns();

	sem_init(&s, 0);
	T_EQ(sem_down_timeout(&s, 10 * MS), -ETIMEDOUT);
	check_elapsed(t0, 10 * MS);

	timer_init(&tm, up_from_timer, &s);
	t0 = time_ns();
	timer_arm(&tm, t0 + 5 * MS);
	T_EQ(sem_down_timeout(&s, 2000 * MS), 0);
	check_elapsed(t0, 5 * MS);
	T_EQ(s.count, 0);

	sem_up(&s);
	T_EQ(sem_down_timeout(&s, 1 * MS), 0);  /* available: no wait */
	timer_init(&tm, up_from_timer, &s);
	timer_arm(&tm, time_ns() + 2 * MS);
	sem_down(&s);                           /* forever, woken by irq */
	T_EQ(s.count, 0);
	timer_cancel(&tm);
}

TEST(sched_sem_timeout)
{
	on_time(sched_sem_timeout_body);
}

/* --- many threads, and nothing leaks ---------------------------------- */

static volatile int many_ran;

static void many_fn(void *arg)
{
	(void)arg;
	thread_yield();
	many_ran++;
}

static int create_join(int n)
{
	struct thread *t[100];
	int ok = 0;

	for (int i = 0; i < n; i++)
		t[i] = thread_create("many", many_fn, NULL);
	for (int i = 0; i < n; i++)
		if (t[i] && thread_join(t[i]) == 0)
			ok++;
	return ok;
}

TEST(sched_many_threads)
{
	struct heap_stats h0, h1;
	struct pmm_stats p0, p1;

	/* A first round may split page tables for the guard pages or grow
	 * slabs; those stay. The second round must give back all it takes. */
	many_ran = 0;
	T_EQ(create_join(100), 100);
	heap_trim();
	heap_stats(&h0);
	pmm_stats(&p0);
	T_EQ(create_join(100), 100);
	heap_trim();
	heap_stats(&h1);
	pmm_stats(&p1);
	T_EQ(many_ran, 200);
	T_EQ(h1.bytes_in_use, h0.bytes_in_use);
	T_EQ(p1.free_pages, p0.free_pages);
}

/* --- the guard page ---------------------------------------------------- */

static volatile int depth;

/* Each frame is ~1 KiB the compiler cannot drop; the stack runs into its
 * guard page after about 28 frames. */
static int __attribute__((noinline)) recurse(int n)
{
	volatile char pad[1024];

	pad[0] = (char)n;
	pad[sizeof(pad) - 1] = (char)n;
	depth = n;
	if (n > 1000000)        /* never: keeps -Winfinite-recursion quiet */
		return 0;
	return recurse(n + 1) + pad[0] + pad[sizeof(pad) - 1];
}

static void overflow_fn(void *arg)
{
	/* The guard page sits right below the stack (vm_stack_alloc); the
	 * case's regex checks that the fault lands in it. */
	uintptr_t top = (uintptr_t)thread_self()->stack_top;

	(void)arg;
	test_diag("guard page at %016llx, recursing into it",
		  (unsigned long long)(top - THREAD_STACK_SIZE - 4096));
	recurse(0);
}

/* Expected to die with a page fault dump (tests/cases/sched.cases). */
TEST(crash_sched_stack_overflow)
{
	struct thread *t = thread_create("overflow", overflow_fn, NULL);

	T_CHECK(t != NULL);
	thread_join(t);
	test_diag("survived a stack overflow at depth %d", depth);
	T_CHECK(0);
}
