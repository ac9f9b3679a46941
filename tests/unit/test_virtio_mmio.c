// SPDX-License-Identifier: MIT
/* Host tests for the pure half of the virtio-mmio transport
 * (drivers/virtio/mmio_parse.c): the virtio_mmio.device= parser on good and
 * hostile strings, the command-line scan (quotes, repeats, overlaps, too
 * many), and the checks on what a register block says about itself. */
#include <drivers/virtio_mmio.h>
#include <kern/errno.h>
#include <stdarg.h>
#include "unit.h"
#include "stubs.h"

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

	unit_warns = 0;
	/* QEMU's two entries after the user's own words. */
	CHECK_EQ(virtio_mmio_cmdline_scan("test=virtio* loglevel=6 "
					  "virtio_mmio.device=512@0xfeb00e00:12 "
					  "virtio_mmio.device=512@0xfeb00c00:11",
					  d, 8, unit_warn, NULL), 2);
	CHECK_EQ(d[0].base, 0xfeb00e00);
	CHECK_EQ(d[1].base, 0xfeb00c00);
	CHECK_EQ(d[1].irq, 11);
	CHECK_EQ(unit_warns, 0);
	/* Quotes are dropped as the kernel's parser drops them; a quoted
	 * blank is inside the word, which then does not parse. */
	CHECK_EQ(virtio_mmio_cmdline_scan("\"virtio_mmio.device=512@0x1000:5\" "
					  "virtio_mmio.device=\"1K\"@0x2000:6 "
					  "virtio_mmio.device=\"512 @0x3000:7\"",
					  d, 8, unit_warn, NULL), 2);
	CHECK_EQ(d[1].size, 1024);
	CHECK_EQ(unit_warns, 1);
	/* Tabs and newlines separate words; other keys are ignored, also
	 * ones that merely start alike. */
	unit_warns = 0;
	CHECK_EQ(virtio_mmio_cmdline_scan("\tvirtio_mmio.device=512@0x1000:5\n"
					  "virtio_mmio.devices=512@0x2000:5 "
					  "xvirtio_mmio.device=512@0x3000:5 virtio_mmio.device",
					  d, 8, unit_warn, NULL), 1);
	CHECK_EQ(unit_warns, 0);
	CHECK_EQ(virtio_mmio_cmdline_scan(NULL, d, 8, unit_warn, NULL), 0);
	CHECK_EQ(virtio_mmio_cmdline_scan("", d, 8, unit_warn, NULL), 0);
}

UNIT(cmdline_scan_hostile)
{
	struct virtio_mmio_desc d[4];
	char big[2048];

	/* Malformed values warn and are skipped; the good ones stay. */
	unit_warns = 0;
	CHECK_EQ(virtio_mmio_cmdline_scan("virtio_mmio.device= virtio_mmio.device=garbage "
					  "virtio_mmio.device=512@0x1000:5 "
					  "virtio_mmio.device=512@0x1002:5 "
					  "virtio_mmio.device=1@0x4000:5",
					  d, 4, unit_warn, NULL), 1);
	CHECK_EQ(unit_warns, 4);
	CHECK(strstr(unit_warn_last, "out of range") != NULL);
	/* Overlapping windows: the first one wins. */
	unit_warns = 0;
	CHECK_EQ(virtio_mmio_cmdline_scan("virtio_mmio.device=1K@0x1000:5 "
					  "virtio_mmio.device=512@0x1200:6 "
					  "virtio_mmio.device=512@0x1000:5 "
					  "virtio_mmio.device=512@0x1400:7",
					  d, 4, unit_warn, NULL), 2);
	CHECK_EQ(d[0].size, 1024);
	CHECK_EQ(d[1].base, 0x1400);
	CHECK_EQ(unit_warns, 2);
	CHECK(strstr(unit_warn_last, "overlaps") != NULL);
	/* More than fit. */
	unit_warns = 0;
	CHECK_EQ(virtio_mmio_cmdline_scan("virtio_mmio.device=512@0x1000:1 "
					  "virtio_mmio.device=512@0x2000:2 "
					  "virtio_mmio.device=512@0x3000:3", d, 2, unit_warn, NULL), 2);
	CHECK_EQ(unit_warns, 1);
	/* A very long value, an unterminated quote, control bytes. */
	strcpy(big, "virtio_mmio.device=");
	memset(big + strlen(big), '9', 1500);
	big[19 + 1500] = '\0';
	strcat(big, "@0x1000:5 virtio_mmio.device=512@0x5000:9");
	unit_warns = 0;
	CHECK_EQ(virtio_mmio_cmdline_scan(big, d, 4, unit_warn, NULL), 1);
	CHECK_EQ(d[0].base, 0x5000);
	CHECK_EQ(unit_warns, 1);
	CHECK(strlen(unit_warn_last) < 200);
	unit_warns = 0;
	CHECK_EQ(virtio_mmio_cmdline_scan("virtio_mmio.device=\"512@0x1000:5 x=y", d, 4,
					  unit_warn, NULL), 0);
	CHECK_EQ(unit_warns, 1);
	CHECK_EQ(virtio_mmio_cmdline_scan("virtio_mmio.device=512@0x1000:5\x01", d, 4,
					  unit_warn, NULL), 0);
	CHECK(strchr(unit_warn_last, '\x01') == NULL);
	/* A NULL sink is quiet. */
	CHECK_EQ(virtio_mmio_cmdline_scan("virtio_mmio.device=x", d, 4, NULL, NULL), 0);
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
