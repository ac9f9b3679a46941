// SPDX-License-Identifier: MIT
/*
 * What happens on an exception. IRQs go to the GIC code. Every other
 * exception is fatal in this kernel: it prints the exception class decoded
 * from ESR_EL1 (ARM ARM D17.2.37), the faulting address for aborts, the
 * registers and a symbolized backtrace, then leaves QEMU with a failure
 * status, in the same words as the x86 dump where they mean the same thing.
 * Handlers run on SP_EL1, a stack of their own (boot/aarch64/entry.S), so a
 * thread that overflows into its guard page is still reported.
 */
#include <kern/arch.h>
#include <kern/backtrace.h>
#include <kern/printk.h>
#include <kern/ksyms.h>
#include <arch/cpu.h>
#include "a64.h"


static const char *ec_name(unsigned ec)
{
	switch (ec) {
	case 0x00: return "undefined instruction";
	case 0x01: return "trapped WFI/WFE";
	case 0x07: return "trapped FP/SIMD access";
	case 0x0e: return "illegal execution state";
	case 0x15: return "SVC instruction";
	case 0x16: return "HVC instruction";
	case 0x17: return "SMC instruction";
	case 0x18: return "trapped system register access";
	case 0x19: return "trapped SVE access";
	case 0x20: return "instruction abort from a lower EL";
	case 0x21: return "instruction abort";
	case 0x22: return "PC alignment fault";
	case 0x24: return "data abort from a lower EL";
	case 0x25: return "data abort";
	case 0x26: return "SP alignment fault";
	case 0x2c: return "floating-point exception";
	case 0x2f: return "SError interrupt";
	case 0x30: case 0x31: return "breakpoint";
	case 0x32: case 0x33: return "software step";
	case 0x34: case 0x35: return "watchpoint";
	case 0x3c: return "BRK instruction";
	default: return "unknown exception class";
	}
}

/* The fault status code of an abort (ISS[5:0], D17.2.37 "ISS encoding for
 * an exception from a Data Abort"). */
static const char *fsc_name(unsigned fsc, bool *is_page_fault)
{
	*is_page_fault = false;
	switch (fsc & 0x3c) {
	case 0x04:
		*is_page_fault = true;
		return "page not present";
	case 0x08:
		*is_page_fault = true;
		return "access flag fault";
	case 0x0c:
		*is_page_fault = true;
		return "protection violation";
	case 0x00:
		return "address size fault";
	}
	switch (fsc) {
	case 0x10: return "synchronous external abort";
	case 0x11: return "synchronous tag check fault";
	case 0x21: return "alignment fault";
	case 0x30: return "TLB conflict abort";
	default:   return "other fault";
	}
}

static void dump_abort(const struct a64_frame *f, unsigned ec)
{
	unsigned iss = ESR_ISS(f->esr);
	bool fetch = ec == EC_IABT_LOW || ec == EC_IABT_CUR;
	bool pf;
	const char *what = fsc_name(iss & 0x3f, &pf);
	/* FAR is valid unless the FnV bit (ISS[10]) says otherwise. */
	bool far_ok = !(iss & (1u << 10));
	const char *access = fetch ? "on instruction fetch" :
			     iss & (1u << 8) ? "on cache maintenance" :
			     iss & (1u << 6) ? "on write" : "on read";

	kprintf("  %s at address %016llx: %s %s (level %u)%s%s\n",
		pf ? "PAGE FAULT" : "ABORT", (unsigned long long)f->far, what,
		access, iss & 3, far_ok ? "" : " (address not valid)",
		far_ok && f->far < 4096 ? " (NULL pointer dereference)" : "");
}

static void dump_frame(const struct a64_frame *f)
{
	char sym[96];

	ksyms_format(f->elr, sym, sizeof(sym));
	kprintf("  pc  %016llx  %s\n", (unsigned long long)f->elr, sym);
	ksyms_format(f->x[30], sym, sizeof(sym));
	kprintf("  lr  %016llx  %s\n", (unsigned long long)f->x[30], sym);
	kprintf("  sp  %016llx  spsr %08llx  esr %08llx  far %016llx\n",
		(unsigned long long)f->sp, (unsigned long long)f->spsr,
		(unsigned long long)f->esr, (unsigned long long)f->far);
	for (int i = 0; i < 30; i += 3)
		kprintf("  x%-2d %016llx  x%-2d %016llx  x%-2d %016llx\n",
			i, (unsigned long long)f->x[i], i + 1,
			(unsigned long long)f->x[i + 1], i + 2,
			(unsigned long long)f->x[i + 2]);
	kprintf("  sctlr %08llx  tcr %010llx  ttbr0 %016llx  EL%u\n",
		(unsigned long long)read_sysreg(sctlr_el1),
		(unsigned long long)read_sysreg(tcr_el1),
		(unsigned long long)read_sysreg(ttbr0_el1), current_el());
}

static int in_fault;

static __noreturn void fatal_exception(const struct a64_frame *f, unsigned long kind)
{
	unsigned type = kind & 3, ec = ESR_EC(f->esr);
	const char *name = type == A64_SYNC ? ec_name(ec) :
			   type == A64_SERROR ? "SError interrupt" :
			   type == A64_FIQ ? "unexpected FIQ" : "unexpected IRQ";

	if (in_fault++) {
		/* A fault while reporting one: say so and leave at once. */
		kprintf("\nFATAL: %s (ESR %#llx) while handling a fault at %llx\n",
			name, (unsigned long long)f->esr, (unsigned long long)f->elr);
		arch_exit(3);
	}
	kprintf("\nFATAL: %s (ESR %#llx, class %#x)%s\n", name,
		(unsigned long long)f->esr, ec,
		kind >= 8 ? " from a lower exception level" :
		kind >= 4 ? " inside an exception handler" : "");
	if (type == A64_SYNC && (ec == EC_DABT_CUR || ec == EC_DABT_LOW ||
				 ec == EC_IABT_CUR || ec == EC_IABT_LOW))
		dump_abort(f, ec);
	else if (type == A64_SYNC && (ec == EC_PC_ALIGN || ec == EC_SP_ALIGN))
		kprintf("  misaligned %s\n", ec == EC_PC_ALIGN ? "PC" : "SP");
	dump_frame(f);
	kprintf("  backtrace:\n");
	/* #0 is the faulting pc itself, then the frame-pointer chain. */
	char sym[96];
	ksyms_format(f->elr, sym, sizeof(sym));
	kprintf("    #0 %016llx %s\n", (unsigned long long)f->elr, sym);
	backtrace_frames(f->x[29], 1);
	arch_exit(3);
}

/* probe.S: the loads that may abort and where each resumes. */
struct a64_extable_entry {
	uint64_t insn, fixup;
};
extern const struct a64_extable_entry a64_extable[], a64_extable_end[];

/* A synchronous external abort (DFSC 0b010000, not on a table walk: ARM
 * ARM D17.2.37) at a probe load: nothing answered at the address the
 * caller asked about. Resume at the load's fix-up, which makes the probe
 * return -EIO. Any other fault there is a kernel bug and stays fatal. */
static bool probe_fixup(struct a64_frame *f, unsigned long kind)
{
	if ((kind & 3) != A64_SYNC || kind >= 8 || ESR_EC(f->esr) != EC_DABT_CUR ||
	    (ESR_ISS(f->esr) & 0x3f) != 0x10)
		return false;
	for (const struct a64_extable_entry *e = a64_extable; e < a64_extable_end; e++) {
		if (e->insn == f->elr) {
			f->elr = e->fixup;
			return true;
		}
	}
	return false;
}

void a64_trap(struct a64_frame *f, unsigned long kind)
{
	unsigned type = kind & 3;

	if (type == A64_IRQ && kind < 8) {
		gic_handle_irq();
		return;
	}
	/* An HLT that is not taken as a semihosting call (ARM ARM C6.2.106,
	 * halting disabled), or an HVC/SMC with no EL2/EL3 behind it
	 * (C6.2.99, C6.2.283), is an undefined instruction. When arch.c
	 * expected that, carry on after it; the caller falls back. */
	if (type == A64_SYNC && ESR_EC(f->esr) == EC_UNKNOWN &&
	    a64_probe_pc && f->elr == a64_probe_pc) {
		a64_probe_pc = 0;
		f->elr += 4;
		f->x[0] = (uint64_t)-1;
		return;
	}
	if (probe_fixup(f, kind))
		return;
	fatal_exception(f, kind);
}
