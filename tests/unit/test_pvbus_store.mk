# SPDX-License-Identifier: MIT
UNIT_TESTS += pvbus_store
UNIT_SRCS_pvbus_store := tests/unit/test_pvbus_store.c drivers/pvbus/store.c
