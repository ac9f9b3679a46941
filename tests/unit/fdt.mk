# SPDX-License-Identifier: MIT
# FDT parser on real blobs: tests/unit/fdt/*.dts compiled by dtc and QEMU's
# aarch64 virt trees (dumpdtb), all made at test time by tests/unit/fdt/gen.sh
# into build/unit/data/fdt/ (the test reads $UNIT_DATA/fdt/).
# Needs dtc (Debian: device-tree-compiler) and qemu-system-aarch64.
UNIT_TESTS += fdt
UNIT_SRCS_fdt := tests/unit/test_fdt.c $(wildcard drivers/fdt/*.c)

FDT_UNIT_DATA := build/unit/data/fdt
FDT_UNIT_STAMP := $(FDT_UNIT_DATA)/.stamp
$(FDT_UNIT_STAMP): tests/unit/fdt/gen.sh $(wildcard tests/unit/fdt/*.dts)
	sh tests/unit/fdt/gen.sh $(FDT_UNIT_DATA)
	touch $@

# Data a unit test needs before it runs. Order-only on the binary, so the
# blobs are made whether the Makefile's link recipe is a pattern or an
# explicit rule, and never end up in its $^.
UNIT_DEPS_fdt := $(FDT_UNIT_STAMP)
build/unit/fdt: | $(FDT_UNIT_STAMP)
# The shared test helpers (the link recipe uses UNIT_SRCS_fdt, not $^).
build/unit/fdt build/unit/fdt_hostile: tests/unit/fdt/fdt_test_util.h
