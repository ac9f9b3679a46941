/* SPDX-License-Identifier: MIT */
/* The kernel's address space: all RAM identity-mapped (virtual == physical),
 * write-back, non-executable except the kernel text. Device memory is mapped
 * on demand, uncached, also identity. */
#ifndef KERN_VM_H
#define KERN_VM_H

#include <kern/compiler.h>

/* Map [pa, pa+size) uncached at the same virtual address (idempotent).
 * @return the virtual address, or NULL when page tables can't be allocated. */
void *vm_map_mmio(uint64_t pa, uint64_t size);

/* A kernel stack of size bytes (page multiple) with an unmapped guard page
 * below it. @return the stack top (16-byte aligned), or NULL. */
void *vm_stack_alloc(size_t size);
void vm_stack_free(void *top, size_t size);
/* Guard pages of the stacks now allocated: the only usable RAM pages that
 * are not mapped (threads started at boot, such as lwIP's, have some). */
unsigned long vm_stack_guards(void);

/* Is [va, va+size) mapped (present) in the kernel's tables? */
bool vm_is_mapped(uint64_t va, uint64_t size);

/* Arch hook under vm_stack_alloc: unmap the RAM page at va (guard) or map
 * it back as ordinary RAM. @return 0 or -ENOMEM (page tables). */
int arch_vm_set_guard(uint64_t va, bool guard);

#endif
