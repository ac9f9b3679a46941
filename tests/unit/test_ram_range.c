// SPDX-License-Identifier: MIT
/* kern/ram_range.c: the one check for device windows named by firmware or
 * the command line. RAM, in-RAM reservations (which memmap_reserve makes
 * MEM_RESERVED, like E820 device windows) and the kernel image are refused;
 * a reserved range that was never RAM is not; empty and wrapping windows
 * are refused. */
#include <kern/boot.h>
#include <kern/errno.h>
#include <kern/memmap.h>
#include <kern/printk.h>
#include <stdarg.h>
#include "unit.h"
#include "stubs.h"

struct boot_info boot_info;

#define MiB (1ULL << 20)
#define RAM 0x40000000ULL

/* virt with 128 MiB: RAM, the kernel at +2 MiB, a DTB at +64 MiB taken
 * out of RAM, and (as on a PC) a firmware "reserved" window that is a
 * device. */
static void setup(void)
{
	memset(&memmap_boot, 0, sizeof(memmap_boot));
	boot_range_taken_reset();
	boot_info.kernel_start = RAM + 2 * MiB;
	boot_info.kernel_end = RAM + 3 * MiB;
	CHECK_EQ(memmap_add(&memmap_boot, RAM, 128 * MiB, MEM_USABLE), 0);
	CHECK_EQ(memmap_add(&memmap_boot, 0xfec00000, 0x1000, MEM_RESERVED), 0);
	CHECK_EQ(memmap_reserve(&memmap_boot, RAM + 64 * MiB, 0x100000), 0);
	boot_range_taken(RAM + 64 * MiB, 0x100000);
}

UNIT(ram_and_kernel)
{
	setup();
	CHECK(boot_range_is_ram(RAM, 0x1000));
	CHECK(boot_range_is_ram(RAM - 0x10, 0x20));             /* straddles */
	CHECK(boot_range_is_ram(RAM + 2 * MiB + 0x800, 4));     /* kernel */
	CHECK(!boot_range_is_ram(0x08000000, 0x10000));         /* virt's GIC */
	CHECK(!boot_range_is_ram(RAM - 0x1000, 0x1000));        /* just below */
	CHECK(!boot_range_is_ram(RAM + 128 * MiB, 0x1000));     /* just above */
}

UNIT(in_ram_reservation_is_ram)
{
	setup();
	/* The DTB's range is MEM_RESERVED in the map, yet it is RAM. */
	const struct mem_range *r = memmap_lookup(&memmap_boot, RAM + 64 * MiB);
	CHECK(r && r->type == MEM_RESERVED);
	CHECK(boot_range_is_ram(RAM + 64 * MiB, 0x1000));
	CHECK(boot_range_is_ram(RAM + 64 * MiB + 0xfffff, 1));
	/* A firmware-reserved device window is not. */
	CHECK(!boot_range_is_ram(0xfec00000, 0x1000));
}

UNIT(empty_and_wrapping)
{
	setup();
	CHECK(!boot_range_is_ram(RAM, 0));
	/* Wrapping: everything from base up, which includes RAM. */
	CHECK(boot_range_is_ram(0x08000000, UINT64_MAX));
	unit_printk_count = 0;
	CHECK_EQ(boot_device_window("t", 0x08000000, 0), -EINVAL);
	CHECK_EQ(boot_device_window("t", UINT64_MAX - 0xfff, 0x2000), -EINVAL);
	CHECK_EQ(boot_device_window("t", RAM + 64 * MiB, 0x10000), -EINVAL);
	CHECK_EQ(unit_printk_count, 3);
	CHECK_EQ(boot_device_window("t", 0x08000000, 0x10000), 0);
	CHECK_EQ(unit_printk_count, 3);
}

UNIT(taken_overflow_refuses_more)
{
	setup();
	/* More records than fit: the ones that do not fit make everything
	 * from their base up count as RAM (refuse, never admit). */
	for (int i = 0; i < 100; i++)
		boot_range_taken(0x20000000 + (uint64_t)i * 0x10000, 0x1000);
	CHECK(boot_range_is_ram(0x20000000, 0x1000));
	CHECK(boot_range_is_ram(0x20000000 + 99 * 0x10000, 0x1000));
	CHECK(!boot_range_is_ram(0x08000000, 0x10000));
	/* A wrapping record is clamped, not lost. */
	boot_range_taken_reset();
	boot_range_taken(0xfffffffffffff000ULL, 0x2000);
	CHECK(boot_range_is_ram(0xffffffffffffff00ULL, 0x10));
	CHECK(!boot_range_is_ram(0x08000000, 0x10000));
}

UNIT_MAIN()
