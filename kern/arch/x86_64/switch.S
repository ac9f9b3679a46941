/* SPDX-License-Identifier: MIT */
/* Thread context switch for x86_64 (System V ABI).
 *
 * Only the callee-saved registers (rbx, rbp, r12-r15) need saving: the
 * switch is an ordinary call, so the compiler has already spilled the rest.
 * The kernel is built without SSE, so there is no FPU state. Switches
 * happen with interrupts disabled, so RFLAGS.IF needs no care here either:
 * each thread restores its own flags when its irq_save section ends. */

	.text

/* void arch_context_switch(void **from_sp, void *to_sp) */
	.globl arch_context_switch
	.type arch_context_switch, @function
arch_context_switch:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
	.size arch_context_switch, . - arch_context_switch

/* void *arch_thread_stack_init(void *stack_top, void (*entry)(void *), void *arg)
 *
 * Builds the frame arch_context_switch pops, from the top down:
 *   top-8   0              fake return address of entry (ends backtraces)
 *   top-16  thread_start   where the switch's ret lands
 *   top-24  rbp = 0        (an empty frame chain)
 *   top-32  rbx
 *   top-40  r12 = arg
 *   top-48  r13 = entry
 *   top-56  r14
 *   top-64  r15            <- the returned stack pointer
 * so entry starts with rsp = top-8, i.e. rsp+8 16-byte aligned, as if
 * called (ABI 3.2.2). */
	.globl arch_thread_stack_init
	.type arch_thread_stack_init, @function
arch_thread_stack_init:
	andq $-16, %rdi
	leaq -64(%rdi), %rax
	movq $0, 56(%rax)
	leaq thread_start(%rip), %rcx
	movq %rcx, 48(%rax)
	movq $0, 40(%rax)
	movq $0, 32(%rax)
	movq %rdx, 24(%rax)
	movq %rsi, 16(%rax)
	movq $0, 8(%rax)
	movq $0, (%rax)
	ret
	.size arch_thread_stack_init, . - arch_thread_stack_init

/* First code of every new thread: entry(arg), which never returns. */
	.type thread_start, @function
thread_start:
	movq %r12, %rdi
	jmp *%r13
	.size thread_start, . - thread_start

	.section .note.GNU-stack, "", @progbits
