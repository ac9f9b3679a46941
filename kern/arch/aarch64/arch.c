// SPDX-License-Identifier: MIT
/* aarch64 implementations of include/kern/arch.h: leaving the VM (PSCI,
 * semihosting), idling and backtraces. The cycle counter is in timer.c. */
#include <kern/arch.h>
#include <kern/backtrace.h>
#include <kern/console.h>
#include <kern/cmdline.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/time.h>
#include <kern/ksyms.h>
#include <kern/vm.h>
#include <drivers/fdt.h>
#include <arch/cpu.h>
#include "a64.h"

CMDLINE_OPT(semihosting, "semihosting",
	    "semihosting=1: QEMU runs with -semihosting; leave through SYS_EXIT_EXTENDED");

/* PSCI function IDs (Arm DEN 0022, §5.1: SMC32 calling convention). */
#define PSCI_VERSION        0x84000000u
#define PSCI_SYSTEM_OFF     0x84000008u
#define PSCI_SYSTEM_RESET   0x84000009u

/* Semihosting (Arm IHI 0122 "Semihosting for AArch32 and AArch64"): the
 * operation in w0, a parameter block in x1, trapped by HLT #0xF000.
 * SYS_EXIT_EXTENDED (0x20) takes {reason, subcode}; with reason
 * ADP_Stopped_ApplicationExit QEMU exits with subcode as its status. */
#define SEMIHOST_SYS_EXIT_EXTENDED  0x20
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

static int psci_conduit = -ENOENT;      /* FDT_PSCI_HVC / _SMC or errno */
static bool psci_guessed;               /* no device tree said which */
volatile uintptr_t a64_probe_pc;

void psci_init(const void *fdt)
{
	psci_conduit = fdt ? fdt_psci_method(fdt) : -ENOENT;
	/* HVC only reaches a hypervisor if there is one: entered at EL2,
	 * we are the hypervisor and left EL2 without vectors. */
	if (psci_conduit == FDT_PSCI_HVC && a64_entry_el == 2) {
		pr_warn("psci: the device tree says hvc, but we own EL2; PSCI unusable\n");
		psci_conduit = -ENODEV;
	}
	if (psci_conduit == -ENOENT) {
		/* No PSCI node (or no device tree): guess as QEMU virt
		 * places it, SMC when EL2 is ours, else HVC. Each call is
		 * guarded, so a wrong guess only fails the call. */
		psci_conduit = a64_entry_el == 2 ? FDT_PSCI_SMC : FDT_PSCI_HVC;
		psci_guessed = true;
		pr_warn("psci: no PSCI node in the device tree; trying %s\n",
			psci_conduit == FDT_PSCI_SMC ? "smc" : "hvc");
	}
}

/* One PSCI call (SMC Calling Convention, DEN 0028: function ID and
 * arguments in x0-x3, result in x0). When the conduit is a guess, the
 * call is marked for trap.c: an undefined HVC/SMC then returns -1. */
static long psci_call(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;
	static volatile uintptr_t unguarded;
	volatile uintptr_t *probe = psci_guessed ? &a64_probe_pc : &unguarded;
	uint64_t pc;

	if (psci_conduit == FDT_PSCI_HVC)
		__asm__ __volatile__("adr %4, 1f\n\t"
				     "str %4, [%5]\n"
				     "1:\thvc #0"
				     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "=&r"(pc)
				     : "r"(probe) : "memory");
	else if (psci_conduit == FDT_PSCI_SMC)
		__asm__ __volatile__("adr %4, 1f\n\t"
				     "str %4, [%5]\n"
				     "1:\tsmc #0"
				     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "=&r"(pc)
				     : "r"(probe) : "memory");
	else
		return -ENODEV;
	a64_probe_pc = 0;
	return (long)x0;
}

int psci_version(void)
{
	if (psci_conduit < 0)
		return psci_conduit;
	return (int)psci_call(PSCI_VERSION, 0, 0, 0);
}

static void semihost_exit(int status)
{
	static uint64_t block[2];
	block[0] = ADP_STOPPED_APPLICATION_EXIT;
	block[1] = (uint64_t)(uint32_t)status;

	register uint64_t x0 __asm__("x0") = SEMIHOST_SYS_EXIT_EXTENDED;
	register uint64_t x1 __asm__("x1") = (uintptr_t)block;
	uint64_t pc;
	/* trap.c skips the HLT if it turns out to be undefined. */
	__asm__ __volatile__("adr %1, 1f\n\t"
			     "str %1, [%3]\n"
			     "1:\thlt #0xf000"
			     : "+r"(x0), "=&r"(pc) : "r"(x1), "r"(&a64_probe_pc)
			     : "memory");
	a64_probe_pc = 0;
}

static __noreturn void halt_forever(void)
{
	for (;;)
		__asm__ __volatile__("msr daifset, #0xf\n\twfi" ::: "memory");
}

void arch_exit(int code)
{
	/* The marker first: with PSCI SYSTEM_OFF QEMU's own status is 0,
	 * and the runner reads the guest's code from this line. */
	kprintf("exit: status %d\n", code);
	if (cmdline_get_bool("semihosting", false))
		/* The status isa-debug-exit gives on x86, so the runner
		 * reads both alike: (code << 1) | 1. */
		semihost_exit((int)(((unsigned)code << 1) | 1));
	arch_poweroff();
}

void arch_poweroff(void)
{
	console_flush();        /* a virtio console's last lines */
	__asm__ __volatile__("msr daifset, #2" ::: "memory");
	long rc = psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
	kprintf("poweroff: PSCI SYSTEM_OFF failed (%ld); halting\n", rc);
	halt_forever();
}

void arch_reboot(void)
{
	__asm__ __volatile__("msr daifset, #2" ::: "memory");
	long rc = psci_call(PSCI_SYSTEM_RESET, 0, 0, 0);
	kprintf("reboot: PSCI SYSTEM_RESET failed (%ld); halting\n", rc);
	halt_forever();
}

void arch_idle(void)
{
	/* Without an interrupt controller (no usable device tree) nothing
	 * would wake us: poll the timer list instead of sleeping. */
	if (!a64_timer_ready()) {
		time_interrupt();
		return;
	}
	/* WFI wakes on a pending interrupt even while PSTATE.I masks it
	 * (ARM ARM D1.6.2 "Wait For Interrupt"), so sleep masked and only
	 * then unmask to take it: no interrupt can slip in between a check
	 * and the sleep. */
	__asm__ __volatile__("dsb sy\n\t"
			     "wfi\n\t"
			     "msr daifclr, #2\n\t"
			     "isb\n\t"
			     "msr daifset, #2" ::: "memory");
}

void arch_backtrace(uintptr_t fp)
{
	if (!fp)
		fp = (uintptr_t)__builtin_frame_address(0);
	backtrace_frames(fp, 0);
}
