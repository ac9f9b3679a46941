// SPDX-License-Identifier: MIT
/* The CPU in words, from MIDR_EL1 (Arm ARM D17.2.100: implementer [31:24],
 * variant [23:20], part number [15:4], revision [3:0]). */
#include <arch/cpu.h>
#include <kern/cpuinfo.h>
#include <stdio.h>

static const struct {
	unsigned impl, part;
	const char *name;
} parts[] = {
	{ 0x41, 0xd03, "Arm Cortex-A53" },
	{ 0x41, 0xd07, "Arm Cortex-A57" },
	{ 0x41, 0xd08, "Arm Cortex-A72" },
	{ 0x41, 0xd0b, "Arm Cortex-A76" },
	{ 0x41, 0xd0c, "Arm Neoverse-N1" },
	{ 0x41, 0xd40, "Arm Neoverse-V1" },
	{ 0x41, 0xd49, "Arm Neoverse-N2" },
	{ 0x41, 0xd4f, "Arm Neoverse-V2" },
	{ 0x61, 0x000, "Apple" },
};

void arch_cpu_describe(char *buf, size_t len)
{
	uint64_t midr = read_sysreg(midr_el1);
	unsigned impl = (unsigned)(midr >> 24) & 0xff, part = (unsigned)(midr >> 4) & 0xfff;
	const char *name = "unknown";

	for (unsigned i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (parts[i].impl == impl && (parts[i].part == part || !parts[i].part))
			name = parts[i].name;
	snprintf(buf, len, "%s (MIDR %#llx: implementer %#x part %#x r%up%u)", name,
		 (unsigned long long)midr, impl, part, (unsigned)(midr >> 20) & 0xf,
		 (unsigned)midr & 0xf);
}
