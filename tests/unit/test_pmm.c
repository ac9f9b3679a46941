// SPDX-License-Identifier: MIT
/* Host tests for the buddy page allocator (kern/mm/pmm.c). The "physical
 * memory" is an arena from the host; its addresses stand in for physical
 * addresses (the kernel identity-maps RAM, so pmm hands out p == pa).
 *
 * Parts of an arena not yet given to pmm are poisoned for ASan, so any
 * access by the allocator to memory it has not been given fails the test. */
#include "unit.h"
#include "stubs.h"
#include <setjmp.h>
#include <stdarg.h>
#include <time.h>
#include <sys/mman.h>
#include <unistd.h>
#include <sanitizer/asan_interface.h>
#include <kern/pmm.h>
#include <kern/memmap.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/panic.h>

#define MiB (1024ULL * 1024)
#define GiB (1024 * MiB)

static char *arena;
static size_t arena_size;

/* A fresh allocator state and a fresh, fully poisoned arena of size bytes
 * aligned to align. */
static void setup(size_t size, size_t align)
{
	pmm_reset();
	if (arena) {
		ASAN_UNPOISON_MEMORY_REGION(arena, arena_size);
		free(arena);
	}
	arena = aligned_alloc(align, size);
	if (!arena)
		abort();
	arena_size = size;
	ASAN_POISON_MEMORY_REGION(arena, size);
}

static int add(uint64_t off, uint64_t size)
{
	ASAN_UNPOISON_MEMORY_REGION(arena + off, size);
	return pmm_add_range((uint64_t)(uintptr_t)(arena + off), size);
}

static bool in_arena(const void *p, uint64_t size)
{
	const char *c = p;

	return c >= arena && c + size <= arena + arena_size;
}

static struct pmm_stats st(void)
{
	struct pmm_stats s;

	pmm_stats(&s);
	return s;
}

UNIT(empty)
{
	setup(MiB, 4096);
	CHECK(page_alloc(0) == NULL);
	CHECK_EQ(st().total_pages, 0);
	CHECK_EQ(st().largest_free_order, -1u);
	CHECK_EQ(pmm_check(), 0);
	page_free(NULL, 0);
	CHECK_EQ(st().bad_frees, 0);
}

UNIT(add_one_range)
{
	struct pmm_stats s;

	setup(16 * MiB, 16 * MiB);
	CHECK_EQ(add(0, 16 * MiB), 0);
	s = st();
	CHECK_EQ(s.regions, 1);
	CHECK_EQ(s.total_pages + s.meta_pages, 4096);
	CHECK_EQ(s.meta_pages, 1);    /* 4096 pages * 4 bits = 2 KiB */
	CHECK_EQ(s.free_pages, s.total_pages);
	CHECK_EQ(pmm_check(), 0);
	/* The metadata page is the first one and never handed out. */
	for (void *p; (p = page_alloc(0));)
		CHECK(p != arena);
}

UNIT(bad_ranges)
{
	setup(4 * MiB, 4096);
	CHECK_EQ(pmm_add_range(0x1000, 0), -EINVAL);
	CHECK_EQ(pmm_add_range(UINT64_MAX - 0xfff, 0x1000), -EINVAL);
	/* Less than one page once rounded: nothing to manage. */
	CHECK_EQ(add(0x10, 0x1000), 0);
	/* One page: all of it would be metadata. Ignored. */
	CHECK_EQ(add(0x1000, 0x1000), 0);
	CHECK_EQ(st().regions, 0);
	/* Two pages, unaligned ends: one metadata page, one usable. */
	CHECK_EQ(add(0x2000 - 0x123, 0x3000 + 0x123 + 0x77), 0);
	CHECK_EQ(st().regions, 1);
	CHECK_EQ(st().total_pages, 2);
	CHECK_EQ(st().meta_pages, 1);
	/* Overlaps are refused, even partial ones. */
	CHECK_EQ(add(0x4000, 0x2000), -EEXIST);
	CHECK_EQ(add(0, 0x3000), -EEXIST);
	CHECK_EQ(pmm_check(), 0);
	void *a = page_alloc(0), *b = page_alloc(0), *c = page_alloc(0);
	CHECK(a && b && !c);
	CHECK(in_arena(a, 4096) && in_arena(b, 4096));
	CHECK((char *)a >= arena + 0x3000 && (char *)b >= arena + 0x3000);
	CHECK(page_alloc(1) == NULL);   /* 0x3000-0x5000 is not 8K-aligned */
	page_free(a, 0);
	page_free(b, 0);
	CHECK_EQ(st().free_pages, 2);
	CHECK_EQ(pmm_check(), 0);
}

UNIT(exhaust_and_refill)
{
	struct pmm_stats before, after;
	enum { N = 8192 };
	static void *pages[N];
	int n = 0;
	unsigned seed = 7;

	setup(32 * MiB, 4 * MiB);
	/* An odd-sized range at an odd offset, so the initial blocks are a
	 * mix of orders. */
	CHECK_EQ(add(3 * 4096, 32 * MiB - 10 * 4096), 0);
	before = st();
	while (n < N && (pages[n] = page_alloc(0)))
		n++;
	CHECK_EQ(n, before.total_pages);
	CHECK_EQ(st().free_pages, 0);
	CHECK_EQ(st().largest_free_order, -1u);
	CHECK_EQ(pmm_check(), 0);
	/* Distinct, in the arena, page aligned. */
	for (int i = 0; i < n; i++) {
		CHECK(in_arena(pages[i], 4096));
		CHECK(((uintptr_t)pages[i] & 4095) == 0);
		memset(pages[i], 0xa5, 4096);   /* every page is writable */
	}
	/* Free in a shuffled order: coalescing must rebuild the exact
	 * initial block structure. */
	for (int i = n - 1; i > 0; i--) {
		int j = (int)((seed = seed * 1103515245 + 12345) >> 8) % (i + 1);
		void *t = pages[i];

		pages[i] = pages[j];
		pages[j] = t;
	}
	for (int i = 0; i < n; i++)
		page_free(pages[i], 0);
	after = st();
	CHECK_EQ(after.free_pages, before.free_pages);
	for (unsigned k = 0; k <= PMM_MAX_ORDER; k++)
		CHECK_EQ(after.free_blocks[k], before.free_blocks[k]);
	CHECK_EQ(after.bad_frees, 0);
	CHECK_EQ(pmm_check(), 0);
	/* And the largest block is available again. */
	void *big = page_alloc(before.largest_free_order);
	CHECK(big != NULL);
	page_free(big, before.largest_free_order);
}

/* Allocation from untouched memory touches nothing but what it returns:
 * split pieces stay in the fresh table instead of getting list nodes. */
UNIT(fresh_memory_untouched)
{
	struct pmm_stats s;
	uint64_t meta;
	unsigned seed = 5;

	setup(16 * MiB, 16 * MiB);
	CHECK_EQ(add(0, 16 * MiB), 0);
	pmm_stats(&s);
	meta = s.meta_pages * 4096;
	ASAN_POISON_MEMORY_REGION(arena + meta, 16 * MiB - meta);
	for (int i = 0; i < 300; i++) {
		unsigned k = (seed = seed * 1103515245 + 12345) >> 16 & 3;
		char *p = page_alloc(k);

		CHECK(p != NULL);
		if (!p)
			break;
		ASAN_UNPOISON_MEMORY_REGION(p, 4096 << k);
		memset(p, 1, 4096 << k);
	}
	ASAN_UNPOISON_MEMORY_REGION(arena, 16 * MiB);
	CHECK_EQ(pmm_check(), 0);
}

UNIT(alignment)
{
	setup(64 * MiB, 64 * MiB);
	CHECK_EQ(add(0, 64 * MiB), 0);
	for (unsigned k = 0; k <= 13; k++) {
		void *p = page_alloc(k);

		CHECK(p != NULL);
		CHECK(((uintptr_t)p & ((4096ULL << k) - 1)) == 0);
		CHECK(in_arena(p, 4096ULL << k));
		CHECK_EQ(page_block_order(p), k);
		page_free(p, k);
	}
	CHECK(page_alloc(PMM_MAX_ORDER + 1) == NULL);
	CHECK(page_alloc(14) == NULL);    /* 64 MiB minus metadata */
	CHECK_EQ(pmm_check(), 0);
}

UNIT(zeroed)
{
	setup(MiB, MiB);
	CHECK_EQ(add(0, MiB), 0);
	unsigned char *p = page_alloc(2);
	CHECK(p != NULL);
	memset(p, 0xff, 4 * 4096);
	page_free(p, 2);
	p = page_alloc_zeroed(2);
	CHECK(p != NULL);
	int nz = 0;
	for (int i = 0; i < 4 * 4096; i++)
		nz += p[i] != 0;
	CHECK_EQ(nz, 0);
	page_free(p, 2);
}

UNIT(ranges_added_later)
{
	struct pmm_stats s;

	setup(16 * MiB, 16 * MiB);
	/* The high part first (as if ordered differently), then fill it. */
	CHECK_EQ(add(8 * MiB, 8 * MiB), 0);
	int n1 = 0;
	void *last = NULL;
	for (void *p; (p = page_alloc(4));) {
		CHECK((char *)p >= arena + 8 * MiB);
		*(void **)p = last;   /* chain the blocks through themselves */
		last = p;
		n1++;
	}
	CHECK(n1 > 0);
	/* The rest arrives; allocation goes on, from the new part. */
	CHECK_EQ(add(0, 8 * MiB), 0);
	s = st();
	CHECK_EQ(s.regions, 2);
	void *q = page_alloc(4);
	CHECK(q && (char *)q < arena + 8 * MiB);
	page_free(q, 4);
	/* Regions that touch do not merge blocks across their border. */
	for (void *p = last, *next; p; p = next) {
		next = *(void **)p;
		page_free(p, 4);
	}
	s = st();
	CHECK_EQ(s.free_pages, s.total_pages);
	CHECK_EQ(s.largest_free_order, 10);  /* 8 MiB minus its metadata */
	CHECK_EQ(pmm_check(), 0);
}

UNIT(memmap_feed)
{
	struct memmap m;
	uint64_t b = (uint64_t)(uintptr_t)0;

	setup(32 * MiB, 32 * MiB);
	b = (uint64_t)(uintptr_t)arena;
	memmap_init(&m);
	CHECK_EQ(memmap_add(&m, b, 32 * MiB, MEM_USABLE), 0);
	CHECK_EQ(memmap_add(&m, b + 4 * MiB, MiB, MEM_RESERVED), 0);
	CHECK_EQ(memmap_reserve(&m, b, 64 * 1024), 0);
	CHECK_EQ(m.count, 4);
	/* Phase one: below "4 GiB" (here: below b + 16 MiB). */
	ASAN_UNPOISON_MEMORY_REGION(arena, 16 * MiB);
	CHECK_EQ(pmm_add_memmap(&m, 0, b + 16 * MiB), 0);
	CHECK_EQ(st().regions, 2);
	CHECK_EQ(st().total_pages + st().meta_pages,
		 (16 * MiB - MiB - 64 * 1024) / 4096);
	/* Phase two: the rest. */
	ASAN_UNPOISON_MEMORY_REGION(arena + 16 * MiB, 16 * MiB);
	CHECK_EQ(pmm_add_memmap(&m, b + 16 * MiB, UINT64_MAX), 0);
	CHECK_EQ(st().regions, 3);
	CHECK_EQ(st().total_pages + st().meta_pages,
		 (memmap_usable_total(&m)) / 4096);
	/* Adding the map again is an error for both usable ranges. */
	unit_printk_errors = 0;
	CHECK_EQ(pmm_add_memmap(&m, 0, UINT64_MAX), -EEXIST);
	CHECK_EQ(unit_printk_errors, 2);
	CHECK_EQ(pmm_check(), 0);
}

UNIT(bad_frees_detected)
{
	setup(4 * MiB, 4 * MiB);
	CHECK_EQ(add(0, 4 * MiB), 0);
	struct pmm_stats s0 = st();
	char *p = page_alloc(2);
	char *q = page_alloc(0);
	CHECK(p && q);

	unit_printk_errors = 0;
	page_free(p, 1);                 /* wrong order (smaller) */
	page_free(p, 3);                 /* wrong order (larger) */
	page_free(p + 4096, 0);          /* inside a block */
	page_free(p + 8, 2);             /* unaligned */
	page_free(arena, 0);             /* the metadata page */
	page_free(arena + 4 * MiB, 0);   /* outside every region */
	page_free(q, 0);
	page_free(q, 0);                 /* double free */
	CHECK_EQ(unit_printk_errors, 7);
	CHECK_EQ(st().bad_frees, 7);
	CHECK_EQ(pmm_check(), 0);
	CHECK_EQ(page_block_order(p), 2);
	CHECK_EQ(page_block_order(p + 4096), -EINVAL);
	CHECK_EQ(page_block_order(q), -EINVAL);
	CHECK_EQ(page_block_order(arena + 4 * MiB), -EINVAL);
	page_free(p, 2);
	CHECK_EQ(page_block_order(p), -EINVAL);
	page_free(p, 2);                 /* double free after a merge */
	CHECK_EQ(st().bad_frees, 8);
	CHECK_EQ(st().free_pages, s0.free_pages);
	CHECK_EQ(pmm_check(), 0);
}

UNIT(overwritten_free_block_panics)
{
	jmp_buf jb;

	setup(MiB, MiB);
	CHECK_EQ(add(0, MiB), 0);
	char *p = page_alloc(0);
	page_free(p, 0);
	memset(p, 0x55, 64);   /* a use after free */
	CHECK(pmm_check() != 0);
	unit_panic_jmp = &jb;
	if (setjmp(jb) == 0) {
		page_alloc(0);
		CHECK(!"page_alloc took a corrupted block without panicking");
	}
	unit_panic_jmp = NULL;
}

/* Random allocs and frees against a shadow model: which page belongs to
 * which live block. Contents are stamped and checked, so overlapping
 * blocks or blocks handed out twice show up. */
UNIT(random_against_shadow)
{
	enum { PAGES = 4096, MAXLIVE = 600 };
	static int16_t owner[PAGES];
	static struct { char *p; unsigned order; } live[MAXLIVE];
	int nlive = 0;
	uint64_t used = 0;
	unsigned seed = 99;
	struct pmm_stats s0;

	setup(PAGES * 4096, PAGES * 4096);
	/* Two ranges with a gap, odd edges. */
	CHECK_EQ(add(4096, 1500 * 4096 + 100), 0);
	CHECK_EQ(add(1600 * 4096, (PAGES - 1601) * 4096), 0);
	s0 = st();
	memset(owner, -1, sizeof(owner));

	for (int step = 0; step < 200000; step++) {
		seed = seed * 1103515245 + 12345;
		bool do_alloc = nlive == 0 ||
			(nlive < MAXLIVE && ((seed >> 16) % 100) < 55);

		if (do_alloc) {
			unsigned order = (seed >> 8) % 7;
			char *p;

			order = order > 4 ? (seed >> 20) % 2 : order;
			p = page_alloc(order);
			if (!p) {
				/* Only allowed when no block that big is free. */
				struct pmm_stats s = st();
				CHECK(s.largest_free_order == -1u ||
				      s.largest_free_order < order);
				continue;
			}
			size_t first = (size_t)(p - arena) / 4096;
			CHECK(((uintptr_t)p & ((4096ULL << order) - 1)) == 0);
			CHECK(first + (1u << order) <= PAGES);
			for (size_t i = first; i < first + (1u << order); i++) {
				if (owner[i] != -1) {
					CHECK(!"page handed out twice");
					return;
				}
				owner[i] = (int16_t)nlive;
			}
			memset(p, (int)(first & 0xff), 4096ULL << order);
			live[nlive].p = p;
			live[nlive].order = order;
			nlive++;
			used += 1u << order;
		} else {
			int i = (int)((seed >> 8) % (unsigned)nlive);
			char *p = live[i].p;
			unsigned order = live[i].order;
			size_t first = (size_t)(p - arena) / 4096;

			for (size_t b = 0; b < (4096ULL << order); b += 509)
				if ((unsigned char)p[b] != (first & 0xff)) {
					CHECK(!"block contents changed");
					return;
				}
			CHECK_EQ(page_block_order(p), order);
			page_free(p, order);
			for (size_t j = first; j < first + (1u << order); j++)
				owner[j] = -1;
			used -= 1u << order;
			/* Move the last live block into the hole. */
			nlive--;
			if (i != nlive) {
				live[i] = live[nlive];
				size_t f2 = (size_t)(live[i].p - arena) / 4096;
				for (size_t j = f2; j < f2 + (1u << live[i].order); j++)
					owner[j] = (int16_t)i;
			}
		}
		if (st().free_pages != s0.free_pages - used) {
			CHECK_EQ(st().free_pages, s0.free_pages - used);
			return;
		}
		if (step % 5000 == 0 && pmm_check() != 0) {
			CHECK(!"pmm_check failed");
			return;
		}
	}
	while (nlive > 0) {
		nlive--;
		page_free(live[nlive].p, live[nlive].order);
	}
	struct pmm_stats s = st();
	CHECK_EQ(s.free_pages, s0.free_pages);
	for (unsigned k = 0; k <= PMM_MAX_ORDER; k++)
		CHECK_EQ(s.free_blocks[k], s0.free_blocks[k]);
	CHECK_EQ(s.bad_frees, 0);
	CHECK_EQ(pmm_check(), 0);
}

/* 6 GiB of address space, mapped but never backed unless touched: the
 * allocator must set up touching only its metadata and the few pages
 * holding free-list nodes (the time is printed, not asserted). */
UNIT(six_gib_init_is_cheap)
{
	const uint64_t size = 6 * GiB;
	char *map, *base;
	struct timespec t0, t1;
	unsigned char *vec;
	size_t resident = 0;

	pmm_reset();
	map = mmap(NULL, size + GiB, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (map == MAP_FAILED) {
		printf("# no 7 GiB of address space; skipped\n");
		return;
	}
	base = (char *)(((uintptr_t)map + GiB - 1) & ~(uintptr_t)(GiB - 1));
	/* The first add pays the host's page faults on the fresh mapping;
	 * the second, on the now resident metadata pages, is what a guest
	 * with RAM already mapped sees. */
	double us[2];
	for (int pass = 0; pass < 2; pass++) {
		pmm_reset();
		clock_gettime(CLOCK_MONOTONIC, &t0);
		CHECK_EQ(pmm_add_range((uint64_t)(uintptr_t)base, size), 0);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		us[pass] = (double)(t1.tv_sec - t0.tv_sec) * 1e6 +
			   (double)(t1.tv_nsec - t0.tv_nsec) / 1e3;
	}
	struct pmm_stats s = st();
	printf("# 6 GiB added in %.1f us (cold), %.1f us (warm): %llu pages, "
	       "%llu metadata pages\n", us[0], us[1],
	       (unsigned long long)s.total_pages,
	       (unsigned long long)s.meta_pages);
	/* No bound on the time itself: on a loaded host it is the host's
	 * (5 ms was once exceeded at load 17). What makes the set-up cheap
	 * is that it touches only its metadata, checked below. */
	/* 1.5 Mi pages * 4 bits = 768 KiB, plus the header and fresh table */
	CHECK(s.meta_pages >= 192 && s.meta_pages <= 194);
	CHECK_EQ(s.largest_free_order, PMM_MAX_ORDER);

	vec = malloc(size / 4096);
	CHECK(vec != NULL);
	if (vec && mincore(base, size, vec) == 0) {
		for (size_t i = 0; i < size / 4096; i++)
			resident += vec[i] & 1;
		printf("# %zu pages touched\n", resident);
		/* The bitmaps, and not one page handed out. */
		CHECK_EQ(resident, s.meta_pages);
	}
	free(vec);

	void *g = page_alloc(PMM_MAX_ORDER);
	CHECK(g != NULL && ((uintptr_t)g & (GiB - 1)) == 0);
	page_free(g, PMM_MAX_ORDER);
	CHECK_EQ(pmm_check(), 0);
	pmm_reset();
	munmap(map, size + GiB);
}

/* Deflate-on-OOM: a reclaimer that holds pages is asked when nothing
 * fits, and only then; page_alloc looks again after it frees some. */
static void *held[256];
static unsigned nheld, reclaim_calls;

static bool give_back_one(unsigned order)
{
	static unsigned depth;

	(void)order;
	reclaim_calls++;
	/* A failing allocation from inside does not call it again. */
	CHECK_EQ(++depth, 1);
	CHECK(page_alloc(PMM_MAX_ORDER) == NULL);
	depth--;
	if (!nheld)
		return false;
	page_free(held[--nheld], 0);
	return true;
}

UNIT(reclaim_hook)
{
	void *p;

	setup(MiB, 4096);
	CHECK_EQ(add(0, MiB), 0);
	nheld = reclaim_calls = 0;
	while (nheld < 256 && (p = page_alloc(0)))
		held[nheld++] = p;
	CHECK(nheld < 256);            /* all of the arena's pages are held */
	pmm_set_reclaim(give_back_one);
	/* Everything is held: each failing page_alloc gets one page back. */
	unsigned before = nheld;
	p = page_alloc(0);
	CHECK(p != NULL);
	CHECK_EQ(nheld, before - 1);
	CHECK_EQ(reclaim_calls, 1);
	page_free(p, 0);
	/* Free: the reclaimer is not asked. */
	p = page_alloc(0);
	CHECK(p != NULL);
	CHECK_EQ(reclaim_calls, 1);
	page_free(p, 0);
	/* Too large to ever fit: asked until it has nothing left. */
	CHECK(page_alloc(PMM_MAX_ORDER) == NULL);
	CHECK_EQ(nheld, 0);
	CHECK_EQ(pmm_check(), 0);
	pmm_set_reclaim(NULL);
}

/* Free reporting: only touched free blocks are taken, the largest first;
 * given back untouched they are not taken again. */
UNIT(touched_blocks)
{
	unsigned order = 99;
	void *a, *b, *p;

	setup(16 * MiB, 16 * MiB);
	CHECK_EQ(add(0, 16 * MiB), 0);
	CHECK(page_alloc_touched(0, PMM_MAX_ORDER, &order) == NULL);
	a = page_alloc(9);
	b = page_alloc(3);
	CHECK(a && b);
	page_free(a, 9);
	page_free(b, 3);
	/* b merged back with fresh pieces: the merged block is touched. */
	p = page_alloc_touched(9, PMM_MAX_ORDER, &order);
	CHECK(p != NULL);
	CHECK(order >= 9);
	CHECK_EQ(page_block_order(p), order);
	CHECK_EQ(pmm_check(), 0);
	page_free_untouched(p, order);
	CHECK_EQ(pmm_check(), 0);
	/* What is left touched is smaller than order 9, or nothing. */
	CHECK(page_alloc_touched(9, PMM_MAX_ORDER, &order) == NULL);
	struct pmm_stats s = st();
	CHECK_EQ(s.free_pages, s.total_pages);
}

/* pmm_check sees a page neither free nor in an allocated block. */
UNIT(check_counts_allocated)
{
	setup(MiB, 4096);
	CHECK_EQ(add(0, MiB), 0);
	void *p = page_alloc(2);
	CHECK(p != NULL);
	CHECK_EQ(pmm_check(), 0);
	page_free(p, 2);
	CHECK_EQ(pmm_check(), 0);
}

UNIT_MAIN()
