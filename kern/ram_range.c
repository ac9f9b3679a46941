// SPDX-License-Identifier: MIT
/* Is a physical range RAM? Drivers ask before mapping a window that a
 * firmware table or the command line names (see include/kern/boot.h). Its
 * own file so that host unit tests of those drivers can link it. */
#include <kern/boot.h>
#include <kern/memmap.h>

bool boot_range_is_ram(uint64_t base, uint64_t len)
{
	uint64_t last = base + len - 1;
	if (boot_info.kernel_end > boot_info.kernel_start &&
	    base < boot_info.kernel_end && last >= boot_info.kernel_start)
		return true;
	for (uint32_t i = 0; i < memmap_boot.count && i < MEMMAP_MAX; i++) {
		const struct mem_range *r = &memmap_boot.r[i];
		if (r->type != MEM_USABLE && r->type != MEM_ACPI && r->type != MEM_NVS)
			continue;
		if (r->size && base <= r->base + r->size - 1 && last >= r->base)
			return true;
	}
	return false;
}
