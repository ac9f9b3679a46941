/* SPDX-License-Identifier: MIT */
/*
 * The EL1 exception vector table (ARM ARM D1.10.2, "Exception vectors"):
 * 2 KiB aligned, 16 entries of 0x80 bytes in four groups: taken from EL1
 * on SP_EL0 (how the kernel normally runs), from EL1 on SP_EL1 (inside an
 * exception handler), from a lower EL in AArch64, and in AArch32; each
 * group has synchronous, IRQ, FIQ and SError entries.
 *
 * Every entry saves the general registers, the interrupted SP and the
 * ELR/SPSR/ESR/FAR as a struct a64_frame (a64.h) on the exception stack and
 * calls a64_trap(frame, kind) with kind = group * 4 + type. IRQs return
 * through the same path; every other exception is fatal and never returns.
 */
#define FRAME_SIZE      288

	.macro	VENTRY kind
	.balign	0x80
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #0]
	mov	x0, #\kind
	b	trap_common
	.endm

	.text
	.balign	2048
	.globl	a64_vectors
a64_vectors:
	VENTRY	0               /* EL1, SP_EL0: sync */
	VENTRY	1               /* IRQ */
	VENTRY	2               /* FIQ */
	VENTRY	3               /* SError */
	VENTRY	4               /* EL1, SP_EL1: sync */
	VENTRY	5
	VENTRY	6
	VENTRY	7
	VENTRY	8               /* lower EL, AArch64 */
	VENTRY	9
	VENTRY	10
	VENTRY	11
	VENTRY	12              /* lower EL, AArch32 */
	VENTRY	13
	VENTRY	14
	VENTRY	15

trap_common:
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	str	x30, [sp, #240]
	mrs	x1, elr_el1
	mrs	x2, spsr_el1
	/* The interrupted stack pointer: SP_EL0 when SPSR.M[0] is 0 (EL1t),
	 * else SP_EL1 as it was before this frame. */
	mrs	x3, sp_el0
	add	x4, sp, #FRAME_SIZE
	tst	x2, #1
	csel	x3, x3, x4, eq
	stp	x3, x1, [sp, #248]      /* sp, elr */
	mrs	x3, esr_el1
	mrs	x4, far_el1
	str	x2, [sp, #264]          /* spsr */
	stp	x3, x4, [sp, #272]      /* esr, far */
	mov	x1, x0
	mov	x0, sp
	/* No frame record: a backtrace taken inside the handler stops
	 * here; the fatal dump walks the interrupted code's x29 chain. */
	mov	x29, xzr
	bl	a64_trap

	ldp	x1, x2, [sp, #256]      /* elr, spsr */
	msr	elr_el1, x1
	msr	spsr_el1, x2
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	ldr	x30, [sp, #240]
	add	sp, sp, #FRAME_SIZE
	eret

	.section .note.GNU-stack, "", @progbits
