# SPDX-License-Identifier: MIT
# fs/tarfs.c: ustar headers, the index, lookups and listings, hostile and
# randomly corrupted archives.
UNIT_TESTS += tarfs
UNIT_SRCS_tarfs := tests/unit/test_tarfs.c fs/tarfs.c
