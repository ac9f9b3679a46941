/* SPDX-License-Identifier: MIT */
/* SCSI hosts and disks (drivers/scsi/sd.c, sd_scan.c): the part of the SCSI
 * layer that sends commands. A transport (virtio-scsi, drivers/virtio/
 * scsi.c) fills a struct scsi_host with one op that carries a command to a
 * target and LUN and back; this layer scans the host's targets (REPORT
 * LUNS, INQUIRY, READ CAPACITY, VPD, MODE SENSE), registers every disk and
 * CD-ROM it finds with the block layer as sda, sdb, ..., turns blkdev
 * requests into READ/WRITE/SYNCHRONIZE CACHE/UNMAP, and owns the policy on
 * sense data: UNIT ATTENTION retried, NOT READY waited out with a bound,
 * the rest turned into -errno and logged with key, ASC and ASCQ.
 *
 * A command is a struct scsi_cmd. The transport's queue op posts it and
 * returns at once, never sleeping or spinning (a transport whose ring is
 * full keeps it in a list of its own); on completion it fills the answer,
 * sets done and calls end, with interrupts disabled. The transport also
 * owns the command's time bound: one unanswered past its timeout is
 * aborted (virtio-scsi: ABORT TASK, then LOGICAL UNIT RESET, by a watchdog,
 * nobody sleeping on the command) and completes with -ETIMEDOUT.
 *
 * scsi_start runs a command with this layer's policy on sense data and
 * calls complete once, with the outcome as -errno: UNIT ATTENTION is sent
 * again at once from the completion, NOT READY and BUSY again after a
 * pause on a timer (never sleeping in the completion context), up to
 * scsi.ready_ms. SCSI disks' blkdev submit (sd.c) uses it with commands
 * from a bounded per-host pool (<drivers/scsi_pool.h>); scsi_exec is
 * scsi_start and a sleep until complete ran, for the scan and tests. */
#ifndef DRIVERS_SCSI_HOST_H
#define DRIVERS_SCSI_HOST_H

#include <kern/compiler.h>
#include <kern/sched.h>
#include <kern/time.h>
#include <drivers/blkdev.h>
#include <drivers/scsi.h>

#define SCSI_SENSE_MAX      96      /* virtio-scsi's default sense_size */
#define SCSI_HOST_PRIV_WORDS 32     /* room for a transport's request */

enum scsi_dir { SCSI_DIR_NONE, SCSI_DIR_IN, SCSI_DIR_OUT };

struct scsi_cmd {
	/* The issuer's. */
	struct scsi_cdb cdb;
	uint16_t target;
	uint32_t lun;
	enum scsi_dir dir;
	void *data;                 /* RAM the device can reach */
	uint32_t len;
	/* The transport's, once done. host_err 0: the target answered and
	 * status/sense/resid are its; else -ENODEV (no such target or LUN),
	 * -EAGAIN (reset or busy: try again), -ETIMEDOUT (aborted after the
	 * timeout), -EIO (transport failure, or an answer that broke the
	 * rules: sense or residual past its buffer). */
	int host_err;
	uint8_t status;
	uint32_t sense_len;         /* <= SCSI_SENSE_MAX */
	uint32_t resid;             /* <= len */
	uint8_t sense[SCSI_SENSE_MAX];
	volatile bool done;
	/* Set by the layer (scsi_start): the transport calls it on
	 * completion (interrupts disabled). */
	void (*end)(struct scsi_cmd *c);
	/* The issuer's, for scsi_start: called once with the outcome
	 * (interrupts disabled, any context: no sleeping), and its arg. */
	void (*complete)(struct scsi_cmd *c, int err);
	void *arg;
	/* The layer's while scsi_start runs c. */
	struct scsi_host *host_;
	const char *who_;
	unsigned tries_;
	uint64_t ready_end_;
	struct timer retry_;
	/* The transport's, while the command is in flight (virtio-scsi keeps
	 * its request header and response here): the command owns all the
	 * memory the device touches. */
	uint64_t host_priv[SCSI_HOST_PRIV_WORDS];
};

struct scsi_host;
struct scsi_disk;
struct sd_pool;

/* A transport's queue, as its stats op tells it. */
struct scsi_host_stats {
	unsigned on_ring, max_on_ring;  /* commands the device holds: now, most */
	unsigned waiting;               /* queued, waiting for room on the ring */
	uint64_t waited;                /* ever */
	unsigned aborts, resets, bad;   /* ABORT TASKs, LUN resets, bad answers */
};

/* The SCSI layer's command pool of a host (<drivers/scsi_pool.h>). */
struct scsi_pool_stats {
	unsigned cmds, used, max_used;  /* its size; out now, most at once */
	unsigned waiting;               /* block requests waiting for one */
	uint64_t waits;                 /* ever */
};

struct scsi_host_ops {
	/* Post c to its target and return: never sleeps or spins (callable
	 * with interrupts disabled, from a completion or a timer); a command
	 * the device has no room for now waits in the transport. On
	 * completion the transport fills host_err, status, sense and resid,
	 * sets done and calls end, with interrupts disabled, within its time
	 * bound (see the top of this file). @return 0, or -errno when c was
	 * not posted (then nothing of it is called). */
	int (*queue)(struct scsi_host *h, struct scsi_cmd *c);
	/* Its counters now (any context). */
	void (*stats)(struct scsi_host *h, struct scsi_host_stats *st);
};

struct scsi_host {
	char name[16];              /* "vscsi0", for messages */
	const struct scsi_host_ops *ops;
	void *priv;                 /* the transport's */
	uint16_t max_target;        /* targets 0..max_target */
	uint32_t max_lun;           /* LUNs 0..max_lun */
	uint32_t max_bytes;         /* largest data transfer per command */
	unsigned can_queue;         /* commands it takes at once (the pool's size) */
	bool polled;                /* completions come from a poll thread */
	/* Private to the SCSI layer. */
	struct mutex lock;          /* scans and (un)registration */
	struct scsi_disk *disks;
	struct sd_pool *pool;       /* commands for the disks' requests */
	struct scsi_host *next;
};

/* Set up h (name, ops, limits filled) and scan every target 0..max_target:
 * each logical unit found is registered as a disk. @return 0. */
int scsi_host_add(struct scsi_host *h);
/* Scan again: register new logical units, unregister those gone. A
 * target of -1 scans them all. */
void scsi_host_rescan(struct scsi_host *h, int target);
/* A logical unit appeared (hot-plug): probe and register it. */
void scsi_host_lun_added(struct scsi_host *h, uint16_t target, uint32_t lun);
/* A logical unit went away (hot-unplug): refuse new requests, wait for
 * those in flight, unregister it. */
void scsi_host_lun_removed(struct scsi_host *h, uint16_t target, uint32_t lun);
/* Its capacity changed: read it again. */
void scsi_host_lun_changed(struct scsi_host *h, uint16_t target, uint32_t lun);

/* Start c (cdb, target, lun, dir, data, len, complete, arg set) with the
 * layer's retry policy (UNIT ATTENTION, BUSY, NOT READY) and no sleeping:
 * c->complete(c, err) runs once with 0 or -errno (-EIO, -EINVAL, -EROFS,
 * -ENODEV, -ETIMEDOUT, ...), failures logged with who ("sda", which must
 * outlive c). It may run before this returns. c stays the layer's and
 * the transport's until then. */
void scsi_start(struct scsi_host *h, struct scsi_cmd *c, const char *who);
/* scsi_start, then sleep until it completed (thread context). @return its
 * outcome. */
int scsi_exec(struct scsi_host *h, struct scsi_cmd *c, const char *who);

/* The SCSI disk behind bd: its host, target and LUN. @return 0, or
 * -ENODEV if bd is not a SCSI disk. */
int scsi_disk_addr(struct blkdev *bd, struct scsi_host **h, uint16_t *target,
		   uint32_t *lun);
/* Its device identification (VPD 0x83), "" if none. */
const char *scsi_disk_id(struct blkdev *bd);
/* Is bd a SCSI disk that was hot-unplugged (requests fail with -ENODEV)? */
bool scsi_disk_gone(struct blkdev *bd);
/* The command pool of bd's host. @return 0, or -ENODEV if bd is not a
 * SCSI disk. */
int scsi_disk_pool_stats(struct blkdev *bd, struct scsi_pool_stats *st);
/* The driver name SCSI disks register with ("scsi"). */
extern const char scsi_disk_driver[];

#endif
