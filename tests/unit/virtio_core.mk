# SPDX-License-Identifier: MIT
# The virtio core over a fake transport (drivers/virtio/virtio.c is
# #included by the test; the driver registry is the test's own section).
UNIT_TESTS += virtio_core
UNIT_SRCS_virtio_core := tests/unit/test_virtio_core.c tests/unit/stubs.c drivers/virtio/virtqueue.c
UNIT_CFLAGS_virtio_core := -D__virtiodrivers_start=__start_vdrv_test \
	-D__virtiodrivers_end=__stop_vdrv_test
# The test #includes the core, so a change there rebuilds it.
build/unit/virtio_core: drivers/virtio/virtio.c
