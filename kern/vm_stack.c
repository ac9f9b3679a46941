// SPDX-License-Identifier: MIT
/* Kernel stacks with a guard page: one page block from the page allocator,
 * its lowest page unmapped so that an overflow faults (and the fault dump
 * says so) instead of silently corrupting the memory below. */
#include <kern/vm.h>
#include <kern/pmm.h>

static unsigned long guards;    /* live guard pages: RAM left unmapped */

unsigned long vm_stack_guards(void)
{
	return guards;
}

static unsigned order_for(size_t bytes)
{
	unsigned o = 0;
	while ((PAGE_SIZE << o) < bytes)
		o++;
	return o;
}

void *vm_stack_alloc(size_t size)
{
	size = ALIGN_UP(size, PAGE_SIZE);
	uint8_t *base = page_alloc(order_for(size + PAGE_SIZE));
	if (!base)
		return NULL;
	if (arch_vm_set_guard((uintptr_t)base, true) < 0) {
		page_free(base, order_for(size + PAGE_SIZE));
		return NULL;
	}
	guards++;
	/* The guard is the block's lowest page, the stack right above it
	 * (pages past base + 4K + size, if the order rounded up, stay unused:
	 * stack sizes of 2^n - 4K waste nothing). */
	return base + PAGE_SIZE + size;
}

void vm_stack_free(void *top, size_t size)
{
	size = ALIGN_UP(size, PAGE_SIZE);
	uint8_t *base = (uint8_t *)top - size - PAGE_SIZE;
	arch_vm_set_guard((uintptr_t)base, false);
	guards--;
	page_free(base, order_for(size + PAGE_SIZE));
}
