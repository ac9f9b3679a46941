// SPDX-License-Identifier: MIT
/* CDB building (SPC-4 §4.2, SBC-3 §5): every command this kernel sends,
 * one function each, so the byte layouts live in one place. Pure. */
#include <drivers/scsi.h>
#include <kern/errno.h>
#include <string.h>
#include "be.h"

static void cdb_init(struct scsi_cdb *c, uint8_t op, uint8_t len)
{
	memset(c, 0, sizeof(*c));
	c->b[0] = op;
	c->len = len;
}

void scsi_cdb_test_unit_ready(struct scsi_cdb *c)
{
	cdb_init(c, SCSI_TEST_UNIT_READY, 6);
}

/* SPC-4 §6.6: EVPD in byte 1 bit 0, page code, 16-bit allocation length. */
void scsi_cdb_inquiry(struct scsi_cdb *c, bool evpd, uint8_t page, uint16_t alloc)
{
	cdb_init(c, SCSI_INQUIRY, 6);
	c->b[1] = evpd ? 1 : 0;
	c->b[2] = evpd ? page : 0;
	scsi_put16(&c->b[3], alloc);
}

/* SPC-4 §6.33: SELECT REPORT 0 (every LUN but well-known ones), 32-bit
 * allocation length at bytes 6-9 (at least 16 bytes). */
void scsi_cdb_report_luns(struct scsi_cdb *c, uint32_t alloc)
{
	cdb_init(c, SCSI_REPORT_LUNS, 12);
	scsi_put32(&c->b[6], alloc);
}

void scsi_cdb_read_capacity10(struct scsi_cdb *c)
{
	cdb_init(c, SCSI_READ_CAPACITY_10, 10);
}

/* SBC-3 §5.16: SERVICE ACTION IN(16) with action 0x10. */
void scsi_cdb_read_capacity16(struct scsi_cdb *c, uint32_t alloc)
{
	cdb_init(c, SCSI_SERVICE_ACTION_IN, 16);
	c->b[1] = SCSI_SAI_READ_CAP_16;
	scsi_put32(&c->b[10], alloc);
}

/* SPC-4 §6.11: page code 0x3f (all pages), PC 0 (current values). */
void scsi_cdb_mode_sense6(struct scsi_cdb *c, uint8_t alloc)
{
	cdb_init(c, SCSI_MODE_SENSE_6, 6);
	c->b[2] = 0x3f;
	c->b[4] = alloc;
}

void scsi_cdb_mode_sense10(struct scsi_cdb *c, uint16_t alloc)
{
	cdb_init(c, SCSI_MODE_SENSE_10, 10);
	c->b[2] = 0x3f;
	scsi_put16(&c->b[7], alloc);
}

/* SBC-3 §5.11/§5.12 (READ 10/16), §5.39/§5.40 (WRITE 10/16). The 10-byte
 * form addresses 32 bits of LBA and 16 of length; past those the 16-byte
 * one (64 and 32). */
int scsi_cdb_rw(struct scsi_cdb *c, bool write, uint64_t lba, uint32_t count)
{
	if (count == 0 || lba + count < lba)
		return -EINVAL;
	if (lba + count <= (1ull << 32) && count <= 0xffff) {
		cdb_init(c, write ? SCSI_WRITE_10 : SCSI_READ_10, 10);
		scsi_put32(&c->b[2], (uint32_t)lba);
		scsi_put16(&c->b[7], (uint16_t)count);
	} else {
		cdb_init(c, write ? SCSI_WRITE_16 : SCSI_READ_16, 16);
		scsi_put64(&c->b[2], lba);
		scsi_put32(&c->b[10], count);
	}
	return 0;
}

/* SBC-3 §5.22: LBA 0 and NUMBER OF BLOCKS 0 mean the whole medium. */
void scsi_cdb_sync_cache(struct scsi_cdb *c)
{
	cdb_init(c, SCSI_SYNC_CACHE_10, 10);
}

/* SBC-3 §5.28: parameter list length at bytes 7-8. */
void scsi_cdb_unmap(struct scsi_cdb *c, uint16_t param_len)
{
	cdb_init(c, SCSI_UNMAP, 10);
	scsi_put16(&c->b[7], param_len);
}

/* SBC-3 §5.28.2: an 8-byte header (data length = total - 2, block
 * descriptor data length = total - 8) and one 16-byte descriptor. */
unsigned scsi_unmap_param(uint8_t *p, uint64_t lba, uint32_t count)
{
	memset(p, 0, SCSI_UNMAP_PARAM_LEN);
	scsi_put16(&p[0], SCSI_UNMAP_PARAM_LEN - 2);
	scsi_put16(&p[2], 16);
	scsi_put64(&p[8], lba);
	scsi_put32(&p[16], count);
	return SCSI_UNMAP_PARAM_LEN;
}
