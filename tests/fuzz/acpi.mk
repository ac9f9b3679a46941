# SPDX-License-Identifier: MIT
# ACPI: RSDP, root tables, MADT, FADT, HPET, MCFG, \_S5 and the virtio-mmio
# AML scan (seeds: QEMU's pc, q35 and microvm tables).
FUZZ_TARGETS += acpi
FUZZ_SRCS_acpi := tests/fuzz/fuzz_acpi.c kern/arch/x86_64/acpi_tables.c \
	drivers/pci/mcfg.c drivers/virtio/mmio_parse.c
