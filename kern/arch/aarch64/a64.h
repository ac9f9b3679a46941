/* SPDX-License-Identifier: MIT */
/* Private interfaces between the aarch64 boot, trap, MMU, interrupt and
 * timer files. */
#ifndef A64_INTERNAL_H
#define A64_INTERNAL_H

#include <kern/compiler.h>

struct memmap;

/* The register frame vectors.S saves (offsets fixed there). */
struct a64_frame {
	uint64_t x[31];         /* x0..x30 */
	uint64_t sp;            /* the interrupted stack pointer */
	uint64_t elr, spsr, esr, far;
};
_Static_assert(sizeof(struct a64_frame) == 288, "vectors.S FRAME_SIZE");

/* Exception kinds: group * 4 + type (vectors.S). */
#define A64_SYNC        0
#define A64_IRQ         1
#define A64_FIQ         2
#define A64_SERROR      3

void a64_trap(struct a64_frame *f, unsigned long kind);

/* Build the kernel's page tables: every MEM_USABLE range of ram (all RAM
 * that may be mapped, reservations included) write-back and
 * non-executable, the kernel image by section. They are not live until
 * mmu_activate. */
void mmu_init(const struct memmap *ram);
void mmu_activate(void);

/* The end of the CPU's physical address space (ID_AA64MMFR0_EL1.PARange,
 * at most 48 bits): nothing at or past it can be mapped. */
uint64_t mmu_pa_limit(void);
/* Before mmu_init, on the boot map (which reaches only the low 4 GiB):
 * map the 1 GiB around pa as normal memory until mmu_early_unmap, for a
 * probe of RAM that firmware names there. One window at a time.
 * @return 0, or -EINVAL past the PA limit, after mmu_init, or while a
 * window is open. */
int mmu_early_map(uint64_t pa);
void mmu_early_unmap(void);

/* Does the word at addr (mapped) keep a pattern written to it, and its
 * complement (probe.S)? The old value is put back. @return 0; -EIO an
 * access aborted; -ENODEV a value did not read back. */
int probe_ram32(volatile uint32_t *addr, uint32_t pattern);

/* Drop or cut the memory regions in bi->mem that are not RAM: past the
 * PA limit, over a device of the tree, or failing a write/read-back probe
 * (memcheck.c). Before mmu_init, on the boot map. */
struct fdt_boot_info;
void a64_memory_check(const void *fdt, struct fdt_boot_info *bi);
/* The same for one region (fdt may be NULL: no device check).
 * @return the bytes from base to keep. */
uint64_t a64_memory_check_one(const void *fdt, const struct fdt_boot_info *bi,
			      uint64_t base, uint64_t size);

/* The console UART (drivers/uart/pl011.c). */
void pl011_early_init(uint64_t base);
/* Is there a PL011 at base (its PrimeCell ID read through probe_read32)?
 * base must be mapped. @return 0, -EIO nothing answers, -ENODEV other ID. */
int pl011_probe(uint64_t base);
uint64_t pl011_base(void);

/* PSCI (arch.c): the conduit from the device tree. */
void psci_init(const void *fdt);
/* PSCI_VERSION, or a negative errno without PSCI. */
int psci_version(void);

/* Is the timer interrupt wired up (timer.c)? */
bool a64_timer_ready(void);

/* The interrupt controller (gic.c): IRQ exceptions come here. */
void gic_handle_irq(void);

/* The address of an instruction that may turn out to be undefined (arch.c:
 * an HLT when QEMU lacks -semihosting, an HVC or SMC with nobody behind
 * it): trap.c skips it and returns -1 in x0 instead of a fatal dump. */
extern volatile uintptr_t a64_probe_pc;

extern unsigned a64_entry_el;   /* 2 or 1 */

#endif
