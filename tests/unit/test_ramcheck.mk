# SPDX-License-Identifier: MIT
UNIT_TESTS += ramcheck
UNIT_SRCS_ramcheck := tests/unit/test_ramcheck.c kern/mm/ramcheck.c
