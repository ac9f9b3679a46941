/* SPDX-License-Identifier: MIT */
/* x86_64 CPU helpers: CPUID, model-specific registers, the time-stamp
 * counter and the interrupt flag. Port I/O and MMIO live in <arch/io.h>. */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include <stdint.h>
#include <stdbool.h>
#include <kern/compiler.h>

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

/* CPUID with a sub-leaf in ECX (SDM Vol. 2A, CPUID). Leaves that take no
 * sub-leaf ignore ECX, so cpuid(leaf) passes 0. */
static inline struct cpuid_regs cpuid_count(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r;
	__asm__ __volatile__("cpuid"
			     : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			     : "a"(leaf), "c"(subleaf));
	return r;
}

static inline struct cpuid_regs cpuid(uint32_t leaf)
{
	return cpuid_count(leaf, 0);
}

/* Highest standard (0) or extended (0x80000000) leaf, for range checks. */
static inline uint32_t cpuid_max(uint32_t base)
{
	return cpuid(base).eax;
}

/* CPUID.1 feature bits used by the kernel (SDM Vol. 2A, Table 3-10/3-11). */
#define CPUID1_ECX_X2APIC        (1u << 21)
#define CPUID1_ECX_TSC_DEADLINE  (1u << 24)
#define CPUID1_ECX_HYPERVISOR    (1u << 31)
#define CPUID1_EDX_TSC           (1u << 4)
#define CPUID1_EDX_MSR           (1u << 5)
#define CPUID1_EDX_APIC          (1u << 9)
/* CPUID.80000007H:EDX[8]: invariant TSC (SDM Vol. 3B §17.17.1). */
#define CPUID80000007_EDX_INVTSC (1u << 8)

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ __volatile__("wrmsr"
			     : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
			     : "memory");
}

#define MSR_IA32_APIC_BASE     0x1b
#define MSR_IA32_TSC_DEADLINE  0x6e0

/* RDTSC is not ordered with earlier instructions; rdtsc_ordered puts an
 * LFENCE before it so that the read is not taken early (SDM Vol. 2B, RDTSC). */
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static __always_inline uint64_t rdtsc_ordered(void)
{
	uint32_t lo, hi;
	__asm__ __volatile__("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

#define RFLAGS_IF (1ul << 9)

static inline unsigned long read_rflags(void)
{
	unsigned long f;
	__asm__ __volatile__("pushfq; popq %0" : "=r"(f) : : "memory");
	return f;
}

static inline void cli(void)
{
	__asm__ __volatile__("cli" : : : "memory");
}

static inline void sti(void)
{
	__asm__ __volatile__("sti" : : : "memory");
}

/* irq_save and irq_restore (<kern/irq.h>): the previous IF. */
static inline unsigned long arch_irq_save(void)
{
	unsigned long f = read_rflags();

	cli();
	return f & RFLAGS_IF;
}

static inline void arch_irq_restore(unsigned long flags)
{
	if (flags & RFLAGS_IF)
		sti();
}

/* Control registers and TLB (SDM vol. 3 §2.5, §4.10.4). */
static inline uint64_t read_cr0(void)
{
	uint64_t v;
	__asm__ __volatile__("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline uint64_t read_cr2(void)
{
	uint64_t v;
	__asm__ __volatile__("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline uint64_t read_cr3(void)
{
	uint64_t v;
	__asm__ __volatile__("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline void write_cr3(uint64_t v)
{
	__asm__ __volatile__("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline uint64_t read_cr4(void)
{
	uint64_t v;
	__asm__ __volatile__("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline void invlpg(uint64_t va)
{
	__asm__ __volatile__("invlpg (%0)" : : "r"(va) : "memory");
}

#ifndef MSR_EFER
#define MSR_EFER        0xc0000080
#endif
#define EFER_NXE        (1u << 11)

#endif
