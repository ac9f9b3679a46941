// SPDX-License-Identifier: MIT
/* In-guest tests of the boot path and the kernel's address space, and the
 * deliberate faults (crash_*) whose dumps tests/cases/boot.cases checks. */
#include <kern/test.h>
#include <kern/boot.h>
#include <kern/memmap.h>
#include <kern/vm.h>
#include <string.h>

extern char __image_start[], __text_end[], __rodata_end[], __image_end[];

TEST(boot_info)
{
	T_CHECK(boot_info.protocol && strcmp(boot_info.protocol, "unknown") != 0);
	T_CHECK(boot_info.cmdline != NULL);
	T_CHECK(strstr(boot_info.cmdline, "test=") != NULL);
	T_CHECK(memmap_usable_total(&memmap_boot) >= 4u << 20);
	test_diag("protocol %s, %llu KiB usable", boot_info.protocol,
		  (unsigned long long)(memmap_usable_total(&memmap_boot) >> 10));
}

TEST(boot_address_space)
{
	/* Page 0 unmapped (NULL faults), kernel mapped, RAM mapped. */
	T_CHECK(!vm_is_mapped(0, 1));
	T_CHECK(vm_is_mapped((uintptr_t)__image_start, (uintptr_t)(__rodata_end - __image_start)));
	extern char boot_stack_guard[];
	T_CHECK(!vm_is_mapped((uintptr_t)boot_stack_guard, 4096));
	/* All usable RAM is mapped but for the guard page of each live
	 * thread stack (the boot stack's is in the image). */
	unsigned long unmapped = 0;
	for (uint32_t i = 0; i < memmap_boot.count; i++) {
		const struct mem_range *r = &memmap_boot.r[i];

		if (r->type != MEM_USABLE)
			continue;
		for (uint64_t va = r->base; va < r->base + r->size; va += 4096)
			if (!vm_is_mapped(va, 1))
				unmapped++;
	}
	T_EQ(unmapped, vm_stack_guards());
}

TEST(boot_mmio_map)
{
	/* The IOAPIC's page on every x86 machine QEMU has (microvm too). */
	void *p = vm_map_mmio(0xfec00000, 4096);
	T_CHECK(p == (void *)0xfec00000);
	T_CHECK(vm_is_mapped(0xfec00000, 4096));
	T_CHECK(vm_map_mmio(0xfec00000, 4096) == p);  /* idempotent */
}

TEST(boot_stack_guard)
{
	void *top = vm_stack_alloc(16384);
	T_CHECK(top != NULL);
	if (!top)
		return;
	T_CHECK(vm_is_mapped((uintptr_t)top - 16384, 16384));
	T_CHECK(!vm_is_mapped((uintptr_t)top - 16384 - 4096, 1));
	memset((char *)top - 16384, 0x5a, 16384);
	vm_stack_free(top, 16384);
}

/* Deliberate faults: each must print a dump and leave with a failure. */
static volatile int zero;

TEST(crash_page_fault)
{
	static volatile uintptr_t addr = 0x10;   /* opaque to the compiler */
	*(volatile int *)addr = 1;
}

TEST(crash_divide_error)
{
	volatile int x = 42 / zero;
	(void)x;
}

TEST(crash_exec_data)
{
	/* A return instruction in a writable data page: NX must stop it. */
	static uint8_t code[16] = { 0xc3 };
	void (*fn)(void) = (void (*)(void))(uintptr_t)code;
	fn();
}
