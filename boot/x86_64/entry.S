/* SPDX-License-Identifier: MIT */
/*
 * The x86_64 way in. One ELF carries three boot headers:
 *  - Multiboot1 (QEMU -kernel): the a.out kludge fields give load addresses,
 *    because QEMU's loader refuses 64-bit ELF images (Multiboot 0.6.96 §3.1.3);
 *  - Multiboot2 (GRUB): an entry-address tag (Multiboot2 §3.1.6);
 *  - PVH: the Xen ELF note XEN_ELFNOTE_PHYS32_ENTRY (18) naming _start_pvh
 *    (xen/include/public/elfnote.h; QEMU docs "PVH boot").
 * All three enter in 32-bit protected mode with paging off; we identify the
 * protocol by the magic in %eax (PVH sets none, so its entry sets one), then
 * build an identity map of the low 4 GiB with 2 MiB pages, enable long mode
 * (Intel SDM vol. 3 §9.8.5) and call x86_boot_main(magic, info) in C.
 */

#define MB1_MAGIC       0x1badb002
#define MB1_FLAGS       ((1 << 0) | (1 << 1) | (1 << 16))
#define MB2_MAGIC       0xe85250d6
#define PVH_MAGIC       0x336ec578      /* hvm_start_info.magic */

	.section .boot.mb1, "a"
	.balign 4
mb1_header:
	.long MB1_MAGIC
	.long MB1_FLAGS
	.long -(MB1_MAGIC + MB1_FLAGS)
	.long mb1_header        /* header_addr */
	.long __image_start     /* load_addr */
	.long __load_end        /* load_end_addr */
	.long __image_end       /* bss_end_addr */
	.long _start            /* entry_addr */

	.section .boot.mb2, "a"
	.balign 8
mb2_header:
	.long MB2_MAGIC
	.long 0                 /* architecture: i386 protected mode */
	.long mb2_end - mb2_header
	.long -(MB2_MAGIC + (mb2_end - mb2_header))
	.balign 8
	.short 3, 0             /* entry address tag */
	.long 12
	.long _start
	.balign 8
	.short 0, 0             /* end tag */
	.long 8
mb2_end:

	.section .note.pvh, "a"
	.balign 4
	.long 4                 /* name size: "Xen\0" */
	.long 4                 /* descriptor size */
	.long 18                /* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.long _start_pvh

	.section .boot.text, "ax"
	.code32
	.globl _start, _start_pvh
_start_pvh:
	/* PVH: %ebx = hvm_start_info; nothing in %eax. */
	movl $PVH_MAGIC, %eax
_start:
	cli
	cld
	movl %eax, boot_magic
	movl %ebx, boot_info_ptr
	rdtsc
	movl %eax, boot_tsc0
	movl %edx, boot_tsc0 + 4

	/* RAM under the whole image? The loaders place only the loaded part
	 * (up to __load_end); .bss, with the page tables and the stack, must
	 * fit in RAM too. QEMU drops writes where no RAM is (-m 2: RAM ends
	 * at 2 MiB, .bss goes past it), so write two patterns into the
	 * image's last word and read them back. No stack is used until
	 * this passes. */
	movl $(__image_end - 4), %edi
	movl $0x5aa5c33c, (%edi)
	cmpl $0x5aa5c33c, (%edi)
	jne too_little_ram
	notl (%edi)
	cmpl $0xa55a3cc3, (%edi)
	jne too_little_ram
	movl $0, (%edi)

	lgdt gdt32_ptr
	ljmp $0x08, $1f
1:	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs
	movl $boot_stack_top, %esp

	/* .bss arrives zeroed: Multiboot1 (bss_end_addr, §3.1.3), GRUB's and
	 * QEMU's ELF loaders (PVH, Multiboot2) all clear it. Touching all of
	 * it here would cost a page fault in the host per page for memory most
	 * boots never use, so clear only the early page tables built below. */
	movl $boot_pml4, %edi
	movl $(6 * 4096 / 4), %ecx
	xorl %eax, %eax
	rep stosl

	/* Long mode present? (CPUID 0x80000001 EDX bit 29) */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb no_long_mode
	movl $0x80000001, %eax
	cpuid
	btl $29, %edx
	jnc no_long_mode
	movl %edx, %ebp         /* keep bit 20 (NX) for EFER below */

	/* Identity map of 0..4 GiB: PML4[0] -> PDPT, PDPT[0..3] -> 4 PDs of
	 * 512 2-MiB pages each. Enough to reach the boot info, ACPI tables
	 * and the kernel; C code builds the real tables. */
	movl $boot_pdpt + 0x3, boot_pml4
	movl $boot_pd + 0x3, %eax
	xorl %ecx, %ecx
2:	movl %eax, boot_pdpt(, %ecx, 8)
	addl $0x1000, %eax
	incl %ecx
	cmpl $4, %ecx
	jb 2b
	movl $0x83, %eax        /* present, writable, 2 MiB */
	xorl %edx, %edx         /* high half of the physical address */
	xorl %ecx, %ecx
3:	movl %eax, boot_pd(, %ecx, 8)
	movl %edx, boot_pd + 4(, %ecx, 8)
	addl $0x200000, %eax
	adcl $0, %edx
	incl %ecx
	cmpl $2048, %ecx
	jb 3b

	movl %cr4, %eax
	orl $(1 << 5), %eax     /* PAE */
	movl %eax, %cr4
	movl $boot_pml4, %eax
	movl %eax, %cr3
	movl $0xc0000080, %ecx  /* EFER */
	rdmsr
	orl $(1 << 8), %eax     /* LME */
	btl $20, %ebp
	jnc 4f
	orl $(1 << 11), %eax    /* NXE, when the CPU has NX */
4:	wrmsr
	movl %cr0, %eax
	orl $0x80010001, %eax   /* PG, WP, PE */
	movl %eax, %cr0
	ljmp $0x18, $long_mode

/* The ways out before long mode. No stack (there may be no RAM for one):
 * print on COM1, which needs no memory (a 16550's transmit register; QEMU's
 * is always ready, so no LSR polling), then early_fail. */
.macro EARLY_PUTS msg
	movl $\msg, %esi
	movw $0x3f8, %dx
1:	lodsb
	testb %al, %al
	jz 2f
	outb %al, %dx
	jmp 1b
2:
.endm

no_long_mode:
	EARLY_PUTS msg_no_lm
	jmp early_fail

too_little_ram:
	EARLY_PUTS msg_ram
	/* the image's end in hex, from the top nibble down */
	movl $__image_end, %ebx
	movl $8, %ecx
5:	roll $4, %ebx
	movl %ebx, %eax
	andl $0xf, %eax
	movb hex_digits(%eax), %al
	outb %al, %dx
	loop 5b
	EARLY_PUTS msg_ram2
	jmp early_fail

/* Leave with a failure status: isa-debug-exit (QEMU exits with
 * (1 << 1) | 1 = 3); else power off through the chipset's PM1 control
 * register, found from PCI config space (mechanism #1, ports 0xcf8/0xcfc,
 * PCI Local Bus 3.0 §3.2.2.3.2), so the VM ends even without the exit
 * device; else halt with interrupts off. SLP_TYP 0 with SLP_EN (bit 13)
 * is S5 on QEMU's PIIX4 and ICH9 PM blocks (their DSDT's \_S5 is 0;
 * ACPI 6.5 §4.8.3.2.1 for the register). */
early_fail:
	movw $0xf4, %dx
	movl $1, %eax
	outl %eax, %dx
	/* PIIX4 PM, 00:01.3 (8086:7113): PMBA at 0x40 bits 15:6, I/O
	 * enabled by PMREGMISC (0x80) bit 0 (PIIX4 datasheet §11.1). */
	movl $0x80000b00, %ebx
	movl $0x71138086, %edi
	movl $0xffc0, %esi
	movl $0x80, %ecx
	movl $0x01, %ebp
	early_pm_s5:
	movl %ebx, %eax
	movw $0xcf8, %dx
	outl %eax, %dx
	movw $0xcfc, %dx
	inl %dx, %eax
	cmpl %edi, %eax
	jne 8f
	leal (%ebx, %ecx), %eax         /* enable register */
	movw $0xcf8, %dx
	outl %eax, %dx
	movw $0xcfc, %dx
	inl %dx, %eax
	testl %ebp, %eax
	jz 8f
	leal 0x40(%ebx), %eax           /* base register */
	movw $0xcf8, %dx
	outl %eax, %dx
	movw $0xcfc, %dx
	inl %dx, %eax
	andl %esi, %eax
	jz 8f
	leal 4(%eax), %edx              /* PM1_CNT */
	movw $0x2000, %ax
	outw %ax, %dx
8:	/* then ICH9 LPC, 00:1f.0 (8086:2918): PMBASE at 0x40 bits 15:7,
	 * ACPI_CNTL (0x44) bit 7 ACPI_EN (ICH9 datasheet §13.1). */
	cmpl $0x80000b00, %ebx
	jne 9f
	movl $0x8000f800, %ebx
	movl $0x29188086, %edi
	movl $0xff80, %esi
	movl $0x44, %ecx
	movl $0x80, %ebp
	jmp early_pm_s5
9:	cli
	hlt
	jmp 9b

	.code64
long_mode:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs
	movq $boot_stack_top, %rsp
	xorl %ebp, %ebp
	movl boot_magic(%rip), %edi
	movl boot_info_ptr(%rip), %esi
	call x86_boot_main
7:	cli
	hlt
	jmp 7b

	/* Beside the entry code, in the image's first pages: these are read
	 * when RAM may end inside the image (too_little_ram), so they must
	 * not sit in .rodata, wherever the rest of the kernel puts it (seen:
	 * the RAM message cut at the 2 MiB line under -m 2, after a merge
	 * moved .rodata). */
	.section .boot.rodata, "a"
msg_no_lm:
	.asciz "boot: this CPU has no long mode (x86_64); cannot continue\r\n"
msg_ram:
	.asciz "boot: not enough memory: RAM ends below the end of this kernel's image at 0x"
msg_ram2:
	.asciz "; give the VM more memory (QEMU: -m 3 or more)\r\n"
hex_digits:
	.ascii "0123456789abcdef"
	.balign 8
gdt32:
	.quad 0
	.quad 0x00cf9a000000ffff        /* 0x08: 32-bit code */
	.quad 0x00cf92000000ffff        /* 0x10: data */
	.quad 0x00af9a000000ffff        /* 0x18: 64-bit code */
gdt32_end:
gdt32_ptr:
	.short gdt32_end - gdt32 - 1
	.long gdt32

	.data
	.balign 8
	.globl boot_tsc0
boot_tsc0:      .quad 0
boot_magic:     .long 0
boot_info_ptr:  .long 0

	.bss
	.balign 4096
	.globl boot_pml4, boot_stack_guard, boot_stack_top
boot_pml4:      .skip 4096
boot_pdpt:      .skip 4096
boot_pd:        .skip 4 * 4096
boot_stack_guard: .skip 4096    /* unmapped by mmu.c: catches overflow */
boot_stack:     .skip 16384
boot_stack_top:
