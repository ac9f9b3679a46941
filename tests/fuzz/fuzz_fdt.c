// SPDX-License-Identifier: MIT
/* Fuzz the FDT parser (drivers/fdt/): the input is a device tree blob as
 * firmware would hand it over. fdt_check and fdt_check_header must refuse
 * or accept it without reading outside it (the blob sits in a malloc of
 * exactly its size, so ASan sees any read past it). On a blob whose header
 * passes, the readers run through the unit tests' fdt_poke helpers.
 *
 * Every reader on every node costs about a millisecond an execution under
 * ASan (many readers walk the tree from the root), so each input runs one
 * group, chosen by the header's boot_cpuid_phys (a field the parser never
 * reads, so the fuzzer steers it freely):
 *   0  fdt_boot_info, the /chosen readers (bootargs, stdout-path, initrd)
 *   1  memory nodes: fdt_memory_checked, fdt_memory, the reservation block,
 *      /reserved-memory, PSCI, fdt_device_overlap of each memory region
 *   2  a walk over every node with the cheap readers, and every per-node
 *      reader (paths, properties, string lists, phandles, reg and ranges
 *      translation, PCI windows and INTx, interrupts and interrupt maps)
 *      on three nodes from index boot_cpuid_phys >> 8
 *   3  all whole-tree readers (fdt_poke with no per-node part) */
#include "fuzz.h"
#include "../unit/fdt/fdt_test_util.h"

static void walk(const void *blob, uint32_t first)
{
	int node, depth = 0, n = 0, len;

	for (node = fdt_root(blob); node >= 0 && n < 4096;
	     node = fdt_next_node(blob, node, &depth), n++) {
		fz_sink += (uintptr_t)fdt_node_name(blob, node, &len);
		fz_sink += (uint64_t)fdt_reg_count(blob, node);
		fz_sink += fdt_node_enabled(blob, node);
		fz_sink += (uint64_t)depth;
		if ((uint32_t)n >= first && (uint32_t)n < first + 3)
			fdt_poke_node(blob, node);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *blob = fz_dup(data, size, false);
	int full = fdt_check(blob, size);
	int hdr = fdt_check_header(blob, size);

	/* fdt_check is fdt_check_header and more: never the other way. */
	if (full == 0 && hdr != 0)
		abort();
	if (hdr == 0) {
		uint32_t pick = fdt_be32(blob + 28);
		struct fdt_boot_info bi;
		struct fdt_mem_range mr[8];
		struct fdt_resv_range rr[8];
		struct fdt_mem_bad mb[4];
		const char *opts;
		uint64_t s, e;
		int nb;

		switch (pick & 3) {
		case 0:
			fz_sink += (uint64_t)fdt_boot_info(blob, &bi);
			if (bi.bootargs)
				fz_sink += strlen(bi.bootargs);
			if (bi.stdout_opts)
				fz_sink += strlen(bi.stdout_opts);
			fz_sink += (uintptr_t)fdt_bootargs(blob);
			fz_sink += (uint64_t)fdt_stdout_path(blob, &opts);
			fz_sink += (uint64_t)fdt_initrd(blob, &s, &e);
			break;
		case 1:
			fz_sink += (uint64_t)fdt_memory_checked(blob, mr, 8, mb, 4, &nb);
			fz_sink += (uint64_t)fdt_memory(blob, mr, 2);
			fz_sink += (uint64_t)fdt_mem_rsvmap(blob, mr, 8);
			fz_sink += (uint64_t)fdt_reserved_memory(blob, rr, 8);
			fz_sink += (uint64_t)fdt_psci_method(blob);
			/* The boot asks this of every memory region: a hit is
			 * a real window of a real node. */
			nb = fdt_memory(blob, mr, 8);
			for (int i = 0; i < MIN(nb, 8); i++) {
				struct fdt_dev_window w;

				if (fdt_device_overlap(blob, mr[i].base, mr[i].size, &w) == 1 &&
				    (w.size == 0 || w.node < 0))
					abort();
			}
			break;
		case 2:
			walk(blob, pick >> 8);
			break;
		default:
			fdt_poke(blob, 0);
		}
	}
	free(blob);
	return 0;
}
