/* SPDX-License-Identifier: MIT */
/*
 * The aarch64 way in: an arm64 Linux "Image" (Documentation/arch/arm64/
 * booting.rst in Linux), which QEMU's -kernel loads at RAM base +
 * text_offset with the device tree's physical address in x0, the MMU and
 * D-cache off and DAIF masked, at EL2 (virtualization=on) or EL1.
 *
 * We are linked at 0x40200000 (RAM base 0x40000000 on QEMU virt + the
 * text_offset below) and are not position-independent, so the first thing
 * checked is that we run where we were linked. Then: drop from EL2 to EL1,
 * set the stacks and vectors, clear .bss, build an identity map of the low
 * 4 GiB in 1 GiB blocks, turn the MMU and caches on and call
 * a64_boot_main(dtb, entry_el) in C, which builds the real page tables.
 *
 * The kernel runs on SP_EL0 ("EL1t"); exceptions switch to SP_EL1, a
 * separate stack, so a stack overflow into a guard page can still be
 * reported (ARM ARM D1.3.1: taking an exception to EL1 selects SP_EL1).
 */

/* The Image header flags (booting.rst "Header notes"): little-endian
 * (bit 0 = 0), 4 KiB pages (bits 1-2 = 1), and bit 3 = 0: the 2 MiB-aligned
 * base sits as close as possible to the start of RAM, i.e. the loader puts
 * us at RAM base + text_offset, which is where we are linked. */
#define IMAGE_FLAGS     (1 << 1)
#define TEXT_OFFSET     0x200000

/* SCTLR_EL1 (ARM ARM D17.2.118) with the MMU and caches off: only the
 * bits that are RES1 in Armv8.0 (LSMAOE, nTLSMD, SPAN, EIS, TSCXT, EOS)
 * plus SA (stack alignment check). Alignment checking (A) stays off. */
#define SCTLR_MMU_OFF   ((1 << 29) | (1 << 28) | (1 << 23) | (1 << 22) | \
			 (1 << 20) | (1 << 11) | (1 << 3))
#define SCTLR_MMU_ON    (SCTLR_MMU_OFF | (1 << 12) | (1 << 2) | (1 << 0)) /* I, C, M */

/* HCR_EL2.RW (D17.2.48): EL1 is AArch64. Nothing is trapped to EL2. */
#define HCR_RW          (1 << 31)
/* SPSR_EL2 for the eret to EL1: EL1h, D, A, I, F masked (C5.2.19). */
#define SPSR_EL1H_MASKED 0x3c5

/* MAIR_EL1 (D17.2.97): attribute 0 Device-nGnRnE, 1 Device-nGnRE,
 * 2 Normal write-back read/write-allocate, 3 Normal non-cacheable.
 * kern/arch/aarch64/mmu.c uses the same indexes. */
#define MAIR_VALUE      0x44ff0400
/* TCR_EL1 (D17.2.131): T0SZ = 16 (48-bit VA), TTBR0 walks inner/outer
 * write-back cacheable and inner shareable, 4 KiB granule; TTBR1 walks
 * disabled (EPD1) with a valid granule (TG1 = 4 KiB) and T1SZ = 16.
 * IPS is filled in from ID_AA64MMFR0_EL1.PARange. */
#define TCR_VALUE       ((16 << 0) | (1 << 8) | (1 << 10) | (3 << 12) | \
			 (16 << 16) | (1 << 23) | (2 << 30))

/* Early block descriptors (D8.3): valid block, AttrIndx, AF; device
 * memory also PXN/UXN, RAM inner shareable. */
#define EARLY_DEV_BLOCK ((1 << 0) | (1 << 2) | (1 << 10) | (3 << 53))
#define EARLY_RAM_BLOCK ((1 << 0) | (2 << 2) | (3 << 8) | (1 << 10))

#define PL011_QEMU_VIRT 0x09000000

	.section .boot.header, "ax"
	.globl _start
_start:
	b	primary_entry           /* code0 */
	.long	0                       /* code1 */
	.quad	TEXT_OFFSET             /* text_offset */
	.quad	__image_size            /* image_size, .bss included */
	.quad	IMAGE_FLAGS             /* flags */
	.quad	0, 0, 0                 /* res2..res4 */
	.ascii	"ARM\x64"               /* magic, at offset 0x38 */
	.long	0                       /* res5 (PE/COFF offset: none) */

	.section .boot.text, "ax"
primary_entry:
	/* The counter first, for boot_cycles0 (booting.rst requires
	 * CNTFRQ programmed and the counter running). */
	mrs	x20, cntvct_el0
	mov	x21, x0                 /* the device tree */

	/* Are we where we were linked? adr is PC-relative, the literal is
	 * the link address. */
	adr	x1, _start
	ldr	x2, =_start
	cmp	x1, x2
	b.ne	wrong_address

	mrs	x0, CurrentEL
	lsr	x22, x0, #2
	and	x22, x22, #3
	cmp	x22, #2
	b.eq	from_el2
	cmp	x22, #1
	b.eq	at_el1
	adr	x0, msg_bad_el
	b	early_die

from_el2:
	/* EL2 -> EL1 (ARM ARM D1.11 "Exception return"). EL1 runs AArch64
	 * with nothing trapped; it may use the physical counter and timer
	 * (CNTHCTL_EL2.EL1PCTEN/EL1PCEN, D17.2.23 with E2H = 0); the virtual
	 * counter equals the physical one (CNTVOFF_EL2 = 0); FP/SIMD is not
	 * trapped (CPTR_EL2: RES1 bits only, TFP clear); EL1 reads of MIDR
	 * and MPIDR return the real values (VPIDR/VMPIDR_EL2). */
	mov	x0, #HCR_RW
	msr	hcr_el2, x0
	mrs	x0, cnthctl_el2
	orr	x0, x0, #3
	msr	cnthctl_el2, x0
	msr	cntvoff_el2, xzr
	mrs	x0, midr_el1
	msr	vpidr_el2, x0
	mrs	x0, mpidr_el1
	msr	vmpidr_el2, x0
	mov	x0, #0x33ff
	msr	cptr_el2, x0
	msr	hstr_el2, xzr
	msr	vttbr_el2, xzr
	/* GICv3 CPU interface (GIC arch spec IHI 0069, §12.2.13
	 * ICC_SRE_EL2): let EL1 use the system registers (Enable, SRE),
	 * or its ICC_* accesses trap to an EL2 that has no handler. Only
	 * when the CPU has the system register interface
	 * (ID_AA64PFR0_EL1.GIC, D17.2.64). */
	mrs	x0, id_aa64pfr0_el1
	ubfx	x0, x0, #24, #4
	cbz	x0, 1f
	mrs	x0, S3_4_C12_C9_5       /* ICC_SRE_EL2 */
	mov	x1, #0x9                /* Enable | SRE */
	orr	x0, x0, x1
	msr	S3_4_C12_C9_5, x0
	isb
	msr	S3_4_C12_C11_0, xzr     /* ICH_HCR_EL2: no virtual interface */
1:	ldr	x0, =SCTLR_MMU_OFF
	msr	sctlr_el1, x0
	mov	x0, #SPSR_EL1H_MASKED
	msr	spsr_el2, x0
	adr	x0, at_el1
	msr	elr_el2, x0
	eret

at_el1:
	/* FP/SIMD not trapped (CPACR_EL1.FPEN, D17.2.27): the kernel is
	 * built without FP registers, but nothing breaks if a routine does. */
	mov	x0, #(3 << 20)
	msr	cpacr_el1, x0
	ldr	x0, =SCTLR_MMU_OFF
	msr	sctlr_el1, x0
	isb

	/* Exceptions on SP_EL1, the kernel on SP_EL0. */
	msr	spsel, #1
	ldr	x0, =exc_stack_top
	mov	sp, x0
	msr	spsel, #0
	ldr	x0, =boot_stack_top
	mov	sp, x0
	ldr	x0, =a64_vectors
	msr	vbar_el1, x0
	isb
	/* With vectors in place, take SErrors (asynchronous aborts) so
	 * that they are reported, not left pending forever. */
	msr	daifclr, #4

	/* Clear .bss (the loader need not), 8 bytes at a time: with the MMU
	 * off every data access is Device memory, where only aligned
	 * accesses work. */
	ldr	x0, =__load_end
	ldr	x1, =__image_end
2:	str	xzr, [x0], #8
	cmp	x0, x1
	b.lo	2b

	/* Early identity map: L0[0] -> L1; L1[0] = 0..1 GiB device (the
	 * GIC, UART, virtio-mmio, PCIe windows on virt), L1[1..3] = 1..4 GiB
	 * normal memory (RAM starts at 1 GiB). Addresses past the end of
	 * RAM are mapped too, until mmu.c replaces this map; nothing
	 * touches them. */
	ldr	x0, =early_l0
	ldr	x1, =early_l1
	orr	x2, x1, #3              /* table descriptor */
	str	x2, [x0]
	ldr	x2, =EARLY_DEV_BLOCK
	str	x2, [x1]
	ldr	x2, =EARLY_RAM_BLOCK
	mov	x3, #1
3:	orr	x4, x2, x3, lsl #30
	str	x4, [x1, x3, lsl #3]
	add	x3, x3, #1
	cmp	x3, #4
	b.lo	3b

	/* Everything written so far went to memory past the caches (MMU
	 * off). Invalidate any stale lines over .bss so that the table
	 * walker and the code that follows see what is in memory once the
	 * caches are on (booting.rst asks the loader to clean the image
	 * itself to the point of coherency). */
	mrs	x3, ctr_el0
	ubfx	x3, x3, #16, #4         /* DminLine: log2 of words */
	mov	x4, #4
	lsl	x4, x4, x3
	sub	x5, x4, #1
	ldr	x0, =__load_end
	bic	x0, x0, x5
	ldr	x1, =__image_end
4:	dc	ivac, x0
	add	x0, x0, x4
	cmp	x0, x1
	b.lo	4b
	dsb	sy

	/* Translation regime: MAIR, TCR (IPS = the CPU's physical address
	 * size, at most 48 bits for 4 KiB pages without LPA2), TTBR0. */
	ldr	x0, =MAIR_VALUE
	msr	mair_el1, x0
	mrs	x0, id_aa64mmfr0_el1
	and	x0, x0, #0xf
	mov	x1, #5
	cmp	x0, x1
	csel	x0, x0, x1, ls
	ldr	x1, =TCR_VALUE
	orr	x1, x1, x0, lsl #32
	msr	tcr_el1, x1
	ldr	x0, =early_l0
	msr	ttbr0_el1, x0
	isb
	tlbi	vmalle1
	ic	iallu
	dsb	nsh
	isb
	ldr	x0, =SCTLR_MMU_ON
	msr	sctlr_el1, x0
	isb

	ldr	x0, =boot_cycles0
	str	x20, [x0]
	mov	x0, x21
	mov	x1, x22
	mov	x29, #0                 /* ends frame-pointer backtraces */
	mov	x30, #0
	bl	a64_boot_main
5:	wfi
	b	5b

/* Not at the link address: say so on QEMU virt's PL011 (with the MMU off
 * its registers are reachable at their physical address) and stop. */
wrong_address:
	adr	x0, msg_wrong_addr
early_die:
	ldr	x1, =PL011_QEMU_VIRT
6:	ldrb	w2, [x0], #1
	cbz	w2, 7f
	strb	w2, [x1]
	b	6b
7:	wfe
	b	7b

	.ltorg

msg_wrong_addr:
	.asciz	"boot: the kernel was not loaded at its link address 0x40200000 (RAM base + text_offset 0x200000); cannot continue\r\n"
msg_bad_el:
	.asciz	"boot: entered at EL3 or EL0; only EL2 and EL1 entry are supported\r\n"
	.balign	4

	.bss
	.balign	4096
	.globl	early_l0, boot_stack_guard, boot_stack_top, exc_stack_guard, exc_stack_top
early_l0:	.skip	4096
early_l1:	.skip	4096
boot_stack_guard: .skip	4096    /* unmapped by mmu.c: catches overflow */
boot_stack:	.skip	16384
boot_stack_top:
exc_stack_guard: .skip	4096
exc_stack:	.skip	16384
exc_stack_top:

	.section .note.GNU-stack, "", @progbits
