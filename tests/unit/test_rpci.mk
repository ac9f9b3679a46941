# SPDX-License-Identifier: MIT
UNIT_TESTS += rpci
UNIT_SRCS_rpci := tests/unit/test_rpci.c drivers/pvbus/rpci.c drivers/pvbus/store.c
