/* SPDX-License-Identifier: MIT */
/* lwIP's operating-system types (lwIP's doc/sys_arch.txt), on the kernel's
 * threads, semaphores and mutexes (<kern/sched.h>). net/sys_arch.c has the
 * functions. */
#ifndef NET_ARCH_SYS_ARCH_H
#define NET_ARCH_SYS_ARCH_H

#include <kern/sched.h>

/* `valid` tells a live object from one never made or already freed, as
 * lwIP's sys_*_valid() asks. */
typedef struct {
	struct semaphore sem;
	bool valid;
} sys_sem_t;

typedef struct {
	struct mutex mtx;
	bool valid;
} sys_mutex_t;

/* A bounded ring of pointers. Posting may happen from interrupt context
 * (sys_mbox_trypost_fromisr), so the ring is only touched with interrupts
 * off; readers and blocked writers wait on the two queues. */
typedef struct {
	void **slot;
	int size, head, count;
	struct waitq readers, writers;
	bool valid;
} sys_mbox_t;

typedef struct thread *sys_thread_t;

/* SYS_ARCH_PROTECT: interrupts off, which on one CPU excludes everyone.
 * Inline, not lwIP's calls to sys_arch_protect and sys_arch_unprotect:
 * pbufs and pools take it several times a packet. */
typedef unsigned long sys_prot_t;
#define SYS_ARCH_DECL_PROTECT(lev) sys_prot_t lev
#define SYS_ARCH_PROTECT(lev)      ((lev) = irq_save())
#define SYS_ARCH_UNPROTECT(lev)    irq_restore(lev)

/* LWIP_ASSERT_CORE_LOCKED (lwipopts.h): every call into lwIP's core holds
 * the core lock (the socket calls take it, the tcpip thread holds it while
 * it works); before tcpip_init has made the lock, only the booting thread
 * runs lwIP. The test is inline; sys_core_unlocked panics. */
extern sys_mutex_t lock_tcpip_core;
__noreturn void sys_core_unlocked(void);
static __always_inline void sys_check_core_locking(void)
{
	if (lock_tcpip_core.valid && lock_tcpip_core.mtx.owner != thread_self())
		sys_core_unlocked();
}

#endif
