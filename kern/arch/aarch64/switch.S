/* SPDX-License-Identifier: MIT */
/* Thread context switch for aarch64 (AAPCS64, Arm IHI 0055).
 *
 * Only the callee-saved registers need saving: x19-x28, the frame pointer
 * x29 and the return address x30 (§6.1.1). The switch is an ordinary call,
 * so the compiler has already spilled the rest; the kernel is built with
 * -mgeneral-regs-only, so there are no FP/SIMD registers (d8-d15) to keep.
 * Switches happen with IRQs masked and each thread restores its own DAIF
 * when its irq_save section ends, so PSTATE needs no care here. The stack
 * pointer is SP_EL0 (the kernel runs in EL1t, boot/aarch64/entry.S). */

#define CTX_SIZE 96

	.text

/* void arch_context_switch(void **from_sp, void *to_sp) */
	.globl	arch_context_switch
	.type	arch_context_switch, %function
arch_context_switch:
	sub	sp, sp, #CTX_SIZE
	stp	x19, x20, [sp, #0]
	stp	x21, x22, [sp, #16]
	stp	x23, x24, [sp, #32]
	stp	x25, x26, [sp, #48]
	stp	x27, x28, [sp, #64]
	stp	x29, x30, [sp, #80]
	mov	x9, sp
	str	x9, [x0]
	mov	sp, x1
	ldp	x19, x20, [sp, #0]
	ldp	x21, x22, [sp, #16]
	ldp	x23, x24, [sp, #32]
	ldp	x25, x26, [sp, #48]
	ldp	x27, x28, [sp, #64]
	ldp	x29, x30, [sp, #80]
	add	sp, sp, #CTX_SIZE
	ret
	.size	arch_context_switch, . - arch_context_switch

/* void *arch_thread_stack_init(void *stack_top, void (*entry)(void *), void *arg)
 *
 * Builds the frame arch_context_switch pops, at top - 96 (16-byte aligned):
 * x19 = arg, x20 = entry, x29 = 0 (an empty frame chain), x30 =
 * thread_start (where the switch's ret lands), the rest 0. entry then
 * starts with sp = top, 16-byte aligned as AAPCS64 §6.2.2 requires. */
	.globl	arch_thread_stack_init
	.type	arch_thread_stack_init, %function
arch_thread_stack_init:
	and	x0, x0, #~15
	sub	x0, x0, #CTX_SIZE
	stp	x2, x1, [x0, #0]        /* x19 = arg, x20 = entry */
	stp	xzr, xzr, [x0, #16]
	stp	xzr, xzr, [x0, #32]
	stp	xzr, xzr, [x0, #48]
	stp	xzr, xzr, [x0, #64]
	adr	x9, thread_start
	stp	xzr, x9, [x0, #80]      /* x29 = 0, x30 = thread_start */
	ret
	.size	arch_thread_stack_init, . - arch_thread_stack_init

/* First code of every new thread: entry(arg), which never returns. A zero
 * link register ends backtraces here. */
	.type	thread_start, %function
thread_start:
	mov	x0, x19
	mov	x30, xzr
	br	x20
	.size	thread_start, . - thread_start

	.section .note.GNU-stack, "", @progbits
