# SPDX-License-Identifier: MIT
# virtio-net receive assembly under a hostile device.
FUZZ_TARGETS += net_rx
FUZZ_SRCS_net_rx := tests/fuzz/fuzz_net_rx.c drivers/virtio/net_rx.c drivers/net/netcsum.c
