/* SPDX-License-Identifier: MIT */
/* Memory barriers for aarch64 (weakly ordered): full-system barriers for
 * device-visible ordering, outer-shareable for DMA to coherent devices. */
#ifndef ARCH_BARRIER_H
#define ARCH_BARRIER_H

#define barrier()       __asm__ __volatile__("" ::: "memory")
#define mb()            __asm__ __volatile__("dsb sy" ::: "memory")
#define rmb()           __asm__ __volatile__("dsb ld" ::: "memory")
#define wmb()           __asm__ __volatile__("dsb st" ::: "memory")
#define dma_rmb()       __asm__ __volatile__("dmb oshld" ::: "memory")
#define dma_wmb()       __asm__ __volatile__("dmb oshst" ::: "memory")
#define cpu_relax()     __asm__ __volatile__("yield" ::: "memory")

#endif
