# SPDX-License-Identifier: MIT
# ACPI: RSDP, root tables, MADT, FADT, HPET, MCFG, \_S5 and the
# platform-device registry's AML scan by _HID (seeds: QEMU's pc, q35 and
# microvm tables).
FUZZ_TARGETS += acpi
FUZZ_SRCS_acpi := tests/fuzz/fuzz_acpi.c kern/arch/x86_64/acpi_tables.c \
	drivers/pci/mcfg.c drivers/platdev/acpi_hid.c
