# SPDX-License-Identifier: MIT
# The virtio-mmio transport: the pure half (virtio_mmio.device=,
# identification, queue sizes; ACPI's scan is tests/unit/platdev.mk's), the transport over a simulated
# register block, and the device-tree bus's BAR placement.
UNIT_TESTS += virtio_mmio virtio_mmio_regs virtio_mmio_dtbus
UNIT_SRCS_virtio_mmio := tests/unit/test_virtio_mmio.c tests/unit/stubs.c drivers/virtio/mmio_parse.c
UNIT_SRCS_virtio_mmio_regs := tests/unit/test_virtio_mmio_regs.c tests/unit/stubs.c drivers/virtio/mmio.c \
	drivers/virtio/mmio_parse.c kern/ram_range.c
UNIT_SRCS_virtio_mmio_dtbus := tests/unit/test_virtio_mmio_dtbus.c drivers/dtbus/pci_alloc.c
