// SPDX-License-Identifier: MIT
/*
 * Read what the boot loader handed over: Multiboot1 (spec 0.6.96 §3.3),
 * Multiboot2 (spec 2.0 §3.6) or PVH (Xen's docs/misc/pvh.pandoc and
 * xen/include/public/arch-x86/hvm/start_info.h). Everything the loader wrote
 * is untrusted: each structure is read only through map(), which refuses
 * what is not readable, and every size, count and offset is checked against
 * the structure it lives in. A bad entry is skipped with a warning; a
 * structure that cannot be trusted at all (a PVH start_info without its
 * magic) is refused. We copy what we keep (command line, RSDP), so the
 * loader's structures can be reused as free memory later; the first boot
 * module (an initrd) is only located here, and reserved by the boot code.
 */
#include <kern/errno.h>
#include <kern/memmap.h>
#include <kern/printk.h>
#include <string.h>
#include "bootinfo.h"

static uint32_t rd32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t rd64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

/* Copy the NUL-terminated string at pa, at most max bytes of it (max = -1
 * for "up to our buffer"), into bi->cmdline, cutting it where it outgrows
 * the buffer. Byte by byte through map(), as its length is unknown. */
static void keep_cmdline(struct bootinfo *bi, bootinfo_map_fn map, uint64_t pa,
			 size_t max)
{
	size_t n = 0;

	bi->cmdline[0] = 0;
	if (!pa)
		return;
	for (; n < max; n++) {
		const char *c = map(pa + n, 1);
		if (!c) {
			pr_warn("boot: command line at %#llx runs into unreadable memory; cut at %zu bytes\n",
				(unsigned long long)pa, n);
			break;
		}
		if (!*c)
			break;
		if (n == sizeof(bi->cmdline) - 1) {
			bi->cmdline_truncated = true;
			break;
		}
		bi->cmdline[n] = *c;
	}
	bi->cmdline[n] = 0;
}

/* Keep the first module, [start, end), if the loader's entry is sane: not
 * empty, not wrapping and readable (below 4 GiB) as a whole. */
static void keep_module(struct bootinfo *bi, bootinfo_map_fn map, uint32_t count,
			uint64_t start, uint64_t end)
{
	bi->nr_mods = count;
	if (end <= start || !map(start, end - start)) {
		pr_warn("boot: boot module %#llx..%#llx is empty, wraps or is not readable; "
			"not used\n", (unsigned long long)start, (unsigned long long)end);
		return;
	}
	bi->mod_start = start;
	bi->mod_end = end;
}

static void add_range(struct memmap *mm, uint64_t base, uint64_t len, uint32_t type)
{
	if (!len)
		return;
	int rc = memmap_add(mm, base, len, type);
	if (rc)
		pr_warn("boot: memory range %#llx+%#llx type %u dropped (%d)\n",
			(unsigned long long)base, (unsigned long long)len, type, rc);
}

/* Multiboot 0.6.96 §3.3: the info block's fixed part, as far as we read it
 * (flags .. mmap_addr). */
#define MB1_INFO_LEN    52

static int parse_mb1(struct bootinfo *bi, bootinfo_map_fn map, uint32_t info,
		     struct memmap *mm)
{
	const uint8_t *mbi = map(info, MB1_INFO_LEN);
	uint32_t before = mm->count;

	bi->protocol = "multiboot1";
	if (!mbi) {
		pr_err("boot: multiboot1 info block at %#x is not readable\n", info);
		return -EINVAL;
	}
	uint32_t flags = rd32(mbi);
	if (flags & (1u << 2)) {
		keep_cmdline(bi, map, rd32(mbi + 16), (size_t)-1);
		/* QEMU and GRUB put the kernel's file name first; drop a first
		 * word that is not an option. */
		char *s = bi->cmdline;
		size_t w = strcspn(s, " ");
		if (!memchr(s, '=', w)) {
			size_t skip = w + strspn(s + w, " ");
			memmove(s, s + skip, strlen(s + skip) + 1);
		}
	}
	if ((flags & (1u << 3)) && rd32(mbi + 20)) {
		/* §3.3 "mods": mods_count +20, mods_addr +24; entries of 16
		 * bytes {mod_start, mod_end, string, reserved}. */
		const uint8_t *m = map(rd32(mbi + 24), 16);

		if (m)
			keep_module(bi, map, rd32(mbi + 20), rd32(m), rd32(m + 4));
		else
			pr_warn("boot: multiboot1 module list at %#x is not readable\n",
				rd32(mbi + 24));
	}
	if (flags & (1u << 6)) {
		/* §3.3 "mmap": entries of size+4 bytes, `size` not counting
		 * itself; base_addr at +4, length at +12, type at +20. */
		uint64_t p = rd32(mbi + 48), end = p + (uint64_t)rd32(mbi + 44);
		for (int n = 0; p + 24 <= end; n++) {
			const uint8_t *e = map(p, 24);
			if (!e) {
				pr_warn("boot: multiboot1 memory map entry at %#llx is not readable\n",
					(unsigned long long)p);
				break;
			}
			uint32_t size = rd32(e);
			if (size < 20 || size > end - p - 4) {
				pr_warn("boot: multiboot1 memory map entry size %u, map ignored past it\n", size);
				break;
			}
			if (n == 1024) {
				pr_warn("boot: multiboot1 memory map has over 1024 entries; rest ignored\n");
				break;
			}
			add_range(mm, rd64(e + 4), rd64(e + 12), rd32(e + 20));
			p += (uint64_t)size + 4;
		}
	}
	if (mm->count == before && (flags & (1u << 0))) {
		/* Only mem_lower/mem_upper: KiB below 640 KiB and from 1 MiB
		 * up to the first hole. mem_lower is at most 640 by definition. */
		uint32_t lower = rd32(mbi + 4), upper = rd32(mbi + 8);
		add_range(mm, 0, (uint64_t)MIN(lower, 640u) << 10, MEM_USABLE);
		add_range(mm, 1 << 20, (uint64_t)upper << 10, MEM_USABLE);
	}
	return mm->count == before ? -ENOENT : 0;
}

/* Multiboot2 §3.6: a u32 total_size, a reserved u32, then 8-byte aligned
 * tags {u32 type, u32 size} up to an end tag (type 0). */
static int parse_mb2(struct bootinfo *bi, bootinfo_map_fn map, uint32_t info,
		     struct memmap *mm)
{
	const uint8_t *hdr = map(info, 8);
	uint32_t before = mm->count;

	bi->protocol = "multiboot2";
	if (!hdr) {
		pr_err("boot: multiboot2 info at %#x is not readable\n", info);
		return -EINVAL;
	}
	uint32_t total = rd32(hdr);
	const uint8_t *base = total >= 16 && total <= (1u << 20) ? map(info, total) : NULL;
	if (!base) {
		pr_err("boot: multiboot2 info size %u is implausible\n", total);
		return -EINVAL;
	}
	for (uint32_t off = 8; off + 8 <= total;) {
		const uint8_t *t = base + off;
		uint32_t type = rd32(t), size = rd32(t + 4);
		if (type == 0)
			break;
		if (size < 8 || size > total - off) {
			pr_warn("boot: multiboot2 tag %u has bad size %u\n", type, size);
			break;
		}
		if (type == 1) {                        /* §3.6.3 command line */
			keep_cmdline(bi, map, (uint64_t)info + off + 8, size - 8);
		} else if (type == 6 && size >= 16) {   /* §3.6.8 memory map */
			uint32_t esz = rd32(t + 8);
			/* We read 20 bytes of each entry (base, length,
			 * type); the spec's entries are 24. */
			if (esz < 20) {
				pr_warn("boot: multiboot2 memory map entry size %u, map ignored\n", esz);
			} else {
				for (uint64_t e = 16; e + esz <= size; e += esz)
					add_range(mm, rd64(t + e), rd64(t + e + 8),
						  rd32(t + e + 16));
			}
		} else if (type == 3 && size >= 16) {   /* §3.6.6 module */
			if (!bi->nr_mods)
				keep_module(bi, map, 1, rd32(t + 8), rd32(t + 12));
			else
				bi->nr_mods++;
		} else if ((type == 14 || type == 15) && size > 8) {
			/* §3.6.12/13: a copy of the RSDP (v1 or v2); prefer v2. */
			if (type == 15 || !bi->rsdp_len) {
				bi->rsdp_len = MIN(size - 8, sizeof(bi->rsdp));
				memcpy(bi->rsdp, t + 8, bi->rsdp_len);
			}
		}
		off += (size + 7) & ~7u;
	}
	return mm->count == before ? -ENOENT : 0;
}

/* struct hvm_start_info (start_info.h): magic +0, version +4, flags +8,
 * nr_modules +12, modlist_paddr +16, cmdline_paddr +24, rsdp_paddr +32;
 * version 1 adds memmap_paddr +40, memmap_entries +48, reserved +52. */
#define PVH_INFO_V0_LEN 40
#define PVH_INFO_V1_LEN 56
#define PVH_MEMMAP_MAX  1024            /* entries; QEMU writes a handful */

static int parse_pvh(struct bootinfo *bi, bootinfo_map_fn map, uint32_t info,
		     struct memmap *mm)
{
	const uint8_t *si = map(info, PVH_INFO_V0_LEN);
	uint32_t before = mm->count;

	bi->protocol = "pvh";
	/* The magic is the one proof that %ebx points at a start_info: a
	 * loader that let something else (QEMU: an over-long command line)
	 * overwrite it hands us garbage, so trust none of it. */
	if (!si || rd32(si) != PVH_MAGIC) {
		pr_err("boot: PVH start_info at %#x has no valid magic (%#x); it was overwritten "
		       "(QEMU puts it right after the command line: is the command line over 4 KiB?)\n",
		       info, si ? rd32(si) : 0);
		return -EINVAL;
	}
	uint32_t version = rd32(si + 4);
	keep_cmdline(bi, map, rd64(si + 24), (size_t)-1);
	bi->rsdp_pa = rd64(si + 32);
	if (rd32(si + 12)) {
		/* struct hvm_modlist_entry: paddr +0, size +8, cmdline_paddr
		 * +16, reserved +24. */
		const uint8_t *m = map(rd64(si + 16), 32);

		if (m && rd64(m) + rd64(m + 8) >= rd64(m))
			keep_module(bi, map, rd32(si + 12), rd64(m), rd64(m) + rd64(m + 8));
		else
			pr_warn("boot: PVH module list at %#llx is unusable\n",
				(unsigned long long)rd64(si + 16));
	}
	if (version < 1) {
		pr_err("boot: PVH start_info version 0 has no memory map\n");
		return -ENOENT;
	}
	si = map(info, PVH_INFO_V1_LEN);
	if (!si) {
		pr_err("boot: PVH start_info at %#x is not readable\n", info);
		return -EINVAL;
	}
	uint64_t pa = rd64(si + 40);
	uint32_t entries = rd32(si + 48);
	/* struct hvm_memmap_table_entry: addr +0, size +8, type +16, 24 bytes. */
	const uint8_t *e = entries && entries <= PVH_MEMMAP_MAX ?
			   map(pa, 24 * (size_t)entries) : NULL;
	if (!e) {
		pr_err("boot: PVH memory map implausible (%u entries at %#llx)\n",
		       entries, (unsigned long long)pa);
		return -ENOENT;
	}
	for (uint32_t i = 0; i < entries; i++, e += 24)
		add_range(mm, rd64(e), rd64(e + 8), rd32(e + 16));
	return mm->count == before ? -ENOENT : 0;
}

int bootinfo_parse(uint32_t magic, uint32_t info, bootinfo_map_fn map,
		   struct bootinfo *bi, struct memmap *mm)
{
	memset(bi, 0, sizeof(*bi));
	bi->protocol = "unknown";
	int rc;
	switch (magic) {
	case MB1_BOOT_MAGIC:
		rc = parse_mb1(bi, map, info, mm);
		break;
	case MB2_BOOT_MAGIC:
		rc = parse_mb2(bi, map, info, mm);
		break;
	case PVH_MAGIC:
		rc = parse_pvh(bi, map, info, mm);
		break;
	default:
		pr_err("boot: unknown boot protocol (magic %#x)\n", magic);
		return -EINVAL;
	}
	if (bi->cmdline_truncated)
		pr_warn("boot: command line longer than %zu bytes, truncated\n",
			sizeof(bi->cmdline) - 1);
	return rc;
}
