// SPDX-License-Identifier: MIT
/*
 * The kernel's page tables (ARM ARM D8, VMSAv8-64 with a 4 KiB granule and
 * 48-bit virtual addresses: four levels, L0..L3). Everything is
 * identity-mapped: RAM write-back cacheable, inner shareable and
 * non-executable; the kernel image with text read-only+executable, rodata
 * read-only, data read-write; page 0 (not RAM on virt anyway) and the guard
 * page under every stack unmapped so that NULL dereferences and stack
 * overflows fault. Device memory is mapped Device-nGnRE on request.
 *
 * All RAM is mapped with 4 KiB pages, never blocks. Unmapping a guard page
 * inside a block would mean replacing a live block with a table, which
 * needs break-before-make (D8.16.1): the block must be invalid for a while,
 * and the code doing that may itself be running on a stack inside it.
 * With pages only, a guard page is one entry going invalid, which needs
 * no such dance. The cost is 2 MiB of tables per GiB of RAM.
 */
#include <kern/vm.h>
#include <kern/memmap.h>
#include <kern/pmm.h>
#include <kern/printk.h>
#include <kern/panic.h>
#include <kern/errno.h>
#include <arch/cpu.h>
#include <string.h>
#include "a64.h"

/* Descriptor bits (D8.3, "Translation table descriptor formats"). */
#define PTE_VALID       (1ULL << 0)
#define PTE_TABLE       (1ULL << 1)     /* L0-L2: table; L3: page (must be set) */
#define PTE_ATTR(i)     ((uint64_t)(i) << 2)
#define PTE_RO          (1ULL << 7)     /* AP[2]: read-only */
#define PTE_SH_INNER    (3ULL << 8)
#define PTE_AF          (1ULL << 10)
#define PTE_PXN         (1ULL << 53)
#define PTE_UXN         (1ULL << 54)
#define PTE_ADDR        0x0000fffffffff000ULL

/* MAIR_EL1 indexes, as boot/aarch64/entry.S programs them. */
#define ATTR_DEVICE     1               /* Device-nGnRE */
#define ATTR_NORMAL     2               /* write-back */

#define PAGE_RAM        (PTE_VALID | PTE_TABLE | PTE_ATTR(ATTR_NORMAL) | \
			 PTE_SH_INNER | PTE_AF | PTE_PXN | PTE_UXN)
#define PAGE_TEXT       ((PAGE_RAM | PTE_RO) & ~PTE_PXN)
#define PAGE_RODATA     (PAGE_RAM | PTE_RO)
#define PAGE_DEVICE     (PTE_VALID | PTE_TABLE | PTE_ATTR(ATTR_DEVICE) | \
			 PTE_AF | PTE_PXN | PTE_UXN)

#define SZ_4K           0x1000ULL
#define VA_LIMIT        (1ULL << 48)
#define EARLY_DEV_END   (1ULL << 30)    /* entry.S maps 0..1 GiB as device */

extern char __image_start[], __text_end[], __rodata_end[], __image_end[];
extern char boot_stack_guard[], exc_stack_guard[];
extern uint64_t early_l0[];

/* The tables being built (root) and the ones the MMU walks (live). */
static uint64_t *root;
static uint64_t *live = early_l0;

static unsigned level_shift(int level)
{
	return 12 + 9 * (3 - level);
}

static uint64_t *table_alloc(void)
{
	uint64_t *t = page_alloc_zeroed(0);
	if (!t)
		pr_err("mmu: out of memory for page tables\n");
	return t;
}

/* The L3 entry for va in root, creating tables on the way when create is
 * set. NULL when absent (or out of memory), or when a block maps va: the
 * tables built here have none. */
static uint64_t *walk(uint64_t va, bool create)
{
	uint64_t *t = root;
	for (int level = 0; level < 3; level++) {
		uint64_t *e = &t[(va >> level_shift(level)) & 511];
		if (!(*e & PTE_VALID)) {
			if (!create)
				return NULL;
			uint64_t *n = table_alloc();
			if (!n)
				return NULL;
			/* The zeroed table must be visible to the walker
			 * before the entry that points to it (D8.2.6). */
			__asm__ __volatile__("dsb ishst" ::: "memory");
			*e = (uint64_t)(uintptr_t)n | PTE_VALID | PTE_TABLE;
		} else if (!(*e & PTE_TABLE)) {
			return NULL;
		}
		t = (uint64_t *)(uintptr_t)(*e & PTE_ADDR);
	}
	return &t[(va >> 12) & 511];
}

/* Make new entries visible to the table walker. Invalid-to-valid changes
 * need no TLB maintenance: translation faults are not cached (D8.14.1). */
static void tables_sync(void)
{
	__asm__ __volatile__("dsb ishst\n\tisb" ::: "memory");
}

static void tlb_flush_page(uint64_t va)
{
	__asm__ __volatile__("dsb ishst\n\t"
			     "tlbi vaae1is, %0\n\t"
			     "dsb ish\n\t"
			     "isb" : : "r"(va >> 12) : "memory");
}

/* Map [pa, pa+size) at the same address with page descriptor flags
 * (existing entries are overwritten). @return 0 or -ENOMEM. */
static int map_range(uint64_t pa, uint64_t size, uint64_t flags)
{
	uint64_t end = ALIGN_UP(pa + size, SZ_4K);

	pa = ALIGN_DOWN(pa, SZ_4K);
	while (pa < end) {
		uint64_t *e = walk(pa, true);
		if (!e)
			return -ENOMEM;
		/* Fill the rest of this L3 table in one go. */
		unsigned idx = (pa >> 12) & 511;
		for (; idx < 512 && pa < end; idx++, e++, pa += SZ_4K)
			*e = pa | flags;
	}
	return 0;
}

static void unmap_page(uint64_t va)
{
	uint64_t *e = walk(va, false);
	if (e) {
		*e = 0;
		tlb_flush_page(va);
	}
}

/* The end of the CPU's physical address space: ID_AA64MMFR0_EL1.PARange
 * (ARM ARM D17.2.64), capped at 48 bits as entry.S caps TCR_EL1.IPS. A
 * descriptor whose output address lies beyond IPS makes every access an
 * address size fault (D8.2.5.1), which no probe can catch: such a window
 * is not mappable at all. */
uint64_t mmu_pa_limit(void)
{
	static const uint8_t bits[] = { 32, 36, 40, 42, 44, 48 };
	unsigned r = (unsigned)(read_sysreg(id_aa64mmfr0_el1) & 0xf);

	return 1ULL << bits[r < 5 ? r : 5];
}

/* A 1 GiB block of normal memory (D8.3.1: bits[1:0] = 01), for the
 * probe window below. */
#define BLOCK_RAM       (PTE_VALID | PTE_ATTR(ATTR_NORMAL) | PTE_SH_INNER | \
			 PTE_AF | PTE_PXN | PTE_UXN)
#define SZ_1G           (1ULL << 30)

/* The probe window: an L1 table for an L0 slot the boot map leaves empty,
 * and the entries mmu_early_map set (NULL when none). */
static uint64_t probe_l1[512] __aligned(4096);
static uint64_t *probe_l0e, *probe_l1e;

int mmu_early_map(uint64_t pa)
{
	uint64_t *l0e = &early_l0[(pa >> 39) & 511], *l1;

	if (root || probe_l1e || pa >= mmu_pa_limit())
		return -EINVAL;
	if (*l0e & PTE_VALID) {
		l1 = (uint64_t *)(uintptr_t)(*l0e & PTE_ADDR);
	} else {
		memset(probe_l1, 0, sizeof(probe_l1));
		__asm__ __volatile__("dsb ishst" ::: "memory");
		*l0e = (uint64_t)(uintptr_t)probe_l1 | PTE_VALID | PTE_TABLE;
		probe_l0e = l0e;
		l1 = probe_l1;
	}
	probe_l1e = &l1[(pa >> 30) & 511];
	if (*probe_l1e & PTE_VALID) {
		/* The boot map's own (the low 4 GiB): leave it alone. */
		probe_l1e = NULL;
		return 0;
	}
	*probe_l1e = ALIGN_DOWN(pa, SZ_1G) | BLOCK_RAM;
	tables_sync();
	return 0;
}

void mmu_early_unmap(void)
{
	if (probe_l1e)
		*probe_l1e = 0;
	if (probe_l0e)
		*probe_l0e = 0;
	probe_l1e = probe_l0e = NULL;
	/* Valid to invalid: the old translation may be in the TLB. */
	__asm__ __volatile__("dsb ishst\n\t"
			     "tlbi vmalle1\n\t"
			     "dsb nsh\n\t"
			     "isb" ::: "memory");
}

void mmu_init(const struct memmap *ram)
{
	root = table_alloc();
	if (!root)
		panic("mmu: no memory for the top-level page table");

	for (uint32_t i = 0; i < ram->count; i++) {
		const struct mem_range *r = &ram->r[i];
		if (r->type != MEM_USABLE)
			continue;
		if (r->base >= mmu_pa_limit() || r->size > mmu_pa_limit() - r->base) {
			pr_warn("mmu: RAM at %#llx past the CPU's %d-bit physical address space, not mapped\n",
				(unsigned long long)r->base, __builtin_ctzll(mmu_pa_limit()));
			continue;
		}
		if (map_range(r->base, r->size, PAGE_RAM))
			panic("mmu: out of memory mapping RAM");
	}
	/* The kernel image: text RX, rodata R, data and bss RW. */
	uint64_t text = (uintptr_t)__image_start, rodata = (uintptr_t)__text_end;
	uint64_t data = (uintptr_t)__rodata_end, end = (uintptr_t)__image_end;
	if (map_range(text, rodata - text, PAGE_TEXT) ||
	    map_range(rodata, data - rodata, PAGE_RODATA) ||
	    map_range(data, end - data, PAGE_RAM))
		panic("mmu: out of memory mapping the kernel");
	uint64_t *e = walk((uintptr_t)boot_stack_guard, false);
	if (e)
		*e = 0;
	e = walk((uintptr_t)exc_stack_guard, false);
	if (e)
		*e = 0;
}

void mmu_activate(void)
{
	uint64_t sctlr, off;

	/* Going from the boot map's 1 GiB blocks to pages would leave TLB
	 * entries of two sizes for one address (a TLB conflict, D8.16.1).
	 * So: MMU off, new TTBR0, invalidate the TLB, MMU on. The map is
	 * the identity, so the instruction stream does not notice, and
	 * nothing here touches memory while data accesses are uncached.
	 * Interrupts are masked during boot. */
	__asm__ __volatile__("dsb ish" ::: "memory");
	__asm__ __volatile__(
		"mrs %0, sctlr_el1\n\t"
		"bic %1, %0, #1\n\t"
		"msr sctlr_el1, %1\n\t"
		"isb\n\t"
		"msr ttbr0_el1, %2\n\t"
		"isb\n\t"
		"tlbi vmalle1\n\t"
		"dsb nsh\n\t"
		"isb\n\t"
		"msr sctlr_el1, %0\n\t"
		"isb"
		: "=&r"(sctlr), "=&r"(off) : "r"(root) : "memory");
	live = root;
}

void *vm_map_mmio(uint64_t pa, uint64_t size)
{
	uint64_t limit = mmu_pa_limit();

	if (!size || pa >= limit || size > limit - pa)
		return NULL;
	if (!root)
		/* Before mmu_init: the boot map's device gigabyte. */
		return pa + size <= EARLY_DEV_END ? (void *)(uintptr_t)pa : NULL;
	uint64_t start = ALIGN_DOWN(pa, SZ_4K), end = ALIGN_UP(pa + size, SZ_4K);
	for (uint64_t va = start; va < end; va += SZ_4K) {
		uint64_t *e = walk(va, true);
		if (!e)
			return NULL;
		if (!(*e & PTE_VALID))
			*e = va | PAGE_DEVICE;
	}
	tables_sync();
	return (void *)(uintptr_t)pa;
}

bool vm_is_mapped(uint64_t va, uint64_t size)
{
	uint64_t end = va + (size ? size : 1);
	if (end < va || end > VA_LIMIT)
		return false;
	for (va = ALIGN_DOWN(va, SZ_4K); va < end; va += SZ_4K) {
		const uint64_t *t = live;
		for (int level = 0;; level++) {
			uint64_t e = t[(va >> level_shift(level)) & 511];
			if (!(e & PTE_VALID))
				return false;
			if (level == 3 || !(e & PTE_TABLE))
				break;          /* a page, or a block */
			t = (const uint64_t *)(uintptr_t)(e & PTE_ADDR);
		}
	}
	return true;
}

int arch_vm_set_guard(uint64_t va, bool guard)
{
	if (!root)
		return -12;
	if (guard) {
		unmap_page(va);
		return 0;
	}
	uint64_t *e = walk(va, false);
	if (!e)
		return -12;
	*e = va | PAGE_RAM;
	tables_sync();
	return 0;
}
