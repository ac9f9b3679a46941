/* SPDX-License-Identifier: MIT */
/* Reading devices out of ACPI's AML by hardware ID: the platform-device
 * registry's ACPI source (kern/arch/x86_64/platdev_arch.c) hands each HID a
 * platform driver registered for to acpi_hid_scan and passes what it finds
 * to platdev_add. Pure logic (drivers/platdev/acpi_hid.c): no kernel state,
 * warnings through a callback, host unit-tested (tests/unit/test_acpi_hid.c)
 * and fuzzed (tests/fuzz/fuzz_acpi.c) on hostile tables. */
#ifndef DRIVERS_ACPI_HID_H
#define DRIVERS_ACPI_HID_H

#include <drivers/platdev.h>

/* Interrupt lines above this are refused before a driver sees them (the
 * largest GIC INTID is 1019; x86 GSIs stay far below). */
#define ACPI_HID_MAX_IRQ        1023u
/* The longest string _HID looked for (ACPI 6.5 §6.1.5: 7 or 8 characters). */
#define ACPI_HID_MAX_LEN        8

/* A warning sink: fmt ends with a newline. */
typedef void (*acpi_hid_warn_fn)(void *ctx, const char *fmt, ...) __printf(2, 3);

/* Find the Device objects of an ACPI DSDT or SSDT body (len bytes after the
 * table header) whose _HID is the string hid (1..ACPI_HID_MAX_LEN
 * characters), and read the first Memory32Fixed window and the first
 * interrupt (Extended Interrupt or IRQ Format: ACPI 6.5 §6.4.3.4, §6.4.3.6,
 * §6.4.2.1) of each one's _CRS buffer. This is a bounded pattern scan of the
 * AML, not an interpreter: resources computed by methods are not seen. Each
 * device found goes into out[0..max) as a struct platdev with compatible
 * hid, source "acpi", id and node -1; a window of 0 bytes, at 0 or that
 * wraps, a malformed or truncated _CRS, one without a fixed window, a
 * window overlapping one kept already and entries past max are warned
 * about and skipped. The driver still checks the window for its device.
 * @return the number stored (0 for a NULL table or an empty or too long
 * hid). */
int acpi_hid_scan(const void *aml, size_t len, const char *hid, struct platdev *out,
		  int max, acpi_hid_warn_fn warn, void *ctx);

#endif
