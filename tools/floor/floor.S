/* SPDX-License-Identifier: MIT */
/* The do-nothing guest: a PVH ELF whose first instruction leaves QEMU
 * through isa-debug-exit. Its wall time is the floor QEMU itself sets for
 * starting and stopping a VM on this machine (make bench), and tests/run
 * boots it to find out whether KVM works here. */
	.section .note.pvh, "a"
	.balign 4
	.long 4, 4, 18
	.asciz "Xen"
	.long floor_start

	.text
	.code32
	.globl floor_start
floor_start:
	/* Status (42 << 1) | 1 = 85: unlike 1, not also QEMU's own error code. */
	movl $42, %eax
	outl %eax, $0xf4
1:	hlt
	jmp 1b
