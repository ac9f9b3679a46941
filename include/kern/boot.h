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
	/* The initrd (x86: the first boot module; aarch64: /chosen's
	 * linux,initrd-start/end), physical = virtual, mapped and kept from
	 * the allocator; both 0 when none was handed over or it was not
	 * inside RAM. Read-only by convention: nothing writes it. */
	uint64_t initrd_start, initrd_end;
};

extern struct boot_info boot_info;

/* Does [base, base+len) touch RAM (usable, ACPI or NVS in the boot memory
 * map) or the kernel image? A device window that a table or command line
 * names there is a lie: mapping it as a device and writing to it would
 * corrupt memory. Only memory that is certainly RAM counts, since E820 may
 * call a real device window "reserved" (PCI Firmware 3.3 §4.1.2). */
bool boot_range_is_ram(uint64_t base, uint64_t len);

/* Record a range the boot code took out of RAM (a reservation, the device
 * tree, an initrd), so that boot_range_is_ram counts it as RAM. */
void boot_range_taken(uint64_t base, uint64_t len);
/* Forget every recorded range (host unit tests). */
void boot_range_taken_reset(void);

/* The one check for a device window that firmware (device tree, ACPI, boot
 * info) or the command line names, before it is mapped: not empty, not
 * wrapping, and not RAM as boot_range_is_ram sees it. Says why on the
 * console, prefixed with what ("gic: distributor").
 * @return 0 if the window may be mapped as a device, else -EINVAL. */
int boot_device_window(const char *what, uint64_t base, uint64_t len);

/* Record a boot phase with the cycle counter; `boot: ready` prints them. */
void boot_stamp(const char *phase);

#endif
