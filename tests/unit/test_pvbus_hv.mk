# SPDX-License-Identifier: MIT
UNIT_TESTS += pvbus_hv
UNIT_SRCS_pvbus_hv := tests/unit/test_pvbus_hv.c drivers/pvbus/hv.c
