// SPDX-License-Identifier: MIT
/*
 * x86_boot_main: from the entry code's 64-bit jump to kmain. Order matters:
 * the console first (so everything after can report), then the boot info
 * (before anything can overwrite the loader's structures), traps, memory
 * below 4 GiB (reachable through the entry code's identity map), the real
 * page tables, and only then RAM above 4 GiB.
 */
#include <kern/boot.h>
#include <kern/memmap.h>
#include <kern/pmm.h>
#include <kern/printk.h>
#include <kern/panic.h>
#include "x86.h"

extern char __image_start[], __image_end[];
extern uint64_t boot_cycles0;
void kmain(void);
void x86_boot_main(uint32_t magic, uint32_t info);

#define LOW_4G (1ULL << 32)

void x86_boot_main(uint32_t magic, uint32_t info)
{
	boot_cycles0 = boot_tsc0;
	uart_early_init();
	x86_parse_boot(magic, info);
	trap_init();
	boot_stamp("entry");

	boot_info.kernel_start = (uintptr_t)__image_start;
	boot_info.kernel_end = (uintptr_t)__image_end;
	/* Page 0 stays unmapped (NULL); the kernel image is in use. */
	if (memmap_reserve(&memmap_boot, 0, 4096) < 0 ||
	    memmap_reserve(&memmap_boot, boot_info.kernel_start,
			   boot_info.kernel_end - boot_info.kernel_start) < 0)
		panic("boot: memory map full; cannot reserve the kernel image");
	if (memmap_normalize(&memmap_boot) < 0 || memmap_usable_total(&memmap_boot) == 0)
		panic("boot: no usable memory in the boot memory map");
	pmm_add_memmap(&memmap_boot, 0, LOW_4G);
	mmu_init(&memmap_boot);
	pmm_add_memmap(&memmap_boot, LOW_4G, ~0ULL);
	boot_stamp("mm");
	kmain();
}
