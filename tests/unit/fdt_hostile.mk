# SPDX-License-Identifier: MIT
# FDT parser against hostile blobs: hand-built broken trees, every
# truncation of real blobs, and seeded random corruption. Uses the blobs of
# tests/unit/fdt.mk (the stamp rule lives there).
UNIT_TESTS += fdt_hostile
UNIT_SRCS_fdt_hostile := tests/unit/test_fdt_hostile.c $(wildcard drivers/fdt/*.c)
UNIT_DEPS_fdt_hostile := build/unit/data/fdt/.stamp
build/unit/fdt_hostile: | build/unit/data/fdt/.stamp
