// SPDX-License-Identifier: MIT
/* LUN structures (SAM-5 §4.7) and REPORT LUNS data (SPC-4 §6.33). QEMU
 * reports LUNs below 256 with peripheral device addressing (00h, LUN) and
 * those from 256 on with flat space addressing (01b in bits 7-6 of byte 0,
 * 14 bits of LUN), the rest of the eight bytes zero; both decode to the
 * whole number here. Pure. */
#include <drivers/scsi.h>
#include <kern/errno.h>
#include <string.h>
#include "be.h"

#define LUN_MAX_FLAT    0x3fff

int scsi_lun_decode(const uint8_t l[8])
{
	for (int i = 2; i < 8; i++)
		if (l[i])
			return -EINVAL;     /* a second level, or junk */
	switch (l[0] >> 6) {
	case 0:     /* peripheral device addressing: bus in bits 5-0 */
		if (l[0] & 0x3f)
			return -EINVAL;
		return l[1];
	case 1:     /* flat space addressing */
		return (l[0] & 0x3f) << 8 | l[1];
	default:    /* logical unit (10b) and extended (11b) addressing */
		return -EINVAL;
	}
}

int scsi_lun_encode(uint32_t lun, uint8_t l[8])
{
	memset(l, 0, 8);
	if (lun > LUN_MAX_FLAT)
		return -EINVAL;
	if (lun < 256) {
		l[1] = (uint8_t)lun;
	} else {
		l[0] = (uint8_t)(0x40 | lun >> 8);
		l[1] = (uint8_t)lun;
	}
	return 0;
}

/* §6.33.2: bytes 0-3 are the LUN list length in bytes (a multiple of 8),
 * 4-7 reserved, the list from byte 8. The device writes as much as the
 * allocation length lets it; only the delivered entries are decoded. */
int scsi_report_luns_parse(const uint8_t *buf, uint32_t len,
			   int (*fn)(void *arg, uint32_t lun), void *arg,
			   unsigned *bad)
{
	if (bad)
		*bad = 0;
	if (!buf || len < 8)
		return -EINVAL;
	uint32_t list = scsi_get32(buf);
	uint32_t total = list / 8;
	uint32_t have = (len - 8) / 8;
	uint32_t n = MIN(total, have);
	for (uint32_t i = 0; i < n; i++) {
		int lun = scsi_lun_decode(buf + 8 + 8 * i);
		if (lun < 0) {
			if (bad)
				(*bad)++;
			continue;
		}
		if (fn && fn(arg, (uint32_t)lun))
			break;
	}
	return (int)total;     /* at most 2^29: fits */
}
