# SPDX-License-Identifier: MIT
# The platform-device registry: matching by compatible string and HID,
# counts per driver and source (the driver list is the test's own section).
UNIT_TESTS += platdev
UNIT_SRCS_platdev := tests/unit/test_platdev.c tests/unit/stubs.c drivers/platdev/platdev.c
UNIT_CFLAGS_platdev := -D__platdrivers_start=__start_platdrv_test \
	-D__platdrivers_end=__stop_platdrv_test
# Its ACPI source's AML scan: devices by _HID, hostile tables.
UNIT_TESTS += acpi_hid
UNIT_SRCS_acpi_hid := tests/unit/test_acpi_hid.c tests/unit/stubs.c drivers/platdev/acpi_hid.c
