# SPDX-License-Identifier: MIT
# The SCSI disk layer's command pool: slot accounting and the wait FIFO.
UNIT_TESTS += scsi_pool
UNIT_SRCS_scsi_pool := tests/unit/test_scsi_pool.c drivers/scsi/pool.c
