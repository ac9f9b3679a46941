/* SPDX-License-Identifier: MIT */
/* lwIP's operating-system layer (lwIP's doc/sys_arch.txt) on the kernel's
 * cooperative scheduler: semaphores and mutexes are the kernel's, a mailbox
 * is a ring of pointers with two wait queues, lwIP's threads are kernel
 * threads, and sys_now() is the monotonic clock.
 *
 * lwIP's timeouts are in milliseconds, 0 meaning "forever", as the kernel's
 * are in nanoseconds; the waits return the milliseconds they took, or
 * SYS_ARCH_TIMEOUT. */
#include <kern/errno.h>
#include <kern/irq.h>
#include <kern/time.h>
#include <stdlib.h>
#include "lwip/stats.h"
#include "lwip/sys.h"
#include "lwip/tcpip.h"
#include "../kern/sched_priv.h"   /* the mutex owner, for the lock check */
#include "netif_vioif.h"
#include "netpriv.h"

static uint32_t ms_since(uint64_t t0)
{
	uint64_t ms = (time_ns() - t0) / NSEC_PER_MSEC;

	/* SYS_ARCH_TIMEOUT (0xffffffff) must not be a valid elapsed time. */
	return ms >= SYS_ARCH_TIMEOUT ? SYS_ARCH_TIMEOUT - 1 : (uint32_t)ms;
}

void sys_init(void)
{
}

u32_t sys_now(void)
{
	return (u32_t)(time_ns() / NSEC_PER_MSEC);
}

/* --- Semaphores ----------------------------------------------------------- */
err_t sys_sem_new(sys_sem_t *sem, u8_t count)
{
	sem_init(&sem->sem, count);
	sem->valid = true;
	SYS_STATS_INC_USED(sem);
	return ERR_OK;
}

void sys_sem_free(sys_sem_t *sem)
{
	SYS_STATS_DEC(sem.used);
	sem->valid = false;
}

void sys_sem_signal(sys_sem_t *sem)
{
	sem_up(&sem->sem);
}

u32_t sys_arch_sem_wait(sys_sem_t *sem, u32_t timeout)
{
	uint64_t t0 = time_ns();

	if (sem_down_timeout(&sem->sem, (uint64_t)timeout * NSEC_PER_MSEC) < 0)
		return SYS_ARCH_TIMEOUT;
	return ms_since(t0);
}

int sys_sem_valid(sys_sem_t *sem)
{
	return sem && sem->valid;
}

void sys_sem_set_invalid(sys_sem_t *sem)
{
	sem->valid = false;
}

/* --- Mutexes ----------------------------------------------------------------- */
err_t sys_mutex_new(sys_mutex_t *mutex)
{
	mutex_init(&mutex->mtx);
	mutex->valid = true;
	SYS_STATS_INC_USED(mutex);
	return ERR_OK;
}

void sys_mutex_free(sys_mutex_t *mutex)
{
	SYS_STATS_DEC(mutex.used);
	mutex->valid = false;
}

void sys_mutex_lock(sys_mutex_t *mutex)
{
	mutex_lock(&mutex->mtx);
}

void sys_mutex_unlock(sys_mutex_t *mutex)
{
	mutex_unlock(&mutex->mtx);
}

int sys_mutex_valid(sys_mutex_t *mutex)
{
	return mutex && mutex->valid;
}

void sys_mutex_set_invalid(sys_mutex_t *mutex)
{
	mutex->valid = false;
}

/* --- Mailboxes ----------------------------------------------------------------- */
err_t sys_mbox_new(sys_mbox_t *mbox, int size)
{
	if (size <= 0)
		size = 1;       /* lwIP passes 0 for "the port's default" */
	mbox->slot = calloc((size_t)size, sizeof(*mbox->slot));
	if (!mbox->slot) {
		mbox->valid = false;
		SYS_STATS_INC(mbox.err);
		return ERR_MEM;
	}
	mbox->size = size;
	mbox->head = mbox->count = 0;
	waitq_init(&mbox->readers);
	waitq_init(&mbox->writers);
	mbox->valid = true;
	SYS_STATS_INC_USED(mbox);
	return ERR_OK;
}

void sys_mbox_free(sys_mbox_t *mbox)
{
	/* lwIP drains a mailbox before freeing it; nobody may wait on it. */
	LWIP_ASSERT("sys_mbox_free: not empty", mbox->count == 0);
	free(mbox->slot);
	mbox->slot = NULL;
	mbox->valid = false;
	SYS_STATS_DEC(mbox.used);
}

/* With interrupts off. */
static void mbox_put(sys_mbox_t *mbox, void *msg)
{
	mbox->slot[(mbox->head + mbox->count) % mbox->size] = msg;
	mbox->count++;
	waitq_wake_one(&mbox->readers);
}

static void *mbox_get(sys_mbox_t *mbox)
{
	void *msg = mbox->slot[mbox->head];

	mbox->head = (mbox->head + 1) % mbox->size;
	mbox->count--;
	waitq_wake_one(&mbox->writers);
	return msg;
}

void sys_mbox_post(sys_mbox_t *mbox, void *msg)
{
	unsigned long flags = irq_save();

	while (mbox->count == mbox->size)
		waitq_sleep_locked(&mbox->writers, 0);
	mbox_put(mbox, msg);
	irq_restore(flags);
}

err_t sys_mbox_trypost(sys_mbox_t *mbox, void *msg)
{
	unsigned long flags = irq_save();
	err_t err = ERR_MEM;

	if (mbox->count < mbox->size) {
		mbox_put(mbox, msg);
		err = ERR_OK;
	}
	irq_restore(flags);
	return err;
}

/* Only wait queue wake-ups, which interrupt handlers may do. */
err_t sys_mbox_trypost_fromisr(sys_mbox_t *mbox, void *msg)
{
	return sys_mbox_trypost(mbox, msg);
}

/* The tcpip thread's own mailbox, once it has waited on it. */
static struct thread *tcpip_thread_id;
static sys_mbox_t *tcpip_mbox_seen;

int net_tcpip_backlog(void)
{
	return tcpip_mbox_seen ? tcpip_mbox_seen->count : 0;
}

u32_t sys_arch_mbox_fetch(sys_mbox_t *mbox, void **msg, u32_t timeout)
{
	uint64_t t0 = time_ns();
	uint64_t deadline = t0 + (uint64_t)timeout * NSEC_PER_MSEC;
	unsigned long flags;
	void *m;

	/* The tcpip thread is about to wait (lwIP's tcpip_thread fetches
	 * without the core lock): what it held back while input was queued
	 * goes out now (net/netif_vioif.c). */
	if (thread_self() == tcpip_thread_id && tcpip_thread_id) {
		tcpip_mbox_seen = mbox;
		if (mbox->count == 0)
			net_vioif_idle();
	}
	flags = irq_save();

	while (mbox->count == 0) {
		uint64_t now = time_ns(), left = 0;

		if (timeout) {
			if (now >= deadline) {
				irq_restore(flags);
				return SYS_ARCH_TIMEOUT;
			}
			left = deadline - now;
		}
		waitq_sleep_locked(&mbox->readers, left);
	}
	m = mbox_get(mbox);
	irq_restore(flags);
	if (msg)
		*msg = m;
	return ms_since(t0);
}

u32_t sys_arch_mbox_tryfetch(sys_mbox_t *mbox, void **msg)
{
	unsigned long flags = irq_save();
	void *m;

	if (mbox->count == 0) {
		irq_restore(flags);
		return SYS_MBOX_EMPTY;
	}
	m = mbox_get(mbox);
	irq_restore(flags);
	if (msg)
		*msg = m;
	return 0;
}

int sys_mbox_valid(sys_mbox_t *mbox)
{
	return mbox && mbox->valid;
}

void sys_mbox_set_invalid(sys_mbox_t *mbox)
{
	mbox->valid = false;
}

/* --- Threads ------------------------------------------------------------------
 * Kernel threads have one stack size and no priorities, so stacksize and
 * prio are ignored. lwIP does not check the result: running out of memory
 * this early is a broken boot. */
sys_thread_t sys_thread_new(const char *name, lwip_thread_fn fn, void *arg,
			    int stacksize, int prio)
{
	struct thread *t = thread_create(name, fn, arg);

	(void)stacksize;
	(void)prio;
	if (!t)
		panic("lwip: no memory for thread %s", name);
	return t;
}

/* --- The core lock check (LWIP_ASSERT_CORE_LOCKED, net/arch/sys_arch.h) ---------- */
void sys_mark_tcpip_thread(void)
{
	tcpip_thread_id = thread_self();
}

void sys_core_unlocked(void)
{
	panic("lwip: core called from %s without the core lock", thread_name(thread_self()));
}

/* The tcpip thread, for `netstat` and the tests. */
struct thread *net_tcpip_thread(void)
{
	return tcpip_thread_id;
}
