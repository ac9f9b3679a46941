# SPDX-License-Identifier: MIT
# The FDT parser on arbitrary blobs (seeds: QEMU virt trees, dumpdtb).
FUZZ_TARGETS += fdt
FUZZ_SRCS_fdt := tests/fuzz/fuzz_fdt.c $(wildcard drivers/fdt/*.c)
build/fuzz/bin/fdt: tests/unit/fdt/fdt_test_util.h
