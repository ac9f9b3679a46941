// SPDX-License-Identifier: MIT
/*
 * The kernel's page tables (Intel SDM vol. 3 §4.5, 4-level paging).
 * Everything is identity-mapped: RAM write-back and non-executable in 2 MiB
 * pages where alignment allows, the kernel image in 4 KiB pages with text
 * read-only+executable, rodata read-only, data read-write; page 0 and the
 * guard page under every stack stay unmapped so that NULL dereferences and
 * stack overflows fault. Device memory is mapped uncached on request.
 */
#include <kern/vm.h>
#include <kern/memmap.h>
#include <kern/pmm.h>
#include <kern/printk.h>
#include <kern/panic.h>
#include <arch/cpu.h>
#include <string.h>
#include "x86.h"

#define PTE_P     (1ULL << 0)
#define PTE_W     (1ULL << 1)
#define PTE_PWT   (1ULL << 3)
#define PTE_PCD   (1ULL << 4)
#define PTE_PS    (1ULL << 7)
#define PTE_G     (1ULL << 8)
#define PTE_NX    (1ULL << 63)
#define PTE_ADDR  0x000ffffffffff000ULL

#define SZ_4K     0x1000ULL
#define SZ_2M     0x200000ULL

extern char __image_start[], __text_end[], __rodata_end[], __image_end[];
extern char boot_stack_guard[];

static uint64_t *pml4;
static uint64_t nx_bit;         /* PTE_NX when EFER.NXE is on, else 0 */

static uint64_t *table_alloc(void)
{
	uint64_t *t = page_alloc_zeroed(0);
	if (!t)
		pr_err("mmu: out of memory for page tables\n");
	return t;
}

/* The entry for va at the given level (3 = PML4 .. 0 = PT), creating
 * tables on the way; a 2 MiB page met at level 1 is split when the caller
 * wants a 4 KiB entry. NULL when out of memory. */
static uint64_t *walk(uint64_t va, int want_level)
{
	uint64_t *t = pml4;
	for (int level = 3; level > want_level; level--) {
		uint64_t *e = &t[(va >> (12 + 9 * level)) & 511];
		if (!(*e & PTE_P)) {
			uint64_t *n = table_alloc();
			if (!n)
				return NULL;
			*e = (uint64_t)(uintptr_t)n | PTE_P | PTE_W;
		} else if (*e & PTE_PS) {
			/* Split a large page into 512 smaller ones. */
			uint64_t *n = table_alloc();
			if (!n)
				return NULL;
			uint64_t flags = *e & ~PTE_ADDR & ~PTE_PS;
			uint64_t base = *e & PTE_ADDR;
			uint64_t step = level == 1 ? SZ_4K : SZ_2M;
			for (int i = 0; i < 512; i++)
				n[i] = (base + i * step) | flags | (level == 2 ? PTE_PS : 0);
			*e = (uint64_t)(uintptr_t)n | PTE_P | PTE_W;
		}
		t = (uint64_t *)(uintptr_t)(*e & PTE_ADDR);
	}
	return &t[(va >> (12 + 9 * want_level)) & 511];
}

static void flush_all(void)
{
	write_cr3(read_cr3());
}

/* Map [pa, pa+size) at the same address with flags, large pages where the
 * range allows. @return 0 or -ENOMEM. */
static int map_range(uint64_t pa, uint64_t size, uint64_t flags)
{
	uint64_t end = pa + size;
	pa = ALIGN_DOWN(pa, SZ_4K);
	while (pa < end) {
		uint64_t *e;
		if ((pa & (SZ_2M - 1)) == 0 && end - pa >= SZ_2M) {
			e = walk(pa, 1);
			if (!e)
				return -12;
			if ((*e & PTE_P) && !(*e & PTE_PS)) {
				/* A 4K table is already here: keep its finer
				 * mappings, fill in the rest one by one. */
				uint64_t *pt = (uint64_t *)(uintptr_t)(*e & PTE_ADDR);
				for (int i = 0; i < 512; i++)
					if (!(pt[i] & PTE_P))
						pt[i] = (pa + i * SZ_4K) | flags;
			} else {
				*e = pa | flags | PTE_PS;
			}
			pa += SZ_2M;
		} else {
			e = walk(pa, 0);
			if (!e)
				return -12;
			*e = pa | flags;
			pa += SZ_4K;
		}
	}
	return 0;
}

static void unmap_page(uint64_t va)
{
	uint64_t *e = walk(va, 0);
	if (e)
		*e = 0;
	invlpg(va);
}

void mmu_init(const struct memmap *m, uint64_t keep_base, uint64_t keep_size)
{
	if (rdmsr(MSR_EFER) & EFER_NXE)
		nx_bit = PTE_NX;
	pml4 = table_alloc();
	if (!pml4)
		panic("mmu: no memory for the top-level page table");

	/* RAM and firmware tables: write-back, no execute. */
	for (uint32_t i = 0; i < m->count; i++) {
		const struct mem_range *r = &m->r[i];
		if (r->type == MEM_USABLE || r->type == MEM_ACPI || r->type == MEM_NVS)
			if (map_range(r->base, r->size, PTE_P | PTE_W | nx_bit))
				panic("mmu: out of memory mapping RAM");
	}
	if (keep_size && map_range(keep_base, keep_size, PTE_P | PTE_W | nx_bit))
		panic("mmu: out of memory mapping the boot module");
	/* The kernel image: text RX, rodata R, data and bss RW. */
	uint64_t text = (uintptr_t)__image_start, rodata = (uintptr_t)__text_end;
	uint64_t data = (uintptr_t)__rodata_end, end = ALIGN_UP((uintptr_t)__image_end, SZ_4K);
	for (uint64_t va = text; va < end; va += SZ_4K) {
		uint64_t flags = PTE_P;
		if (va >= data)
			flags |= PTE_W | nx_bit;
		else if (va >= rodata)
			flags |= nx_bit;
		uint64_t *e = walk(va, 0);
		if (!e)
			panic("mmu: out of memory mapping the kernel");
		*e = va | flags;
	}
	unmap_page((uintptr_t)boot_stack_guard);
	unmap_page(0);
	write_cr3((uint64_t)(uintptr_t)pml4);
}

/* The end of the CPU's physical address space: MAXPHYADDR from CPUID
 * 0x80000008 EAX[7:0], 36 bits when the leaf is absent (Intel SDM vol. 3A
 * §4.1.4). Address bits past it in a page-table entry are reserved, so an
 * access through one faults (SDM §4.7), and the identity map also needs
 * the address to be a canonical virtual one: such a window is not
 * mappable at all. */
static uint64_t pa_limit(void)
{
	unsigned bits = 36;

	if (cpuid(0x80000000).eax >= 0x80000008) {
		unsigned b = cpuid(0x80000008).eax & 0xff;

		if (b >= 32 && b <= 52)
			bits = b;
	}
	/* 4-level paging: identity-mapped addresses must stay canonical. */
	return 1ULL << (bits < 47 ? bits : 47);
}

void *vm_map_mmio(uint64_t pa, uint64_t size)
{
	uint64_t limit = pa_limit();

	if (!size || pa >= limit || size > limit - pa)
		return NULL;
	uint64_t start = ALIGN_DOWN(pa, SZ_4K), end = ALIGN_UP(pa + size, SZ_4K);
	for (uint64_t va = start; va < end; va += SZ_4K) {
		if (vm_is_mapped(va, 1))
			continue;
		if (map_range(va, SZ_4K, PTE_P | PTE_W | PTE_PCD | PTE_PWT | nx_bit))
			return NULL;
	}
	flush_all();
	return (void *)(uintptr_t)pa;
}

bool x86_mmu_ready(void)
{
	return pml4 != NULL;
}

/* Walks the tables in CR3, not pml4: the backtrace and fault handlers call
 * this from the first instruction on, when the entry code's identity map
 * is live and pml4 is still NULL. */
bool vm_is_mapped(uint64_t va, uint64_t size)
{
	uint64_t end = va + (size ? size : 1);
	if (end < va)
		return false;
	/* 4-level paging: bits 63:47 must all equal bit 47 (SDM vol. 1
	 * §3.3.7.1); the walk below only looks at bits 47:12. */
	if ((uint64_t)((int64_t)(va << 16) >> 16) != va ||
	    (uint64_t)((int64_t)((end - 1) << 16) >> 16) != end - 1)
		return false;
	for (va = ALIGN_DOWN(va, SZ_4K); va < end; va += SZ_4K) {
		uint64_t *t = (uint64_t *)(uintptr_t)(read_cr3() & PTE_ADDR);
		for (int level = 3;; level--) {
			uint64_t e = t[(va >> (12 + 9 * level)) & 511];
			if (!(e & PTE_P))
				return false;
			if (level == 0 || (e & PTE_PS))
				break;
			t = (uint64_t *)(uintptr_t)(e & PTE_ADDR);
		}
	}
	return true;
}

int arch_vm_set_guard(uint64_t va, bool guard)
{
	uint64_t *e = walk(va, 0);
	if (!e)
		return -12;
	*e = guard ? 0 : (va | PTE_P | PTE_W | nx_bit);
	invlpg(va);
	return 0;
}
