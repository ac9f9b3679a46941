# SPDX-License-Identifier: MIT
# The learning bridge's table and frame decision under any frame sequence.
FUZZ_TARGETS += bridge_fdb
FUZZ_SRCS_bridge_fdb := tests/fuzz/fuzz_bridge_fdb.c drivers/net/bridge_fdb.c
