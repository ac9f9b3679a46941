// SPDX-License-Identifier: MIT
/* Host tests for the platform-device registry's AML scan
 * (drivers/platdev/acpi_hid.c): devices by _HID in QEMU-shaped and broken
 * AML, every prefix and single-byte corruption of a device, overlapping
 * and too many windows, and HIDs it must not look for. */
#include <drivers/acpi_hid.h>
#include <kern/errno.h>
#include <stdarg.h>
#include "unit.h"
#include "stubs.h"

/* QEMU's microvm names its virtio-mmio transports LNRO0005. */
static int scan(const void *aml, size_t len, struct platdev *d, int max,
		acpi_hid_warn_fn warn, void *ctx)
{
	return acpi_hid_scan(aml, len, "LNRO0005", d, max, warn, ctx);
}

struct aml {
	uint8_t b[4096];
	size_t n;
};

static void put(struct aml *a, const void *p, size_t n)
{
	memcpy(a->b + a->n, p, n);
	a->n += n;
}

static void put8(struct aml *a, uint8_t v) { put(a, &v, 1); }

/* A Device as QEMU's microvm builds it: _HID, _UID, _CCA, then _CRS with a
 * Memory32Fixed and an Extended Interrupt (level, active high). flags is
 * the interrupt's flag byte. */
static void put_device(struct aml *a, uint32_t base, uint32_t size, uint32_t irq,
		       uint8_t flags)
{
	static const uint8_t hid[] = { 0x08, '_', 'H', 'I', 'D', 0x0d,
				       'L', 'N', 'R', 'O', '0', '0', '0', '5', 0 };
	static const uint8_t uid[] = { 0x08, '_', 'U', 'I', 'D', 0x00 };
	static const uint8_t cca[] = { 0x08, '_', 'C', 'C', 'A', 0x01 };
	uint8_t res[32];
	size_t r = 0;

	put8(a, 0x5b);
	put8(a, 0x82);          /* DeviceOp */
	put8(a, 0x3f);          /* PkgLength: not checked by the scan */
	put(a, "VR00", 4);
	put(a, hid, sizeof(hid));
	put(a, uid, sizeof(uid));
	put(a, cca, sizeof(cca));
	res[r++] = 0x86; res[r++] = 9; res[r++] = 0; res[r++] = 1;
	memcpy(res + r, (uint8_t[]){ base, base >> 8, base >> 16, base >> 24 }, 4); r += 4;
	memcpy(res + r, (uint8_t[]){ size, size >> 8, size >> 16, size >> 24 }, 4); r += 4;
	res[r++] = 0x89; res[r++] = 6; res[r++] = 0; res[r++] = flags; res[r++] = 1;
	memcpy(res + r, (uint8_t[]){ irq, irq >> 8, irq >> 16, irq >> 24 }, 4); r += 4;
	res[r++] = 0x79; res[r++] = 0;
	put(a, (uint8_t[]){ 0x08, '_', 'C', 'R', 'S', 0x11 }, 6);
	put8(a, (uint8_t)(r + 3));      /* PkgLength: itself, ByteConst, size */
	put8(a, 0x0a);
	put8(a, (uint8_t)r);
	put(a, res, r);
}

UNIT(acpi_microvm)
{
	struct aml a = { .n = 0 };
	struct platdev d[4];

	put(&a, "junk before", 11);
	put_device(&a, 0xfeb02e00, 0x200, 47, 0x01);        /* level, high */
	put_device(&a, 0xfeb02c00, 0x200, 46, 0x07);        /* edge, low */
	unit_warns = 0;
	CHECK_EQ(scan(a.b, a.n, d, 4, unit_warn, NULL), 2);
	CHECK_EQ(unit_warns, 0);
	CHECK_EQ(d[0].base, 0xfeb02e00);
	CHECK_EQ(d[0].size, 0x200);
	CHECK_EQ(d[0].irq, 47);
	CHECK(d[0].has_irq && d[0].level && !d[0].active_low);
	CHECK_STR(d[0].source, "acpi");
	CHECK_EQ(d[1].irq, 46);
	CHECK(!d[1].level && d[1].active_low);
	CHECK_EQ(scan(NULL, 0, d, 4, unit_warn, NULL), 0);
	CHECK_EQ(scan(a.b, 0, d, 4, unit_warn, NULL), 0);
}

UNIT(acpi_truncated_everywhere)
{
	struct aml a = { .n = 0 };
	struct platdev d[4];

	put_device(&a, 0xfeb02e00, 0x200, 47, 0x01);
	/* Every prefix of the table: never a read past it (ASan), never a
	 * device from a cut-off _CRS, and the full table finds it. */
	for (size_t n = 0; n < a.n; n++) {
		uint8_t *copy = malloc(n ? n : 1);
		memcpy(copy, a.b, n);
		int got = scan(copy, n, d, 4, NULL, NULL);
		CHECK(got == 0 || (got == 1 && n >= a.n - 2));
		free(copy);
	}
	CHECK_EQ(scan(a.b, a.n, d, 4, NULL, NULL), 1);
}

UNIT(acpi_hostile)
{
	struct aml a;
	struct platdev d[4];
	size_t crs;

	/* Every single-byte corruption of the device: no crash, and never
	 * more than one device. */
	a.n = 0;
	put_device(&a, 0xfeb02e00, 0x200, 47, 0x01);
	for (size_t i = 0; i < a.n; i++) {
		for (int v = 0; v < 256; v += 51) {
			struct aml b = a;
			b.b[i] = (uint8_t)v;
			int got = scan(b.b, b.n, d, 4, NULL, NULL);
			CHECK(got >= 0 && got <= 1);
		}
	}
	/* A _HID without any _CRS, one with a window of 0 bytes, one with an
	 * interrupt list longer than the descriptor, one with no memory. */
	a.n = 0;
	put(&a, (uint8_t[]){ 0x08, '_', 'H', 'I', 'D', 0x0d, 'L', 'N', 'R', 'O', '0', '0', '0',
			    '5', 0 }, 15);
	unit_warns = 0;
	CHECK_EQ(scan(a.b, a.n, d, 4, unit_warn, NULL), 0);
	CHECK_EQ(unit_warns, 1);
	a.n = 0;
	put_device(&a, 0xfeb02e00, 0, 47, 0x01);
	unit_warns = 0;
	CHECK_EQ(scan(a.b, a.n, d, 4, unit_warn, NULL), 0);
	CHECK(strstr(unit_warn_last, "out of range") != NULL);
	a.n = 0;
	put_device(&a, 0xfeb02e00, 0x200, 47, 0x01);
	crs = a.n - 2 - 4 - 1;          /* the interrupt count byte */
	CHECK_EQ(a.b[crs], 1);
	a.b[crs] = 9;
	unit_warns = 0;
	CHECK_EQ(scan(a.b, a.n, d, 4, unit_warn, NULL), 0);
	CHECK(strstr(unit_warn_last, "malformed") != NULL);
	a.n = 0;
	put_device(&a, 0xfeb02e00, 0x200, 47, 0x01);
	crs = a.n - (2 + 9 + 12);       /* the Memory32Fixed tag */
	CHECK_EQ(a.b[crs], 0x86);
	a.b[crs] = 0x85;                /* Memory32 (not fixed): not ours */
	CHECK_EQ(scan(a.b, a.n, d, 4, unit_warn, NULL), 0);
	CHECK(strstr(unit_warn_last, "no fixed memory") != NULL);
	/* The same device twice: kept once. */
	a.n = 0;
	put_device(&a, 0xfeb02e00, 0x200, 47, 0x01);
	put_device(&a, 0xfeb02e00, 0x200, 47, 0x01);
	CHECK_EQ(scan(a.b, a.n, d, 4, NULL, NULL), 1);
	/* An IRQ Format descriptor instead of an Extended Interrupt. */
	a.n = 0;
	put_device(&a, 0xfeb02e00, 0x200, 47, 0x01);
	crs = a.n - (2 + 9);
	CHECK_EQ(a.b[crs], 0x89);
	memcpy(a.b + crs, (uint8_t[]){ 0x23, 0x20, 0x00, 0x09, 0x79, 0x00, 0x79, 0x00, 0x79,
				      0x00, 0x79 }, 11);
	CHECK_EQ(scan(a.b, a.n, d, 4, NULL, NULL), 1);
	CHECK_EQ(d[0].irq, 5);
	CHECK(d[0].active_low && !d[0].level);
}

UNIT(acpi_other_hids)
{
	struct aml a = { .n = 0 };
	struct platdev d[4];

	put_device(&a, 0xfeb02e00, 0x200, 47, 0x01);
	/* Found by its own HID only, named by it, with the source's ids. */
	CHECK_EQ(acpi_hid_scan(a.b, a.n, "QEMU0002", d, 4, NULL, NULL), 0);
	CHECK_EQ(acpi_hid_scan(a.b, a.n, "LNRO000", d, 4, NULL, NULL), 0);
	CHECK_EQ(acpi_hid_scan(a.b, a.n, "LNRO0005", d, 4, NULL, NULL), 1);
	CHECK_STR(d[0].compatible, "LNRO0005");
	CHECK_EQ(d[0].id, -1);
	CHECK_EQ(d[0].node, -1);
	CHECK(d[0].fdt == NULL);
	/* Empty, missing and too long HIDs find nothing. */
	CHECK_EQ(acpi_hid_scan(a.b, a.n, "", d, 4, NULL, NULL), 0);
	CHECK_EQ(acpi_hid_scan(a.b, a.n, NULL, d, 4, NULL, NULL), 0);
	CHECK_EQ(acpi_hid_scan(a.b, a.n, "LNRO00055", d, 4, NULL, NULL), 0);
	/* A window the scan cannot judge for a driver (small, unaligned)
	 * is kept: the driver checks it. */
	a.n = 0;
	put_device(&a, 0xfeb02e02, 0x10, 47, 0x01);
	CHECK_EQ(scan(a.b, a.n, d, 4, NULL, NULL), 1);
	/* More devices than fit: warned about, the first ones kept. */
	a.n = 0;
	put_device(&a, 0xfeb02e00, 0x200, 47, 0x01);
	put_device(&a, 0xfeb02c00, 0x200, 46, 0x01);
	put_device(&a, 0xfeb02a00, 0x200, 45, 0x01);
	unit_warns = 0;
	CHECK_EQ(scan(a.b, a.n, d, 2, unit_warn, NULL), 2);
	CHECK_EQ(unit_warns, 1);
	CHECK_EQ(d[1].base, 0xfeb02c00);
	CHECK(strstr(unit_warn_last, "more than 2") != NULL);
}

UNIT_MAIN()
