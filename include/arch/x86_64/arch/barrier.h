/* SPDX-License-Identifier: MIT */
/* Memory barriers for x86_64. x86 is TSO: stores are not reordered with
 * stores, loads not with loads, so the producer/consumer barriers that
 * shared rings need are compiler barriers; only store->load needs mfence. */
#ifndef ARCH_BARRIER_H
#define ARCH_BARRIER_H

#define barrier()       __asm__ __volatile__("" ::: "memory")
#define mb()            __asm__ __volatile__("mfence" ::: "memory")
#define rmb()           barrier()
#define wmb()           barrier()
/* Ordering of normal memory seen by a device doing DMA (virtio 1.2 §2.7.13). */
#define dma_rmb()       barrier()
#define dma_wmb()       barrier()
#define cpu_relax()     __asm__ __volatile__("pause" ::: "memory")

#endif
