# SPDX-License-Identifier: MIT
UNIT_TESTS += virtqueue
UNIT_SRCS_virtqueue := tests/unit/test_virtqueue.c tests/unit/stubs.c drivers/virtio/virtqueue.c
