// SPDX-License-Identifier: MIT
/*
 * x86_boot_main: from the entry code's 64-bit jump to kmain. Order matters:
 * the console first (so everything after can report), then the boot info
 * (before anything can overwrite the loader's structures), traps, memory
 * below 4 GiB (reachable through the entry code's identity map), the real
 * page tables, and only then RAM above 4 GiB.
 */
#include <kern/arch.h>
#include <kern/boot.h>
#include <kern/errno.h>
#include <kern/memmap.h>
#include <kern/pmm.h>
#include <kern/printk.h>
#include <kern/panic.h>
#include "bootinfo.h"
#include "x86.h"

extern char __image_start[], __image_end[];
extern uint64_t boot_cycles0;
void kmain(void);
void x86_boot_main(uint32_t magic, uint32_t info);

#define LOW_4G (1ULL << 32)

static struct bootinfo bi;

/* The loader's structures: below 4 GiB, where the entry code's identity map
 * reaches (page 0 included: QEMU's PVH ROM puts the memory map there);
 * address 0 itself means "none". */
static const void *boot_map(uint64_t pa, size_t len)
{
	if (!len || !pa || pa >= LOW_4G || len > LOW_4G - pa)
		return NULL;
	return (const void *)(uintptr_t)pa;
}

/* Is [base, end) inside one usable range of the normalized boot map? */
static bool in_usable_ram(uint64_t base, uint64_t end)
{
	for (uint32_t i = 0; i < memmap_boot.count; i++) {
		const struct mem_range *r = &memmap_boot.r[i];

		if (r->type == MEM_USABLE && base >= r->base && end <= r->base + r->size)
			return true;
	}
	return false;
}

/* The first boot module becomes the initrd: only where it is certainly
 * free RAM (not the kernel, not a device window, not beyond the memory
 * map), so a hostile loader's module entry cannot make us read devices or
 * hand the kernel's own pages out as a file. Reserved from the allocator,
 * mapped like RAM by mmu_init. */
static void keep_initrd(void)
{
	if (bi.nr_mods > 1)
		pr_warn("boot: %u boot modules; only the first is used (as the initrd)\n",
			bi.nr_mods);
	if (!bi.mod_end)
		return;
	if (!in_usable_ram(bi.mod_start, bi.mod_end)) {
		pr_warn("boot: boot module %#llx..%#llx is not inside free RAM; not used\n",
			(unsigned long long)bi.mod_start, (unsigned long long)bi.mod_end);
		return;
	}
	if (memmap_reserve(&memmap_boot, bi.mod_start, bi.mod_end - bi.mod_start) < 0) {
		pr_warn("boot: memory map full; boot module not used\n");
		return;
	}
	boot_range_taken(bi.mod_start, bi.mod_end - bi.mod_start);
	boot_info.initrd_start = bi.mod_start;
	boot_info.initrd_end = bi.mod_end;
}

/* Bad boot input is not a kernel bug: say why and leave with a failure
 * status (isa-debug-exit, else power off, else halt), no panic. */
static __noreturn void boot_refuse(const char *why)
{
	kprintf("boot: cannot continue: %s\n", why);
	arch_exit(1);
}

void x86_boot_main(uint32_t magic, uint32_t info)
{
	boot_cycles0 = boot_tsc0;
	uart_early_init();
	/* Traps first: a fault from here on is reported, not a triple fault. */
	trap_init();
	int rc = bootinfo_parse(magic, info, boot_map, &bi, &memmap_boot);
	boot_info.protocol = bi.protocol;
	boot_info.cmdline = bi.cmdline;
	boot_info.rsdp = bi.rsdp_len ? (uint64_t)(uintptr_t)bi.rsdp : bi.rsdp_pa;
	if (rc == -EINVAL)
		boot_refuse("the boot information is unusable (see above)");
	if (rc == -ENOENT)
		boot_refuse("the boot loader handed over no memory map");
	boot_stamp("entry");

	boot_info.kernel_start = (uintptr_t)__image_start;
	boot_info.kernel_end = (uintptr_t)__image_end;
	/* Page 0 stays unmapped (NULL); the kernel image is in use. */
	if (memmap_reserve(&memmap_boot, 0, 4096) < 0 ||
	    memmap_reserve(&memmap_boot, boot_info.kernel_start,
			   boot_info.kernel_end - boot_info.kernel_start) < 0)
		panic("boot: memory map full; cannot reserve the kernel image");
	if (memmap_normalize(&memmap_boot) < 0 || memmap_usable_total(&memmap_boot) == 0)
		boot_refuse("no usable memory in the boot memory map");
	keep_initrd();
	pmm_add_memmap(&memmap_boot, 0, LOW_4G);
	mmu_init(&memmap_boot, boot_info.initrd_start,
		 boot_info.initrd_end - boot_info.initrd_start);
	pmm_add_memmap(&memmap_boot, LOW_4G, ~0ULL);
	boot_stamp("mm");
	kmain();
}
