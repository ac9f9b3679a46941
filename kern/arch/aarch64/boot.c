// SPDX-License-Identifier: MIT
/*
 * a64_boot_main: from boot/aarch64/entry.S (MMU on with the boot identity
 * map of the low 4 GiB, on the boot stack, IRQs masked) to kmain. The order
 * follows kern/arch/x86_64/boot.c: the console first (so everything after
 * can report), then the device tree (checked before anything else reads
 * it), the memory map from its memory nodes (each region shown to be RAM
 * first: memcheck.c) minus every reservation, the
 * page allocator over RAM the boot map reaches, the real page tables, and
 * only then RAM above 4 GiB.
 *
 * The device tree comes from firmware and is input like any other: a blob
 * that fdt_check rejects, or one without memory, gets a clear message and
 * a conservative guess (64 MiB of RAM at virt's RAM base), never a crash.
 */
#include <kern/arch.h>
#include <kern/boot.h>
#include <kern/errno.h>
#include <kern/memmap.h>
#include <kern/pmm.h>
#include <kern/printk.h>
#include <kern/panic.h>
#include <kern/vm.h>
#include <drivers/fdt.h>
#include <arch/cpu.h>
#include <string.h>
#include "a64.h"

extern char __image_start[], __image_end[];
void kmain(void);
void a64_boot_main(uint64_t dtb, uint64_t entry_el);

#define LOW_4G          (1ULL << 32)
/* What entry.S maps as normal memory: 1..4 GiB. */
#define BOOT_MAP_LO     (1ULL << 30)
#define BOOT_MAP_HI     LOW_4G
/* DTSpec has no size limit; Linux caps the blob at 2 MiB. Be generous. */
#define DTB_MAX_SIZE    (16u << 20)
/* QEMU virt's UART and RAM, for when the device tree does not say. */
#define VIRT_PL011      0x09000000ULL
#define VIRT_RAM_BASE   0x40000000ULL
#define GUESS_RAM_SIZE  (64ULL << 20)
/* Usable RAM the boot map must reach (1..4 GiB) for the kernel to come up:
 * its page tables (74 pages for 128 MiB of RAM), the heap's first slabs, a
 * few 28 KiB thread stacks, virtqueues. Half of this boots `run="mem"`
 * with 212 KiB to spare; less fails in mmu_init. QEMU's virt loads the
 * kernel 2 MiB into RAM, so any -m it accepts leaves at least this much. */
#define MIN_BOOT_RAM    (1ULL << 20)

unsigned a64_entry_el;
static char cmdline_buf[4096];
/* RAM the page tables map: memory nodes minus no-map reservations. */
static struct memmap ram_map;

/* The blob at pa, if it is one we can use. *partial is set for a blob
 * whose header is sound but whose contents fdt_check refuses. */
static const void *dtb_validate(uint64_t pa, bool *partial)
{
	if (!pa) {
		pr_err("boot: no device tree (x0 was 0)\n");
		return NULL;
	}
	/* DTSpec §5.1: the blob is 8-byte aligned. */
	if (pa & 7) {
		pr_err("boot: device tree address %#llx is not 8-byte aligned\n",
		       (unsigned long long)pa);
		return NULL;
	}
	if (pa < BOOT_MAP_LO || pa >= BOOT_MAP_HI - sizeof(struct fdt_header)) {
		pr_err("boot: device tree address %#llx is outside RAM below 4 GiB\n",
		       (unsigned long long)pa);
		return NULL;
	}
	const void *blob = (const void *)(uintptr_t)pa;
	size_t max = MIN(BOOT_MAP_HI - pa, (uint64_t)DTB_MAX_SIZE);
	int rc = fdt_check(blob, max);
	if (rc == 0)
		return blob;
	if (fdt_check_header(blob, max) == 0) {
		pr_err("boot: the device tree at %#llx is malformed: %s (%d); only its /chosen is used\n",
		       (unsigned long long)pa, strerror(rc), rc);
		*partial = true;
		return blob;
	}
	pr_err("boot: the device tree at %#llx is not usable: %s (%d)\n",
	       (unsigned long long)pa, strerror(rc), rc);
	return NULL;
}

/* Pick the console the device tree names, if it is a PL011 we can reach
 * (the boot map covers devices below 1 GiB). */
static void console_from_dt(const void *fdt, const struct fdt_boot_info *bi)
{
	uint64_t base, size;
	int node = bi->stdout_node;

	if (node < 0) {
		pr_warn("boot: no /chosen/stdout-path; console stays at %#llx\n",
			(unsigned long long)VIRT_PL011);
		return;
	}
	if (!fdt_compatible(fdt, node, "arm,pl011")) {
		pr_warn("boot: stdout-path is not a PL011; console stays at %#llx\n",
			(unsigned long long)VIRT_PL011);
		return;
	}
	if (fdt_reg(fdt, node, 0, &base, &size) || base + 0x1000 > BOOT_MAP_LO) {
		pr_warn("boot: stdout-path PL011 has no usable address; console stays at %#llx\n",
			(unsigned long long)VIRT_PL011);
		return;
	}
	if (base == pl011_base())
		return;
	/* The first access to an address the device tree named. */
	int rc = pl011_probe(base);
	if (rc) {
		pr_warn("boot: stdout-path PL011 at %#llx: %s; console stays at %#llx\n",
			(unsigned long long)base,
			rc == -EIO ? "nothing answers" : "not a PL011 (PrimeCell ID)",
			(unsigned long long)VIRT_PL011);
		return;
	}
	pl011_early_init(base);
}

static void keep_cmdline(const char *s)
{
	if (!s)
		return;
	size_t n = strnlen(s, sizeof(cmdline_buf) - 1);
	memcpy(cmdline_buf, s, n);
	cmdline_buf[n] = 0;
	if (s[n])
		pr_warn("boot: command line longer than %zu bytes, truncated\n",
			sizeof(cmdline_buf) - 1);
}

static void reserve(uint64_t base, uint64_t size, const char *what)
{
	if (!size)
		return;
	/* Whatever becomes of it in the map, no device may live here. */
	boot_range_taken(base, size);
	int rc = memmap_reserve(&memmap_boot, base, size);
	if (rc)
		pr_warn("boot: cannot reserve %s at %#llx+%#llx (%d)\n", what,
			(unsigned long long)base, (unsigned long long)size, rc);
}

static void add_ram(uint64_t base, uint64_t size)
{
	if (memmap_add(&memmap_boot, base, size, MEM_USABLE) ||
	    memmap_add(&ram_map, base, size, MEM_USABLE))
		pr_warn("boot: memory range %#llx+%#llx ignored\n",
			(unsigned long long)base, (unsigned long long)size);
}

/* Say which memory-node regions fdt_boot_info dropped, and why. */
static void report_bad_memory(const void *fdt, const struct fdt_boot_info *bi)
{
	char path[96];

	for (int i = 0; i < bi->nmem_bad; i++) {
		const struct fdt_mem_bad *b = &bi->mem_bad[i];

		if (fdt_get_path(fdt, b->node, path, sizeof(path)) < 0)
			strcpy(path, "?");
		if (b->index < 0)
			pr_err("boot: memory node %s: reg is missing or not whole (address, size) entries (%d); node ignored\n",
			       path, b->err);
		else if (b->err == -EOVERFLOW && b->size)
			pr_err("boot: memory node %s: region %d %#llx+%#llx wraps past 2^64; ignored\n",
			       path, b->index, (unsigned long long)b->base,
			       (unsigned long long)b->size);
		else
			pr_err("boot: memory node %s: region %d is not usable (%d); ignored\n",
			       path, b->index, b->err);
	}
}

/* Fill memmap_boot and ram_map from the device tree (or the guess). */
static void memory_from_dt(const void *fdt, struct fdt_boot_info *bi)
{
	if (fdt && bi->nmem == 0)
		pr_err("boot: no usable memory node in the device tree\n");
	if (!fdt || bi->nmem == 0) {
		pr_err("boot: assuming %llu MiB of RAM at %#llx\n",
		       (unsigned long long)(GUESS_RAM_SIZE >> 20),
		       (unsigned long long)VIRT_RAM_BASE);
		/* A guess is no better than firmware: check it too (it
		 * holds the kernel, so at least that much of it stays). */
		add_ram(VIRT_RAM_BASE, a64_memory_check_one(fdt, bi, VIRT_RAM_BASE,
							    GUESS_RAM_SIZE));
	}
	for (int i = 0; fdt && i < bi->nmem; i++)
		add_ram(bi->mem[i].base, bi->mem[i].size);
	if (bi->truncated)
		pr_warn("boot: more memory ranges or reservations than we keep; some ignored\n");
	for (int i = 0; fdt && i < bi->nresv; i++) {
		reserve(bi->resv[i].base, bi->resv[i].size, "a device-tree reservation");
		/* no-map (DTSpec §3.5.2): not even to be mapped. */
		if (bi->resv[i].nomap)
			memmap_add(&ram_map, bi->resv[i].base, bi->resv[i].size, MEM_RESERVED);
	}
	if (fdt) {
		uint64_t lo = (uintptr_t)fdt & ~0xfffULL;
		uint64_t hi = ((uintptr_t)fdt + fdt_totalsize(fdt) + 0xfff) & ~0xfffULL;

		reserve((uintptr_t)fdt, fdt_totalsize(fdt), "the device tree");
		/* Drivers read the blob after the boot map is gone: map it
		 * whatever the memory nodes said (it is memory: firmware
		 * put it there, and dtb_validate read it). */
		if (memmap_add(&ram_map, lo, hi - lo, MEM_USABLE))
			pr_warn("boot: cannot map the device tree at %#llx\n",
				(unsigned long long)lo);
	}
	if (bi->initrd_end > bi->initrd_start)
		reserve(bi->initrd_start, bi->initrd_end - bi->initrd_start, "the initrd");
}

/* The initrd is offered to the kernel (boot_info) only where it is
 * certainly RAM that the kernel maps (a memory node, so ram_map) and not
 * the kernel itself: a hostile tree's linux,initrd-start must not make a
 * reader of it touch a device or serve the kernel's own pages. */
static void keep_initrd(const struct fdt_boot_info *bi)
{
	uint64_t s = bi->initrd_start, e = bi->initrd_end;

	if (e <= s)
		return;
	if (s < boot_info.kernel_end && e > boot_info.kernel_start) {
		pr_warn("boot: the initrd %#llx..%#llx overlaps the kernel; not used\n",
			(unsigned long long)s, (unsigned long long)e);
		return;
	}
	for (uint32_t i = 0; i < ram_map.count; i++) {
		const struct mem_range *r = &ram_map.r[i];

		if (r->type == MEM_USABLE && s >= r->base && e <= r->base + r->size) {
			boot_info.initrd_start = s;
			boot_info.initrd_end = e;
			return;
		}
	}
	pr_warn("boot: the initrd %#llx..%#llx is not inside RAM; not used\n",
		(unsigned long long)s, (unsigned long long)e);
}

/* Bytes of MEM_USABLE in memmap_boot (normalized) inside [lo, hi). */
static uint64_t usable_between(uint64_t lo, uint64_t hi)
{
	uint64_t n = 0;

	for (uint32_t i = 0; i < memmap_boot.count; i++) {
		const struct mem_range *r = &memmap_boot.r[i];
		uint64_t b = MAX(r->base, lo), e = MIN(r->base + r->size, hi);

		if (r->type == MEM_USABLE && e > b)
			n += e - b;
	}
	return n;
}

void a64_boot_main(uint64_t dtb, uint64_t entry_el)
{
	struct fdt_boot_info bi = { .stdout_node = -ENOENT };

	a64_entry_el = (unsigned)entry_el;
	pl011_early_init(VIRT_PL011);
	boot_info.protocol = "linux-arm64";
	boot_info.cmdline = cmdline_buf;

	bool partial = false;
	const void *fdt = dtb_validate(dtb, &partial);
	if (fdt && partial) {
		/* A tree refused in part (DTSpec §5 violated somewhere: a
		 * wrapping /memreserve/, nesting too deep) still carries the
		 * operator's command line and console: the readers stay
		 * inside the blob whatever it holds (fdt_check_header). The
		 * rest (memory, reservations, devices) is not trusted: the
		 * kernel runs on the guess below, as without a tree. */
		bi.bootargs = fdt_bootargs(fdt);
		bi.stdout_node = fdt_stdout_path(fdt, &bi.stdout_opts);
		console_from_dt(fdt, &bi);
		keep_cmdline(bi.bootargs);
		bi = (struct fdt_boot_info){ .stdout_node = -ENOENT };
		fdt = NULL;
	} else if (fdt) {
		int rc = fdt_boot_info(fdt, &bi);
		if (rc)
			pr_err("boot: device tree memory or reservations malformed (%d); using what parsed\n",
			       rc);
		report_bad_memory(fdt, &bi);
		console_from_dt(fdt, &bi);
		a64_memory_check(fdt, &bi);
		keep_cmdline(bi.bootargs);
		boot_info.dtb = dtb;
	}
	psci_init(fdt);
	boot_stamp("entry");
	pr_info("boot: entered at EL%u, now EL%u; MIDR %#llx; device tree at %#llx\n",
		a64_entry_el, current_el(), (unsigned long long)read_sysreg(midr_el1),
		(unsigned long long)dtb);

	boot_info.kernel_start = (uintptr_t)__image_start;
	boot_info.kernel_end = (uintptr_t)__image_end;
	memory_from_dt(fdt, &bi);
	reserve(boot_info.kernel_start, boot_info.kernel_end - boot_info.kernel_start,
		"the kernel");
	if (memmap_normalize(&memmap_boot) < 0 || memmap_normalize(&ram_map) < 0) {
		pr_err("boot: the device tree describes more memory ranges than the kernel keeps (%u)\n",
		       MEMMAP_MAX);
		arch_exit(1);
	}
	keep_initrd(&bi);
	/* Too little RAM is the firmware's or operator's doing (-m, or
	 * reservations over all of it), not a kernel bug: say so and fail,
	 * rather than fault later in the page-table or heap set-up. */
	uint64_t boot_ram = usable_between(BOOT_MAP_LO, BOOT_MAP_HI);
	if (boot_ram < MIN_BOOT_RAM) {
		pr_err("boot: only %llu KiB of usable RAM below 4 GiB (after reservations); the kernel needs at least %llu KiB\n",
		       (unsigned long long)(boot_ram >> 10),
		       (unsigned long long)(MIN_BOOT_RAM >> 10));
		arch_exit(1);
	}
	pmm_add_memmap(&memmap_boot, BOOT_MAP_LO, BOOT_MAP_HI);
	mmu_init(&ram_map);
	if (!vm_map_mmio(pl011_base(), 0x1000))
		panic("boot: cannot map the console");
	mmu_activate();
	pmm_add_memmap(&memmap_boot, 0, BOOT_MAP_LO);
	pmm_add_memmap(&memmap_boot, BOOT_MAP_HI, ~0ULL);
	boot_stamp("mm");
	kmain();
}
