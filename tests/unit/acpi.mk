UNIT_TESTS += acpi
UNIT_SRCS_acpi := tests/unit/test_acpi.c tests/unit/stubs.c kern/arch/x86_64/acpi_tables.c
