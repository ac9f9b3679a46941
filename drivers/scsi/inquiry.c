// SPDX-License-Identifier: MIT
/* Decoding what a logical unit says about itself: standard INQUIRY data
 * (SPC-4 §6.6.2), the VPD pages the disk layer reads (Supported VPD Pages
 * §7.8.16, Device Identification §7.8.6, Block Limits SBC-3 §6.6.4, Logical
 * Block Provisioning SBC-3 §6.6.6), READ CAPACITY (SBC-3 §5.15, §5.16) and
 * the mode parameter header (SPC-4 §7.5.5). Pure; each decoder reads only
 * the bytes both delivered and covered by the answer's own length field. */
#include <drivers/scsi.h>
#include <kern/errno.h>
#include <string.h>
#include "be.h"

/* Copy an ASCII field of n bytes into out[n + 1], up to a NUL, blanks cut, anything
 * unprintable made '?', so device strings are safe to print. */
static void ascii_field(char *out, const uint8_t *p, unsigned n, unsigned have)
{
	unsigned k = 0;
	for (unsigned i = 0; i < n && i < have && p[i]; i++)    /* NUL: padding */
		out[k++] = (p[i] >= 0x20 && p[i] < 0x7f) ? (char)p[i] : '?';
	while (k && out[k - 1] == ' ')
		k--;
	out[k] = 0;
}

int scsi_inquiry_parse(const uint8_t *buf, uint32_t len, struct scsi_inquiry *q)
{
	memset(q, 0, sizeof(*q));
	if (!buf || len < 5)
		return -EINVAL;
	/* Byte 4 is the additional length: the data is 5 + it bytes long. */
	uint32_t n = MIN(len, 5u + buf[4]);
	q->qualifier = buf[0] >> 5;
	q->type = buf[0] & 0x1f;
	q->removable = buf[1] & 0x80;
	q->version = buf[2];
	if (n > 8)
		ascii_field(q->vendor, buf + 8, 8, n - 8);
	if (n > 16)
		ascii_field(q->product, buf + 16, 16, n - 16);
	if (n > 32)
		ascii_field(q->revision, buf + 32, 4, n - 32);
	return 0;
}

int scsi_vpd_len(const uint8_t *buf, uint32_t len, uint8_t want)
{
	if (!buf || len < 4 || buf[1] != want)
		return -EINVAL;
	return (int)MIN((uint32_t)scsi_get16(buf + 2), len - 4);
}

bool scsi_vpd_has_page(const uint8_t *buf, uint32_t len, uint8_t page)
{
	int n = scsi_vpd_len(buf, len, SCSI_VPD_SUPPORTED);
	for (int i = 0; i < n; i++)
		if (buf[4 + i] == page)
			return true;
	return false;
}

/* A 32-bit field at byte off of a page, if the page reaches its end. */
static uint32_t field32(const uint8_t *buf, int n, unsigned off)
{
	return (int)(off + 4) <= n + 4 ? scsi_get32(buf + off) : 0;
}

int scsi_vpd_block_limits(const uint8_t *buf, uint32_t len, struct scsi_block_limits *bl)
{
	memset(bl, 0, sizeof(*bl));
	int n = scsi_vpd_len(buf, len, SCSI_VPD_BLOCK_LIMITS);
	if (n < 0)
		return n;
	bl->max_xfer = field32(buf, n, 8);
	bl->opt_xfer = field32(buf, n, 12);
	bl->max_unmap_lba = field32(buf, n, 20);
	bl->max_unmap_desc = field32(buf, n, 24);
	bl->unmap_gran = field32(buf, n, 28);
	return 0;
}

int scsi_vpd_lbp_unmap(const uint8_t *buf, uint32_t len)
{
	int n = scsi_vpd_len(buf, len, SCSI_VPD_LBP);
	if (n < 0)
		return n;
	if (n < 2)
		return 0;
	return (buf[5] & 0x80) ? 1 : 0;
}

/* Designator types worth most first: NAA (3), EUI-64 (2), T10 vendor id
 * (1), SCSI name string (8), then any other. */
static int devid_rank(uint8_t type)
{
	switch (type) {
	case 3: return 0;
	case 2: return 1;
	case 1: return 2;
	case 8: return 3;
	default: return 4;
	}
}

int scsi_vpd_devid(const uint8_t *buf, uint32_t len, char *out, size_t outlen)
{
	if (!out || outlen == 0)
		return -EINVAL;
	out[0] = 0;
	int n = scsi_vpd_len(buf, len, SCSI_VPD_DEVID);
	if (n < 0)
		return n;
	const uint8_t *best = NULL;
	int best_rank = 99;
	/* Designation descriptors: 4-byte header, identifier of byte 3's length. */
	for (int off = 0; off + 4 <= n;) {
		const uint8_t *d = buf + 4 + off;
		int dl = d[3];
		if (off + 4 + dl > n)
			break;              /* runs past the page: stop here */
		/* Association (byte 1 bits 5-4) 0: the logical unit itself. */
		if (((d[1] >> 4) & 3) == 0 && dl > 0) {
			int r = devid_rank(d[1] & 0x0f);
			if (r < best_rank) {
				best = d;
				best_rank = r;
			}
		}
		off += 4 + dl;
	}
	if (!best)
		return -ENOENT;
	int dl = best[3];
	uint8_t codeset = best[0] & 0x0f;
	if (codeset == 2 || codeset == 3) {
		/* ASCII (or UTF-8, kept to its printable ASCII). */
		char tmp[256];
		ascii_field(tmp, best + 4, (unsigned)dl, (unsigned)dl);
		size_t n = strnlen(tmp, sizeof(tmp));
		if (n > outlen - 1)
			n = outlen - 1;
		memcpy(out, tmp, n);
		out[n] = 0;
		return 0;
	}
	static const char hex[] = "0123456789abcdef";
	size_t k = 0;
	for (int i = 0; i < dl && k + 2 < outlen; i++) {
		out[k++] = hex[best[4 + i] >> 4];
		out[k++] = hex[best[4 + i] & 15];
	}
	out[k] = 0;
	return 0;
}

int scsi_read_capacity10_parse(const uint8_t *buf, uint32_t len, struct scsi_capacity *c)
{
	memset(c, 0, sizeof(*c));
	if (!buf || len < 8)
		return -EINVAL;
	c->last_lba = scsi_get32(buf);
	c->block_len = scsi_get32(buf + 4);
	return 0;
}

int scsi_read_capacity16_parse(const uint8_t *buf, uint32_t len, struct scsi_capacity *c)
{
	memset(c, 0, sizeof(*c));
	if (!buf || len < 12)
		return -EINVAL;
	c->last_lba = scsi_get64(buf);
	c->block_len = scsi_get32(buf + 8);
	c->lbpme = len >= 15 && (buf[14] & 0x80);
	return 0;
}

int scsi_mode_sense_wp(const uint8_t *buf, uint32_t len, bool ten)
{
	/* The DEVICE-SPECIFIC PARAMETER byte: 2 in the 6-byte header, 3 in
	 * the 10-byte one; for direct-access devices bit 7 is WP. */
	unsigned at = ten ? 3 : 2;
	if (!buf || len <= at)
		return -EINVAL;
	return (buf[at] & 0x80) ? 1 : 0;
}
