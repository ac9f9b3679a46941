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

/* SYS_ARCH_PROTECT: interrupts off, which on one CPU excludes everyone. */
typedef unsigned long sys_prot_t;

#endif
