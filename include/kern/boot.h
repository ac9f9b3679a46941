/* SPDX-License-Identifier: MIT */
/* What the boot path hands to the kernel, whichever protocol brought it in. */
#ifndef KERN_BOOT_H
#define KERN_BOOT_H

#include <kern/compiler.h>

struct boot_info {
	const char *protocol;   /* "multiboot1", "multiboot2", "pvh", "linux-arm64" */
	const char *cmdline;    /* never NULL ("" when none was given) */
	uint64_t rsdp;          /* ACPI RSDP physical address, 0 when not handed over */
	uint64_t dtb;           /* device tree blob physical address, 0 when none */
	uint64_t kernel_start, kernel_end; /* loaded image, physical */
};

extern struct boot_info boot_info;

/* Record a boot phase with the cycle counter; `boot: ready` prints them. */
void boot_stamp(const char *phase);

#endif
