# SPDX-License-Identifier: MIT
# virtio_mmio.device= (seeds: what QEMU's microvm writes).
FUZZ_TARGETS += mmio_cmdline
FUZZ_SRCS_mmio_cmdline := tests/fuzz/fuzz_mmio_cmdline.c drivers/virtio/mmio_parse.c
