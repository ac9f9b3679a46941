/* SPDX-License-Identifier: MIT */
/* The x86 boot information parser (bootinfo.c): pure logic, host-tested in
 * tests/unit/test_bootinfo.c. It reads the loader's structures only through
 * a map callback, so every address the loader wrote is checked before use. */
#ifndef X86_BOOTINFO_H
#define X86_BOOTINFO_H

#include <kern/compiler.h>

struct memmap;

#define MB1_BOOT_MAGIC  0x2badb002      /* Multiboot 0.6.96 §3.2, %eax */
#define MB2_BOOT_MAGIC  0x36d76289      /* Multiboot2 §3.2, %eax */
#define PVH_MAGIC       0x336ec578      /* hvm_start_info.magic */

#define BOOTINFO_CMDLINE_MAX 4096       /* with the terminating NUL */

/* [pa, pa+len) readable as loader memory? Its address, or NULL. */
typedef const void *(*bootinfo_map_fn)(uint64_t pa, size_t len);

struct bootinfo {
	const char *protocol;           /* "multiboot1", "multiboot2", "pvh", "unknown" */
	char cmdline[BOOTINFO_CMDLINE_MAX];
	bool cmdline_truncated;         /* the loader's was longer: cut here */
	uint64_t rsdp_pa;               /* PVH: the RSDP's address, 0 if none */
	uint8_t rsdp[36];               /* Multiboot2: a copy of the RSDP */
	size_t rsdp_len;                /* bytes valid in rsdp[], 0 if none */
	/* The first boot module (QEMU -initrd, GRUB module/module2, PVH
	 * modlist), physical [mod_start, mod_end); both 0 when none or when
	 * the loader's entry was unusable. Only checked to be readable
	 * below 4 GiB here: the boot code checks it against RAM. */
	uint64_t mod_start, mod_end;
	uint32_t nr_mods;               /* as the loader counted them */
};

/* Parse what the loader handed over (magic from %eax, info from %ebx) into
 * bi and the ranges of its memory map into mm. Problems with single entries
 * are warned about and skipped.
 * @return 0; -EINVAL for an unknown magic or a structure that cannot be
 * trusted at all (a PVH start_info without its magic, a Multiboot info block
 * that is not readable); -ENOENT when no memory map was handed over. */
int bootinfo_parse(uint32_t magic, uint32_t info, bootinfo_map_fn map,
		   struct bootinfo *bi, struct memmap *mm);

#endif
