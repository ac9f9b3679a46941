// SPDX-License-Identifier: MIT
/* virtio-console control messages (virtio 1.2 §5.3.6.2), decoded without
 * trusting the device: every length, id and name is checked here, before
 * the driver acts on it. Pure: host unit-tested (tests/unit/test_vcon.c)
 * and fuzzed (tests/fuzz/fuzz_vcon_ctl.c). */
#include <drivers/virtio_console.h>
#include <kern/errno.h>
#include <string.h>

static uint32_t le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static int bad(const char **why, const char *reason)
{
	*why = reason;
	return -EPROTO;
}

/* §5.3.6.2: the name follows the header; QEMU terminates it, the spec does
 * not say, so the message's end terminates it too. Names are shown and
 * matched: printable ASCII without blanks only. */
static int take_name(const uint8_t *p, uint32_t n, char *out, const char **why)
{
	uint32_t k = 0;

	while (k < n && p[k])
		k++;
	if (k == 0)
		return bad(why, "empty port name");
	if (k > VCON_NAME_MAX)
		return bad(why, "port name too long");
	for (uint32_t i = 0; i < k; i++)
		if (p[i] <= 0x20 || p[i] >= 0x7f)
			return bad(why, "port name not printable");
	memcpy(out, p, k);
	out[k] = '\0';
	return 0;
}

int vcon_ctl_parse(const void *buf, uint32_t len, uint32_t cap, uint32_t nports,
		   const uint8_t *announced, struct vcon_ctl *out, const char **why)
{
	const uint8_t *p = buf;
	const uint32_t hdr = sizeof(struct virtio_console_control);

	memset(out, 0, sizeof(*out));
	*why = NULL;
	if (len > cap)
		return bad(why, "used length past the buffer");
	if (len < hdr)
		return bad(why, "shorter than its header");
	out->id = le32(p);
	out->event = le16(p + 4);
	out->value = le16(p + 6);
	if (out->id >= nports)
		return bad(why, "port id out of range");
	bool known = vcon_bit(announced, out->id);

	switch (out->event) {
	case VIRTIO_CONSOLE_DEVICE_ADD:
		if (known)
			return bad(why, "port added twice");
		return 0;
	case VIRTIO_CONSOLE_DEVICE_REMOVE:
	case VIRTIO_CONSOLE_CONSOLE_PORT:
	case VIRTIO_CONSOLE_PORT_OPEN:
		break;
	case VIRTIO_CONSOLE_RESIZE:
		if (len < hdr + 4)
			return bad(why, "resize without its size");
		/* QEMU and Linux put rows first (struct virtio_console_resize). */
		out->rows = le16(p + hdr);
		out->cols = le16(p + hdr + 2);
		break;
	case VIRTIO_CONSOLE_PORT_NAME:
		if (!known)
			return bad(why, "name for a port never announced");
		return take_name(p + hdr, len - hdr, out->name, why);
	default:
		return bad(why, "unknown or driver-only event");
	}
	if (!known)
		return bad(why, "port never announced");
	return 0;
}

void vcon_ctl_encode(void *out, uint32_t id, uint16_t event, uint16_t value)
{
	uint8_t *p = out;

	p[0] = (uint8_t)id;
	p[1] = (uint8_t)(id >> 8);
	p[2] = (uint8_t)(id >> 16);
	p[3] = (uint8_t)(id >> 24);
	p[4] = (uint8_t)event;
	p[5] = (uint8_t)(event >> 8);
	p[6] = (uint8_t)value;
	p[7] = (uint8_t)(value >> 8);
}
