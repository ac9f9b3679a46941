/* SPDX-License-Identifier: MIT */
/* The boot memory map: what the firmware or boot loader says about physical
 * memory (Multiboot1/2, PVH/E820, device tree), in one fixed-size table.
 *
 * Use: memmap_add() every range as reported (any order, overlaps allowed),
 * then memmap_reserve() what is already in use (page 0, the kernel image,
 * boot modules, the boot info block), then hand the usable ranges to the page
 * allocator (pmm_add_memmap in <kern/pmm.h>). memmap_reserve normalizes the
 * map first; after any call that normalizes, m->r[0 .. m->count) is sorted by
 * base, non-overlapping, and adjacent ranges of the same type are merged, so
 * plain array access is the iterator.
 *
 * Pure logic, no allocation, no locking (boot time, one CPU). */
#ifndef KERN_MEMMAP_H
#define KERN_MEMMAP_H

#include <kern/compiler.h>

/* Range types, numbered as in E820 (ACPI 6.5 §15). */
enum {
	MEM_USABLE = 1,
	MEM_RESERVED = 2,
	MEM_ACPI = 3,      /* ACPI tables, reclaimable once parsed */
	MEM_NVS = 4,       /* ACPI NVS: must be preserved */
	MEM_BAD = 5,       /* defective RAM */
};

struct mem_range {
	uint64_t base, size;
	uint32_t type;
};

#define MEMMAP_MAX 128

struct memmap {
	uint32_t count;
	bool normalized;            /* private: set by memmap_normalize */
	struct mem_range r[MEMMAP_MAX];
};

/* The map the boot code fills; other code (the `mem` command, tests) reads it.
 * It may be empty on a boot path that hands ranges straight to the pmm. */
extern struct memmap memmap_boot;

/* Empty the map. A zero-initialized struct memmap is also empty. */
void memmap_init(struct memmap *m);

/* Append [base, base+size) of the given type. A type outside 1..5 is stored
 * as MEM_RESERVED (ACPI says unknown types are reserved). A range whose end
 * would pass 2^64 - 1 is rejected, not clamped: no physical address space is
 * that large, so it can only come from a corrupt table.
 * @return 0, -EINVAL (size 0 or overflowing end), -ENOSPC (map full). */
int memmap_add(struct memmap *m, uint64_t base, uint64_t size, uint32_t type);

/* Sort, resolve overlaps and merge. Where ranges overlap, the stronger type
 * wins: BAD > NVS > RESERVED > ACPI > USABLE, so usable never wins over
 * anything. @return 0, or -ENOSPC when the result needs more than
 * MEMMAP_MAX ranges (the map is then left unchanged). */
int memmap_normalize(struct memmap *m);

/* Mark the usable memory inside [base, base+size) as MEM_RESERVED (memory
 * that exists but is taken: the kernel image, modules, boot info, page 0).
 * Non-usable ranges inside it keep their type. Normalizes the map.
 * @return 0, -EINVAL (size 0 or overflow), -ENOSPC (map full; unchanged). */
int memmap_reserve(struct memmap *m, uint64_t base, uint64_t size);

/* Bytes of MEM_USABLE memory (counts overlaps twice unless normalized). */
uint64_t memmap_usable_total(const struct memmap *m);

/* The range containing addr, or NULL (the map must be normalized). */
const struct mem_range *memmap_lookup(const struct memmap *m, uint64_t addr);

/* "usable", "reserved", ... for printing. */
const char *memmap_type_name(uint32_t type);

/* Print the map with pr_info, one line per range. */
void memmap_print(const struct memmap *m);

#endif
