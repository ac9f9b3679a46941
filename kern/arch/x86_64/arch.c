// SPDX-License-Identifier: MIT
/* x86_64 implementations of include/kern/arch.h: leaving the VM, idling,
 * the cycle counter and backtraces. */
#include <kern/arch.h>
#include <kern/backtrace.h>
#include <kern/printk.h>
#include <kern/ksyms.h>
#include <kern/vm.h>
#include <arch/cpu.h>
#include <arch/io.h>
#include "x86.h"

/* QEMU's isa-debug-exit device (the runner adds it at port 0xf4): QEMU
 * exits with status (value << 1) | 1, kvm-unit-tests' convention. */
#define DEBUG_EXIT_PORT 0xf4

static __noreturn void halt_forever(void)
{
	for (;;)
		__asm__ __volatile__("cli; hlt");
}

void arch_exit(int code)
{
	outl(DEBUG_EXIT_PORT, (uint32_t)code);
	/* No exit device: power off instead, so the VM still ends. */
	kprintf("exit: status %d (no isa-debug-exit device)\n", code);
	arch_poweroff();
}

/* Weak so that the ACPI code can supply the FADT's way (PM1a_CNT, or the
 * sleep control register on hardware-reduced machines such as microvm). */
__attribute__((weak)) int acpi_poweroff(void) { return -1; }

void arch_poweroff(void)
{
	__asm__ __volatile__("cli");
	/* The ACPI code maps tables: only once the kernel's page tables
	 * exist (a refused boot powers off before). */
	if (x86_mmu_ready())
		acpi_poweroff();
	/* QEMU's PIIX4 and ICH9 PM blocks, as SeaBIOS places them (PM1a_CNT at
	 * 0x604; SLP_TYP 0 is QEMU's S5, SLP_EN is bit 13), then the old Bochs
	 * port. */
	outw(0x604, 0x2000);
	outw(0xb004, 0x2000);
	/* QEMU stops the VM a moment after the write: give it that moment
	 * before concluding nothing listened. */
	for (volatile int i = 0; i < 10000000; i++)
		;
	kprintf("poweroff: no way to power off found; halting\n");
	halt_forever();
}

void arch_reboot(void)
{
	__asm__ __volatile__("cli");
	outb(0xcf9, 0x06);      /* reset control register: full reset */
	outb(0x64, 0xfe);       /* 8042 keyboard controller: pulse reset */
	/* Last resort: a triple fault through an empty IDT. */
	struct { uint16_t limit; uint64_t base; } __packed none = { 0, 0 };
	__asm__ __volatile__("lidt %0; int3" : : "m"(none));
	halt_forever();
}

void arch_idle(void)
{
	/* sti takes effect after the next instruction, so no interrupt can
	 * slip in between and leave hlt waiting for nothing. */
	__asm__ __volatile__("sti; hlt; cli" ::: "memory");
}

uint64_t arch_cycles(void)
{
	return rdtsc();
}

void arch_backtrace(uintptr_t fp)
{
	if (!fp)
		fp = (uintptr_t)__builtin_frame_address(0);
	backtrace_frames(fp, 0);
}
