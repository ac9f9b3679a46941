/* SPDX-License-Identifier: MIT */
/* The kernel heap (kern/mm/heap.c). malloc, calloc, realloc, free,
 * aligned_alloc and posix_memalign are declared in <stdlib.h>; this header
 * adds the rest.
 *
 * Small requests (up to 2016 bytes) come from size-class slabs, one 4 KiB
 * page per slab; larger ones are whole buddy blocks from page_alloc, so they
 * are page-aligned and rounded up to a power-of-two number of pages.
 * Alignment: every pointer is 16-byte aligned; aligned_alloc and friends
 * take any power of two up to 1 GiB (4096 for virtio rings costs nothing
 * extra: it is one page). Memory is not zeroed except by calloc.
 *
 * Not for interrupt handlers; no locking (one CPU, cooperative threads).
 * free() of a pointer the heap did not hand out, or of one already freed, is
 * a kernel bug: it is logged, counted in bad_frees and otherwise ignored. */
#ifndef KERN_HEAP_H
#define KERN_HEAP_H

#include <kern/compiler.h>

/* The largest slab size class: up to this, two objects share a page;
 * one byte more takes a whole page. */
#define HEAP_SLAB_MAX 2016
/* Largest alignment and size the heap serves (one top-order buddy block). */
#define HEAP_MAX_ALIGN (1UL << 30)

/* As aligned_alloc, kept for ported code (align: a power of two, else NULL). */
void *memalign(size_t align, size_t size);

/* Bytes usable at p (>= what was asked), 0 for NULL or a bad pointer. */
size_t heap_usable_size(const void *p);

/* malloc and free for an owner that keeps its own count of heap bytes
 * (lwIP's budget, net/mem.c): the usable size comes with the block and
 * back from the free, without the pointer lookup heap_usable_size costs
 * on top of each. heap_free_usable returns 0 for NULL or a bad pointer
 * (which it logs and counts as free does). */
void *heap_malloc_usable(size_t size, size_t *usable);
size_t heap_free_usable(void *p);

struct heap_stats {
	size_t bytes_in_use;   /* sum of heap_usable_size over live blocks */
	size_t peak_bytes;     /* highest bytes_in_use seen */
	uint64_t allocs;       /* successful allocations (realloc moves count) */
	uint64_t frees;
	size_t pages_held;     /* pages taken from the pmm, slabs and large */
	size_t slab_pages;
	uint64_t bad_frees;    /* rejected free/realloc pointers */
};
void heap_stats(struct heap_stats *s);

/* Give every empty slab page back to the page allocator (one per size class
 * is otherwise kept to avoid churn). */
void heap_trim(void);

/* Walk every slab and counter and cross-check them (tests, debugging).
 * @return 0, or -EFAULT after logging the first inconsistency. */
int heap_check(void);

#endif
