# SPDX-License-Identifier: MIT
UNIT_TESTS += fwcfg
UNIT_SRCS_fwcfg := tests/unit/test_fwcfg.c drivers/pvbus/fw_cfg.c drivers/pvbus/store.c
