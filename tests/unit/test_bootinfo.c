// SPDX-License-Identifier: MIT
/* Host tests for the x86 boot information parser (kern/arch/x86_64/
 * bootinfo.c): Multiboot1, Multiboot2 and PVH start_info as QEMU and GRUB
 * write them, and hostile ones (no magic, sizes and counts past their
 * structure, strings without a NUL, entries out of memory). "Physical
 * memory" is a buffer at a fake base address: the map callback refuses
 * anything outside it, and ASan catches a parser that reads past it. */
#include "unit.h"
#include "stubs.h"
#include <kern/errno.h>
#include <kern/memmap.h>
#include <kern/printk.h>
#include <stdarg.h>
#include "../../kern/arch/x86_64/bootinfo.h"

#define MEM_BASE 0x10000ull
#define MEM_SIZE (32 * 1024)
static uint8_t *mem;            /* malloc'd per test: ASan sees its edges */

static const void *fake_map(uint64_t pa, size_t len)
{
	if (!len || pa < MEM_BASE || len > MEM_SIZE || pa - MEM_BASE > MEM_SIZE - len)
		return NULL;
	return mem + (pa - MEM_BASE);
}

static uint8_t *at(uint64_t pa) { return mem + (pa - MEM_BASE); }
static void put32(uint64_t pa, uint32_t v) { memcpy(at(pa), &v, 4); }
static void put64(uint64_t pa, uint64_t v) { memcpy(at(pa), &v, 8); }

static struct bootinfo bi;
static struct memmap mm;

static void fresh(void)
{
	free(mem);
	mem = calloc(1, MEM_SIZE);
	memmap_init(&mm);
}

static int parse(uint32_t magic, uint32_t info)
{
	return bootinfo_parse(magic, info, fake_map, &bi, &mm);
}

/* ---- Multiboot1 (0.6.96 §3.3) ---- */
#define MB1_INFO  0x10000
#define MB1_CMD   0x10100
#define MB1_MMAP  0x10400

static void mb1_entry(uint64_t pa, uint64_t base, uint64_t len, uint32_t type)
{
	put32(pa, 20);
	put64(pa + 4, base);
	put64(pa + 12, len);
	put32(pa + 20, type);
}

static void mb1_good(void)
{
	fresh();
	put32(MB1_INFO, (1u << 2) | (1u << 6));
	put32(MB1_INFO + 16, MB1_CMD);
	strcpy((char *)at(MB1_CMD), "/kernel.elf test=boot* loglevel=7");
	mb1_entry(MB1_MMAP, 0, 0x9fc00, MEM_USABLE);
	mb1_entry(MB1_MMAP + 24, 0x100000, 0x7f00000, MEM_USABLE);
	put32(MB1_INFO + 44, 48);
	put32(MB1_INFO + 48, MB1_MMAP);
}

UNIT(mb1_qemu_like)
{
	mb1_good();
	CHECK_EQ(parse(MB1_BOOT_MAGIC, MB1_INFO), 0);
	CHECK_STR(bi.protocol, "multiboot1");
	CHECK_STR(bi.cmdline, "test=boot* loglevel=7");
	CHECK_EQ(mm.count, 2);
	CHECK_EQ(mm.r[1].base, 0x100000);
	CHECK_EQ(mm.r[1].size, 0x7f00000);
}

UNIT(mb1_info_unreadable)
{
	fresh();
	CHECK_EQ(parse(MB1_BOOT_MAGIC, 0xfffffff0u), -EINVAL);
	CHECK_EQ(parse(MB1_BOOT_MAGIC, MEM_BASE + MEM_SIZE - 8), -EINVAL);
}

UNIT(mb1_mmap_entry_size_past_end)
{
	mb1_good();
	put32(MB1_MMAP + 24, 0x1000);           /* second entry claims 4 KiB */
	CHECK_EQ(parse(MB1_BOOT_MAGIC, MB1_INFO), 0);
	CHECK_EQ(mm.count, 1);
	mb1_good();
	put32(MB1_MMAP, 0);                     /* size 0 would loop on itself */
	CHECK_EQ(parse(MB1_BOOT_MAGIC, MB1_INFO), -ENOENT);
	CHECK_EQ(mm.count, 0);
}

UNIT(mb1_mmap_out_of_memory)
{
	mb1_good();
	put32(MB1_INFO + 44, 0xffffffffu);      /* length runs off memory */
	CHECK_EQ(parse(MB1_BOOT_MAGIC, MB1_INFO), 0);
	CHECK_EQ(mm.count, 2);
	mb1_good();
	put32(MB1_INFO + 48, 0xfffffff0u);
	CHECK_EQ(parse(MB1_BOOT_MAGIC, MB1_INFO), -ENOENT);
}

UNIT(mb1_mem_upper_only)
{
	fresh();
	put32(MB1_INFO, 1u << 0);
	put32(MB1_INFO + 4, 0xffffffffu);       /* mem_lower is at most 640 */
	put32(MB1_INFO + 8, 127 * 1024);
	CHECK_EQ(parse(MB1_BOOT_MAGIC, MB1_INFO), 0);
	CHECK_EQ(mm.count, 2);
	CHECK_EQ(mm.r[0].size, 640 << 10);
	CHECK_EQ(mm.r[1].size, 127ull << 20);
}

UNIT(mb1_cmdline_too_long_is_cut)
{
	mb1_good();
	uint64_t pa = 0x16000;
	memset(at(pa), 'x', 6000);
	memcpy(at(pa), "a=1 ", 4);
	at(pa)[6000] = 0;
	put32(MB1_INFO + 16, (uint32_t)pa);
	CHECK_EQ(parse(MB1_BOOT_MAGIC, MB1_INFO), 0);
	CHECK(bi.cmdline_truncated);
	CHECK_EQ(strlen(bi.cmdline), BOOTINFO_CMDLINE_MAX - 1);
	CHECK(!strncmp(bi.cmdline, "a=1 ", 4));
}

UNIT(mb1_cmdline_without_nul_at_end_of_memory)
{
	mb1_good();
	uint64_t pa = MEM_BASE + MEM_SIZE - 10;
	memset(at(pa), 'y', 10);
	memcpy(at(pa), "k=v", 3);
	put32(MB1_INFO + 16, (uint32_t)pa);
	CHECK_EQ(parse(MB1_BOOT_MAGIC, MB1_INFO), 0);
	CHECK_EQ(strlen(bi.cmdline), 10);
	CHECK(!bi.cmdline_truncated);
}

/* ---- Multiboot2 (2.0 §3.6) ---- */
#define MB2_INFO 0x11000

static uint32_t mb2_off;

static void mb2_begin(void)
{
	fresh();
	mb2_off = 8;
}

static uint64_t mb2_tag(uint32_t type, uint32_t size)
{
	uint64_t pa = MB2_INFO + mb2_off;
	put32(pa, type);
	put32(pa + 4, size);
	mb2_off += (size + 7) & ~7u;
	return pa;
}

static void mb2_end(void)
{
	mb2_tag(0, 8);
	put32(MB2_INFO, mb2_off);
}

static void mb2_good(void)
{
	mb2_begin();
	uint64_t t = mb2_tag(1, 8 + 11);
	memcpy(at(t + 8), "test=boot*", 11);
	t = mb2_tag(6, 16 + 2 * 24);
	put32(t + 8, 24);
	put64(t + 16, 0);
	put64(t + 24, 0x9fc00);
	put32(t + 32, MEM_USABLE);
	put64(t + 40, 0x100000);
	put64(t + 48, 0x1000000);
	put32(t + 56, MEM_USABLE);
	t = mb2_tag(14, 8 + 20);
	memcpy(at(t + 8), "RSD PTR ", 8);
	mb2_end();
}

UNIT(mb2_grub_like)
{
	mb2_good();
	CHECK_EQ(parse(MB2_BOOT_MAGIC, MB2_INFO), 0);
	CHECK_STR(bi.protocol, "multiboot2");
	CHECK_STR(bi.cmdline, "test=boot*");
	CHECK_EQ(mm.count, 2);
	CHECK_EQ(bi.rsdp_len, 20);
	CHECK(!memcmp(bi.rsdp, "RSD PTR ", 8));
}

UNIT(mb2_total_size_implausible)
{
	mb2_good();
	put32(MB2_INFO, 8);
	CHECK_EQ(parse(MB2_BOOT_MAGIC, MB2_INFO), -EINVAL);
	put32(MB2_INFO, 0x7fffffff);
	CHECK_EQ(parse(MB2_BOOT_MAGIC, MB2_INFO), -EINVAL);
	put32(MB2_INFO, MEM_SIZE);              /* runs off memory */
	CHECK_EQ(parse(MB2_BOOT_MAGIC, MB2_INFO), -EINVAL);
}

UNIT(mb2_cmdline_without_nul_stays_in_its_tag)
{
	mb2_begin();
	uint64_t t = mb2_tag(1, 8 + 5);
	memcpy(at(t + 8), "abcde", 5);          /* no NUL in the tag */
	memset(at(t + 13), 'z', 3);             /* padding that is not ours */
	mb2_end();
	CHECK_EQ(parse(MB2_BOOT_MAGIC, MB2_INFO), -ENOENT);
	CHECK_STR(bi.cmdline, "abcde");
}

UNIT(mb2_tag_size_past_total)
{
	mb2_good();
	put32(MB2_INFO + 8 + 4, 0x10000);       /* first tag claims 64 KiB */
	CHECK_EQ(parse(MB2_BOOT_MAGIC, MB2_INFO), -ENOENT);
	CHECK_STR(bi.cmdline, "");
}

UNIT(mb2_mmap_entry_size_hostile)
{
	static const uint32_t sizes[] = { 0, 8, 19, 0xffffffffu, 0xfffffff0u };
	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		mb2_good();
		put32(MB2_INFO + 32 + 8, sizes[i]);    /* the mmap tag's entry_size */
		CHECK_EQ(parse(MB2_BOOT_MAGIC, MB2_INFO), -ENOENT);
		CHECK_EQ(mm.count, 0);
	}
}

UNIT(mb2_rsdp_v2_preferred_and_bounded)
{
	mb2_begin();
	uint64_t t = mb2_tag(15, 8 + 200);       /* bigger than any RSDP */
	memset(at(t + 8), 2, 200);
	t = mb2_tag(14, 8 + 20);
	memset(at(t + 8), 1, 20);
	mb2_end();
	parse(MB2_BOOT_MAGIC, MB2_INFO);
	CHECK_EQ(bi.rsdp_len, sizeof(bi.rsdp));
	CHECK_EQ(bi.rsdp[0], 2);
}

/* ---- PVH (xen/include/public/arch-x86/hvm/start_info.h) ---- */
#define PVH_INFO  0x12000
#define PVH_CMD   0x12100
#define PVH_MMAP  0x12200

static void pvh_good(void)
{
	fresh();
	put32(PVH_INFO, PVH_MAGIC);
	put32(PVH_INFO + 4, 1);
	put64(PVH_INFO + 24, PVH_CMD);
	put64(PVH_INFO + 32, 0xf5a00);
	put64(PVH_INFO + 40, PVH_MMAP);
	put32(PVH_INFO + 48, 2);
	strcpy((char *)at(PVH_CMD), "run=\"echo hi\"");
	put64(PVH_MMAP, 0);
	put64(PVH_MMAP + 8, 0x9fc00);
	put32(PVH_MMAP + 16, MEM_USABLE);
	put64(PVH_MMAP + 24, 0x100000);
	put64(PVH_MMAP + 32, 0x7f00000);
	put32(PVH_MMAP + 40, MEM_USABLE);
}

UNIT(pvh_qemu_like)
{
	pvh_good();
	CHECK_EQ(parse(PVH_MAGIC, PVH_INFO), 0);
	CHECK_STR(bi.protocol, "pvh");
	CHECK_STR(bi.cmdline, "run=\"echo hi\"");
	CHECK_EQ(bi.rsdp_pa, 0xf5a00);
	CHECK_EQ(mm.count, 2);
}

/* QEMU with a command line over ~4 KiB: the text runs over start_info. */
UNIT(pvh_overwritten_by_command_line)
{
	pvh_good();
	memset(at(PVH_INFO), 'x', 64);
	CHECK_EQ(parse(PVH_MAGIC, PVH_INFO), -EINVAL);
	CHECK_EQ(mm.count, 0);
	CHECK_STR(bi.cmdline, "");
	CHECK_EQ(bi.rsdp_pa, 0);
}

UNIT(pvh_start_info_unreadable)
{
	fresh();
	CHECK_EQ(parse(PVH_MAGIC, 0), -EINVAL);
	CHECK_EQ(parse(PVH_MAGIC, MEM_BASE + MEM_SIZE - 16), -EINVAL);
}

UNIT(pvh_memmap_hostile)
{
	pvh_good();
	put32(PVH_INFO + 48, 0);
	CHECK_EQ(parse(PVH_MAGIC, PVH_INFO), -ENOENT);
	pvh_good();
	put32(PVH_INFO + 48, 0xffffffffu);      /* 24 * n overflows 32 bits */
	CHECK_EQ(parse(PVH_MAGIC, PVH_INFO), -ENOENT);
	pvh_good();
	put32(PVH_INFO + 48, 1024);             /* past the end of memory */
	CHECK_EQ(parse(PVH_MAGIC, PVH_INFO), -ENOENT);
	pvh_good();
	put64(PVH_INFO + 40, 0x100000000ull);
	CHECK_EQ(parse(PVH_MAGIC, PVH_INFO), -ENOENT);
	CHECK_EQ(mm.count, 0);
}

UNIT(pvh_version0_has_no_memmap)
{
	pvh_good();
	put32(PVH_INFO + 4, 0);
	CHECK_EQ(parse(PVH_MAGIC, PVH_INFO), -ENOENT);
	CHECK_STR(bi.cmdline, "run=\"echo hi\"");
}

UNIT(pvh_bad_ranges_dropped_one_by_one)
{
	pvh_good();
	put64(PVH_MMAP, 0x1000);
	put64(PVH_MMAP + 8, ~0ull);             /* wraps: refused by memmap */
	CHECK_EQ(parse(PVH_MAGIC, PVH_INFO), 0);
	CHECK_EQ(mm.count, 1);
	CHECK_EQ(mm.r[0].base, 0x100000);
}

/* ---- Boot modules: the first is the initrd ---- */
#define MOD_LIST  0x10600
#define MOD_DATA  0x14000

UNIT(mb1_modules_first_kept)
{
	mb1_good();
	put32(MB1_INFO, (1u << 2) | (1u << 3) | (1u << 6));
	put32(MB1_INFO + 20, 2);
	put32(MB1_INFO + 24, MOD_LIST);
	put32(MOD_LIST, MOD_DATA);
	put32(MOD_LIST + 4, MOD_DATA + 0x1000);
	put32(MOD_LIST + 16, MOD_DATA + 0x1000);
	put32(MOD_LIST + 20, MOD_DATA + 0x2000);
	CHECK_EQ(parse(MB1_BOOT_MAGIC, MB1_INFO), 0);
	CHECK_EQ(bi.nr_mods, 2);
	CHECK_EQ(bi.mod_start, MOD_DATA);
	CHECK_EQ(bi.mod_end, MOD_DATA + 0x1000);
}

UNIT(mb1_modules_hostile)
{
	/* { list address, start, end }: list unreadable, end before start,
	 * empty, end past readable memory. None is used; the boot goes on. */
	static const uint32_t v[][3] = {
		{ 0xfffffff0u, MOD_DATA, MOD_DATA + 16 },
		{ MOD_LIST, MOD_DATA + 16, MOD_DATA },
		{ MOD_LIST, MOD_DATA, MOD_DATA },
		{ MOD_LIST, MOD_DATA, 0xfffff000u },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		mb1_good();
		put32(MB1_INFO, (1u << 3) | (1u << 6));
		put32(MB1_INFO + 20, 1);
		put32(MB1_INFO + 24, v[i][0]);
		put32(MOD_LIST, v[i][1]);
		put32(MOD_LIST + 4, v[i][2]);
		CHECK_EQ(parse(MB1_BOOT_MAGIC, MB1_INFO), 0);
		CHECK_EQ(bi.mod_start, 0);
		CHECK_EQ(bi.mod_end, 0);
		CHECK_EQ(mm.count, 2);
	}
}

UNIT(mb2_module_tags)
{
	mb2_begin();
	uint64_t t = mb2_tag(3, 16 + 5);
	put32(t + 8, MOD_DATA);
	put32(t + 12, MOD_DATA + 512);
	memcpy(at(t + 16), "www\0", 4);
	t = mb2_tag(3, 16 + 1);
	put32(t + 8, MOD_DATA + 512);
	put32(t + 12, MOD_DATA + 1024);
	t = mb2_tag(6, 16 + 24);
	put32(t + 8, 24);
	put64(t + 16, 0x100000);
	put64(t + 24, 0x1000000);
	put32(t + 32, MEM_USABLE);
	mb2_end();
	CHECK_EQ(parse(MB2_BOOT_MAGIC, MB2_INFO), 0);
	CHECK_EQ(bi.nr_mods, 2);
	CHECK_EQ(bi.mod_start, MOD_DATA);
	CHECK_EQ(bi.mod_end, MOD_DATA + 512);
}

UNIT(pvh_modlist)
{
	pvh_good();
	put32(PVH_INFO + 12, 1);
	put64(PVH_INFO + 16, MOD_LIST);
	put64(MOD_LIST, MOD_DATA);
	put64(MOD_LIST + 8, 0x800);
	CHECK_EQ(parse(PVH_MAGIC, PVH_INFO), 0);
	CHECK_EQ(bi.nr_mods, 1);
	CHECK_EQ(bi.mod_start, MOD_DATA);
	CHECK_EQ(bi.mod_end, MOD_DATA + 0x800);

	/* A size that wraps, then a list that is not readable. */
	pvh_good();
	put32(PVH_INFO + 12, 1);
	put64(PVH_INFO + 16, MOD_LIST);
	put64(MOD_LIST, MOD_DATA);
	put64(MOD_LIST + 8, ~0ull);
	CHECK_EQ(parse(PVH_MAGIC, PVH_INFO), 0);
	CHECK_EQ(bi.mod_end, 0);
	put64(PVH_INFO + 16, 0xfffffffff000ull);
	CHECK_EQ(parse(PVH_MAGIC, PVH_INFO), 0);
	CHECK_EQ(bi.mod_end, 0);
}

UNIT(unknown_magic)
{
	pvh_good();
	CHECK_EQ(parse(0x12345678, PVH_INFO), -EINVAL);
	CHECK_STR(bi.protocol, "unknown");
}

UNIT_MAIN()
