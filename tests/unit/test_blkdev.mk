# SPDX-License-Identifier: MIT
# The block layer: test pattern and argument checks against a RAM disk.
UNIT_TESTS += blkdev
UNIT_SRCS_blkdev := tests/unit/test_blkdev.c tests/unit/stubs.c drivers/blk/blkdev.c drivers/blk/pattern.c
