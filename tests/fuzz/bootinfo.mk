# SPDX-License-Identifier: MIT
# Multiboot1/2 and PVH boot information (seeds: tests/fuzz/bootinfo-seeds.py).
FUZZ_TARGETS += bootinfo
FUZZ_SRCS_bootinfo := tests/fuzz/fuzz_bootinfo.c kern/arch/x86_64/bootinfo.c kern/mm/memmap.c
