// SPDX-License-Identifier: MIT
/* In-guest tests of the memory map, the page allocator and the heap on the
 * real machine's memory. The host unit tests cover the logic; these check
 * that what the boot path handed over is really RAM, and that the counters
 * come back to where they started. */
#include <kern/test.h>
#include <kern/boot.h>
#include <kern/memmap.h>
#include <kern/pmm.h>
#include <kern/heap.h>
#include <stdlib.h>
#include <string.h>

#define GiB (1ULL << 30)

static uint64_t free_pages(void)
{
	struct pmm_stats s;

	pmm_stats(&s);
	return s.free_pages;
}

static unsigned rnd_state = 2463534242u;

static unsigned rnd(void)
{
	/* xorshift32: enough to scramble sizes and orders. */
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

/* Fill with a block's tag, and check a sample of it back: every 61st byte
 * and the last. Another block overlapping this one would have its own tag
 * there. Sampling keeps the tests quick on slow (nested, emulated) CPUs. */
static void fill(void *p, size_t n, unsigned char tag)
{
	memset(p, tag, n);
}

static bool check(const void *p, size_t n, unsigned char tag)
{
	const unsigned char *c = p;
	bool ok = n == 0 || c[n - 1] == tag;

	for (size_t i = 0; i < n; i += 61)
		ok &= c[i] == tag;
	return ok;
}

TEST(mem_map_sane)
{
	const struct memmap *m = &memmap_boot;
	struct pmm_stats s;
	const struct mem_range *r;

	pmm_stats(&s);
	T_CHECK(m->count > 0);
	for (uint32_t i = 1; i < m->count; i++)
		T_CHECK(m->r[i - 1].base + m->r[i - 1].size <= m->r[i].base);
	/* Page 0 and the kernel image are never handed out. */
	r = memmap_lookup(m, 0);
	T_CHECK(!r || r->type != MEM_USABLE);
	r = memmap_lookup(m, boot_info.kernel_start);
	T_CHECK(r && r->type == MEM_RESERVED);
	/* Everything usable went to the pmm, less its bookkeeping and page
	 * rounding (at most a page at each end of each range). */
	uint64_t usable = memmap_usable_total(m) >> PAGE_SHIFT;
	T_CHECK(s.total_pages + s.meta_pages <= usable);
	T_CHECK(s.total_pages + s.meta_pages + 2 * m->count >= usable);
	T_CHECK(s.meta_pages <= usable / 1000 + s.regions);
	T_EQ(pmm_check(), 0);
	test_diag("%llu pages, %llu free, %llu for bookkeeping, %u regions",
		  (unsigned long long)s.total_pages,
		  (unsigned long long)s.free_pages,
		  (unsigned long long)s.meta_pages, s.regions);
}

TEST(mem_page_roundtrip)
{
	uint64_t before = free_pages();
	struct pmm_stats s;

	pmm_stats(&s);
	for (unsigned k = 0; k <= 10; k++) {
		uint64_t *p;
		uint64_t n = (PAGE_SIZE << k) / sizeof(uint64_t);
		bool ok = true;

		/* -m 8M has no free 4 MiB block. */
		if (s.largest_free_order == -1u || k > s.largest_free_order)
			break;
		p = page_alloc(k);
		T_CHECK(p != NULL);
		if (!p)
			continue;
		T_CHECK(((uintptr_t)p & ((PAGE_SIZE << k) - 1)) == 0);
		T_EQ(page_block_order(p), k);
		T_EQ(free_pages(), before - (1ULL << k));
		/* Every word of small blocks, a word in each of about eight
		 * pages of big ones: the first touch of a page is what costs
		 * under a hypervisor. */
		uint64_t step = k <= 2 ? 1 : (n >> 3) + 1;
		for (uint64_t i = 0; i < n - 1; i += step)
			p[i] = (uintptr_t)&p[i] ^ 0x5a5a5a5a5a5a5a5aULL;
		p[n - 1] = ~(uintptr_t)p;
		for (uint64_t i = 0; i < n - 1; i += step)
			ok &= p[i] == ((uintptr_t)&p[i] ^ 0x5a5a5a5a5a5a5a5aULL);
		ok &= p[n - 1] == ~(uintptr_t)p;
		T_CHECK(ok);
		page_free(p, k);
		T_EQ(free_pages(), before);
	}

	uint8_t *z = page_alloc(1);
	T_CHECK(z != NULL);
	if (z) {
		memset(z, 0xff, 2 * PAGE_SIZE);
		page_free(z, 1);
	}
	z = page_alloc_zeroed(1);
	T_CHECK(z != NULL);
	if (z) {
		size_t nz = 0;
		for (size_t i = 0; i < 2 * PAGE_SIZE; i++)
			nz += z[i] != 0;
		T_EQ(nz, 0);
		page_free(z, 1);
	}
	T_EQ(free_pages(), before);
	T_EQ(pmm_check(), 0);
}

TEST(mem_page_random)
{
	enum { N = 256 };
	static struct { uint64_t *p; unsigned order; } b[N];
	uint64_t before = free_pages();

	for (int step = 0; step < 5000; step++) {
		unsigned i = rnd() % N;

		if (b[i].p) {
			T_CHECK(b[i].p[0] == (uintptr_t)b[i].p);
			page_free(b[i].p, b[i].order);
			b[i].p = NULL;
		} else {
			b[i].order = rnd() % 4 ? rnd() % 3 : rnd() % 8;
			b[i].p = page_alloc(b[i].order);
			if (b[i].p)
				b[i].p[0] = (uintptr_t)b[i].p;
		}
	}
	for (unsigned i = 0; i < N; i++)
		if (b[i].p)
			page_free(b[i].p, b[i].order);
	T_EQ(free_pages(), before);
	T_EQ(pmm_check(), 0);
}

/* Take every free page (largest blocks first, so it is quick even with
 * gigabytes), stamping the first and last word of each block: that writes
 * to both ends of every usable range the boot path handed over, without
 * touching (and making the host back) every page. Then give it all back. */
TEST(mem_exhaust_and_refill)
{
	struct pmm_stats s0, s1;
	uint64_t *head = NULL, blocks = 0, pages = 0;
	bool ok = true;

	pmm_stats(&s0);
	for (int k = PMM_MAX_ORDER; k >= 0; k--) {
		uint64_t *p;

		while ((p = page_alloc((unsigned)k))) {
			uint64_t words = (PAGE_SIZE << k) / sizeof(uint64_t);

			p[0] = (uintptr_t)head;
			p[1] = (uint64_t)k;
			p[words - 1] = ~(uintptr_t)p;
			head = p;
			blocks++;
			pages += 1ULL << k;
		}
	}
	T_EQ(pages, s0.free_pages);
	T_EQ(free_pages(), 0);
	T_CHECK(page_alloc(0) == NULL);
	while (head) {
		uint64_t *next = (uint64_t *)(uintptr_t)head[0];
		unsigned k = (unsigned)head[1];

		ok &= k <= PMM_MAX_ORDER &&
		      head[(PAGE_SIZE << k) / sizeof(uint64_t) - 1] ==
			      ~(uintptr_t)head;
		page_free(head, k);
		head = next;
	}
	T_CHECK(ok);
	pmm_stats(&s1);
	T_EQ(s1.free_pages, s0.free_pages);
	/* Coalescing rebuilt the same blocks. */
	for (unsigned k = 0; k <= PMM_MAX_ORDER; k++)
		T_EQ(s1.free_blocks[k], s0.free_blocks[k]);
	T_EQ(pmm_check(), 0);
	test_diag("%llu pages in %llu blocks", (unsigned long long)pages,
		  (unsigned long long)blocks);
}

/* With -m 6G the map has RAM above 4 GiB, added after the page tables were
 * built: get a page up there and use it. The blocks passed over are kept in
 * a table, not chained through themselves, so they are never touched. */
TEST(mem_above_4g)
{
	static uint64_t *low[4096];
	uint64_t *high = NULL, before = free_pages();
	unsigned nlow = 0;
	bool above = false;

	for (uint32_t i = 0; i < memmap_boot.count; i++)
		if (memmap_boot.r[i].type == MEM_USABLE &&
		    memmap_boot.r[i].base + memmap_boot.r[i].size > 4 * GiB)
			above = true;
	if (!above) {
		test_skip("no RAM above 4 GiB");
		return;
	}
	/* 2 MiB blocks: low memory is at most 3 GiB of them. */
	for (uint64_t *p; nlow < ARRAY_SIZE(low) && (p = page_alloc(9));) {
		if ((uintptr_t)p >= 4 * GiB) {
			high = p;
			break;
		}
		low[nlow++] = p;
	}
	T_CHECK(high != NULL);
	if (high) {
		/* The first and the last page of the block, every word. */
		uint64_t n = PAGE_SIZE / sizeof(uint64_t);
		uint64_t *last = high + ((PAGE_SIZE << 9) - PAGE_SIZE) / 8;
		bool ok = true;

		for (uint64_t i = 0; i < n; i++) {
			high[i] = (uintptr_t)&high[i] * 31;
			last[i] = (uintptr_t)&last[i] * 37;
		}
		for (uint64_t i = 0; i < n; i++)
			ok &= high[i] == (uintptr_t)&high[i] * 31 &&
			      last[i] == (uintptr_t)&last[i] * 37;
		T_CHECK(ok);
		test_diag("block at %p, %u low blocks before it", (void *)high,
			  nlow);
		page_free(high, 9);
	}
	while (nlow > 0)
		page_free(low[--nlow], 9);
	T_EQ(free_pages(), before);
}

TEST(mem_bad_free_detected)
{
	struct pmm_stats s0, s1;
	void *p = page_alloc(1);

	T_CHECK(p != NULL);
	if (!p)
		return;
	pmm_stats(&s0);
	page_free(p, 0);                   /* wrong order: refused */
	page_free((char *)p + PAGE_SIZE, 0);
	page_free(p, 1);
	page_free(p, 1);                   /* double free: refused */
	pmm_stats(&s1);
	T_EQ(s1.bad_frees - s0.bad_frees, 3);
	T_EQ(s1.free_pages, s0.free_pages + 2);
	T_EQ(pmm_check(), 0);
}

TEST(heap_basic)
{
	struct heap_stats h0, h1;

	heap_stats(&h0);
	for (size_t n = 0; n <= 9000; n += n < 64 ? 1 : 37) {
		unsigned char *p = malloc(n);

		T_CHECK(p != NULL);
		if (!p)
			return;
		T_CHECK(((uintptr_t)p & 15) == 0);
		T_CHECK(heap_usable_size(p) >= n);
		fill(p, n, (unsigned char)n);
		T_CHECK(check(p, n, (unsigned char)n));
		free(p);
	}
	heap_stats(&h1);
	T_EQ(h1.bytes_in_use, h0.bytes_in_use);
	T_EQ(h1.allocs - h0.allocs, h1.frees - h0.frees);
	T_EQ(heap_check(), 0);
}

TEST(heap_aligned)
{
	struct heap_stats h0, h1;

	heap_stats(&h0);
	for (size_t align = 1; align <= 65536; align <<= 1) {
		size_t sizes[] = { 1, align, align + 1, 3 * align };

		for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++) {
			void *p = aligned_alloc(align, sizes[i]), *q = NULL;

			T_CHECK(p && ((uintptr_t)p & (align - 1)) == 0);
			T_EQ(posix_memalign(&q, MAX(align, sizeof(void *)),
					    sizes[i]), 0);
			T_CHECK(q && ((uintptr_t)q & (align - 1)) == 0);
			if (p)
				memset(p, 0xab, sizes[i]);
			free(p);
			free(q);
		}
	}
	/* A legacy virtio ring: 4096-aligned, and one page is one page. */
	uint64_t before = free_pages();
	void *ring = aligned_alloc(4096, 4096);
	T_CHECK(ring && ((uintptr_t)ring & 4095) == 0);
	T_EQ(free_pages(), before - 1);
	free(ring);
	T_CHECK(aligned_alloc(24, 8) == NULL);
	heap_stats(&h1);
	T_EQ(h1.bytes_in_use, h0.bytes_in_use);
	T_EQ(heap_check(), 0);
}

TEST(heap_calloc_realloc)
{
	static volatile size_t huge = SIZE_MAX / 2;   /* opaque to gcc */
	struct heap_stats h0, h1;

	heap_stats(&h0);
	T_CHECK(calloc(huge, 3) == NULL);
	T_CHECK(calloc(3, huge) == NULL);
	T_CHECK(malloc(huge) == NULL);

	unsigned char *p = malloc(5000);
	T_CHECK(p != NULL);
	if (!p)
		return;
	memset(p, 0xcc, 5000);
	free(p);
	p = calloc(1000, 5);
	T_CHECK(p != NULL);
	if (!p)
		return;
	size_t nz = 0;
	for (size_t i = 0; i < 5000; i++)
		nz += p[i] != 0;
	T_EQ(nz, 0);

	/* Grow and shrink; the kept prefix must survive every move. */
	fill(p, 5000, 0x77);
	size_t n = 5000;
	for (size_t m = 11; m < 200000; m = m * 3 + 1) {
		unsigned char *q = realloc(p, m);

		T_CHECK(q != NULL);
		if (!q)
			break;
		p = q;
		T_CHECK(check(p, MIN(n, m), 0x77));
		if (m > n)
			fill(p + n, m - n, 0x77);
		n = m;
	}
	free(p);
	heap_stats(&h1);
	T_EQ(h1.bytes_in_use, h0.bytes_in_use);
	T_EQ(heap_check(), 0);
}

TEST(heap_stress)
{
	enum { SLOTS = 512 };
	static struct { unsigned char *p; size_t n; unsigned char tag; } b[SLOTS];
	struct heap_stats h0, h1;
	bool ok = true;

	heap_stats(&h0);
	for (int step = 0; step < 4000 && ok; step++) {
		unsigned i = rnd() % SLOTS;
		size_t n = rnd() % 16 ? rnd() % 700 : rnd() % 20000;

		if (b[i].p) {
			ok &= check(b[i].p, b[i].n, b[i].tag);
			if (rnd() % 2) {
				free(b[i].p);
				b[i].p = NULL;
				continue;
			}
			unsigned char *q = realloc(b[i].p, n + 1);
			if (!q)
				continue;   /* out of memory: the old block stays */
			b[i].p = q;
			if (n + 1 > b[i].n)
				fill(q + b[i].n, n + 1 - b[i].n, b[i].tag);
			b[i].n = n + 1;
			continue;
		}
		b[i].p = rnd() % 8 ? malloc(n) : aligned_alloc(64, n);
		if (!b[i].p)
			continue;   /* -m 8M can run out; that is allowed */
		b[i].n = n;
		b[i].tag = (unsigned char)rnd();
		fill(b[i].p, n, b[i].tag);
	}
	T_CHECK(ok);
	T_EQ(heap_check(), 0);
	for (unsigned i = 0; i < SLOTS; i++) {
		free(b[i].p);
		b[i].p = NULL;
	}
	heap_stats(&h1);
	T_EQ(h1.bytes_in_use, h0.bytes_in_use);
	T_EQ(h1.bad_frees, h0.bad_frees);
	T_EQ(heap_check(), 0);
	test_diag("peak %zu bytes, %zu pages held", h1.peak_bytes,
		  h1.pages_held);
}

TEST(heap_bad_free_detected)
{
	struct heap_stats h0, h1;
	char *a = malloc(64), *b = malloc(10000);
	char local[16];

	T_CHECK(a && b);
	if (!a || !b)
		return;
	heap_stats(&h0);
	free(a);
	free(a);
	free(b);
	free(b);
	free(local);
	heap_stats(&h1);
	T_EQ(h1.bad_frees - h0.bad_frees, 3);
	T_EQ(heap_check(), 0);
}
