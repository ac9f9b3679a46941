// SPDX-License-Identifier: MIT
/* The simulated balloon's guest side (balloon_sim.h): one arena and the
 * driver's staging loop for the balloon's unit test and its fuzzer. */
#include "balloon_sim.h"
#include <kern/pmm.h>
#include <stdlib.h>
#include <sys/mman.h>

#define ARENA_BASE ((void *)0x40000000UL)

static char *arena;
static size_t arena_size;

char *bsim_setup(size_t size)
{
	pmm_reset();
	if (arena && arena_size != size) {
		munmap(arena, arena_size);
		arena = NULL;
	}
	if (!arena) {
		arena = mmap(ARENA_BASE, size, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (arena != ARENA_BASE)
			abort();
		arena_size = size;
	}
	if (pmm_add_range((uint64_t)(uintptr_t)arena, size))
		abort();
	return arena;
}

uint64_t bsim_free_pages(void)
{
	struct pmm_stats s;

	pmm_stats(&s);
	return s.free_pages;
}

uint64_t bsim_stage(struct balloon_pages *bp, uint64_t want, unsigned max_order)
{
	uint64_t got = 0;
	unsigned k = max_order;

	while (got < want) {
		while (k && (1ull << k) > want - got)
			k--;
		void *b = page_alloc(k);
		if (!b) {
			if (!k)
				break;
			k--;
			continue;
		}
		if (bpages_stage(bp, b, k)) {
			page_free(b, k);
			break;
		}
		got += 1ull << k;
	}
	return got;
}

bool bsim_pfns_in_arena(const uint32_t *pfns, uint32_t n)
{
	uint64_t lo = (uint64_t)(uintptr_t)arena >> VIRTIO_BALLOON_PFN_SHIFT;
	uint64_t hi = lo + (arena_size >> VIRTIO_BALLOON_PFN_SHIFT);

	for (uint32_t i = 0; i < n; i++)
		if (pfns[i] < lo || pfns[i] >= hi)
			return false;
	return true;
}
