# SPDX-License-Identifier: MIT
# The split virtqueue against a device that writes anything into the used
# ring.
FUZZ_TARGETS += virtqueue
FUZZ_SRCS_virtqueue := tests/fuzz/fuzz_virtqueue.c drivers/virtio/virtqueue.c
