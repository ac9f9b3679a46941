// SPDX-License-Identifier: MIT
/* Host tests for the boot memory map (kern/mm/memmap.c). */
#include "unit.h"
#include "stubs.h"
#include <stdarg.h>
#include <kern/memmap.h>
#include <kern/errno.h>
#include <kern/printk.h>

/* memmap.c logs through printk; the kernel's lives elsewhere. */
static struct memmap m;

/* The invariants every normalized map keeps. */
static int well_formed(const struct memmap *mm)
{
	for (uint32_t i = 0; i < mm->count; i++) {
		const struct mem_range *r = &mm->r[i];

		if (r->size == 0 || r->type < MEM_USABLE || r->type > MEM_BAD)
			return 0;
		if (i > 0) {
			const struct mem_range *p = &mm->r[i - 1];

			if (p->base + p->size > r->base)
				return 0;   /* unsorted or overlapping */
			if (p->base + p->size == r->base && p->type == r->type)
				return 0;   /* should have been merged */
		}
	}
	return 1;
}

#define R(i) (m.r[(i)])

UNIT(empty_map)
{
	memmap_init(&m);
	CHECK_EQ(memmap_normalize(&m), 0);
	CHECK_EQ(m.count, 0);
	CHECK_EQ(memmap_usable_total(&m), 0);
	CHECK(memmap_lookup(&m, 0) == NULL);
	CHECK_EQ(memmap_reserve(&m, 0, 4096), 0);
	CHECK_EQ(m.count, 0);
}

UNIT(bad_arguments)
{
	memmap_init(&m);
	CHECK_EQ(memmap_add(&m, 0x1000, 0, MEM_USABLE), -EINVAL);
	/* The end must stay representable: 2^64 itself is rejected. */
	CHECK_EQ(memmap_add(&m, UINT64_MAX - 10, 11, MEM_USABLE), -EINVAL);
	CHECK_EQ(memmap_add(&m, UINT64_MAX, 1, MEM_USABLE), -EINVAL);
	CHECK_EQ(memmap_add(&m, 1, UINT64_MAX, MEM_USABLE), -EINVAL);
	CHECK_EQ(memmap_add(&m, UINT64_MAX - 10, 10, MEM_USABLE), 0);
	CHECK_EQ(memmap_add(&m, 0, UINT64_MAX, MEM_RESERVED), 0);
	CHECK_EQ(m.count, 2);
	CHECK_EQ(memmap_reserve(&m, 5, 0), -EINVAL);
	CHECK_EQ(memmap_reserve(&m, UINT64_MAX - 1, 2), -EINVAL);
	/* The whole space reserved wins over the usable tail. */
	CHECK_EQ(memmap_normalize(&m), 0);
	CHECK_EQ(m.count, 1);
	CHECK_EQ(R(0).base, 0);
	CHECK(R(0).size == UINT64_MAX);
	CHECK_EQ(R(0).type, MEM_RESERVED);
}

UNIT(near_top_of_address_space)
{
	memmap_init(&m);
	CHECK_EQ(memmap_add(&m, UINT64_MAX - 0x2000, 0x2000, MEM_USABLE), 0);
	CHECK_EQ(memmap_add(&m, UINT64_MAX - 0x1000, 0x1000, MEM_RESERVED), 0);
	CHECK_EQ(memmap_normalize(&m), 0);
	CHECK_EQ(m.count, 2);
	CHECK(R(0).base == UINT64_MAX - 0x2000 && R(0).size == 0x1000);
	CHECK(R(1).base == UINT64_MAX - 0x1000 && R(1).size == 0x1000);
	CHECK_EQ(R(1).type, MEM_RESERVED);
	CHECK_EQ(memmap_reserve(&m, UINT64_MAX - 0x1800, 0x1800), 0);
	CHECK_EQ(memmap_usable_total(&m), 0x800);
	CHECK(memmap_lookup(&m, UINT64_MAX - 1) == &R(m.count - 1));
	CHECK(memmap_lookup(&m, UINT64_MAX) == NULL);
	CHECK(well_formed(&m));
}

UNIT(full_map)
{
	memmap_init(&m);
	for (int i = 0; i < MEMMAP_MAX; i++)
		CHECK_EQ(memmap_add(&m, (uint64_t)i * 0x2000, 0x1000,
				    MEM_USABLE), 0);
	CHECK_EQ(memmap_add(&m, 0x10000000, 0x1000, MEM_USABLE), -ENOSPC);
	CHECK_EQ(m.count, MEMMAP_MAX);
	CHECK_EQ(memmap_normalize(&m), 0);
	CHECK_EQ(m.count, MEMMAP_MAX);
	CHECK(well_formed(&m));
	/* A carve that splits one range needs two more slots: refused, and
	 * the map is untouched. */
	CHECK_EQ(memmap_reserve(&m, 0x400, 0x100), -ENOSPC);
	CHECK_EQ(m.count, MEMMAP_MAX);
	CHECK_EQ(memmap_usable_total(&m), MEMMAP_MAX * 0x1000ULL);
	/* Carving a whole range in place needs no slot. */
	CHECK_EQ(memmap_reserve(&m, 0, 0x1000), 0);
	CHECK_EQ(R(0).type, MEM_RESERVED);
	CHECK_EQ(m.count, MEMMAP_MAX);
}

UNIT(normalize_overflowing_result)
{
	/* One usable range with 127 holes becomes 255 ranges: too many. */
	memmap_init(&m);
	CHECK_EQ(memmap_add(&m, 0, 0x1000000, MEM_USABLE), 0);
	for (int i = 0; i < MEMMAP_MAX - 1; i++)
		CHECK_EQ(memmap_add(&m, 0x1000 + (uint64_t)i * 0x2000, 0x1000,
				    MEM_RESERVED), 0);
	CHECK_EQ(memmap_normalize(&m), -ENOSPC);
	CHECK_EQ(m.count, MEMMAP_MAX);
	CHECK_EQ(R(0).size, 0x1000000);   /* unchanged */
}

UNIT(unsorted_and_merged)
{
	memmap_init(&m);
	CHECK_EQ(memmap_add(&m, 0x300000, 0x100000, MEM_USABLE), 0);
	CHECK_EQ(memmap_add(&m, 0x100000, 0x100000, MEM_USABLE), 0);
	CHECK_EQ(memmap_add(&m, 0x200000, 0x100000, MEM_USABLE), 0);
	CHECK_EQ(memmap_add(&m, 0x0, 0x9fc00, MEM_USABLE), 0);
	CHECK_EQ(memmap_add(&m, 0x9fc00, 0x400, MEM_RESERVED), 0);
	CHECK_EQ(memmap_add(&m, 0xf0000, 0x10000, MEM_RESERVED), 0);
	CHECK_EQ(memmap_normalize(&m), 0);
	CHECK_EQ(m.count, 4);
	CHECK(well_formed(&m));
	CHECK(R(0).base == 0 && R(0).size == 0x9fc00 && R(0).type == MEM_USABLE);
	CHECK(R(1).base == 0x9fc00 && R(1).type == MEM_RESERVED);
	/* a hole from 0xa0000 to 0xf0000 stays a hole */
	CHECK(R(2).base == 0xf0000 && R(2).size == 0x10000);
	CHECK(R(3).base == 0x100000 && R(3).size == 0x300000 &&
	      R(3).type == MEM_USABLE);
	CHECK(memmap_lookup(&m, 0xa0000) == NULL);
	CHECK(memmap_lookup(&m, 0x3fffff) == &R(3));
	CHECK_EQ(memmap_usable_total(&m), 0x9fc00 + 0x300000);
}

UNIT(overlaps_non_usable_wins)
{
	memmap_init(&m);
	/* usable overlapping usable merges */
	CHECK_EQ(memmap_add(&m, 0x1000, 0x5000, MEM_USABLE), 0);
	CHECK_EQ(memmap_add(&m, 0x4000, 0x5000, MEM_USABLE), 0);
	/* reserved inside usable punches a hole, whichever comes first */
	CHECK_EQ(memmap_add(&m, 0x3000, 0x1000, MEM_RESERVED), 0);
	/* ACPI straddling the end of usable */
	CHECK_EQ(memmap_add(&m, 0x8000, 0x2000, MEM_ACPI), 0);
	/* reserved over ACPI wins, bad over everything */
	CHECK_EQ(memmap_add(&m, 0x9000, 0x800, MEM_RESERVED), 0);
	CHECK_EQ(memmap_add(&m, 0x1000, 0x1000, MEM_BAD), 0);
	CHECK_EQ(memmap_add(&m, 0x5000, 0x1000, MEM_NVS), 0);
	CHECK_EQ(memmap_add(&m, 0x5800, 0x100, MEM_RESERVED), 0);
	CHECK_EQ(memmap_normalize(&m), 0);
	CHECK(well_formed(&m));

	struct { uint64_t base, size; uint32_t type; } want[] = {
		{ 0x1000, 0x1000, MEM_BAD },
		{ 0x2000, 0x1000, MEM_USABLE },
		{ 0x3000, 0x1000, MEM_RESERVED },
		{ 0x4000, 0x1000, MEM_USABLE },
		{ 0x5000, 0x1000, MEM_NVS },
		{ 0x6000, 0x2000, MEM_USABLE },
		{ 0x8000, 0x1000, MEM_ACPI },
		{ 0x9000, 0x800, MEM_RESERVED },
		{ 0x9800, 0x800, MEM_ACPI },
	};
	CHECK_EQ(m.count, ARRAY_SIZE(want));
	for (unsigned i = 0; i < ARRAY_SIZE(want) && i < m.count; i++) {
		CHECK_EQ(R(i).base, want[i].base);
		CHECK_EQ(R(i).size, want[i].size);
		CHECK_EQ(R(i).type, want[i].type);
	}
}

UNIT(unknown_type_is_reserved)
{
	memmap_init(&m);
	CHECK_EQ(memmap_add(&m, 0, 0x10000, MEM_USABLE), 0);
	CHECK_EQ(memmap_add(&m, 0x4000, 0x1000, 7), 0);
	CHECK_EQ(memmap_add(&m, 0x8000, 0x1000, 0), 0);
	CHECK_EQ(memmap_normalize(&m), 0);
	CHECK_EQ(m.count, 5);
	CHECK_EQ(R(1).type, MEM_RESERVED);
	CHECK_EQ(R(3).type, MEM_RESERVED);
	CHECK_STR(memmap_type_name(R(1).type), "reserved");
	CHECK_STR(memmap_type_name(99), "unknown");
}

UNIT(reserve_carves_usable_only)
{
	memmap_init(&m);
	CHECK_EQ(memmap_add(&m, 0, 0x9f000, MEM_USABLE), 0);
	CHECK_EQ(memmap_add(&m, 0xf0000, 0x10000, MEM_RESERVED), 0);
	CHECK_EQ(memmap_add(&m, 0x100000, 0x7ee0000, MEM_USABLE), 0);
	CHECK_EQ(memmap_add(&m, 0x7fe0000, 0x20000, MEM_ACPI), 0);
	/* page 0 */
	CHECK_EQ(memmap_reserve(&m, 0, 0x1000), 0);
	/* the kernel image at 1 MiB */
	CHECK_EQ(memmap_reserve(&m, 0x100000, 0x234567), 0);
	/* a module straddling usable and ACPI: ACPI keeps its type */
	CHECK_EQ(memmap_reserve(&m, 0x7f00000, 0x100000), 0);
	/* a range over nothing at all changes nothing */
	CHECK_EQ(memmap_reserve(&m, 0x100000000ULL, 0x1000), 0);
	/* reserving next to a reserved range merges with it */
	CHECK_EQ(memmap_reserve(&m, 0x9e000, 0x1000), 0);
	CHECK(well_formed(&m));

	struct { uint64_t base, size; uint32_t type; } want[] = {
		{ 0x0, 0x1000, MEM_RESERVED },
		{ 0x1000, 0x9d000, MEM_USABLE },
		{ 0x9e000, 0x1000, MEM_RESERVED },
		/* the BIOS area and the kernel touch: one range */
		{ 0xf0000, 0x244567, MEM_RESERVED },
		{ 0x334567, 0x7f00000 - 0x334567, MEM_USABLE },
		{ 0x7f00000, 0xe0000, MEM_RESERVED },
		{ 0x7fe0000, 0x20000, MEM_ACPI },
	};
	CHECK_EQ(m.count, ARRAY_SIZE(want));
	for (unsigned i = 0; i < ARRAY_SIZE(want) && i < m.count; i++) {
		CHECK_EQ(R(i).base, want[i].base);
		CHECK_EQ(R(i).size, want[i].size);
		CHECK_EQ(R(i).type, want[i].type);
	}
	/* reserving across a reserved/usable boundary merges both ways */
	CHECK_EQ(memmap_reserve(&m, 0x0, 0x9e000), 0);
	CHECK_EQ(R(0).base, 0);
	CHECK_EQ(R(0).size, 0x9f000);
	CHECK_EQ(R(0).type, MEM_RESERVED);
	memmap_print(&m);
}

/* Random maps over a small address space, checked byte by byte against
 * the rule "strongest type covering an address wins". */
static int rank(uint32_t t)
{
	static const int rk[] = { [MEM_USABLE] = 0, [MEM_ACPI] = 1,
				  [MEM_RESERVED] = 2, [MEM_NVS] = 3,
				  [MEM_BAD] = 4 };
	return rk[t];
}

UNIT(random_against_model)
{
	enum { SPACE = 512 };
	unsigned seed = 12345;

	for (int iter = 0; iter < 3000; iter++) {
		uint32_t model[SPACE] = { 0 };   /* 0: nothing */
		int n = 1 + (int)((seed = seed * 1103515245 + 12345) >> 16) % 40;

		memmap_init(&m);
		for (int i = 0; i < n; i++) {
			uint64_t b, s;
			uint32_t t;

			seed = seed * 1103515245 + 12345;
			b = (seed >> 8) % SPACE;
			seed = seed * 1103515245 + 12345;
			s = 1 + (seed >> 8) % 64;
			if (b + s > SPACE)
				s = SPACE - b;
			seed = seed * 1103515245 + 12345;
			t = (seed >> 8) % 3 ? MEM_USABLE : 2 + (seed >> 12) % 4;
			CHECK_EQ(memmap_add(&m, b, s, t), 0);
			for (uint64_t a = b; a < b + s; a++)
				if (!model[a] || rank(t) > rank(model[a]))
					model[a] = t;
		}
		/* a few carves */
		for (int i = 0; i < 3; i++) {
			uint64_t b, s;

			seed = seed * 1103515245 + 12345;
			b = (seed >> 8) % SPACE;
			s = 1 + (seed >> 20) % 32;
			if (b + s > SPACE)
				s = SPACE - b;
			CHECK_EQ(memmap_reserve(&m, b, s), 0);
			for (uint64_t a = b; a < b + s; a++)
				if (model[a] == MEM_USABLE)
					model[a] = MEM_RESERVED;
		}
		CHECK(well_formed(&m));
		uint64_t usable = 0;
		for (uint64_t a = 0; a < SPACE; a++) {
			const struct mem_range *r = memmap_lookup(&m, a);
			uint32_t got = r ? r->type : 0;

			usable += model[a] == MEM_USABLE;
			if (got != model[a]) {
				CHECK_EQ(got, model[a]);
				printf("#   iter %d addr %llu\n", iter,
				       (unsigned long long)a);
				return;
			}
		}
		CHECK_EQ(memmap_usable_total(&m), usable);
	}
}

UNIT_MAIN()
