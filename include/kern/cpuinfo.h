/* SPDX-License-Identifier: MIT */
/* What CPU this is, in words, for status pages (kern/arch/<arch>/cpuinfo.c). */
#ifndef KERN_CPUINFO_H
#define KERN_CPUINFO_H

#include <kern/compiler.h>

/* One line naming the CPU model (x86: the CPUID brand string, or vendor and
 * family/model/stepping; arm64: MIDR_EL1 decoded) into buf (always
 * NUL-terminated when len > 0). */
void arch_cpu_describe(char *buf, size_t len);

#endif
