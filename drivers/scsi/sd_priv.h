/* SPDX-License-Identifier: MIT */
/* The SCSI disk layer's private state, shared by sd.c (commands, blkdev
 * ops) and sd_scan.c (scanning, hot-plug). */
#ifndef DRIVERS_SCSI_SD_PRIV_H
#define DRIVERS_SCSI_SD_PRIV_H

#include <drivers/scsi_host.h>

struct scsi_disk {
	struct blkdev bd;
	struct scsi_host *host;
	uint16_t target;
	uint32_t lun;
	uint8_t type;               /* SCSI_TYPE_* */
	bool gone;                  /* hot-unplugged: refuse requests */
	bool registered;
	bool unmap;                 /* UNMAP advertised (VPD 0xB0 + 0xB2/LBPME) */
	uint32_t max_unmap;         /* blocks per UNMAP */
	unsigned inflight;          /* block requests submitted, not completed
				       (interrupts disabled to change) */
	char id[64];                /* VPD 0x83 */
	char vendor[9], product[17];
	struct scsi_disk *next;     /* the host's list */
};

extern const struct blkdev_ops scsi_disk_ops;
/* Read scsi.ready_ms (thread context, before the first command). */
void sd_policy_init(void);
/* The host's command pool, can_queue commands (default 32). @return 0,
 * -ENOMEM. */
int sd_pool_create(struct scsi_host *h);
/* Its state, for lsscsi. */
void sd_pool_stats(struct scsi_host *h, struct scsi_pool_stats *st);
/* max_write_zeroes and max_discard from the sector size, max_sectors and
 * the UNMAP limits. */
void sd_set_limits(struct scsi_disk *d);
/* Read the capacity into d->bd (READ CAPACITY 10, then 16 where needed
 * or supported). @return 0 or -errno. */
int sd_read_capacity(struct scsi_disk *d, uint8_t version);

#endif
