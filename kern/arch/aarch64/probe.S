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
 *
 * probe_ram32 (a64.h) asks the same of memory that firmware calls RAM:
 * each of its accesses is in the table too.
 */
#define EIO 5       /* <kern/errno.h> */
#define ENODEV 19

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

	.globl	probe_ram32
	.type	probe_ram32, %function
/* int probe_ram32(volatile uint32_t *addr (x0), uint32_t pattern (w1)):
 * is there memory at addr that keeps what is written? Writes pattern,
 * then its complement, reading each back, and puts the old value back.
 * Between a write and its read the line is cleaned and invalidated to the
 * point of coherency (DC CIVAC, ARM ARM C5.3.12), so that the read comes
 * from memory, not from a cache that would return any value written.
 * @return 0; -EIO an access aborted (synchronously); -ENODEV a value did
 * not read back (flash, a bus that ignores writes and reads all-ones). */
probe_ram32:
3:	ldr	w2, [x0]
4:	str	w1, [x0]
5:	dc	civac, x0
	dsb	sy
6:	ldr	w3, [x0]
	mvn	w4, w1
7:	str	w4, [x0]
8:	dc	civac, x0
	dsb	sy
9:	ldr	w5, [x0]
10:	str	w2, [x0]
11:	dc	civac, x0
	dsb	sy
	cmp	w3, w1
	ccmp	w5, w4, #0, eq
	mov	w0, #0
	mov	w6, #-ENODEV
	csel	w0, w0, w6, eq
	ret
12:	mov	w0, #-EIO
	ret
	.size	probe_ram32, . - probe_ram32

	/* { faulting instruction, fix-up } pairs, 16 bytes each. */
	.section .rodata
	.balign	8
	.globl	a64_extable
	.globl	a64_extable_end
a64_extable:
	.quad	1b, 2b
	.quad	3b, 12b
	.quad	4b, 12b
	.quad	5b, 12b
	.quad	6b, 12b
	.quad	7b, 12b
	.quad	8b, 12b
	.quad	9b, 12b
	.quad	10b, 12b
	.quad	11b, 12b
a64_extable_end:

	.section .note.GNU-stack, "", @progbits
