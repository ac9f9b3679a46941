// SPDX-License-Identifier: MIT
/* Is a physical range RAM? Drivers ask before mapping a window that a
 * firmware table or the command line names (see include/kern/boot.h). Its
 * own file so that host unit tests of those drivers can link it.
 *
 * RAM is what the boot memory map calls usable, ACPI or NVS, plus the kernel
 * image, plus every range the boot code took out of RAM for itself or for
 * firmware (the device tree, an initrd, /memreserve/ and /reserved-memory
 * regions): memmap_reserve turns those into MEM_RESERVED, the same type E820
 * gives real device windows, so the map alone cannot tell them apart. */
#include <kern/boot.h>
#include <kern/errno.h>
#include <kern/memmap.h>
#include <kern/printk.h>

/* DT reservations (FDT_BOOT_MAX_RESV), the blob, an initrd, the kernel. */
#define TAKEN_MAX 40

static struct {
	uint64_t base, last;
} taken[TAKEN_MAX];
static unsigned ntaken;
/* A range we could not record: then every range above the lowest such base
 * counts as RAM, so a lost record can only refuse, never admit. */
static uint64_t taken_floor = UINT64_MAX;

static bool overlaps(uint64_t base, uint64_t last, uint64_t b, uint64_t l)
{
	return base <= l && last >= b;
}

void boot_range_taken(uint64_t base, uint64_t len)
{
	if (!len)
		return;
	uint64_t last = base + len - 1 < base ? UINT64_MAX : base + len - 1;

	if (ntaken >= TAKEN_MAX) {
		if (base < taken_floor)
			taken_floor = base;
		return;
	}
	taken[ntaken].base = base;
	taken[ntaken].last = last;
	ntaken++;
}

void boot_range_taken_reset(void)
{
	ntaken = 0;
	taken_floor = UINT64_MAX;
}

bool boot_range_is_ram(uint64_t base, uint64_t len)
{
	uint64_t last = base + len - 1;

	if (len == 0)
		return false;
	if (last < base)
		last = UINT64_MAX;      /* wraps: everything from base up */
	if (boot_info.kernel_end > boot_info.kernel_start &&
	    overlaps(base, last, boot_info.kernel_start, boot_info.kernel_end - 1))
		return true;
	if (last >= taken_floor)
		return true;
	for (unsigned i = 0; i < ntaken; i++)
		if (overlaps(base, last, taken[i].base, taken[i].last))
			return true;
	for (uint32_t i = 0; i < memmap_boot.count && i < MEMMAP_MAX; i++) {
		const struct mem_range *r = &memmap_boot.r[i];
		if (r->type != MEM_USABLE && r->type != MEM_ACPI && r->type != MEM_NVS)
			continue;
		if (r->size && overlaps(base, last, r->base, r->base + r->size - 1))
			return true;
	}
	return false;
}

int boot_device_window(const char *what, uint64_t base, uint64_t len)
{
	if (len == 0 || base + len - 1 < base) {
		pr_err("%s: window %#llx+%#llx is empty or wraps; not used\n", what,
		       (unsigned long long)base, (unsigned long long)len);
		return -EINVAL;
	}
	if (boot_range_is_ram(base, len)) {
		pr_err("%s: window %#llx+%#llx overlaps RAM, a reservation or the kernel; not used\n",
		       what, (unsigned long long)base, (unsigned long long)len);
		return -EINVAL;
	}
	return 0;
}
