/* SPDX-License-Identifier: MIT */
/* lwIP's memory: its heap and every pool (MEM_LIBC_MALLOC, MEMP_MEM_MALLOC
 * in net/lwipopts.h) come from the kernel heap, within a budget set from
 * the guest's RAM at boot. Past the budget an allocation fails and lwIP
 * drops what it cannot buffer (counted in its stats), as with a full pool;
 * the rest of the kernel keeps its memory. */
#include <kern/heap.h>
#include <kern/irq.h>
#include <kern/pmm.h>
#include <kern/printk.h>
#include <net/net.h>
#include <stdlib.h>
#include <string.h>
#include "netpriv.h"

static size_t mem_limit = SIZE_MAX;     /* until net_mem_init */
static size_t mem_used, mem_peak;
static uint64_t mem_failed;

/* An eighth of RAM, at least 512 KiB and at most 64 MiB: a 8 MiB guest
 * gets 1 MiB (a few TCP windows), a 1 GiB one 64 MiB. */
void net_mem_init(void)
{
	struct pmm_stats ps;
	size_t ram;

	pmm_stats(&ps);
	ram = (size_t)ps.total_pages * 4096;
	mem_limit = MIN(MAX(ram / 8, (size_t)512 << 10), (size_t)64 << 20);
}

/* The budget bounds packet data, not lwIP's bookkeeping: a block smaller
 * than this (a timer, a message, a pbuf header, a segment descriptor) is
 * always served while the kernel heap has room. lwIP treats a failed timer
 * allocation as fatal (an assertion in sys_timeout), and its cyclic timers
 * allocate each time they re-arm; refusing those would stop TCP, not shed
 * load. Packet buffers (a pool pbuf is 1.5 KiB) are all larger. */
#define NET_MEM_SMALL 256

void *net_mem_malloc(unsigned long size)
{
	size_t usable;
	void *p;

	if (size >= NET_MEM_SMALL &&
	    (mem_used >= mem_limit || size > mem_limit - mem_used)) {
		mem_failed++;
		return NULL;
	}
	p = heap_malloc_usable(size, &usable);
	if (!p) {
		mem_failed++;
		return NULL;
	}
	mem_used += usable;
	if (mem_used > mem_peak)
		mem_peak = mem_used;
	return p;
}

void *net_mem_calloc(unsigned long n, unsigned long size)
{
	void *p;

	if (size && n > SIZE_MAX / size)
		return NULL;
	p = net_mem_malloc(n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

void net_mem_free(void *p)
{
	mem_used -= heap_free_usable(p);
}

void net_mem_stats(struct net_mem_stats *s)
{
	s->limit = mem_limit;
	s->used = mem_used;
	s->peak = mem_peak;
	s->failed = mem_failed;
}

size_t net_mem_set_limit(size_t limit)
{
	size_t old = mem_limit;

	mem_limit = limit;
	return old;
}
