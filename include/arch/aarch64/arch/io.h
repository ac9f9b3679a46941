/* SPDX-License-Identifier: MIT */
/* Device register access for aarch64. There is no I/O port space: PCI I/O
 * BARs appear in a memory window (ARCH_HAS_PORT_IO is left undefined).
 * MMIO goes through these accessors only (STYLE.md). Each is exactly one
 * single-copy-atomic access of the stated width (a plain LDR/STR of a
 * naturally aligned address, ARM ARM B2.2.1), which the device registers and
 * the PCI MSI-X table (PCI 3.0 §6.8.2) need.
 *
 * Ordering: device memory (nGnRE) keeps accesses to one device in program
 * order, but not against normal memory. A write that starts DMA (a doorbell)
 * must come after the buffer writes, and a read that reports DMA done must
 * come before the buffer reads, so the accessors carry the barriers that x86
 * gets for free: DMB OSHST before each write, DMB OSHLD after each read
 * (ARM ARM B2.3.12; devices are outer shareable). */
#ifndef ARCH_IO_H
#define ARCH_IO_H

#include <stdint.h>

static inline uint8_t mmio_read8(const volatile void *addr)
{
	uint8_t v;
	__asm__ __volatile__("ldrb %w0, [%1]\n\tdmb oshld"
			     : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline uint16_t mmio_read16(const volatile void *addr)
{
	uint16_t v;
	__asm__ __volatile__("ldrh %w0, [%1]\n\tdmb oshld"
			     : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline uint32_t mmio_read32(const volatile void *addr)
{
	uint32_t v;
	__asm__ __volatile__("ldr %w0, [%1]\n\tdmb oshld"
			     : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline uint64_t mmio_read64(const volatile void *addr)
{
	uint64_t v;
	__asm__ __volatile__("ldr %0, [%1]\n\tdmb oshld"
			     : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void mmio_write8(volatile void *addr, uint8_t v)
{
	__asm__ __volatile__("dmb oshst\n\tstrb %w0, [%1]"
			     : : "rZ"(v), "r"(addr) : "memory");
}

static inline void mmio_write16(volatile void *addr, uint16_t v)
{
	__asm__ __volatile__("dmb oshst\n\tstrh %w0, [%1]"
			     : : "rZ"(v), "r"(addr) : "memory");
}

static inline void mmio_write32(volatile void *addr, uint32_t v)
{
	__asm__ __volatile__("dmb oshst\n\tstr %w0, [%1]"
			     : : "rZ"(v), "r"(addr) : "memory");
}

static inline void mmio_write64(volatile void *addr, uint64_t v)
{
	__asm__ __volatile__("dmb oshst\n\tstr %x0, [%1]"
			     : : "rZ"(v), "r"(addr) : "memory");
}

/* Read a 32-bit device register that may have nothing behind it: the
 * first access to an address that firmware or the command line named.
 * A synchronous external abort during the read is caught (probe.S, trap.c)
 * instead of being fatal. addr must be mapped (vm_map_mmio).
 * @return 0 with *val set, or -EIO when the read aborted. */
int probe_read32(const volatile void *addr, uint32_t *val);

#endif
