// SPDX-License-Identifier: MIT
/* The CPU in words: CPUID's brand string (leaves 0x80000002..4, SDM Vol. 2A
 * "CPUID"), else the vendor and the family, model and stepping of leaf 1. */
#include <arch/cpu.h>
#include <kern/cpuinfo.h>
#include <stdio.h>
#include <string.h>

void arch_cpu_describe(char *buf, size_t len)
{
	struct cpuid_regs r = cpuid(0x80000000);
	char s[49];

	if (!len)
		return;
	if (r.eax >= 0x80000004) {
		for (unsigned i = 0; i < 3; i++) {
			struct cpuid_regs b = cpuid(0x80000002 + i);

			memcpy(s + 16 * i, &b.eax, 4);
			memcpy(s + 16 * i + 4, &b.ebx, 4);
			memcpy(s + 16 * i + 8, &b.ecx, 4);
			memcpy(s + 16 * i + 12, &b.edx, 4);
		}
		s[48] = '\0';
		const char *p = s;

		while (*p == ' ')
			p++;
		if (*p) {
			snprintf(buf, len, "%s", p);
			return;
		}
	}
	r = cpuid(0);
	memcpy(s, &r.ebx, 4);
	memcpy(s + 4, &r.edx, 4);
	memcpy(s + 8, &r.ecx, 4);
	s[12] = '\0';
	struct cpuid_regs one = cpuid(1);
	unsigned fam = (one.eax >> 8) & 0xf, model = (one.eax >> 4) & 0xf;

	if (fam == 0xf)
		fam += (one.eax >> 20) & 0xff;
	if (fam == 0x6 || fam >= 0xf)
		model |= ((one.eax >> 16) & 0xf) << 4;
	snprintf(buf, len, "%s family %u model %u stepping %u", s, fam, model, one.eax & 0xf);
}
