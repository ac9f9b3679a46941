/* SPDX-License-Identifier: MIT */
/* DMA addresses. The kernel identity-maps all RAM (virtual == physical), so a
 * device address is the pointer's value; this header is where an IOMMU or an
 * offset mapping would go. */
#ifndef KERN_DMA_H
#define KERN_DMA_H

#include <kern/compiler.h>

static inline uint64_t dma_addr(const void *p) { return (uint64_t)(uintptr_t)p; }
static inline void *phys_to_virt(uint64_t pa) { return (void *)(uintptr_t)pa; }
static inline uint64_t virt_to_phys(const void *p) { return (uint64_t)(uintptr_t)p; }

#endif
