/* SPDX-License-Identifier: MIT */
/* The guest side of a simulated virtio-balloon, shared by the unit test
 * (tests/unit/test_balloon.c) and the fuzzer (tests/fuzz/fuzz_balloon.c):
 * an arena of "RAM" under the real page allocator, and the driver's way of
 * taking pages into the balloon's stage (drivers/virtio/balloon.c). The
 * arena sits low in the address space, as guest RAM does, so its 4 KiB
 * frame numbers fit the 32 bits a request carries (virtio 1.2 §5.5.6). */
#ifndef TESTS_BALLOON_SIM_H
#define TESTS_BALLOON_SIM_H

#include <drivers/virtio_balloon.h>

/* Give the page allocator a fresh arena of size bytes as all its RAM
 * (pmm_reset, then the arena; mapped anew only when the size changes).
 * Aborts when the fixed address cannot be had. @return the arena. */
char *bsim_setup(size_t size);

/* Free pages in the allocator now. */
uint64_t bsim_free_pages(void);

/* Take up to want pages into bp's stage in blocks of at most max_order,
 * falling back to smaller blocks when the allocator has none that large,
 * as the driver does. @return the pages staged (less than want when the
 * allocator or the stage ran out). */
uint64_t bsim_stage(struct balloon_pages *bp, uint64_t want, unsigned max_order);

/* Whether every one of n frame numbers lies inside the arena. */
bool bsim_pfns_in_arena(const uint32_t *pfns, uint32_t n);

#endif
