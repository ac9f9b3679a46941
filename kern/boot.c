// SPDX-License-Identifier: MIT
/* Boot info and boot-phase timing. The entry code reads the cycle counter
 * at the first instruction (boot_cycles0); each phase records a stamp, and
 * `boot: ready in N us` reports them once the clock is calibrated. */
#include <kern/boot.h>
#include <kern/arch.h>
#include <kern/time.h>
#include <kern/printk.h>
#include <stdio.h>

struct boot_info boot_info = { .protocol = "unknown", .cmdline = "" };
uint64_t boot_cycles0;

static struct { const char *name; uint64_t cycles; } stamps[16];
static unsigned nstamps;

void boot_stamp(const char *phase)
{
	if (nstamps < ARRAY_SIZE(stamps))
		stamps[nstamps++] = (typeof(stamps[0])){ phase, arch_cycles() };
}

/* Until the clock code provides the conversion. */
__attribute__((weak)) uint64_t time_cycles_to_ns(uint64_t cycles) { return 0; }

void boot_report(void);
void boot_report(void)
{
	uint64_t now = arch_cycles();
	uint64_t total = time_cycles_to_ns(now - boot_cycles0);
	char line[400];
	int n = 0;
	uint64_t prev = boot_cycles0;
	for (unsigned i = 0; i < nstamps && n < (int)sizeof(line) - 40; i++) {
		n += snprintf(line + n, sizeof(line) - n, " %s=%llu",
			      stamps[i].name,
			      (unsigned long long)(time_cycles_to_ns(stamps[i].cycles - prev) / 1000));
		prev = stamps[i].cycles;
	}
	kprintf("boot: ready in %llu us (%s, clock %s; phases in us:%s)\n",
		(unsigned long long)(total / 1000), boot_info.protocol,
		time_clock_name(), line);
}
