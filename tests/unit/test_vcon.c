// SPDX-License-Identifier: MIT
/* virtio-console control messages (drivers/virtio/console_ctl.c): what
 * QEMU sends decodes; every malformed or out-of-place message is refused
 * with a reason, and nothing is read past the used length. */
#include "unit.h"
#include <drivers/virtio_console.h>
#include <kern/errno.h>

static uint8_t ann[VCON_MAX_PORTS / 8];

static void announce(uint32_t id, bool on)
{
	if (on)
		ann[id / 8] |= (uint8_t)(1u << (id % 8));
	else
		ann[id / 8] &= (uint8_t)~(1u << (id % 8));
}

/* A message of exactly len bytes on the heap (ASan sees reads past it):
 * the header, then extra. */
static int parse(uint32_t id, uint16_t ev, uint16_t val, const void *extra, size_t xn,
		 uint32_t nports, struct vcon_ctl *m, const char **why)
{
	size_t len = 8 + xn;
	uint8_t *b = malloc(len);
	vcon_ctl_encode(b, id, ev, val);
	if (xn)
		memcpy(b + 8, extra, xn);
	int rc = vcon_ctl_parse(b, (uint32_t)len, (uint32_t)len, nports, ann, m, why);
	free(b);
	return rc;
}

UNIT(encode_layout)
{
	uint8_t b[8];
	vcon_ctl_encode(b, 0x01020304, VIRTIO_CONSOLE_PORT_OPEN, 1);
	uint8_t want[8] = { 4, 3, 2, 1, 6, 0, 1, 0 };
	CHECK(memcmp(b, want, 8) == 0);
}

UNIT(qemu_sequence)
{
	struct vcon_ctl m;
	const char *why;

	memset(ann, 0, sizeof(ann));
	CHECK_EQ(parse(1, VIRTIO_CONSOLE_DEVICE_ADD, 1, NULL, 0, 31, &m, &why), 0);
	CHECK_EQ(m.id, 1);
	CHECK_EQ(m.event, VIRTIO_CONSOLE_DEVICE_ADD);
	announce(1, true);
	CHECK_EQ(parse(1, VIRTIO_CONSOLE_PORT_NAME, 1, "org.example.data", 17, 31, &m, &why), 0);
	CHECK_STR(m.name, "org.example.data");
	/* The spec does not promise a terminator: the message's end is one. */
	CHECK_EQ(parse(1, VIRTIO_CONSOLE_PORT_NAME, 1, "abc", 3, 31, &m, &why), 0);
	CHECK_STR(m.name, "abc");
	CHECK_EQ(parse(1, VIRTIO_CONSOLE_PORT_OPEN, 1, NULL, 0, 31, &m, &why), 0);
	CHECK_EQ(m.value, 1);
	CHECK_EQ(parse(1, VIRTIO_CONSOLE_CONSOLE_PORT, 1, NULL, 0, 31, &m, &why), 0);
	uint8_t sz[4] = { 25, 0, 80, 0 };
	CHECK_EQ(parse(1, VIRTIO_CONSOLE_RESIZE, 0, sz, 4, 31, &m, &why), 0);
	CHECK_EQ(m.rows, 25);
	CHECK_EQ(m.cols, 80);
	CHECK_EQ(parse(1, VIRTIO_CONSOLE_DEVICE_REMOVE, 1, NULL, 0, 31, &m, &why), 0);
}

UNIT(short_and_overlong)
{
	struct vcon_ctl m;
	const char *why = NULL;
	uint8_t b[8];

	memset(ann, 0, sizeof(ann));
	vcon_ctl_encode(b, 0, VIRTIO_CONSOLE_DEVICE_ADD, 1);
	for (uint32_t len = 0; len < 8; len++) {
		CHECK_EQ(vcon_ctl_parse(b, len, 8, 4, ann, &m, &why), -EPROTO);
		CHECK(why && strstr(why, "header"));
	}
	CHECK_EQ(vcon_ctl_parse(b, 9, 8, 4, ann, &m, &why), -EPROTO);
	CHECK(why && strstr(why, "past the buffer"));
	CHECK_EQ(vcon_ctl_parse(b, 8, 8, 4, ann, &m, &why), 0);
}

UNIT(unknown_ports)
{
	struct vcon_ctl m;
	const char *why;

	memset(ann, 0, sizeof(ann));
	/* Out of range, and in range but never announced. */
	CHECK_EQ(parse(4, VIRTIO_CONSOLE_DEVICE_ADD, 1, NULL, 0, 4, &m, &why), -EPROTO);
	CHECK_EQ(parse(0xffffffff, VIRTIO_CONSOLE_PORT_OPEN, 1, NULL, 0, 4, &m, &why), -EPROTO);
	CHECK_EQ(parse(2, VIRTIO_CONSOLE_PORT_OPEN, 1, NULL, 0, 4, &m, &why), -EPROTO);
	CHECK(strstr(why, "never announced"));
	CHECK_EQ(parse(2, VIRTIO_CONSOLE_PORT_NAME, 1, "x", 2, 4, &m, &why), -EPROTO);
	CHECK(strstr(why, "never announced"));
	CHECK_EQ(parse(2, VIRTIO_CONSOLE_DEVICE_REMOVE, 1, NULL, 0, 4, &m, &why), -EPROTO);
	CHECK_EQ(parse(2, VIRTIO_CONSOLE_CONSOLE_PORT, 1, NULL, 0, 4, &m, &why), -EPROTO);
	uint8_t sz[4] = { 0 };
	CHECK_EQ(parse(2, VIRTIO_CONSOLE_RESIZE, 1, sz, 4, 4, &m, &why), -EPROTO);
	/* Added twice. */
	announce(2, true);
	CHECK_EQ(parse(2, VIRTIO_CONSOLE_DEVICE_ADD, 1, NULL, 0, 4, &m, &why), -EPROTO);
	CHECK(strstr(why, "twice"));
	announce(2, false);
}

UNIT(bad_events)
{
	struct vcon_ctl m;
	const char *why;

	memset(ann, 0, sizeof(ann));
	announce(0, true);
	/* Driver-only events and unknown ones. */
	CHECK_EQ(parse(0, VIRTIO_CONSOLE_DEVICE_READY, 1, NULL, 0, 1, &m, &why), -EPROTO);
	CHECK_EQ(parse(0, VIRTIO_CONSOLE_PORT_READY, 1, NULL, 0, 1, &m, &why), -EPROTO);
	CHECK_EQ(parse(0, 8, 1, NULL, 0, 1, &m, &why), -EPROTO);
	CHECK_EQ(parse(0, 0xffff, 1, NULL, 0, 1, &m, &why), -EPROTO);
	/* RESIZE without (all of) its size. */
	CHECK_EQ(parse(0, VIRTIO_CONSOLE_RESIZE, 0, "ab", 2, 1, &m, &why), -EPROTO);
}

UNIT(bad_names)
{
	struct vcon_ctl m;
	const char *why;
	char name[200];

	memset(ann, 0, sizeof(ann));
	announce(3, true);
	CHECK_EQ(parse(3, VIRTIO_CONSOLE_PORT_NAME, 1, NULL, 0, 8, &m, &why), -EPROTO);
	CHECK_EQ(parse(3, VIRTIO_CONSOLE_PORT_NAME, 1, "\0abc", 4, 8, &m, &why), -EPROTO);
	CHECK(strstr(why, "empty"));
	/* The longest name there is room for, and one more byte. */
	memset(name, 'n', sizeof(name));
	CHECK_EQ(parse(3, VIRTIO_CONSOLE_PORT_NAME, 1, name, VCON_NAME_MAX, 8, &m, &why), 0);
	CHECK_EQ(strlen(m.name), VCON_NAME_MAX);
	CHECK_EQ(parse(3, VIRTIO_CONSOLE_PORT_NAME, 1, name, VCON_NAME_MAX + 1, 8, &m, &why),
		 -EPROTO);
	CHECK(strstr(why, "too long"));
	/* Unbounded: no terminator anywhere in a long message. */
	CHECK_EQ(parse(3, VIRTIO_CONSOLE_PORT_NAME, 1, name, sizeof(name), 8, &m, &why), -EPROTO);
	/* Terminal escapes and blanks. */
	CHECK_EQ(parse(3, VIRTIO_CONSOLE_PORT_NAME, 1, "a\033[2J", 6, 8, &m, &why), -EPROTO);
	CHECK_EQ(parse(3, VIRTIO_CONSOLE_PORT_NAME, 1, "a b", 4, 8, &m, &why), -EPROTO);
	CHECK_EQ(parse(3, VIRTIO_CONSOLE_PORT_NAME, 1, "caf\xc3\xa9", 6, 8, &m, &why), -EPROTO);
	CHECK(strstr(why, "printable"));
	/* Bytes after the terminator are ignored. */
	CHECK_EQ(parse(3, VIRTIO_CONSOLE_PORT_NAME, 1, "ok\0\033junk", 9, 8, &m, &why), 0);
	CHECK_STR(m.name, "ok");
}

UNIT_MAIN()
