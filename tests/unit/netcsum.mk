# SPDX-License-Identifier: MIT
# Checksums over scatter-gather frames and the offload preparation.
UNIT_TESTS += netcsum
UNIT_SRCS_netcsum := tests/unit/test_netcsum.c drivers/net/netcsum.c
