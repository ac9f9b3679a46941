/* SPDX-License-Identifier: MIT */
/* Device register access for x86_64: the I/O port space (in/out) and
 * memory-mapped registers. MMIO goes through these accessors only, so that no
 * driver casts raw volatile pointers (STYLE.md). Each accessor is exactly one
 * access of the stated width: device registers may have side effects on read,
 * and some (the PCI MSI-X table, PCI 3.0 §6.8.2) forbid split accesses.
 *
 * x86 keeps uncached (UC) MMIO accesses in program order with respect to each
 * other and to port I/O, so no fences are needed here; ordering against
 * normal memory that a device reads by DMA is the job of <arch/barrier.h>. */
#ifndef ARCH_IO_H
#define ARCH_IO_H

#include <stdint.h>

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ __volatile__("inb %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;
	__asm__ __volatile__("inw %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;
	__asm__ __volatile__("inl %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ __volatile__("outb %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ __volatile__("outw %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ __volatile__("outl %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

/* A write to an unused port takes about a microsecond: the classic delay
 * between accesses to slow ISA devices (the 8259, the PIT). */
static inline void io_wait(void)
{
	outb(0x80, 0);
}

/* MMIO. The asm forms pin the access width and keep the compiler from
 * merging, splitting or eliding accesses; "memory" orders them against
 * surrounding C loads and stores. */
static inline uint8_t mmio_read8(const volatile void *addr)
{
	uint8_t v;
	__asm__ __volatile__("movb %1, %0"
			     : "=q"(v) : "m"(*(const volatile uint8_t *)addr) : "memory");
	return v;
}

static inline uint16_t mmio_read16(const volatile void *addr)
{
	uint16_t v;
	__asm__ __volatile__("movw %1, %0"
			     : "=r"(v) : "m"(*(const volatile uint16_t *)addr) : "memory");
	return v;
}

static inline uint32_t mmio_read32(const volatile void *addr)
{
	uint32_t v;
	__asm__ __volatile__("movl %1, %0"
			     : "=r"(v) : "m"(*(const volatile uint32_t *)addr) : "memory");
	return v;
}

static inline uint64_t mmio_read64(const volatile void *addr)
{
	uint64_t v;
	__asm__ __volatile__("movq %1, %0"
			     : "=r"(v) : "m"(*(const volatile uint64_t *)addr) : "memory");
	return v;
}

static inline void mmio_write8(volatile void *addr, uint8_t v)
{
	__asm__ __volatile__("movb %1, %0"
			     : "=m"(*(volatile uint8_t *)addr) : "q"(v) : "memory");
}

static inline void mmio_write16(volatile void *addr, uint16_t v)
{
	__asm__ __volatile__("movw %1, %0"
			     : "=m"(*(volatile uint16_t *)addr) : "r"(v) : "memory");
}

static inline void mmio_write32(volatile void *addr, uint32_t v)
{
	__asm__ __volatile__("movl %1, %0"
			     : "=m"(*(volatile uint32_t *)addr) : "r"(v) : "memory");
}

static inline void mmio_write64(volatile void *addr, uint64_t v)
{
	__asm__ __volatile__("movq %1, %0"
			     : "=m"(*(volatile uint64_t *)addr) : "r"(v) : "memory");
}

/* Read a 32-bit device register that may have nothing behind it (the
 * aarch64 contract, kept here so common code can call it). On a PC a read
 * that no device decodes completes with all ones (PCI 3.0 §6.1, master
 * abort), never a fault, so this is a plain read; callers reject the
 * all-ones value as they would any wrong ID.
 * @return 0 with *val set (never -EIO here). */
static inline int probe_read32(const volatile void *addr, uint32_t *val)
{
	*val = mmio_read32(addr);
	return 0;
}

/* This architecture has a separate I/O port space (PCI I/O BARs, 0xCF8). */
#define ARCH_HAS_PORT_IO 1

#endif
