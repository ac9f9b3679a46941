# SPDX-License-Identifier: MIT
# The pure half of the virtio-mmio transport: virtio_mmio.device= and the
# ACPI scan; the device-tree bus's BAR placement.
UNIT_TESTS += virtio_mmio virtio_mmio_dtbus
UNIT_SRCS_virtio_mmio := tests/unit/test_virtio_mmio.c drivers/virtio/mmio_parse.c
UNIT_SRCS_virtio_mmio_dtbus := tests/unit/test_virtio_mmio_dtbus.c drivers/dtbus/pci_alloc.c
