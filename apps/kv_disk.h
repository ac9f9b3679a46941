/* SPDX-License-Identifier: MIT */
/* The key-value appliance's durable log on a block device (apps/kv_disk.c;
 * the disk format is at the top of apps/kv_log.c). Kernel code: errors are
 * 0 or -errno. One store per image.
 *
 * Writers: kvdisk_lock(); change the table and kvdisk_append() the record;
 * kvdisk_unlock(); then kvdisk_sync(ticket) before acknowledging. Records
 * appended while a write is on its way go out together in the next one
 * (group commit): one write and one flush per batch, whoever waits first
 * doing it for all. The lock only keeps writers out while a compaction
 * writes the table out (it yields for the disk); readers need nothing on
 * the cooperative scheduler. */
#ifndef APPS_KV_DISK_H
#define APPS_KV_DISK_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "kv_log.h"

/* Replay applies each record; a non-zero return stops the replay (out of
 * memory) and is returned by kvdisk_open. */
typedef int (*kvdisk_apply_fn)(void *ctx, const struct kvlog_rec *r);
/* Compaction asks for every live key through emit (which returns 0 or
 * -errno; a failure is passed back). */
typedef int (*kvdisk_emit_fn)(void *ectx, const uint8_t *key, size_t klen,
			      const uint8_t *val, size_t vlen);
typedef int (*kvdisk_snapshot_fn)(void *ctx, kvdisk_emit_fn emit, void *ectx);

struct kvdisk_conf {
	const char *disk;       /* block device name ("vda") */
	uint64_t compact_at;    /* compact once the log passes this many
				   bytes (0: half the region) */
	uint32_t max_klen, max_vlen;    /* the largest record believed */
	kvdisk_apply_fn apply;
	kvdisk_snapshot_fn snapshot;
	void *ctx;
};

struct kvdisk_stats {
	char disk[16];
	uint64_t gen, region_start, region_len, pos, compact_at;
	uint64_t replayed, appended, commits, compactions;
	int err;                /* sticky I/O error, or 0 */
};

/* Open the store on conf->disk (formatting a disk without a valid
 * header), replay its log and print what was found.
 * @return 0, -ENODEV (no such disk), -EROFS, -ENOSPC (too small), -EIO,
 * -ENOMEM, or what apply returned. */
int kvdisk_open(const struct kvdisk_conf *conf);
/* @return whether a store is open. */
bool kvdisk_active(void);
void kvdisk_lock(void);
void kvdisk_unlock(void);
/* Append a record (under the lock); may compact first. *ticket is what to
 * pass to kvdisk_sync. @return 0, -ENOSPC (the log is full even after
 * compaction), -ENOMEM, or the store's sticky error. */
int kvdisk_append(enum kvlog_type type, const uint8_t *key, size_t klen,
		  const uint8_t *val, size_t vlen, uint64_t *ticket);
/* Wait until every record up to ticket is on the disk and flushed.
 * @return 0, or the I/O error that lost it (sticky: the store then refuses
 * every write). */
int kvdisk_sync(uint64_t ticket);
void kvdisk_stats(struct kvdisk_stats *st);

#endif
