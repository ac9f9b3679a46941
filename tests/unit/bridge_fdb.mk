# SPDX-License-Identifier: MIT
# The learning bridge's forwarding table and per-frame decision.
UNIT_TESTS += bridge_fdb
UNIT_SRCS_bridge_fdb := tests/unit/test_bridge_fdb.c drivers/net/bridge_fdb.c
