// SPDX-License-Identifier: MIT
/* x86_64 implementations of include/kern/arch.h: leaving the VM, idling,
 * the cycle counter and backtraces. */
#include <kern/arch.h>
#include <kern/backtrace.h>
#include <kern/console.h>
#include <kern/printk.h>
#include <kern/ksyms.h>
#include <kern/time.h>
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

/* QEMU stops the VM a moment after a power-off write: give it that
 * moment before concluding nothing listened. */
static void wait_for_qemu(void)
{
	for (volatile int i = 0; i < 10000000; i++)
		;
}

/* Time a QEMU that queues the exit device's shutdown (10.x; 7.2 leaves at
 * the write) gets before we conclude there is no such device. */
#define EXIT_GRACE_US (1000 * 1000)

static void power_off_machine(void);

void arch_exit(int code)
{
	console_flush();        /* a virtio console's last lines */
	__asm__ __volatile__("cli");
	outl(DEBUG_EXIT_PORT, (uint32_t)code);
	udelay(EXIT_GRACE_US);
	/* No exit device: power off instead, so the VM still ends, and say
	 * the status on the console for whoever reads it. Never write the
	 * exit port again: a queued exit with this code may still be on its
	 * way, and a second write would replace the code. */
	kprintf("exit: status %d (no isa-debug-exit device)\n", code);
	power_off_machine();
	kprintf("poweroff: no way to power off found; halting\n");
	halt_forever();
}

/* Weak so that the ACPI code can supply the FADT's way (PM1a_CNT, or the
 * sleep control register on hardware-reduced machines such as microvm). */
__attribute__((weak)) int acpi_poweroff(void) { return -1; }

/* PCI configuration mechanism #1 (PCI Local Bus 3.0 §3.2.2.3.2), bus 0;
 * where nothing decodes the ports, reads return all ones. */
static uint32_t pci0_read32(unsigned dev, unsigned fn, unsigned reg)
{
	outl(0xcf8, 0x80000000u | dev << 11 | fn << 8 | (reg & 0xfc));
	return inl(0xcfc);
}

/* Chipset power-management blocks that hold the ACPI PM1 registers, for
 * machines without an ACPI FADT (QEMU -machine pc,acpi=off): where the
 * base register lives, its mask, and the bit that enables its decoding.
 * PIIX4 datasheet §11.1: PM function 00:01.3, PMBA at 0x40 bits 15:6,
 * PMREGMISC (0x80) bit 0. ICH9 datasheet §13.1: LPC 00:1f.0, PMBASE at
 * 0x40 bits 15:7, ACPI_CNTL (0x44) bit 7. */
static const struct pm_block {
	const char *name;
	uint8_t dev, fn;
	uint32_t id;                    /* device << 16 | vendor */
	uint16_t base_mask;
	uint8_t en_reg, en_bit;
} pm_blocks[] = {
	{ "PIIX4", 1, 3, 0x71138086, 0xffc0, 0x80, 0x01 },
	{ "ICH9", 0x1f, 0, 0x29188086, 0xff80, 0x44, 0x80 },
};

/* S5 through the chipset's PM1 control (PM block + 4). SLP_TYP for S5 is
 * what the DSDT's \_S5 says; QEMU's PIIX4 and ICH9 DSDTs say 0 and its
 * PM1 control powers off on SLP_TYP 0 with SLP_EN (bit 13) set (ACPI 6.5
 * §4.8.3.2.1, Table 4.13 for the bits). */
static void chipset_poweroff(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(pm_blocks); i++) {
		const struct pm_block *b = &pm_blocks[i];

		if (pci0_read32(b->dev, b->fn, 0) != b->id)
			continue;
		uint16_t base = (uint16_t)(pci0_read32(b->dev, b->fn, 0x40) & b->base_mask);

		if (!base || !(pci0_read32(b->dev, b->fn, b->en_reg) & b->en_bit)) {
			kprintf("poweroff: %s power management block not enabled\n", b->name);
			continue;
		}
		kprintf("poweroff: entering S5 through the %s PM1 control at %#x\n",
			b->name, base + 4);
		outw(base + 4, 1u << 13);
		wait_for_qemu();
	}
}

/* ACPI, then the chipset's PM block; returns when neither worked. */
static void power_off_machine(void)
{
	/* The ACPI code maps tables: only once the kernel's page tables
	 * exist (a refused boot powers off before). */
	if (x86_mmu_ready())
		acpi_poweroff();
	chipset_poweroff();
}

void arch_poweroff(void)
{
	__asm__ __volatile__("cli");
	power_off_machine();
	/* No power management at all (pc,acpi=off; microvm without ACPI):
	 * the exit device ends the VM with status 1, code 0: all well. */
	outl(DEBUG_EXIT_PORT, 0);
	/* QEMU 7.2 leaves at the write; newer QEMUs queue a shutdown request
	 * that their main loop carries out a moment later, so give it time
	 * before saying nothing worked. */
	udelay(EXIT_GRACE_US);
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
