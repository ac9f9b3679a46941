/* SPDX-License-Identifier: MIT */
/* The SCSI command layer's pure half (drivers/scsi/cdb.c, sense.c, lun.c,
 * inquiry.c): building CDBs, parsing sense data, encoding and decoding LUNs
 * and decoding the answers of REPORT LUNS, INQUIRY (standard and VPD), READ
 * CAPACITY and MODE SENSE. Nothing here touches a device; every decoder takes
 * a buffer and the number of bytes the device really returned, and never
 * reads past it. Host unit-tested (tests/unit/test_scsi.c) and fuzzed
 * (tests/fuzz/fuzz_scsi.c).
 *
 * References: SPC-4 (INQUIRY, REPORT LUNS, MODE SENSE, sense data, VPD
 * pages), SBC-3 (READ/WRITE, READ CAPACITY, SYNCHRONIZE CACHE, UNMAP, the
 * Block Limits and Logical Block Provisioning VPD pages), SAM-5 (status
 * codes, LUN structure). Multi-byte CDB and data fields are big-endian. */
#ifndef DRIVERS_SCSI_H
#define DRIVERS_SCSI_H

#include <kern/compiler.h>

/* Operation codes. */
#define SCSI_TEST_UNIT_READY    0x00
#define SCSI_INQUIRY            0x12
#define SCSI_MODE_SENSE_6       0x1a
#define SCSI_READ_CAPACITY_10   0x25
#define SCSI_READ_10            0x28
#define SCSI_WRITE_10           0x2a
#define SCSI_SYNC_CACHE_10      0x35
#define SCSI_UNMAP              0x42
#define SCSI_MODE_SENSE_10      0x5a
#define SCSI_READ_16            0x88
#define SCSI_WRITE_16           0x8a
#define SCSI_SYNC_CACHE_16      0x91
#define SCSI_SERVICE_ACTION_IN  0x9e   /* READ CAPACITY(16): action 0x10 */
#define SCSI_SAI_READ_CAP_16    0x10
#define SCSI_REPORT_LUNS        0xa0

/* Status codes (SAM-5 §5.3.1). */
#define SCSI_S_GOOD             0x00
#define SCSI_S_CHECK_CONDITION  0x02
#define SCSI_S_CONDITION_MET    0x04
#define SCSI_S_BUSY             0x08
#define SCSI_S_RESERVATION_CONFLICT 0x18
#define SCSI_S_TASK_SET_FULL    0x28
#define SCSI_S_ACA_ACTIVE       0x30
#define SCSI_S_TASK_ABORTED     0x40

/* Sense keys (SPC-4 §4.5.6). */
#define SCSI_KEY_NO_SENSE       0x0
#define SCSI_KEY_RECOVERED      0x1
#define SCSI_KEY_NOT_READY      0x2
#define SCSI_KEY_MEDIUM_ERROR   0x3
#define SCSI_KEY_HARDWARE_ERROR 0x4
#define SCSI_KEY_ILLEGAL_REQUEST 0x5
#define SCSI_KEY_UNIT_ATTENTION 0x6
#define SCSI_KEY_DATA_PROTECT   0x7
#define SCSI_KEY_ABORTED        0xb

/* Peripheral device types (INQUIRY byte 0, bits 4-0). */
#define SCSI_TYPE_DISK          0x00
#define SCSI_TYPE_CDROM         0x05
#define SCSI_TYPE_OPTICAL       0x07
#define SCSI_TYPE_RBC           0x0e

/* VPD pages used here. */
#define SCSI_VPD_SUPPORTED      0x00
#define SCSI_VPD_SERIAL         0x80
#define SCSI_VPD_DEVID          0x83
#define SCSI_VPD_BLOCK_LIMITS   0xb0
#define SCSI_VPD_LBP            0xb2

/* ---- CDBs ----------------------------------------------------------------- */

#define SCSI_CDB_MAX            16

struct scsi_cdb {
	uint8_t b[SCSI_CDB_MAX];
	uint8_t len;
};

void scsi_cdb_test_unit_ready(struct scsi_cdb *c);
/* evpd: a VPD page (page) instead of the standard data; alloc <= 65535. */
void scsi_cdb_inquiry(struct scsi_cdb *c, bool evpd, uint8_t page, uint16_t alloc);
void scsi_cdb_report_luns(struct scsi_cdb *c, uint32_t alloc);
void scsi_cdb_read_capacity10(struct scsi_cdb *c);
void scsi_cdb_read_capacity16(struct scsi_cdb *c, uint32_t alloc);
/* MODE SENSE(6) of every page (0x3f), current values. */
void scsi_cdb_mode_sense6(struct scsi_cdb *c, uint8_t alloc);
void scsi_cdb_mode_sense10(struct scsi_cdb *c, uint16_t alloc);
/* READ/WRITE: the 10-byte form while lba and count fit it (lba + count <=
 * 2^32, count <= 65535), else the 16-byte one. @return 0, -EINVAL (count 0,
 * or lba + count past 2^64). */
int scsi_cdb_rw(struct scsi_cdb *c, bool write, uint64_t lba, uint32_t count);
/* SYNCHRONIZE CACHE(10) of the whole medium. */
void scsi_cdb_sync_cache(struct scsi_cdb *c);
/* UNMAP with a parameter list of param_len bytes (scsi_unmap_param). */
void scsi_cdb_unmap(struct scsi_cdb *c, uint16_t param_len);
/* The UNMAP parameter list for one range into p[24]. @return its length. */
unsigned scsi_unmap_param(uint8_t *p, uint64_t lba, uint32_t count);
#define SCSI_UNMAP_PARAM_LEN    24

/* ---- sense data (SPC-4 §4.5) --------------------------------------------- */

struct scsi_sense {
	uint8_t key, asc, ascq;
	bool valid;         /* a known format with the key present */
	bool deferred;      /* 0x71/0x73: about an earlier command */
};

/* Parse len bytes of sense data, fixed (0x70/0x71) or descriptor
 * (0x72/0x73) format. A buffer too short for the fields, or of another
 * response code, gives valid = false. */
void scsi_sense_parse(const uint8_t *buf, uint32_t len, struct scsi_sense *s);

/* What a command's completion means to the disk layer. */
enum scsi_action {
	SCSI_DONE,          /* success (GOOD, CONDITION MET, RECOVERED ERROR) */
	SCSI_RETRY,         /* try again now: UNIT ATTENTION, ABORTED COMMAND */
	SCSI_RETRY_LATER,   /* try again after a pause: BUSY, NOT READY (becoming ready) */
	SCSI_FAIL,          /* give up with *err */
};
/* Classify a status and its sense (s may be NULL: none came). *err gets the
 * errno for SCSI_FAIL: MEDIUM/HARDWARE ERROR -EIO, ILLEGAL REQUEST -EINVAL,
 * DATA PROTECT -EROFS, NOT READY with no medium -ENODEV, RESERVATION
 * CONFLICT -EBUSY, anything unknown -EIO. */
enum scsi_action scsi_classify(uint8_t status, const struct scsi_sense *s, int *err);
/* Name of a sense key, for messages ("MEDIUM ERROR"). */
const char *scsi_key_name(uint8_t key);

/* ---- LUNs (SAM-5 §4.7) ---------------------------------------------------- */

/* Decode one 8-byte LUN of REPORT LUNS as a single-level LUN: peripheral
 * device addressing on bus 0 (byte 0 = 0x00: LUN 0..255) or flat space
 * addressing (byte 0 bits 7-6 = 01: LUN 0..16383), the other six bytes
 * zero. @return the LUN, or -EINVAL for anything else (a bus other than 0,
 * logical unit or extended addressing, a second level). */
int scsi_lun_decode(const uint8_t l[8]);
/* Encode a LUN 0..16383 as a single-level 8-byte LUN: peripheral
 * addressing below 256, flat space above (the form SAM-5 prefers).
 * @return 0 or -EINVAL. */
int scsi_lun_encode(uint32_t lun, uint8_t l[8]);

/* REPORT LUNS parameter data (SPC-4 §6.33): an 8-byte header with the list
 * length in bytes, then 8-byte LUNs. Calls fn for every entry that decodes
 * (returning nonzero stops), counts those that do not in *bad (may be
 * NULL). @return the number of entries the device says it has (which may
 * be more than len holds: ask again with a bigger buffer), or -EINVAL when
 * len is under the header. */
int scsi_report_luns_parse(const uint8_t *buf, uint32_t len,
			   int (*fn)(void *arg, uint32_t lun), void *arg,
			   unsigned *bad);

/* ---- INQUIRY --------------------------------------------------------------- */

struct scsi_inquiry {
	uint8_t qualifier;      /* 0: connected; 1: not now; 3: no LUN here */
	uint8_t type;           /* SCSI_TYPE_* */
	bool removable;
	uint8_t version;        /* 5: SPC-3, 6: SPC-4 */
	char vendor[9], product[17], revision[5];   /* trailing blanks cut */
};
/* Standard INQUIRY data. @return 0, -EINVAL (under 5 bytes). */
int scsi_inquiry_parse(const uint8_t *buf, uint32_t len, struct scsi_inquiry *q);

/* A VPD page's header: @return the page length in bytes that are present
 * (min of the device's length and len - 4), or -EINVAL (short, or page
 * code other than want). */
int scsi_vpd_len(const uint8_t *buf, uint32_t len, uint8_t want);
/* Supported VPD pages (0x00): is page listed? */
bool scsi_vpd_has_page(const uint8_t *buf, uint32_t len, uint8_t page);

struct scsi_block_limits {
	uint32_t max_xfer;          /* blocks, 0: no limit */
	uint32_t opt_xfer;
	uint32_t max_unmap_lba;     /* 0: no UNMAP */
	uint32_t max_unmap_desc;
	uint32_t unmap_gran;
};
/* Block Limits (0xB0). Fields the page is too short for stay 0. */
int scsi_vpd_block_limits(const uint8_t *buf, uint32_t len, struct scsi_block_limits *bl);
/* Logical Block Provisioning (0xB2): @return 1 if UNMAP is supported (LBPU),
 * 0 if not, -EINVAL. */
int scsi_vpd_lbp_unmap(const uint8_t *buf, uint32_t len);
/* Device Identification (0x83): the first designator's identifier, printed
 * into out[outlen] (ASCII as is, binary as hex; NAA preferred over T10
 * vendor ids over the rest). @return 0, -ENOENT (none), -EINVAL. */
int scsi_vpd_devid(const uint8_t *buf, uint32_t len, char *out, size_t outlen);

/* ---- READ CAPACITY, MODE SENSE ---------------------------------------------- */

struct scsi_capacity {
	uint64_t last_lba;
	uint32_t block_len;
	bool lbpme;             /* (16) thin provisioning enabled */
};
/* @return 0, -EINVAL (short). */
int scsi_read_capacity10_parse(const uint8_t *buf, uint32_t len, struct scsi_capacity *c);
int scsi_read_capacity16_parse(const uint8_t *buf, uint32_t len, struct scsi_capacity *c);
/* The WP bit of a mode parameter header: @return 1 write-protected, 0 not,
 * -EINVAL (short). ten: MODE SENSE(10)'s header. */
int scsi_mode_sense_wp(const uint8_t *buf, uint32_t len, bool ten);

#endif
