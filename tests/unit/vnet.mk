# SPDX-License-Identifier: MIT
# virtio-net's pure logic: receive assembly (num_buffers), header and
# checksum-offload handling.
UNIT_TESTS += vnet
UNIT_SRCS_vnet := tests/unit/test_vnet.c drivers/virtio/net_rx.c drivers/net/netcsum.c
