// SPDX-License-Identifier: MIT
/*
 * GDT, TSS and IDT, and what happens on an exception: every CPU exception
 * is fatal in this kernel, so it prints its name, the registers, the faulting
 * address and a symbolized backtrace, then leaves QEMU with a failure status.
 * Exceptions run on their own stack (IST1; #DF and NMI on IST2/IST3,
 * SDM vol. 3 §6.14.5) so a stack overflow into a guard page can still be
 * reported instead of escalating to a triple fault.
 */
#include <kern/arch.h>
#include <kern/printk.h>
#include <kern/ksyms.h>
#include <arch/cpu.h>
#include "x86.h"

struct tss {
	uint32_t rsvd0;
	uint64_t rsp[3];
	uint64_t rsvd1;
	uint64_t ist[7];
	uint64_t rsvd2;
	uint16_t rsvd3, iomap_base;
} __packed;

struct idt_entry {
	uint16_t off_lo, sel;
	uint8_t ist, type;
	uint16_t off_mid;
	uint32_t off_hi, rsvd;
} __packed;

static uint64_t gdt[5] __aligned(16);
static struct tss tss __aligned(16);
static struct idt_entry idt[256] __aligned(16);
static uint8_t ist_stacks[3][8192] __aligned(16);
extern char isr_stubs[];

static const char *const exc_names[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow",
	"bound range exceeded", "invalid opcode", "device not available",
	"double fault", "coprocessor segment overrun", "invalid TSS",
	"segment not present", "stack-segment fault", "general protection fault",
	"page fault", "reserved (15)", "x87 floating-point error",
	"alignment check", "machine check", "SIMD floating-point error",
	"virtualization exception", "control protection exception",
	"reserved (22)", "reserved (23)", "reserved (24)", "reserved (25)",
	"reserved (26)", "reserved (27)", "hypervisor injection exception",
	"VMM communication exception", "security exception", "reserved (31)",
};

void trap_init(void)
{
	/* Null, 64-bit code (0x08), data (0x10), TSS (0x18, two slots). */
	gdt[1] = 0x00af9a000000ffffULL;
	gdt[2] = 0x00cf92000000ffffULL;
	uint64_t t = (uintptr_t)&tss, lim = sizeof(tss) - 1;
	gdt[3] = (lim & 0xffff) | ((t & 0xffffff) << 16) | (0x89ULL << 40) |
		 (((lim >> 16) & 0xf) << 48) | (((t >> 24) & 0xff) << 56);
	gdt[4] = t >> 32;
	for (int i = 0; i < 3; i++)
		tss.ist[i] = (uintptr_t)ist_stacks[i] + sizeof(ist_stacks[i]);
	tss.iomap_base = sizeof(tss);

	struct { uint16_t limit; uint64_t base; } __packed gdtr = { sizeof(gdt) - 1, (uintptr_t)gdt };
	__asm__ __volatile__(
		"lgdt %0\n\t"
		"pushq $0x08\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1: movl $0x10, %%eax\n\t"
		"movl %%eax, %%ds\n\t movl %%eax, %%es\n\t movl %%eax, %%ss\n\t"
		"movl %%eax, %%fs\n\t movl %%eax, %%gs\n\t"
		"movw $0x18, %%ax\n\t ltr %%ax"
		: : "m"(gdtr) : "rax", "memory");

	for (int v = 0; v < 256; v++) {
		uint64_t h = (uintptr_t)isr_stubs + 16 * v;
		idt[v] = (struct idt_entry){
			.off_lo = h & 0xffff, .sel = 0x08,
			.ist = v < 32 ? (v == 8 ? 2 : v == 2 ? 3 : 1) : 0,
			.type = 0x8e,   /* present, DPL 0, 64-bit interrupt gate */
			.off_mid = (h >> 16) & 0xffff, .off_hi = h >> 32,
		};
	}
	struct { uint16_t limit; uint64_t base; } __packed idtr = { sizeof(idt) - 1, (uintptr_t)idt };
	__asm__ __volatile__("lidt %0" : : "m"(idtr));
}

static void dump_frame(const struct trap_frame *tf)
{
	char sym[96];
	ksyms_format(tf->rip, sym, sizeof(sym));
	kprintf("  rip %016llx  %s\n", (unsigned long long)tf->rip, sym);
	kprintf("  rax %016llx  rbx %016llx  rcx %016llx\n", (unsigned long long)tf->rax,
		(unsigned long long)tf->rbx, (unsigned long long)tf->rcx);
	kprintf("  rdx %016llx  rsi %016llx  rdi %016llx\n", (unsigned long long)tf->rdx,
		(unsigned long long)tf->rsi, (unsigned long long)tf->rdi);
	kprintf("  rbp %016llx  rsp %016llx  r8  %016llx\n", (unsigned long long)tf->rbp,
		(unsigned long long)tf->rsp, (unsigned long long)tf->r8);
	kprintf("  r9  %016llx  r10 %016llx  r11 %016llx\n", (unsigned long long)tf->r9,
		(unsigned long long)tf->r10, (unsigned long long)tf->r11);
	kprintf("  r12 %016llx  r13 %016llx  r14 %016llx\n", (unsigned long long)tf->r12,
		(unsigned long long)tf->r13, (unsigned long long)tf->r14);
	kprintf("  r15 %016llx  rflags %08llx  cs %04llx  ss %04llx\n",
		(unsigned long long)tf->r15, (unsigned long long)tf->rflags,
		(unsigned long long)tf->cs, (unsigned long long)tf->ss);
	kprintf("  cr0 %08llx  cr3 %08llx  cr4 %08llx\n", (unsigned long long)read_cr0(),
		(unsigned long long)read_cr3(), (unsigned long long)read_cr4());
}

static int in_fault;

static __noreturn void fatal_exception(const struct trap_frame *tf)
{
	unsigned v = tf->vector;
	if (in_fault++) {
		/* A fault while reporting one: say so and leave at once. */
		kprintf("\nFATAL: %s (vector %u) while handling a fault at %llx\n",
			exc_names[v], v, (unsigned long long)tf->rip);
		arch_exit(3);
	}
	kprintf("\nFATAL: %s (vector %u, error code %#llx)\n", exc_names[v], v,
		(unsigned long long)tf->error);
	if (v == 14) {
		uint64_t cr2 = read_cr2();
		uint64_t e = tf->error;
		kprintf("  PAGE FAULT at address %016llx: %s %s%s%s\n", (unsigned long long)cr2,
			e & 1 ? "protection violation" : "page not present",
			e & 16 ? "on instruction fetch" : e & 2 ? "on write" : "on read",
			e & 8 ? " (reserved bit set)" : "",
			cr2 < 4096 ? " (NULL pointer dereference)" : "");
	}
	dump_frame(tf);
	kprintf("  backtrace:\n");
	arch_backtrace(tf->rbp);
	arch_exit(3);
}

/* Called by isr_common in vectors.S with interrupts disabled. */
void trap_handler(struct trap_frame *tf);
void trap_handler(struct trap_frame *tf)
{
	if (tf->vector < 32)
		fatal_exception(tf);
	x86_irq_dispatch((unsigned)tf->vector);
}
