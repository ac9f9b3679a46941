# SPDX-License-Identifier: MIT
UNIT_TESTS += pvbus_xs
UNIT_SRCS_pvbus_xs := tests/unit/test_pvbus_xs.c drivers/pvbus/xenstore.c drivers/pvbus/store.c
