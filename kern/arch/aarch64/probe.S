/* SPDX-License-Identifier: MIT */
/*
 * probe_read32 (declared in <arch/io.h>): the first read of a device
 * address that firmware or the command line named, which may have nothing
 * behind it. On QEMU's virt (TCG) such a read is a synchronous external
 * abort (ESR_EL1.EC 0x25, DFSC 0b010000; ARM ARM D17.2.37, "ISS encoding
 * for an exception from a Data Abort"), taken with ELR_EL1 at the load.
 *
 * The exception table below pairs each load that may abort with the
 * instruction to resume at; trap.c looks the faulting PC up in it (as
 * Linux's exception tables do) and, for an external abort only, resumes
 * there, so the probe returns -EIO instead of the kernel dying. Every
 * other fault at these PCs (a translation fault: the caller did not map
 * the address) is a kernel bug and stays fatal.
 *
 * An external abort that the system reports asynchronously (an SError,
 * ARM ARM D1.3.5) cannot be tied to an instruction and is not caught.
 */
#define EIO 5       /* <kern/errno.h> */

	.text
	.balign	4
	.globl	probe_read32
	.type	probe_read32, %function
/* int probe_read32(const volatile void *addr (x0), uint32_t *val (x1)) */
probe_read32:
1:	ldr	w2, [x0]
	/* As mmio_read32: later normal-memory reads stay after this one. */
	dmb	oshld
	str	w2, [x1]
	mov	w0, #0
	ret
2:	mov	w0, #-EIO
	ret
	.size	probe_read32, . - probe_read32

	/* { faulting instruction, fix-up } pairs, 16 bytes each. */
	.section .rodata
	.balign	8
	.globl	a64_extable
	.globl	a64_extable_end
a64_extable:
	.quad	1b, 2b
a64_extable_end:

	.section .note.GNU-stack, "", @progbits
