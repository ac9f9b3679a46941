# SPDX-License-Identifier: MIT
# fs/wincache.c: windows filled on a miss, served on a hit, the least
# recently used one reused, the store's end, fill errors, random reads
# against a model.
UNIT_TESTS += wincache
UNIT_SRCS_wincache := tests/unit/test_wincache.c fs/wincache.c
