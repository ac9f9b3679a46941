// SPDX-License-Identifier: MIT
/* Fuzz the x86 boot information parser (kern/arch/x86_64/bootinfo.c):
 * Multiboot1, Multiboot2 and PVH start_info. The input is the loader's
 * memory at MEM_BASE (a malloc of exactly its size; the map callback
 * refuses anything outside it, ASan catches a parser that reads past it).
 * Its first byte picks the protocol (0 Multiboot1, 1 Multiboot2, 2 PVH,
 * 3 the magic in bytes 3..6 as is), bytes 1..2 the info block's offset. */
#include "fuzz.h"
#include <kern/errno.h>
#include <kern/memmap.h>
#include "../../kern/arch/x86_64/bootinfo.h"

#define MEM_BASE 0x10000ull

static const uint8_t *mem;
static size_t memlen;

static const void *map(uint64_t pa, size_t len)
{
	if (!len || pa < MEM_BASE || len > memlen || pa - MEM_BASE > memlen - len)
		return NULL;
	return mem + (pa - MEM_BASE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t magics[] = { MB1_BOOT_MAGIC, MB2_BOOT_MAGIC, PVH_MAGIC };
	static struct bootinfo bi;
	static struct memmap mm;
	uint32_t magic, info;
	uint8_t *buf;

	if (size < 7)
		return 0;
	magic = (data[0] & 3) == 3 ? (uint32_t)data[3] | (uint32_t)data[4] << 8 |
				     (uint32_t)data[5] << 16 | (uint32_t)data[6] << 24
				   : magics[data[0] & 3];
	info = (uint32_t)MEM_BASE + (data[1] | data[2] << 8);
	buf = fz_dup(data, size, false);
	mem = buf;
	memlen = size;
	memset(&bi, 0xa5, sizeof(bi));
	memmap_init(&mm);
	if (bootinfo_parse(magic, info, map, &bi, &mm) == 0 || bi.cmdline[0] != (char)0xa5) {
		/* The command line is a string that fits, and the map's
		 * ranges are within its table. */
		if (strnlen(bi.cmdline, sizeof(bi.cmdline)) >= sizeof(bi.cmdline))
			abort();
		if (bi.rsdp_len > sizeof(bi.rsdp))
			abort();
		/* A boot module kept is non-empty and readable as a whole. */
		if ((bi.mod_start || bi.mod_end) &&
		    (bi.mod_end <= bi.mod_start || !map(bi.mod_start, bi.mod_end - bi.mod_start)))
			abort();
	}
	if (mm.count > MEMMAP_MAX)
		abort();
	free(buf);
	return 0;
}
