# SPDX-License-Identifier: MIT
# The fw_cfg directory and items from a lying device.
FUZZ_TARGETS += fwcfg
FUZZ_SRCS_fwcfg := tests/fuzz/fuzz_fwcfg.c drivers/pvbus/fw_cfg.c drivers/pvbus/store.c
