// SPDX-License-Identifier: MIT
/* Sense data (SPC-4 §4.5) and what a completion means: the key, ASC and
 * ASCQ out of fixed (0x70/0x71) or descriptor (0x72/0x73) format sense, and
 * the retry-or-fail decision the disk layer takes on them. Pure; the
 * device's lengths are never trusted past the bytes it delivered. */
#include <drivers/scsi.h>
#include <kern/errno.h>
#include <string.h>

void scsi_sense_parse(const uint8_t *buf, uint32_t len, struct scsi_sense *s)
{
	memset(s, 0, sizeof(*s));
	if (!buf || len < 1)
		return;
	uint8_t code = buf[0] & 0x7f;
	switch (code) {
	case 0x70:
	case 0x71:
		/* §4.5.3: key in byte 2; ASC/ASCQ at 12/13 when the additional
		 * length (byte 7) and the delivered bytes both reach them. */
		if (len < 3)
			return;
		s->key = buf[2] & 0x0f;
		if (len >= 14 && len >= 8 && 8u + buf[7] >= 14) {
			s->asc = buf[12];
			s->ascq = buf[13];
		}
		s->valid = true;
		s->deferred = code == 0x71;
		return;
	case 0x72:
	case 0x73:
		/* §4.5.2: key, ASC, ASCQ in bytes 1-3; descriptors follow,
		 * none of which we need. */
		if (len < 4)
			return;
		s->key = buf[1] & 0x0f;
		s->asc = buf[2];
		s->ascq = buf[3];
		s->valid = true;
		s->deferred = code == 0x73;
		return;
	default:
		return;
	}
}

/* NOT READY with ASC 0x04 (LOGICAL UNIT NOT READY) is worth waiting out
 * unless its ASCQ says no amount of waiting helps: 0x02 (an initializing
 * command is required) and 0x03 (manual intervention). */
static bool becoming_ready(const struct scsi_sense *s)
{
	return s->asc == 0x04 && s->ascq != 0x02 && s->ascq != 0x03;
}

enum scsi_action scsi_classify(uint8_t status, const struct scsi_sense *s, int *err)
{
	*err = -EIO;
	switch (status) {
	case SCSI_S_GOOD:
	case SCSI_S_CONDITION_MET:
		*err = 0;
		return SCSI_DONE;
	case SCSI_S_BUSY:
	case SCSI_S_TASK_SET_FULL:
		return SCSI_RETRY_LATER;
	case SCSI_S_TASK_ABORTED:
		return SCSI_RETRY;
	case SCSI_S_RESERVATION_CONFLICT:
		*err = -EBUSY;
		return SCSI_FAIL;
	case SCSI_S_CHECK_CONDITION:
		break;
	default:
		return SCSI_FAIL;
	}
	if (!s || !s->valid)
		return SCSI_FAIL;
	switch (s->key) {
	case SCSI_KEY_RECOVERED:
		*err = 0;
		return SCSI_DONE;
	case SCSI_KEY_NO_SENSE:
	case SCSI_KEY_UNIT_ATTENTION:
	case SCSI_KEY_ABORTED:
		return SCSI_RETRY;
	case SCSI_KEY_NOT_READY:
		if (becoming_ready(s))
			return SCSI_RETRY_LATER;
		/* 0x3a: MEDIUM NOT PRESENT. */
		*err = s->asc == 0x3a ? -ENODEV : -EIO;
		return SCSI_FAIL;
	case SCSI_KEY_ILLEGAL_REQUEST:
		*err = -EINVAL;
		return SCSI_FAIL;
	case SCSI_KEY_DATA_PROTECT:
		*err = -EROFS;
		return SCSI_FAIL;
	default:        /* MEDIUM ERROR, HARDWARE ERROR and the rest */
		return SCSI_FAIL;
	}
}

const char *scsi_key_name(uint8_t key)
{
	static const char *const names[16] = {
		"NO SENSE", "RECOVERED ERROR", "NOT READY", "MEDIUM ERROR",
		"HARDWARE ERROR", "ILLEGAL REQUEST", "UNIT ATTENTION", "DATA PROTECT",
		"BLANK CHECK", "VENDOR SPECIFIC", "COPY ABORTED", "ABORTED COMMAND",
		"RESERVED", "VOLUME OVERFLOW", "MISCOMPARE", "COMPLETED",
	};
	return names[key & 0x0f];
}
