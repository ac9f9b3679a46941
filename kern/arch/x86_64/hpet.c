// SPDX-License-Identifier: MIT
/* The HPET main counter as a reference clock (IA-PC HPET spec 1.0a §2.3):
 * General Capabilities at 0x00 (COUNTER_CLK_PERIOD in femtoseconds in bits
 * 63:32, COUNT_SIZE_CAP in bit 13), General Configuration at 0x10
 * (ENABLE_CNF, bit 0), Main Counter at 0xF0. We only read the counter;
 * legacy replacement routing stays off, so the PIT and RTC keep their IRQs. */
#include <arch/clock.h>
#include <arch/io.h>
#include <kern/acpi.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/vm.h>

#define HPET_CAP        0x00
#define HPET_CONFIG     0x10
#define HPET_COUNTER    0xf0
#define CAP_COUNT_64    (1ull << 13)
#define CONFIG_ENABLE   (1ull << 0)
#define MAX_PERIOD_FS   100000000ull    /* §2.3.7.1: at most 100 ns */

static volatile uint8_t *regs;
static uint64_t freq;
static bool wide;
static bool tried;
static uint32_t last_lo;
static uint64_t ext;

int hpet_init(void)
{
	if (tried)
		return regs ? 0 : -ENODEV;
	tried = true;

	uint64_t base;

	if (acpi_hpet_base(&base))
		return -ENODEV;
	volatile uint8_t *r = vm_map_mmio(base, 1024);

	if (!r)
		return -ENODEV;
	uint64_t cap = mmio_read64(r + HPET_CAP);
	uint64_t period = cap >> 32;

	if (!period || period > MAX_PERIOD_FS) {
		pr_warn("hpet: bad counter period %llu fs at %#llx; not used\n",
			(unsigned long long)period, (unsigned long long)base);
		return -ENODEV;
	}
	freq = 1000000000000000ull / period;
	wide = cap & CAP_COUNT_64;
	mmio_write64(r + HPET_CONFIG, mmio_read64(r + HPET_CONFIG) | CONFIG_ENABLE);
	regs = r;
	last_lo = mmio_read32(regs + HPET_COUNTER);
	ext = last_lo;
	return 0;
}

bool hpet_present(void)
{
	return regs != NULL;
}

uint64_t hpet_hz(void)
{
	return freq;
}

/* A 32-bit counter is extended in software (it wraps after minutes at
 * the usual 10-25 MHz, far longer than any caller's polling interval). */
uint64_t hpet_read(void)
{
	if (!regs)
		return 0;
	if (wide)
		return mmio_read64(regs + HPET_COUNTER);
	uint32_t lo = mmio_read32(regs + HPET_COUNTER);

	ext += (uint32_t)(lo - last_lo);
	last_lo = lo;
	return ext;
}
