# SPDX-License-Identifier: MIT
UNIT_TESTS += ram_range
UNIT_SRCS_ram_range := tests/unit/test_ram_range.c tests/unit/stubs.c kern/ram_range.c kern/mm/memmap.c
