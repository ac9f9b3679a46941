// SPDX-License-Identifier: MIT
/* Host tests for the pure half of the virtio-mmio transport
 * (drivers/virtio/mmio_parse.c): the virtio_mmio.device= parser on good and
 * hostile strings, the command-line scan (quotes, repeats, overlaps, too
 * many), the ACPI DSDT scan on QEMU-shaped and broken AML, and the checks
 * on what a register block says about itself. */
#include <drivers/virtio_mmio.h>
#include <kern/errno.h>
#include <stdarg.h>
#include "unit.h"

static int nwarn;
static char lastwarn[256];

static void warn_cb(void *ctx, const char *fmt, ...)
{
	va_list ap;

	(void)ctx;
	nwarn++;
	va_start(ap, fmt);
	vsnprintf(lastwarn, sizeof(lastwarn), fmt, ap);
	va_end(ap);
}

static int parse(const char *s, struct virtio_mmio_desc *d)
{
	return virtio_mmio_parse_device(s, strlen(s), d);
}

UNIT(parse_qemu_microvm)
{
	struct virtio_mmio_desc d;

	/* What QEMU's microvm writes. */
	CHECK_EQ(parse("512@0xfeb00e00:12", &d), 0);
	CHECK_EQ(d.base, 0xfeb00e00);
	CHECK_EQ(d.size, 512);
	CHECK_EQ(d.irq, 12);
	CHECK_EQ(d.id, -1);
	CHECK(d.has_irq && !d.level && !d.active_low);
	CHECK_STR(d.source, "cmdline");
	/* Suffixes, an id, decimal and upper-case hex. */
	CHECK_EQ(parse("4K@0xFEB01000:24:3", &d), 0);
	CHECK_EQ(d.size, 4096);
	CHECK_EQ(d.base, 0xfeb01000);
	CHECK_EQ(d.irq, 24);
	CHECK_EQ(d.id, 3);
	CHECK_EQ(parse("1m@4273995776:5", &d), 0);
	CHECK_EQ(d.size, 1 << 20);
	CHECK_EQ(d.base, 4273995776u);
	CHECK_EQ(parse("0x200@0x10000000000:1023:0", &d), 0);
	CHECK_EQ(d.base, 0x10000000000ull);
	CHECK_EQ(d.irq, 1023);
	CHECK_EQ(d.id, 0);
	/* The value need not be NUL-terminated: only len bytes count. */
	CHECK_EQ(virtio_mmio_parse_device("512@0x1000:5junk", 12, &d), 0);
	CHECK_EQ(d.irq, 5);
}

UNIT(parse_hostile)
{
	struct virtio_mmio_desc d = { .base = 77 };
	static const char *const syntax[] = {
		"", "@", "512", "512@", "512@0x1000", "512@0x1000:", "512@:5", "@0x1000:5",
		"512@0x1000:5:", "512@0x1000:5:x", "512@0x1000:5:-1", "512@0x1000:5:1:2",
		"512x@0x1000:5", "512@0x1000;5", "512 @0x1000:5", "512@0x1000:5 ",
		"512@0x:5", "0x@0x1000:5", "512@0x1000:0x", "-512@0x1000:5", "512@-1:5",
		"5T@0x1000:5", "512KK@0x1000:5", "512@0x1000:5\n", "512@0x10g0:5",
		"\xff\xfe@0x1000:5", "512@0x1000:+5",
	};
	for (size_t i = 0; i < ARRAY_SIZE(syntax); i++) {
		int rc = parse(syntax[i], &d);
		if (rc != -EINVAL)
			printf("#   '%s' -> %d\n", syntax[i], rc);
		CHECK_EQ(rc, -EINVAL);
	}
	static const char *const range[] = {
		"0@0x1000:5",                   /* empty window */
		"255@0x1000:5",                 /* smaller than the registers */
		"2M@0x1000:5",                  /* larger than any device */
		"512@0:5",                      /* address 0 */
		"512@0x1002:5",                 /* unaligned registers */
		"512@0xffffffffffffff00:5",     /* wraps */
		"512@0x1000:1024",              /* no such line */
		"512@0x1000:4294967296",
		"512@0x10000000000000000:5",    /* overflows 64 bits */
		"99999999999999999999@0x1000:5",
		"17179869184G@0x1000:5",        /* the suffix overflows */
		"512@0x1000:5:2147483648",      /* id past int */
	};
	for (size_t i = 0; i < ARRAY_SIZE(range); i++) {
		int rc = parse(range[i], &d);
		if (rc != -ERANGE)
			printf("#   '%s' -> %d\n", range[i], rc);
		CHECK_EQ(rc, -ERANGE);
	}
	CHECK_EQ(d.base, 77);       /* never written on failure */
	CHECK_EQ(virtio_mmio_parse_device(NULL, 0, &d), -EINVAL);
}

UNIT(cmdline_scan)
{
	struct virtio_mmio_desc d[8];

	nwarn = 0;
	/* QEMU's two entries after the user's own words. */
	CHECK_EQ(virtio_mmio_cmdline_scan("test=virtio* loglevel=6 "
					  "virtio_mmio.device=512@0xfeb00e00:12 "
					  "virtio_mmio.device=512@0xfeb00c00:11",
					  d, 8, warn_cb, NULL), 2);
	CHECK_EQ(d[0].base, 0xfeb00e00);
	CHECK_EQ(d[1].base, 0xfeb00c00);
	CHECK_EQ(d[1].irq, 11);
	CHECK_EQ(nwarn, 0);
	/* Quotes are dropped as the kernel's parser drops them; a quoted
	 * blank is inside the word, which then does not parse. */
	CHECK_EQ(virtio_mmio_cmdline_scan("\"virtio_mmio.device=512@0x1000:5\" "
					  "virtio_mmio.device=\"1K\"@0x2000:6 "
					  "virtio_mmio.device=\"512 @0x3000:7\"",
					  d, 8, warn_cb, NULL), 2);
	CHECK_EQ(d[1].size, 1024);
	CHECK_EQ(nwarn, 1);
	/* Tabs and newlines separate words; other keys are ignored, also
	 * ones that merely start alike. */
	nwarn = 0;
	CHECK_EQ(virtio_mmio_cmdline_scan("\tvirtio_mmio.device=512@0x1000:5\n"
					  "virtio_mmio.devices=512@0x2000:5 "
					  "xvirtio_mmio.device=512@0x3000:5 virtio_mmio.device",
					  d, 8, warn_cb, NULL), 1);
	CHECK_EQ(nwarn, 0);
	CHECK_EQ(virtio_mmio_cmdline_scan(NULL, d, 8, warn_cb, NULL), 0);
	CHECK_EQ(virtio_mmio_cmdline_scan("", d, 8, warn_cb, NULL), 0);
}

UNIT(cmdline_scan_hostile)
{
	struct virtio_mmio_desc d[4];
	char big[2048];

	/* Malformed values warn and are skipped; the good ones stay. */
	nwarn = 0;
	CHECK_EQ(virtio_mmio_cmdline_scan("virtio_mmio.device= virtio_mmio.device=garbage "
					  "virtio_mmio.device=512@0x1000:5 "
					  "virtio_mmio.device=512@0x1002:5 "
					  "virtio_mmio.device=1@0x4000:5",
					  d, 4, warn_cb, NULL), 1);
	CHECK_EQ(nwarn, 4);
	CHECK(strstr(lastwarn, "out of range") != NULL);
	/* Overlapping windows: the first one wins. */
	nwarn = 0;
	CHECK_EQ(virtio_mmio_cmdline_scan("virtio_mmio.device=1K@0x1000:5 "
					  "virtio_mmio.device=512@0x1200:6 "
					  "virtio_mmio.device=512@0x1000:5 "
					  "virtio_mmio.device=512@0x1400:7",
					  d, 4, warn_cb, NULL), 2);
	CHECK_EQ(d[0].size, 1024);
	CHECK_EQ(d[1].base, 0x1400);
	CHECK_EQ(nwarn, 2);
	CHECK(strstr(lastwarn, "overlaps") != NULL);
	/* More than fit. */
	nwarn = 0;
	CHECK_EQ(virtio_mmio_cmdline_scan("virtio_mmio.device=512@0x1000:1 "
					  "virtio_mmio.device=512@0x2000:2 "
					  "virtio_mmio.device=512@0x3000:3", d, 2, warn_cb, NULL), 2);
	CHECK_EQ(nwarn, 1);
	/* A very long value, an unterminated quote, control bytes. */
	strcpy(big, "virtio_mmio.device=");
	memset(big + strlen(big), '9', 1500);
	big[19 + 1500] = '\0';
	strcat(big, "@0x1000:5 virtio_mmio.device=512@0x5000:9");
	nwarn = 0;
	CHECK_EQ(virtio_mmio_cmdline_scan(big, d, 4, warn_cb, NULL), 1);
	CHECK_EQ(d[0].base, 0x5000);
	CHECK_EQ(nwarn, 1);
	CHECK(strlen(lastwarn) < 200);
	nwarn = 0;
	CHECK_EQ(virtio_mmio_cmdline_scan("virtio_mmio.device=\"512@0x1000:5 x=y", d, 4,
					  warn_cb, NULL), 0);
	CHECK_EQ(nwarn, 1);
	CHECK_EQ(virtio_mmio_cmdline_scan("virtio_mmio.device=512@0x1000:5\x01", d, 4,
					  warn_cb, NULL), 0);
	CHECK(strchr(lastwarn, '\x01') == NULL);
	/* A NULL sink is quiet. */
	CHECK_EQ(virtio_mmio_cmdline_scan("virtio_mmio.device=x", d, 4, NULL, NULL), 0);
}

/* ---- ACPI ------------------------------------------------------------------- */

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
	struct virtio_mmio_desc d[4];

	put(&a, "junk before", 11);
	put_device(&a, 0xfeb02e00, 0x200, 47, 0x01);        /* level, high */
	put_device(&a, 0xfeb02c00, 0x200, 46, 0x07);        /* edge, low */
	nwarn = 0;
	CHECK_EQ(virtio_mmio_acpi_scan(a.b, a.n, d, 4, warn_cb, NULL), 2);
	CHECK_EQ(nwarn, 0);
	CHECK_EQ(d[0].base, 0xfeb02e00);
	CHECK_EQ(d[0].size, 0x200);
	CHECK_EQ(d[0].irq, 47);
	CHECK(d[0].has_irq && d[0].level && !d[0].active_low);
	CHECK_STR(d[0].source, "acpi");
	CHECK_EQ(d[1].irq, 46);
	CHECK(!d[1].level && d[1].active_low);
	CHECK_EQ(virtio_mmio_acpi_scan(NULL, 0, d, 4, warn_cb, NULL), 0);
	CHECK_EQ(virtio_mmio_acpi_scan(a.b, 0, d, 4, warn_cb, NULL), 0);
}

UNIT(acpi_truncated_everywhere)
{
	struct aml a = { .n = 0 };
	struct virtio_mmio_desc d[4];

	put_device(&a, 0xfeb02e00, 0x200, 47, 0x01);
	/* Every prefix of the table: never a read past it (ASan), never a
	 * device from a cut-off _CRS, and the full table finds it. */
	for (size_t n = 0; n < a.n; n++) {
		uint8_t *copy = malloc(n ? n : 1);
		memcpy(copy, a.b, n);
		int got = virtio_mmio_acpi_scan(copy, n, d, 4, NULL, NULL);
		CHECK(got == 0 || (got == 1 && n >= a.n - 2));
		free(copy);
	}
	CHECK_EQ(virtio_mmio_acpi_scan(a.b, a.n, d, 4, NULL, NULL), 1);
}

UNIT(acpi_hostile)
{
	struct aml a;
	struct virtio_mmio_desc d[4];
	size_t crs;

	/* Every single-byte corruption of the device: no crash, and never
	 * more than one device. */
	a.n = 0;
	put_device(&a, 0xfeb02e00, 0x200, 47, 0x01);
	for (size_t i = 0; i < a.n; i++) {
		for (int v = 0; v < 256; v += 51) {
			struct aml b = a;
			b.b[i] = (uint8_t)v;
			int got = virtio_mmio_acpi_scan(b.b, b.n, d, 4, NULL, NULL);
			CHECK(got >= 0 && got <= 1);
		}
	}
	/* A _HID without any _CRS, one with a window of 0 bytes, one with an
	 * interrupt list longer than the descriptor, one with no memory. */
	a.n = 0;
	put(&a, (uint8_t[]){ 0x08, '_', 'H', 'I', 'D', 0x0d, 'L', 'N', 'R', 'O', '0', '0', '0',
			    '5', 0 }, 15);
	nwarn = 0;
	CHECK_EQ(virtio_mmio_acpi_scan(a.b, a.n, d, 4, warn_cb, NULL), 0);
	CHECK_EQ(nwarn, 1);
	a.n = 0;
	put_device(&a, 0xfeb02e00, 0, 47, 0x01);
	nwarn = 0;
	CHECK_EQ(virtio_mmio_acpi_scan(a.b, a.n, d, 4, warn_cb, NULL), 0);
	CHECK(strstr(lastwarn, "out of range") != NULL);
	a.n = 0;
	put_device(&a, 0xfeb02e00, 0x200, 47, 0x01);
	crs = a.n - 2 - 4 - 1;          /* the interrupt count byte */
	CHECK_EQ(a.b[crs], 1);
	a.b[crs] = 9;
	nwarn = 0;
	CHECK_EQ(virtio_mmio_acpi_scan(a.b, a.n, d, 4, warn_cb, NULL), 0);
	CHECK(strstr(lastwarn, "malformed") != NULL);
	a.n = 0;
	put_device(&a, 0xfeb02e00, 0x200, 47, 0x01);
	crs = a.n - (2 + 9 + 12);       /* the Memory32Fixed tag */
	CHECK_EQ(a.b[crs], 0x86);
	a.b[crs] = 0x85;                /* Memory32 (not fixed): not ours */
	CHECK_EQ(virtio_mmio_acpi_scan(a.b, a.n, d, 4, warn_cb, NULL), 0);
	CHECK(strstr(lastwarn, "no fixed memory") != NULL);
	/* The same device twice: kept once. */
	a.n = 0;
	put_device(&a, 0xfeb02e00, 0x200, 47, 0x01);
	put_device(&a, 0xfeb02e00, 0x200, 47, 0x01);
	CHECK_EQ(virtio_mmio_acpi_scan(a.b, a.n, d, 4, NULL, NULL), 1);
	/* An IRQ Format descriptor instead of an Extended Interrupt. */
	a.n = 0;
	put_device(&a, 0xfeb02e00, 0x200, 47, 0x01);
	crs = a.n - (2 + 9);
	CHECK_EQ(a.b[crs], 0x89);
	memcpy(a.b + crs, (uint8_t[]){ 0x23, 0x20, 0x00, 0x09, 0x79, 0x00, 0x79, 0x00, 0x79,
				      0x00, 0x79 }, 11);
	CHECK_EQ(virtio_mmio_acpi_scan(a.b, a.n, d, 4, NULL, NULL), 1);
	CHECK_EQ(d[0].irq, 5);
	CHECK(d[0].active_low && !d[0].level);
}

/* ---- registers -------------------------------------------------------------- */

UNIT(check_ident)
{
	CHECK_EQ(virtio_mmio_check_ident(VIRTIO_MMIO_MAGIC, 2, 2), 0);
	CHECK_EQ(virtio_mmio_check_ident(VIRTIO_MMIO_MAGIC, 1, 4), 0);
	CHECK_EQ(virtio_mmio_check_ident(VIRTIO_MMIO_MAGIC, 2, 0), -ENOENT);
	CHECK_EQ(virtio_mmio_check_ident(VIRTIO_MMIO_MAGIC, 1, 0), -ENOENT);
	CHECK_EQ(virtio_mmio_check_ident(0x76697274, 2, 2), -ENODEV);   /* byte-swapped */
	CHECK_EQ(virtio_mmio_check_ident(0xffffffff, 0xffffffff, 0xffffffff), -ENODEV);
	CHECK_EQ(virtio_mmio_check_ident(0, 0, 0), -ENODEV);
	CHECK_EQ(virtio_mmio_check_ident(VIRTIO_MMIO_MAGIC, 0, 2), -ENODEV);
	CHECK_EQ(virtio_mmio_check_ident(VIRTIO_MMIO_MAGIC, 3, 2), -ENODEV);
	CHECK_EQ(virtio_mmio_check_ident(VIRTIO_MMIO_MAGIC, 2, 0x10000), -ENODEV);
	/* A bad magic is no device even when the id says "empty". */
	CHECK_EQ(virtio_mmio_check_ident(0, 2, 0), -ENODEV);
}

UNIT(queue_size)
{
	CHECK_EQ(virtio_mmio_queue_size(0, 0), 0);
	CHECK_EQ(virtio_mmio_queue_size(1, 0), 1);
	CHECK_EQ(virtio_mmio_queue_size(256, 0), 256);
	CHECK_EQ(virtio_mmio_queue_size(1000, 0), 512);
	CHECK_EQ(virtio_mmio_queue_size(32768, 0), 32768);
	CHECK_EQ(virtio_mmio_queue_size(32769, 0), 0);
	CHECK_EQ(virtio_mmio_queue_size(0xffffffff, 0), 0);
	CHECK_EQ(virtio_mmio_queue_size(1024, 100), 64);
	CHECK_EQ(virtio_mmio_queue_size(3, 1024), 2);
	CHECK_EQ(virtio_mmio_queue_size(0, 16), 0);
}

UNIT(register_layout)
{
	/* virtio 1.2 §4.2.2 table, the offsets drivers and devices share. */
	CHECK_EQ(VIRTIO_MMIO_REG(version), 0x004);
	CHECK_EQ(VIRTIO_MMIO_REG(device_features_sel), 0x014);
	CHECK_EQ(VIRTIO_MMIO_REG(driver_features), 0x020);
	CHECK_EQ(VIRTIO_MMIO_REG(queue_num_max), 0x034);
	CHECK_EQ(VIRTIO_MMIO_REG(queue_align), 0x03c);
	CHECK_EQ(VIRTIO_MMIO_REG(queue_ready), 0x044);
	CHECK_EQ(VIRTIO_MMIO_REG(interrupt_ack), 0x064);
	CHECK_EQ(VIRTIO_MMIO_REG(queue_device_hi), 0x0a4);
	CHECK_EQ(VIRTIO_MMIO_REG(config_generation), 0x0fc);
}

UNIT_MAIN()
