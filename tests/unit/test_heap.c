// SPDX-License-Identifier: MIT
/* Host tests for the kernel heap (kern/mm/heap.c) on top of the real page
 * allocator, which is given one mmap'ed arena as its "RAM".
 *
 * The heap's malloc & co. are renamed k_malloc etc. by the .mk file so they
 * do not replace the host's; that rename applies here too, so this file
 * calls the kernel heap under the standard names and uses mmap, not the
 * host malloc, for the arena. */
#include "unit.h"
#include "stubs.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sanitizer/asan_interface.h>
#include <kern/heap.h>
#include <kern/pmm.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/panic.h>

#define MiB (1024UL * 1024)
#define ARENA (64 * MiB)

static char *arena;

/* One arena for the whole program: the heap keeps state across cases, and
 * every case gives back all it took. */
static void arena_init(void)
{
	/* Empty slabs cached by an earlier case would skew page counts. */
	heap_trim();
	if (arena)
		return;
	arena = mmap(NULL, 2 * ARENA, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (arena == MAP_FAILED)
		abort();
	arena = (char *)(((uintptr_t)arena + ARENA - 1) & ~(uintptr_t)(ARENA - 1));
	if (pmm_add_range((uint64_t)(uintptr_t)arena, ARENA) != 0)
		abort();
}

static struct heap_stats hs(void)
{
	struct heap_stats s;

	heap_stats(&s);
	return s;
}

static uint64_t pmm_free(void)
{
	struct pmm_stats s;

	pmm_stats(&s);
	return s.free_pages;
}

/* Hide a size from the compiler, which rightly warns about huge constant
 * sizes; overflowing requests are exactly what these cases test. */
static size_t opaque(size_t x)
{
	return *(volatile size_t *)&x;
}

static bool in_arena(const void *p, size_t n)
{
	return (const char *)p >= arena && (const char *)p + n <= arena + ARENA;
}

/* After a case has freed everything: nothing live, nothing held. */
static void check_all_returned(uint64_t pmm_before)
{
	struct heap_stats s = hs();

	CHECK_EQ(heap_check(), 0);
	CHECK_EQ(s.bytes_in_use, 0);
	CHECK_EQ(s.allocs, s.frees);
	heap_trim();
	s = hs();
	CHECK_EQ(s.pages_held, 0);
	CHECK_EQ(s.slab_pages, 0);
	CHECK_EQ(pmm_free(), pmm_before);
	CHECK_EQ(pmm_check(), 0);
}

UNIT(malloc_sizes)
{
	arena_init();
	uint64_t before = pmm_free();
	static void *p[5000];

	for (size_t n = 0; n < 5000; n++) {
		p[n] = malloc(n);
		CHECK(p[n] != NULL);
		CHECK(((uintptr_t)p[n] & 15) == 0);
		CHECK(in_arena(p[n], n));
		CHECK(heap_usable_size(p[n]) >= n);
		memset(p[n], (int)n, n);
	}
	CHECK_EQ(heap_check(), 0);
	for (size_t n = 0; n < 5000; n++) {
		unsigned char *c = p[n];

		for (size_t i = 0; i < n; i++)
			if (c[i] != (unsigned char)n) {
				CHECK(!"contents changed");
				break;
			}
		free(p[n]);
	}
	/* Small blocks are not page aligned, large ones are. */
	void *a = malloc(2016), *b = malloc(2017);
	CHECK(((uintptr_t)a & 4095) != 0);
	CHECK(((uintptr_t)b & 4095) == 0);
	CHECK_EQ(heap_usable_size(a), 2016);
	CHECK_EQ(heap_usable_size(b), 4096);
	free(a);
	free(b);
	free(NULL);
	check_all_returned(before);
}

/* The sized pair net/mem.c keeps lwIP's budget with: the usable size given
 * with the block is heap_usable_size's, the free gives the same back, and
 * a bad pointer gives 0 and is counted as free would count it. */
UNIT(usable_pair)
{
	arena_init();
	uint64_t before = pmm_free();
	static void *p[5000];
	static size_t u[5000];
	size_t sum = 0;

	for (size_t n = 0; n < 5000; n++) {
		p[n] = heap_malloc_usable(n, &u[n]);
		CHECK(p[n] != NULL);
		CHECK(u[n] >= n);
		CHECK_EQ(u[n], heap_usable_size(p[n]));
		sum += u[n];
	}
	CHECK_EQ(hs().bytes_in_use, sum);
	for (size_t n = 0; n < 5000; n += 2)
		CHECK_EQ(heap_free_usable(p[n]), u[n]);
	uint64_t bad = hs().bad_frees;
	CHECK_EQ(heap_free_usable(p[0]), 0);                /* freed already */
	CHECK_EQ(heap_free_usable((char *)p[4001] + 16), 0); /* inside a block */
	CHECK_EQ(hs().bad_frees, bad + 2);
	CHECK_EQ(heap_free_usable(NULL), 0);
	for (size_t n = 1; n < 5000; n += 2)
		CHECK_EQ(heap_free_usable(p[n]), u[n]);
	/* Past what the heap serves: no block, usable 0. */
	size_t z = 1;
	CHECK(heap_malloc_usable(opaque(HEAP_MAX_ALIGN) + 1, &z) == NULL);
	CHECK_EQ(z, 0);
	check_all_returned(before);
}

UNIT(aligned)
{
	arena_init();
	uint64_t before = pmm_free();

	for (size_t align = 1; align <= 1 << 20; align <<= 1) {
		size_t sizes[] = { 1, align > 1 ? align - 1 : 1, align,
				   align + 1, 3 * align, 100 };

		for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++) {
			char *p = aligned_alloc(align, sizes[i]);
			void *q = NULL;

			CHECK(p != NULL);
			CHECK(((uintptr_t)p & (align - 1)) == 0);
			CHECK(heap_usable_size(p) >= sizes[i]);
			memset(p, 0x5a, sizes[i]);
			CHECK_EQ(posix_memalign(&q, align < 8 ? 8 : align,
						sizes[i]), 0);
			CHECK(((uintptr_t)q & (align - 1)) == 0);
			char *r = memalign(align, sizes[i]);
			CHECK(r && ((uintptr_t)r & (align - 1)) == 0);
			free(r);
			free(q);
			free(p);
		}
	}
	/* A 4096-aligned virtio ring of one page takes exactly one page. */
	uint64_t f = pmm_free();
	void *ring = aligned_alloc(4096, 4096);
	CHECK(ring && ((uintptr_t)ring & 4095) == 0);
	CHECK_EQ(pmm_free(), f - 1);
	free(ring);
	/* 64-byte alignment for a small object stays in a slab. */
	void *small = aligned_alloc(64, 40);
	CHECK(small && ((uintptr_t)small & 63) == 0 &&
	      ((uintptr_t)small & 4095) != 0);
	free(small);

	/* Bad alignments. */
	void *q = (void *)1;
	CHECK(aligned_alloc(3, 10) == NULL);
	CHECK(aligned_alloc(0, 10) == NULL);
	CHECK(memalign(48, 10) == NULL);
	CHECK_EQ(posix_memalign(&q, 12, 10), EINVAL);
	CHECK_EQ(posix_memalign(&q, 4, 10), EINVAL);
	CHECK_EQ(posix_memalign(&q, 4096, opaque(SIZE_MAX / 2)), ENOMEM);
	CHECK(q == (void *)1);   /* untouched on failure */
	CHECK(aligned_alloc(2 * HEAP_MAX_ALIGN, 16) == NULL);
	check_all_returned(before);
}

UNIT(calloc_zero_and_overflow)
{
	arena_init();
	uint64_t before = pmm_free();

	CHECK(calloc(opaque(SIZE_MAX / 2), 3) == NULL);
	CHECK(calloc(3, opaque(SIZE_MAX / 2)) == NULL);
	CHECK(calloc(opaque((size_t)1 << 32), (size_t)1 << 32) == NULL);
	CHECK(malloc(opaque(SIZE_MAX)) == NULL);
	CHECK(malloc(HEAP_MAX_ALIGN + 1) == NULL);
	void *z = calloc(0, 8);
	CHECK(z != NULL);
	free(z);

	/* Dirty memory first, so calloc really has to clear it. */
	for (size_t n = 8; n <= 40000; n = n * 3 + 1) {
		unsigned char *d = malloc(n), *c;
		size_t nz = 0;

		memset(d, 0xee, n);
		free(d);
		c = calloc(n / 8, 8);
		CHECK(c != NULL);
		for (size_t i = 0; i < n / 8 * 8; i++)
			nz += c[i] != 0;
		CHECK_EQ(nz, 0);
		free(c);
	}
	check_all_returned(before);
}

UNIT(realloc_keeps_contents)
{
	arena_init();
	uint64_t before = pmm_free();
	unsigned char *p = realloc(NULL, 10);

	CHECK(p != NULL);
	for (int i = 0; i < 10; i++)
		p[i] = (unsigned char)i;
	size_t n = 10;
	/* Grow through every class into multi-page blocks, then shrink. */
	for (size_t m = 17; m < 300000; m = m * 2 + 3) {
		p = realloc(p, m);
		CHECK(p != NULL);
		for (size_t i = 0; i < n; i++)
			if (p[i] != (unsigned char)i) {
				CHECK(!"lost contents growing");
				break;
			}
		for (size_t i = n; i < m; i++)
			p[i] = (unsigned char)i;
		n = m;
	}
	for (size_t m = n; m > 5; m /= 3) {
		p = realloc(p, m);
		CHECK(p != NULL);
		CHECK(heap_usable_size(p) >= m);
		for (size_t i = 0; i < m; i++)
			if (p[i] != (unsigned char)i) {
				CHECK(!"lost contents shrinking");
				break;
			}
	}
	/* Shrinking a lot gives the memory back. */
	CHECK(heap_usable_size(p) <= 16);
	/* realloc(p, 0) frees. */
	CHECK(realloc(p, 0) == NULL);
	/* A failed realloc leaves the block alone. */
	p = malloc(100);
	memset(p, 7, 100);
	CHECK(realloc(p, opaque(SIZE_MAX)) == NULL);
	CHECK(p[99] == 7);
	free(p);
	check_all_returned(before);
}

UNIT(bad_frees)
{
	arena_init();
	uint64_t before = pmm_free();
	struct heap_stats s0 = hs();
	char *a = malloc(100), *b = malloc(100000), *c = malloc(32);
	char local[32];

	unit_printk_errors = 0;
	free(a);
	free(a);                  /* double free, small */
	free(b);
	free(b);                  /* double free, large */
	free(c + 16);             /* the middle of a 32-byte object */
	free(c + 8);              /* not 16-aligned */
	free(local);              /* not heap memory at all */
	free((char *)((uintptr_t)c & ~(uintptr_t)4095));   /* slab header */
	free(arena);              /* pmm metadata page */
	CHECK(realloc(a, 10) == NULL);   /* realloc of a freed block */
	CHECK_EQ(hs().bad_frees - s0.bad_frees, 8);
	CHECK_EQ(unit_printk_errors, 8);
	CHECK_EQ(heap_usable_size(a), 0);
	CHECK_EQ(heap_usable_size(c), 32);
	free(c);
	check_all_returned(before);
}

UNIT(use_after_free_panics)
{
	arena_init();
	jmp_buf jb;
	char *p = malloc(32), *q = malloc(32);

	free(p);
	ASAN_UNPOISON_MEMORY_REGION(p, 32);   /* the bug we simulate */
	*(uint16_t *)p = 200;                 /* a link to an unused slot */
	unit_panic_jmp = &jb;
	if (setjmp(jb) == 0) {
		(void)malloc(32);
		CHECK(!"malloc followed a corrupt free list");
	}
	unit_panic_jmp = NULL;
	CHECK(heap_check() != 0);
	/* Repair, so later cases see a sound heap. */
	ASAN_UNPOISON_MEMORY_REGION(p, 32);
	*(uint16_t *)p = 0xffff;
	ASAN_POISON_MEMORY_REGION(p, 32);
	CHECK_EQ(heap_check(), 0);
	free(q);
}

UNIT(out_of_memory)
{
	arena_init();
	uint64_t before = pmm_free();
	void *head = NULL;
	size_t n = 0;

	/* Take everything, big blocks first, chaining them in themselves. */
	for (size_t sz = 1 << 24; sz >= 16; sz /= 2) {
		void *p;

		while ((p = malloc(sz))) {
			*(void **)p = head;
			head = p;
			n++;
		}
	}
	CHECK(n > 0);
	CHECK_EQ(pmm_free(), 0);
	CHECK(malloc(1) == NULL);
	CHECK(calloc(1, 1) == NULL);
	CHECK(aligned_alloc(4096, 1) == NULL);
	CHECK_EQ(heap_check(), 0);
	while (head) {
		void *next = *(void **)head;

		free(head);
		head = next;
	}
	check_all_returned(before);
}

/* Random malloc/realloc/free/aligned_alloc; every block carries a pattern
 * derived from its slot, checked before it is resized or freed. */
UNIT(random_stress)
{
	enum { SLOTS = 2000 };
	static struct { unsigned char *p; size_t n; unsigned char tag; } b[SLOTS];
	arena_init();
	uint64_t before = pmm_free();
	unsigned seed = 4242;
	size_t live_bytes_max = 0;
	uint64_t bad0 = hs().bad_frees;

	for (int step = 0; step < 300000; step++) {
		unsigned r = (seed = seed * 1103515245 + 12345) >> 8;
		int i = (int)(r % SLOTS);
		unsigned what = (r >> 12) % 10;
		size_t n;

		r = (seed = seed * 1103515245 + 12345) >> 8;
		/* mostly small, sometimes a few pages */
		n = (r % 16) ? r % 600 : r % 40000;

		if (b[i].p) {
			for (size_t k = 0; k < b[i].n; k++)
				if (b[i].p[k] != (unsigned char)(b[i].tag + k)) {
					CHECK(!"block contents changed");
					return;
				}
		}
		if (b[i].p && what < 4) {
			free(b[i].p);
			b[i].p = NULL;
			continue;
		}
		if (b[i].p && what < 7) {
			unsigned char *q = realloc(b[i].p, n);

			if (n == 0) {
				CHECK(q == NULL);
				b[i].p = NULL;
				continue;
			}
			CHECK(q != NULL);
			b[i].p = q;
			for (size_t k = b[i].n; k < n; k++)
				q[k] = (unsigned char)(b[i].tag + k);
			b[i].n = n;
			continue;
		}
		if (b[i].p)
			free(b[i].p);
		if (what == 9) {
			size_t align = (size_t)16 << (r >> 20) % 10;

			b[i].p = aligned_alloc(align, n);
			CHECK(b[i].p && ((uintptr_t)b[i].p & (align - 1)) == 0);
		} else {
			b[i].p = malloc(n);
		}
		CHECK(b[i].p != NULL);
		if (!b[i].p)
			return;
		CHECK(heap_usable_size(b[i].p) >= n);
		b[i].n = n;
		b[i].tag = (unsigned char)step;
		for (size_t k = 0; k < n; k++)
			b[i].p[k] = (unsigned char)(b[i].tag + k);
		live_bytes_max = MAX(live_bytes_max, hs().bytes_in_use);
		if (step % 20000 == 0 && heap_check() != 0) {
			CHECK(!"heap_check failed");
			return;
		}
	}
	CHECK_EQ(heap_check(), 0);
	CHECK(hs().peak_bytes >= live_bytes_max);
	printf("# at most %zu bytes live\n", live_bytes_max);
	for (int i = 0; i < SLOTS; i++)
		free(b[i].p);
	CHECK_EQ(hs().bad_frees, bad0);
	check_all_returned(before);
}

UNIT_MAIN()
