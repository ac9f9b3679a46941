// SPDX-License-Identifier: MIT
/*
 * Read what the boot loader handed over: Multiboot1 (spec 0.6.96 §3.3),
 * Multiboot2 (spec 2.0 §3.6) or PVH (xen/include/public/arch-x86/hvm/
 * start_info.h). Each fills boot_info (command line, RSDP) and memmap_boot.
 * Everything the loader wrote is bounds-checked: a size field that would run
 * past its structure ends the walk with a warning, never a fault.
 * We copy what we keep (command line, RSDP), so the loader's structures can be
 * reused as free memory later.
 */
#include <kern/boot.h>
#include <kern/memmap.h>
#include <kern/printk.h>
#include <string.h>
#include "x86.h"

#define MB1_BOOT_MAGIC  0x2badb002
#define MB2_BOOT_MAGIC  0x36d76289
#define PVH_MAGIC       0x336ec578

static char cmdline_buf[4096];
static uint8_t rsdp_copy[36] __aligned(16);

/* Loader structures live below 4 GiB, identity-mapped by the entry code. */
static const void *ptr32(uint64_t pa) { return (const void *)(uintptr_t)pa; }

static void keep_cmdline(uint64_t pa)
{
	if (!pa || pa >= (1ULL << 32))
		return;
	const char *s = ptr32(pa);
	size_t n = strnlen(s, sizeof(cmdline_buf) - 1);
	memcpy(cmdline_buf, s, n);
	cmdline_buf[n] = 0;
	if (s[n])
		pr_warn("boot: command line longer than %zu bytes, truncated\n",
			sizeof(cmdline_buf) - 1);
}

static void keep_rsdp(const void *p, size_t len)
{
	memcpy(rsdp_copy, p, MIN(len, sizeof(rsdp_copy)));
	boot_info.rsdp = (uint64_t)(uintptr_t)rsdp_copy;
}

static void parse_mb1(uint32_t info)
{
	const uint32_t *mbi = ptr32(info);
	uint32_t flags = mbi[0];

	boot_info.protocol = "multiboot1";
	if (flags & (1u << 2)) {
		keep_cmdline(mbi[4]);
		/* QEMU and GRUB put the kernel's file name first; drop a first
		 * word that is not an option. */
		size_t w = strcspn(cmdline_buf, " ");
		if (!memchr(cmdline_buf, '=', w)) {
			size_t skip = w + strspn(cmdline_buf + w, " ");
			memmove(cmdline_buf, cmdline_buf + skip, strlen(cmdline_buf + skip) + 1);
		}
	}
	if (flags & (1u << 6)) {
		uint64_t p = mbi[12], end = p + (uint64_t)mbi[11];
		for (int n = 0; p + 24 <= end && n < 512; n++) {
			const uint8_t *e = ptr32(p);
			uint32_t size;
			uint64_t base, len;
			uint32_t type;
			memcpy(&size, e, 4);
			memcpy(&base, e + 4, 8);
			memcpy(&len, e + 12, 8);
			memcpy(&type, e + 20, 4);
			if (size < 20) {
				pr_warn("boot: multiboot1 memory map entry size %u, map ignored past it\n", size);
				break;
			}
			memmap_add(&memmap_boot, base, len, type);
			p += (uint64_t)size + 4;
		}
	} else if (flags & (1u << 0)) {
		/* Only mem_lower/mem_upper: KiB below 640K and above 1M. */
		memmap_add(&memmap_boot, 0, (uint64_t)mbi[1] << 10, MEM_USABLE);
		memmap_add(&memmap_boot, 1 << 20, (uint64_t)mbi[2] << 10, MEM_USABLE);
	}
	/* Reserve the info structure and what it points at until parsed. */
}

static void parse_mb2(uint32_t info)
{
	const uint8_t *base = ptr32(info);
	uint32_t total;
	memcpy(&total, base, 4);

	boot_info.protocol = "multiboot2";
	if (total < 16 || total > (1u << 20)) {
		pr_err("boot: multiboot2 info size %u is implausible\n", total);
		return;
	}
	for (uint32_t off = 8; off + 8 <= total;) {
		uint32_t type, size;
		memcpy(&type, base + off, 4);
		memcpy(&size, base + off + 4, 4);
		if (type == 0)
			break;
		if (size < 8 || size > total - off) {
			pr_warn("boot: multiboot2 tag %u has bad size %u\n", type, size);
			break;
		}
		const uint8_t *t = base + off;
		if (type == 1) {                        /* command line */
			keep_cmdline((uint64_t)(uintptr_t)(t + 8));
		} else if (type == 6 && size >= 16) {   /* memory map */
			uint32_t esz;
			memcpy(&esz, t + 8, 4);
			if (esz < 20) {
				pr_warn("boot: multiboot2 mmap entry size %u\n", esz);
			} else {
				for (uint32_t e = 16; e + esz <= size; e += esz) {
					uint64_t b, l;
					uint32_t ty;
					memcpy(&b, t + e, 8);
					memcpy(&l, t + e + 8, 8);
					memcpy(&ty, t + e + 16, 4);
					memmap_add(&memmap_boot, b, l, ty);
				}
			}
		} else if ((type == 14 || type == 15) && size > 8) {
			/* A copy of the RSDP (v1 or v2); prefer v2. */
			if (type == 15 || !boot_info.rsdp)
				keep_rsdp(t + 8, size - 8);
		}
		off += (size + 7) & ~7u;
	}
}

static void parse_pvh(uint32_t info)
{
	const uint8_t *si = ptr32(info);
	uint32_t version, entries;
	uint64_t cmd, rsdp, map;

	boot_info.protocol = "pvh";
	memcpy(&version, si + 4, 4);
	memcpy(&cmd, si + 24, 8);
	memcpy(&rsdp, si + 32, 8);
	keep_cmdline(cmd);
	boot_info.rsdp = rsdp;
	if (version < 1) {
		pr_err("boot: PVH start_info version 0 has no memory map\n");
		return;
	}
	memcpy(&map, si + 40, 8);
	memcpy(&entries, si + 48, 4);
	if (entries > 1024 || !map || map >= (1ULL << 32)) {
		pr_err("boot: PVH memory map implausible (%u entries at %#llx)\n",
		       entries, (unsigned long long)map);
		return;
	}
	for (uint32_t i = 0; i < entries; i++) {
		const uint8_t *e = ptr32(map + 24ULL * i);
		uint64_t b, l;
		uint32_t ty;
		memcpy(&b, e, 8);
		memcpy(&l, e + 8, 8);
		memcpy(&ty, e + 16, 4);
		memmap_add(&memmap_boot, b, l, ty);
	}
}

int x86_parse_boot(uint32_t magic, uint32_t info)
{
	boot_info.cmdline = cmdline_buf;
	switch (magic) {
	case MB1_BOOT_MAGIC:
		parse_mb1(info);
		break;
	case MB2_BOOT_MAGIC:
		parse_mb2(info);
		break;
	case PVH_MAGIC:
		parse_pvh(info);
		break;
	default:
		boot_info.protocol = "unknown";
		pr_err("boot: unknown boot protocol (magic %#x)\n", magic);
		return -22;
	}
	return 0;
}
