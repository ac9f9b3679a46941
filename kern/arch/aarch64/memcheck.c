// SPDX-License-Identifier: MIT
/*
 * RAM from the device tree is used only once it is shown to be RAM. A
 * memory node (DTSpec §3.4) is firmware input like any other, and one that
 * names flash, device registers, an empty bus window or addresses the CPU
 * cannot reach would otherwise get the page allocator's bookkeeping written
 * into it: an external abort, or garbage read back as free lists.
 *
 * Each region, in order:
 *  1. past the CPU's physical address size (ID_AA64MMFR0_EL1.PARange,
 *     ARM ARM D17.2.64): no descriptor can map it (D8.2.5.1); dropped, or
 *     cut at the limit;
 *  2. over a device's window in the same tree (a reg, a PCI host's
 *     ranges): dropped without being touched, since a write there is a
 *     device access (a CFI flash takes it as a command). The region that
 *     holds the kernel or the tree itself is RAM whatever a device node
 *     claims: there the device is the liar, and boot_device_window refuses
 *     it later;
 *  3. probed (kern/mm/ramcheck.c picks the pages, probe_ram32 writes, reads
 *     back and restores a word, an external abort caught by its fix-up):
 *     a region whose first page fails is dropped, one that fails further
 *     on keeps what lies before (firmware that overstates a size).
 *     The kernel, the tree, the initrd and reservations are known RAM and
 *     never written.
 * Each dropped or cut region gets one line saying why. The guess boot.c
 * falls back on without a usable tree is probed the same way.
 *
 * This runs on the boot map (entry.S): 0..1 GiB device memory, 1..4 GiB
 * normal memory; a probe above 4 GiB opens a temporary 1 GiB window there
 * (mmu_early_map). Translation or address size faults cannot happen at a
 * probe (everything probed is mapped and below the PA limit), so the
 * fix-up stays limited to external aborts.
 */
#include <kern/boot.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/ramcheck.h>
#include <drivers/fdt.h>
#include <string.h>
#include "a64.h"

#define LOW_4G          (1ULL << 32)
/* Written, then its complement: neither is a CFI flash command byte in
 * its low byte (0xa5, 0x5a), nor all-ones or zero. */
#define PROBE_PATTERN   0x3cc35aa5u

extern char __image_start[], __image_end[];

struct memcheck {
	const void *fdt;
	const struct fdt_boot_info *bi;
};

static bool in(uint64_t pa, uint64_t base, uint64_t size)
{
	return size && pa >= base && pa - base < size;
}

static bool known_ram(uint64_t pa, void *ctx)
{
	const struct memcheck *mc = ctx;
	const struct fdt_boot_info *bi = mc->bi;
	uint64_t img = (uintptr_t)__image_start & ~(RAMCHECK_PAGE - 1);
	uint64_t dtb = (uintptr_t)mc->fdt & ~(RAMCHECK_PAGE - 1);

	if (in(pa, img, (uintptr_t)__image_end - img) ||
	    (mc->fdt && in(pa, dtb, (uintptr_t)mc->fdt + fdt_totalsize(mc->fdt) - dtb)))
		return true;
	if (bi->initrd_end > bi->initrd_start &&
	    in(pa, bi->initrd_start & ~(RAMCHECK_PAGE - 1),
	       bi->initrd_end - (bi->initrd_start & ~(RAMCHECK_PAGE - 1))))
		return true;
	for (int i = 0; i < bi->nresv; i++)
		if (in(pa, bi->resv[i].base & ~(RAMCHECK_PAGE - 1),
		       bi->resv[i].size + (bi->resv[i].base & (RAMCHECK_PAGE - 1))))
			return true;
	return false;
}

static int probe_page(uint64_t pa, void *ctx)
{
	int rc;

	(void)ctx;
	if (pa >= LOW_4G && mmu_early_map(pa))
		return -EINVAL;
	rc = probe_ram32((volatile uint32_t *)(uintptr_t)pa, PROBE_PATTERN);
	if (pa >= LOW_4G)
		mmu_early_unmap();
	return rc;
}

static bool holds(uint64_t base, uint64_t size, uint64_t lo, uint64_t hi)
{
	return hi > lo && lo >= base && hi - base <= size;
}

static const char *why(int err)
{
	switch (err) {
	case -EIO:    return "an access aborted";
	case -ENODEV: return "a written value did not read back";
	default:      return "cannot be mapped";
	}
}

/* @return the bytes of [base, base + size) to keep (a prefix). */
static uint64_t check_region(const struct memcheck *mc, uint64_t base, uint64_t size)
{
	uint64_t limit = mmu_pa_limit();
	unsigned bits = (unsigned)__builtin_ctzll(limit);
	struct fdt_dev_window w;
	char path[96];

	if (base >= limit) {
		pr_err("boot: memory region 0x%llx+0x%llx is past the CPU's %u-bit physical address space; dropped\n",
		       (unsigned long long)base, (unsigned long long)size, bits);
		return 0;
	}
	if (size > limit - base) {
		pr_err("boot: memory region 0x%llx+0x%llx reaches past the CPU's %u-bit physical address space; cut to 0x%llx+0x%llx\n",
		       (unsigned long long)base, (unsigned long long)size, bits,
		       (unsigned long long)base, (unsigned long long)(limit - base));
		size = limit - base;
	}
	if (mc->fdt && !holds(base, size, (uintptr_t)__image_start, (uintptr_t)__image_end) &&
	    !holds(base, size, (uintptr_t)mc->fdt, (uintptr_t)mc->fdt + fdt_totalsize(mc->fdt)) &&
	    fdt_device_overlap(mc->fdt, base, size, &w) == 1) {
		if (fdt_get_path(mc->fdt, w.node, path, sizeof(path)) < 0)
			strcpy(path, "?");
		pr_err("boot: memory region 0x%llx+0x%llx overlaps %s %s at 0x%llx+0x%llx; dropped\n",
		       (unsigned long long)base, (unsigned long long)size,
		       w.pci_window ? "a PCI window of" : "the device", path,
		       (unsigned long long)w.base, (unsigned long long)w.size);
		return 0;
	}

	struct ramcheck_ops ops = { probe_page, known_ram, (void *)mc };
	struct ramcheck_result res;

	if (!ramcheck_range(base, size, &ops, &res))
		return size;
	if (res.keep)
		pr_err("boot: memory region 0x%llx+0x%llx: no RAM at 0x%llx (%s); kept 0x%llx+0x%llx\n",
		       (unsigned long long)base, (unsigned long long)size,
		       (unsigned long long)res.bad_pa, why(res.bad_err),
		       (unsigned long long)base, (unsigned long long)res.keep);
	else
		pr_err("boot: memory region 0x%llx+0x%llx: no RAM at 0x%llx (%s); dropped\n",
		       (unsigned long long)base, (unsigned long long)size,
		       (unsigned long long)res.bad_pa, why(res.bad_err));
	return res.keep;
}

uint64_t a64_memory_check_one(const void *fdt, const struct fdt_boot_info *bi,
			      uint64_t base, uint64_t size)
{
	struct memcheck mc = { fdt, bi };

	return check_region(&mc, base, size);
}

void a64_memory_check(const void *fdt, struct fdt_boot_info *bi)
{
	struct memcheck mc = { fdt, bi };
	int n = 0;

	for (int i = 0; i < bi->nmem; i++) {
		uint64_t keep = check_region(&mc, bi->mem[i].base, bi->mem[i].size);

		if (keep) {
			bi->mem[n].base = bi->mem[i].base;
			bi->mem[n].size = keep;
			n++;
		}
	}
	bi->nmem = n;
}
