/* SPDX-License-Identifier: MIT */
/* What common code asks of the architecture. Each arch implements these in
 * kern/arch/<arch>/. */
#ifndef KERN_ARCH_H
#define KERN_ARCH_H

#include <kern/compiler.h>

/* Leave the VM with a test status: isa-debug-exit on x86 ((code<<1)|1),
 * semihosting SYS_EXIT_EXTENDED or a marker line + PSCI on arm64. */
__noreturn void arch_exit(int code);
__noreturn void arch_poweroff(void);
__noreturn void arch_reboot(void);
/* Enable interrupts and wait for one, atomically (sti; hlt). Returns with
 * interrupts disabled again. The scheduler's idle loop calls it. */
void arch_idle(void);
/* A raw cycle counter for boot-phase stamps (TSC, CNTVCT). */
uint64_t arch_cycles(void);

/* Thread context: the arch saves callee-saved registers on the old stack
 * and switches stack pointers. *from_sp receives the old stack pointer. */
void arch_context_switch(void **from_sp, void *to_sp);
/* Prepare a new stack so that the first switch to it calls entry(arg)
 * (entry must never return). @return the initial stack pointer. */
void *arch_thread_stack_init(void *stack_top, void (*entry)(void *), void *arg);

/* Print a backtrace from the given frame pointer (0: the caller's). */
void arch_backtrace(uintptr_t fp);

#endif
