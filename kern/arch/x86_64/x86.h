/* SPDX-License-Identifier: MIT */
/* Private interfaces between the x86_64 boot, trap and MMU files. */
#ifndef X86_INTERNAL_H
#define X86_INTERNAL_H

#include <kern/compiler.h>

struct memmap;

void trap_init(void);
/* Build the kernel's page tables from the normalized map and switch to them. */
/* Also maps [keep_base, keep_base + keep_size) like RAM (0 size: nothing):
 * RAM the map marks reserved because it is in use, as a boot module. */
void mmu_init(const struct memmap *m, uint64_t keep_base, uint64_t keep_size);
/* Has mmu_init built the kernel's tables (so vm_map_mmio works)? */
bool x86_mmu_ready(void);
void uart_early_init(void);
extern uint64_t boot_tsc0;
/* Device interrupt vectors (>= 32) go here, from trap_handler (irq code). */
void x86_irq_dispatch(unsigned vector);

/* The register frame vectors.S pushes (pushed in reverse of this order). */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;  /* pushed by the CPU */
};

#endif
