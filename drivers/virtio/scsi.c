// SPDX-License-Identifier: MIT
/* virtio-scsi (virtio 1.2 §5.6): the transport under the SCSI layer
 * (<drivers/scsi_host.h>). Each adapter is a scsi_host named vscsi0,
 * vscsi1, ...; the SCSI layer scans its targets and registers the disks
 * (sda, ...). Here: commands over the first request queue (§5.6.6.1), task
 * management over the control queue (§5.6.6.2: ABORT TASK, then LOGICAL
 * UNIT RESET, for a command unanswered past scsi.timeout_ms), and the event
 * queue (§5.6.6.3: hot-plug, hot-unplug, parameter changes) read by a
 * thread per adapter. Like every device driver it never learns its
 * transport.
 *
 * Nothing waits on a command. queue posts it, or, when the ring has no
 * room, keeps it in a FIFO that completions drain, and returns. Completions
 * come from the request queue's interrupt (irq mode) or from the adapter's
 * I/O thread, which in poll mode spins on the used rings (yielding before
 * every look) while commands are out, and in both modes is the watchdog:
 * it looks at the device status and at each command's deadline, and sends
 * the task-management requests for those past it without waiting for the
 * answer (the control queue's completion logs it). */
#include <drivers/virtio.h>
#include <drivers/virtio_scsi.h>
#include <drivers/scsi_host.h>
#include <kern/cmdline.h>
#include <kern/errno.h>
#include <kern/irq.h>
#include <kern/printk.h>
#include <kern/sched.h>
#include <kern/time.h>
#include <arch/barrier.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

CMDLINE_OPT(scsi_timeout_ms, "scsi.timeout_ms",
	    "a virtio-scsi command unanswered this long is aborted (ms, default 30000)");
CMDLINE_OPT(scsi_abort, "scsi.abort",
	    "0: on a timeout go straight to LOGICAL UNIT RESET, no ABORT TASK (tests)");

#define VSCSI_EVENTS        8           /* event buffers kept posted */
#define VSCSI_MAX_BYTES     (1u << 20)
#define VSCSI_REQ_MAGIC     0x56534352u /* "VSCR" */
#define VSCSI_MAX_QUEUE     128         /* commands handed to us at once */
/* The irq-mode watchdog's period while commands are out, and how many
 * looks at the ring poll mode takes between two watchdog rounds. */
#define VSCSI_WATCH_NS      (100 * NSEC_PER_MSEC)
#define VSCSI_POLL_CHECK    64

/* How far a command's timeout has gone (§5.6.6.2). */
enum vscsi_stage {
	VSCSI_ST_NORMAL,        /* deadline: scsi.timeout_ms after posting */
	VSCSI_ST_ABORT_SENT,    /* ABORT TASK out: as long again */
	VSCSI_ST_RESET_SENT,    /* LOGICAL UNIT RESET out: as long again, then fail */
};

/* One command, kept in its scsi_cmd's host_priv: whoever owns the command
 * owns the memory the device writes, until done. */
struct vscsi_req {
	struct virtio_scsi_req_cmd req;     /* device-readable */
	struct virtio_scsi_resp_cmd resp;   /* device-writable */
	uint32_t magic;
	uint8_t stage;                      /* enum vscsi_stage */
	bool aborted;                       /* we sent a TMF for it */
	struct scsi_cmd *cmd;
	struct vscsi *vs;
	uint64_t deadline;                  /* the watchdog's next step */
	/* On the ring (oldest first, both links) or waiting (next only). */
	struct vscsi_req *next, *prev;
};
_Static_assert(sizeof(struct vscsi_req) <= sizeof(((struct scsi_cmd *)0)->host_priv),
	       "SCSI_HOST_PRIV_WORDS too small for a virtio-scsi request");

static struct vscsi_req *req_of(struct scsi_cmd *c)
{
	return (struct vscsi_req *)c->host_priv;
}

/* The one task-management request an adapter has out at a time. */
struct vscsi_tmf {
	struct virtio_scsi_ctrl_tmf req;    /* device-readable */
	uint8_t resp;                       /* device-writable */
	bool busy;
	uint64_t deadline;                  /* unanswered past it: fail */
};

struct vscsi {
	struct scsi_host host;
	struct virtio_dev *vdev;
	struct virtqueue *ctrl, *evq, *req;
	uint64_t timeout_ns;
	bool abort_task;                    /* scsi.abort: ABORT TASK first */
	bool poll;
	/* Everything below up to the events changes with interrupts
	 * disabled only. */
	uint64_t next_id;
	struct vscsi_req *ring_head, *ring_tail;    /* on the ring */
	struct vscsi_req *wait_head, *wait_tail;    /* no room yet: FIFO */
	unsigned in_done;                   /* inside a completion: kicks wait */
	bool kick_pending;
	struct vscsi_tmf tmf;
	struct waitq idle;                  /* the I/O thread, nothing out */
	struct waitq watch;                 /* the irq-mode watchdog's sleep */
	struct virtio_scsi_event events[VSCSI_EVENTS];
	uint32_t ev_len[VSCSI_EVENTS];
	uint8_t ev_ring[VSCSI_EVENTS];      /* completed event buffers, in order */
	unsigned ev_head, ev_tail;
	bool ev_dead;
	struct semaphore ev_sem;
	/* Counters: answers that broke the rules, aborts, LUN resets; on
	 * the ring now and at most; commands that waited for room. */
	unsigned n_bad, n_abort, n_reset;
	unsigned on_ring, max_on_ring, waiting;
	uint64_t waited;
};

static unsigned vscsi_count;

/* ---- the ring and the waiting list (interrupts disabled) ----------------------- */

static void ring_add(struct vscsi *vs, struct vscsi_req *r)
{
	r->next = NULL;
	r->prev = vs->ring_tail;
	if (vs->ring_tail)
		vs->ring_tail->next = r;
	else
		vs->ring_head = r;
	vs->ring_tail = r;
	if (++vs->on_ring > vs->max_on_ring)
		vs->max_on_ring = vs->on_ring;
}

static void ring_del(struct vscsi *vs, struct vscsi_req *r)
{
	if (r->prev)
		r->prev->next = r->next;
	else
		vs->ring_head = r->next;
	if (r->next)
		r->next->prev = r->prev;
	else
		vs->ring_tail = r->prev;
	r->next = r->prev = NULL;
	vs->on_ring--;
}

static void wait_add(struct vscsi *vs, struct vscsi_req *r)
{
	r->next = NULL;
	if (vs->wait_tail)
		vs->wait_tail->next = r;
	else
		vs->wait_head = r;
	vs->wait_tail = r;
	vs->waiting++;
	vs->waited++;
}

static struct vscsi_req *wait_take(struct vscsi *vs)
{
	struct vscsi_req *r = vs->wait_head;
	if (r) {
		vs->wait_head = r->next;
		if (!vs->wait_head)
			vs->wait_tail = NULL;
		r->next = NULL;
		vs->waiting--;
	}
	return r;
}

/* Tell the device: at once, or, inside a completion, once the last of the
 * batch is done (a completion that sends the next command would otherwise
 * notify once per command). */
static void vscsi_kick(struct vscsi *vs)
{
	if (vs->in_done) {
		vs->kick_pending = true;
		return;
	}
	virtio_kick(vs->req);
}

/* §5.6.6.1: readable header and data-out, then the writable response and
 * data-in. @return 0 (on the ring), -ENOSPC (no room now), -EINVAL, -EIO. */
static int vscsi_post(struct vscsi *vs, struct vscsi_req *r)
{
	struct scsi_cmd *c = r->cmd;
	struct vq_sg sg[4];
	unsigned n_out = 0, n_in = 0, n = 0;

	sg[n++] = (struct vq_sg){ &r->req, sizeof(r->req) };
	n_out++;
	if (c->dir == SCSI_DIR_OUT && c->len) {
		sg[n++] = (struct vq_sg){ c->data, c->len };
		n_out++;
	}
	sg[n++] = (struct vq_sg){ &r->resp, sizeof(r->resp) };
	n_in++;
	if (c->dir == SCSI_DIR_IN && c->len) {
		sg[n++] = (struct vq_sg){ c->data, c->len };
		n_in++;
	}
	int rc = virtio_enqueue_nowait(vs->req, r, sg, n_out, n_in);
	if (rc)
		return rc;
	r->stage = VSCSI_ST_NORMAL;
	r->deadline = time_ns() + vs->timeout_ns;
	ring_add(vs, r);
	return 0;
}

/* ---- completions (interrupts disabled) --------------------------------------- */

/* The response checked (virtio_scsi_resp_check) and handed to the
 * command; then done and the command's own callback. */
static void vscsi_finish(struct vscsi_req *r, uint32_t used, int err)
{
	struct scsi_cmd *c = r->cmd;
	struct virtio_scsi_result res;

	if (err) {
		c->host_err = -EIO;     /* the device failed: reset, -EIO all */
	} else {
		virtio_scsi_resp_check(&r->resp, used, c->dir == SCSI_DIR_NONE ? 0 : c->len,
				       r->aborted, &res);
		if (res.why) {
			r->vs->n_bad++;
			pr_err("%s: command 0x%02x (target %u lun %u, tag %llu): %s (used %u, sense %u, residual %u, response %u): failed\n",
			       r->vs->host.name, c->cdb.b[0], c->target, c->lun,
			       (unsigned long long)r->req.id, res.why, used, r->resp.sense_len,
			       r->resp.residual, r->resp.response);
		}
		c->host_err = res.host_err;
		c->status = res.status;
		c->resid = res.resid;
		c->sense_len = MIN(res.sense_len, (uint32_t)SCSI_SENSE_MAX);
		memcpy(c->sense, r->resp.sense, c->sense_len);
	}
	r->magic = 0;
	c->done = true;
	if (c->end)
		c->end(c);
}

/* Move waiting commands onto the ring while there is room; fail the ones
 * the device refuses (a failed device: -EIO). */
static void vscsi_refill(struct vscsi *vs)
{
	bool kick = false;
	struct vscsi_req *r;

	while ((r = wait_take(vs))) {
		int rc = vscsi_post(vs, r);
		if (rc == -ENOSPC) {
			/* Back to the head of the FIFO, its place. */
			r->next = vs->wait_head;
			vs->wait_head = r;
			if (!vs->wait_tail)
				vs->wait_tail = r;
			vs->waiting++;
			break;
		}
		if (rc == 0)
			kick = true;
		else
			vscsi_finish(r, 0, rc);     /* may queue more: they wait */
	}
	if (kick)
		vscsi_kick(vs);
}

static void vscsi_req_done(struct virtqueue *vq, void *cookie, uint32_t len, int err)
{
	struct vscsi *vs = virtio_get_drvdata(virtio_vq_dev(vq));
	struct vscsi_req *r = cookie;
	/* The core hands back only cookies it has in flight; a request we
	 * do not know, or one already finished, would still be a device (or
	 * driver) bug worth saying so rather than acting on. */
	if (!vs || !r || r->magic != VSCSI_REQ_MAGIC || r->cmd->done) {
		if (vs)
			vs->n_bad++;
		pr_err("virtio-scsi: completion for an unknown request ignored\n");
		return;
	}
	ring_del(vs, r);
	vs->in_done++;
	vscsi_finish(r, len, err);
	vscsi_refill(vs);
	vs->in_done--;
	/* More completions waiting: the core calls us again for them (its
	 * drain loop takes every one), and the last one kicks. */
	if (vs->kick_pending && !vs->in_done && !virtio_has_used(vq)) {
		vs->kick_pending = false;
		virtio_kick(vq);
	}
}

static const char *tmf_name(uint32_t subtype)
{
	return subtype == VIRTIO_SCSI_T_TMF_ABORT_TASK ? "ABORT TASK" : "LOGICAL UNIT RESET";
}

/* A TMF's answer (§5.6.6.2): logged; the command it was for completes on
 * the request queue (ABORTED or RESET, which it reads as -ETIMEDOUT). */
static void vscsi_ctrl_done(struct virtqueue *vq, void *cookie, uint32_t len, int err)
{
	struct vscsi *vs = virtio_get_drvdata(virtio_vq_dev(vq));
	struct vscsi_tmf *m = cookie;
	(void)len;
	if (!vs || m != &vs->tmf || !m->busy)
		return;
	int rc;
	if (err)
		rc = -EIO;
	else if (m->resp == VIRTIO_SCSI_S_OK || m->resp == VIRTIO_SCSI_S_FUNCTION_SUCCEEDED)
		rc = 0;
	else if (m->resp == VIRTIO_SCSI_S_FUNCTION_REJECTED)
		rc = -EOPNOTSUPP;
	else if (m->resp == VIRTIO_SCSI_S_BAD_TARGET || m->resp == VIRTIO_SCSI_S_INCORRECT_LUN)
		rc = -ENODEV;
	else
		rc = -EIO;
	pr_warn("%s: %s (target %u lun %u, tag %llu): response %u, %d\n", vs->host.name,
		tmf_name(m->req.subtype), m->req.lun[1],
		(m->req.lun[2] & 0x3f) << 8 | m->req.lun[3], (unsigned long long)m->req.id,
		m->resp, rc);
	m->busy = false;
	waitq_wake_one(&vs->watch);
}

static void vscsi_event_done(struct virtqueue *vq, void *cookie, uint32_t len, int err)
{
	struct vscsi *vs = virtio_get_drvdata(virtio_vq_dev(vq));
	if (!vs)
		return;
	if (err) {
		vs->ev_dead = true;
	} else {
		uintptr_t i = (uintptr_t)((struct virtio_scsi_event *)cookie - vs->events);
		if (i < VSCSI_EVENTS && vs->ev_tail - vs->ev_head < VSCSI_EVENTS) {
			vs->ev_len[i] = len;
			vs->ev_ring[vs->ev_tail++ % VSCSI_EVENTS] = (uint8_t)i;
		}
	}
	sem_up(&vs->ev_sem);
}

/* ---- commands (§5.6.6.1) ---------------------------------------------------------- */

/* The scsi_host queue op: never waits (see the top of the file). */
static int vscsi_queue(struct scsi_host *h, struct scsi_cmd *c)
{
	struct vscsi *vs = h->priv;
	struct vscsi_req *r = req_of(c);

	if (c->cdb.len > VIRTIO_SCSI_CDB_SIZE || (c->dir != SCSI_DIR_NONE && c->len && !c->data))
		return -EINVAL;
	/* All of it: a device that claims sense bytes it did not write
	 * must not hand back an earlier command's. */
	memset(r, 0, sizeof(*r));
	if (virtio_scsi_lun_encode(c->target, c->lun, r->req.lun))
		return -ENODEV;         /* no such address on this bus */
	r->magic = VSCSI_REQ_MAGIC;
	r->cmd = c;
	r->vs = vs;
	r->req.task_attr = VIRTIO_SCSI_S_SIMPLE;
	memcpy(r->req.cdb, c->cdb.b, c->cdb.len);
	c->done = false;

	unsigned long flags = irq_save();
	r->req.id = ++vs->next_id;
	/* Behind the ones already waiting: first come, first served. */
	int rc = vs->wait_head ? -ENOSPC : vscsi_post(vs, r);
	if (rc == -ENOSPC) {
		wait_add(vs, r);
		rc = 0;
	} else if (rc == 0) {
		vscsi_kick(vs);
	}
	if (rc == 0)
		waitq_wake_one(&vs->idle);
	else
		r->magic = 0;
	irq_restore(flags);
	return rc == 0 || rc == -EINVAL ? rc : -EIO;
}

static void vscsi_stats(struct scsi_host *h, struct scsi_host_stats *st)
{
	struct vscsi *vs = h->priv;
	unsigned long flags = irq_save();
	*st = (struct scsi_host_stats){
		.on_ring = vs->on_ring, .max_on_ring = vs->max_on_ring,
		.waiting = vs->waiting, .waited = vs->waited,
		.aborts = vs->n_abort, .resets = vs->n_reset, .bad = vs->n_bad,
	};
	irq_restore(flags);
}

static const struct scsi_host_ops vscsi_ops = {
	.queue = vscsi_queue,
	.stats = vscsi_stats,
};

/* ---- the watchdog: timeouts and task management (§5.6.6.2) ------------------------ */

/* Post the adapter's TMF (interrupts disabled, the slot free). @return 0
 * or -errno (the device failed). */
static int tmf_post(struct vscsi *vs, uint32_t subtype, const uint8_t lun[8], uint64_t id)
{
	struct vscsi_tmf *m = &vs->tmf;
	memset(&m->req, 0, sizeof(m->req));
	m->req.type = VIRTIO_SCSI_T_TMF;
	m->req.subtype = subtype;
	memcpy(m->req.lun, lun, 8);
	m->req.id = id;
	m->resp = 0xff;
	struct vq_sg sg[2] = { { &m->req, sizeof(m->req) }, { &m->resp, 1 } };
	int rc = virtio_enqueue_nowait(vs->ctrl, m, sg, 1, 1);
	if (rc)
		return rc;
	m->busy = true;
	m->deadline = time_ns() + virtio_request_timeout_ns();
	virtio_kick(vs->ctrl);
	return 0;
}

/* One watchdog round: the first command past its deadline takes its next
 * step (ABORT TASK, then LOGICAL UNIT RESET, each given scsi.timeout_ms
 * again, then failing the device, which gives every command back with
 * -EIO), one TMF out at a time; a TMF unanswered for virtio.timeout_ms
 * fails the device too. Thread context. */
static void vscsi_watchdog(struct vscsi *vs)
{
	uint64_t now = time_ns();
	const char *fail = NULL;

	unsigned long flags = irq_save();
	if (vs->tmf.busy) {
		if (now >= vs->tmf.deadline)
			fail = "task management request unanswered";
		goto out;
	}
	struct vscsi_req *r = vs->ring_head;
	while (r && now < r->deadline)
		r = r->next;
	if (!r)
		goto out;
	struct scsi_cmd *c = r->cmd;
	if (r->stage == VSCSI_ST_RESET_SENT) {
		fail = "command unanswered after abort and LUN reset";
		goto out;
	}
	/* Said before the TMF goes out, whose answer is logged as it comes. */
	if (r->stage == VSCSI_ST_NORMAL)
		pr_err("%s: command 0x%02x (target %u lun %u, tag %llu) unanswered after %llu ms: aborting\n",
		       vs->host.name, c->cdb.b[0], c->target, c->lun,
		       (unsigned long long)r->req.id,
		       (unsigned long long)(vs->timeout_ns / NSEC_PER_MSEC));
	/* Marked before the TMF goes out, so the ABORTED or RESET answer it
	 * brings reads as a timeout, not as a retryable reset. */
	r->aborted = true;
	bool abort = r->stage == VSCSI_ST_NORMAL && vs->abort_task;
	int rc = abort ? tmf_post(vs, VIRTIO_SCSI_T_TMF_ABORT_TASK, r->req.lun, r->req.id)
		       : tmf_post(vs, VIRTIO_SCSI_T_TMF_LOGICAL_UNIT_RESET, r->req.lun, 0);
	if (rc == 0) {
		if (abort)
			vs->n_abort++;
		else
			vs->n_reset++;
		r->stage = abort ? VSCSI_ST_ABORT_SENT : VSCSI_ST_RESET_SENT;
		r->deadline = now + vs->timeout_ns;
	}
	/* Else the device failed: its commands come back with -EIO. */
out:
	irq_restore(flags);
	if (fail)
		virtio_dev_fail(vs->vdev, fail);
}

static bool vscsi_busy(const struct vscsi *vs)
{
	return vs->ring_head || vs->wait_head || vs->tmf.busy;
}

/* The adapter's I/O thread: asleep while nothing is out; else the poll
 * loop (poll mode: a yield before every look, drivers/virtio/README.md
 * "Waiting") or a look every VSCSI_WATCH_NS (irq mode: what a lost
 * interrupt left), and the watchdog. */
static void vscsi_io_thread(void *arg)
{
	struct vscsi *vs = arg;
	unsigned looks = 0;

	for (;;) {
		unsigned long flags = irq_save();
		while (!vscsi_busy(vs))
			waitq_sleep_locked(&vs->idle, 0);
		irq_restore(flags);
		if (vs->poll) {
			cpu_relax();
			thread_yield();
			virtio_poll(vs->req);
			if (vs->tmf.busy)
				virtio_poll(vs->ctrl);
			if (++looks % VSCSI_POLL_CHECK)
				continue;
		} else {
			flags = irq_save();
			waitq_sleep_locked(&vs->watch, VSCSI_WATCH_NS);
			irq_restore(flags);
			virtio_poll(vs->req);
			virtio_poll(vs->ctrl);
		}
		virtio_check_status(vs->vdev);
		vscsi_watchdog(vs);
	}
}

/* ---- events (§5.6.6.3) -------------------------------------------------------------- */

static void event_post(struct vscsi *vs, unsigned i)
{
	memset(&vs->events[i], 0, sizeof(vs->events[i]));
	struct vq_sg sg = { &vs->events[i], sizeof(vs->events[i]) };
	if (virtio_enqueue_nowait(vs->evq, &vs->events[i], &sg, 0, 1) == 0)
		virtio_kick(vs->evq);
}

static void event_handle(struct vscsi *vs, unsigned i)
{
	struct virtio_scsi_ev ev;
	if (virtio_scsi_event_decode(&vs->events[i], vs->ev_len[i], &ev)) {
		vs->n_bad++;
		pr_warn("%s: malformed event (type %#x, %u bytes) ignored\n", vs->host.name,
			vs->events[i].event, vs->ev_len[i]);
		return;
	}
	switch (ev.action) {
	case VSCSI_EV_RESCAN_ALL:
		pr_info("%s: events were missed: rescanning\n", vs->host.name);
		scsi_host_rescan(&vs->host, -1);
		break;
	case VSCSI_EV_LUN_ADDED:
		pr_info("%s: event: LUN %u:%u added\n", vs->host.name, ev.target, ev.lun);
		scsi_host_lun_added(&vs->host, ev.target, ev.lun);
		break;
	case VSCSI_EV_LUN_REMOVED:
		pr_info("%s: event: LUN %u:%u removed\n", vs->host.name, ev.target, ev.lun);
		scsi_host_lun_removed(&vs->host, ev.target, ev.lun);
		break;
	case VSCSI_EV_TARGET_RESCAN:
		pr_info("%s: event: target %u's LUNs changed\n", vs->host.name, ev.target);
		scsi_host_rescan(&vs->host, ev.target);
		break;
	case VSCSI_EV_LUN_CHANGED:
		scsi_host_lun_changed(&vs->host, ev.target, ev.lun);
		break;
	case VSCSI_EV_NONE:
	default:
		break;
	}
}

/* The adapter's event thread: hot-plug work sleeps and sends commands, so
 * it cannot run in the completion callback. In poll mode it looks at the
 * event queue itself every 50 ms (events are not urgent). */
static void vscsi_event_thread(void *arg)
{
	struct vscsi *vs = arg;
	for (;;) {
		bool poll = virtio_polling(vs->vdev);
		sem_down_timeout(&vs->ev_sem, (poll ? 50 : 1000) * NSEC_PER_MSEC);
		if (poll)
			virtio_poll(vs->evq);
		for (;;) {
			unsigned long flags = irq_save();
			bool any = vs->ev_head != vs->ev_tail;
			unsigned i = any ? vs->ev_ring[vs->ev_head++ % VSCSI_EVENTS] : 0;
			irq_restore(flags);
			if (!any)
				break;
			event_handle(vs, i);
			event_post(vs, i);
		}
		if (vs->ev_dead || virtio_dev_broken(vs->vdev)) {
			pr_warn("%s: device failed: no more events\n", vs->host.name);
			return;
		}
	}
}

/* ---- probe ---------------------------------------------------------------------------- */

#define CREAD(vs, field, ptr) VIRTIO_CREAD((vs)->vdev, struct virtio_scsi_config, field, ptr)

/* §5.6.4: sense_size and cdb_size say where the device puts the sense
 * bytes and how long it takes the CDB to be; ours are the defaults
 * (96, 32), written only if the device says otherwise. */
static int set_sizes(struct vscsi *vs)
{
	uint32_t sense = 0, cdb = 0, want_s = VIRTIO_SCSI_SENSE_SIZE, want_c = VIRTIO_SCSI_CDB_SIZE;
	CREAD(vs, sense_size, &sense);
	CREAD(vs, cdb_size, &cdb);
	if (sense != want_s)
		virtio_config_write(vs->vdev, offsetof(struct virtio_scsi_config, sense_size),
				    &want_s, 4);
	if (cdb != want_c)
		virtio_config_write(vs->vdev, offsetof(struct virtio_scsi_config, cdb_size),
				    &want_c, 4);
	CREAD(vs, sense_size, &sense);
	CREAD(vs, cdb_size, &cdb);
	if (sense != want_s || cdb != want_c) {
		pr_err("%s: sense/cdb size %u/%u, cannot set %u/%u\n", vs->host.name, sense,
		       cdb, want_s, want_c);
		return -EINVAL;
	}
	return 0;
}

static int vscsi_probe(struct virtio_dev *vdev)
{
	struct vscsi *vs = calloc(1, sizeof(*vs));
	if (!vs)
		return -ENOMEM;
	vs->vdev = vdev;
	snprintf(vs->host.name, sizeof(vs->host.name), "vscsi%u", vscsi_count++);
	virtio_set_name(vdev, vs->host.name);
	sem_init(&vs->ev_sem, 0);
	waitq_init(&vs->idle);
	waitq_init(&vs->watch);
	vs->timeout_ns = (uint64_t)cmdline_get_range("scsi.timeout_ms", 100, 86400000, 30000) *
			 NSEC_PER_MSEC;
	vs->abort_task = cmdline_get_bool("scsi.abort", true);

	int rc = set_sizes(vs);
	if (rc)
		return rc;
	uint16_t max_target = 0;
	uint32_t max_lun = 0, max_sectors = 0, cmd_per_lun = 0;
	CREAD(vs, max_target, &max_target);
	CREAD(vs, max_lun, &max_lun);
	CREAD(vs, max_sectors, &max_sectors);
	CREAD(vs, cmd_per_lun, &cmd_per_lun);

	struct virtqueue *vqs[3];
	const struct virtio_vq_info info[3] = {
		{ .name = "control", .done = vscsi_ctrl_done },
		{ .name = "event", .done = vscsi_event_done },
		/* QEMU reports data-out bytes in the used length too. */
		{ .name = "request", .done = vscsi_req_done, .indirect_max = 4,
		  .used_len_all = true },
	};
	rc = virtio_find_vqs(vdev, 3, vqs, info);
	if (rc)
		return rc;
	vs->ctrl = vqs[VIRTIO_SCSI_VQ_CTRL];
	vs->evq = vqs[VIRTIO_SCSI_VQ_EVENT];
	vs->req = vqs[VIRTIO_SCSI_VQ_REQ];
	/* A command is at most header, data, response (three descriptors,
	 * one when indirect); §2.7.5.3.1: no chain longer than the queue. */
	if (virtio_vq_size(vs->req) < 3 || virtio_vq_size(vs->ctrl) < 2) {
		pr_err("%s: queues too small\n", vs->host.name);
		return -EINVAL;
	}

	vs->host.ops = &vscsi_ops;
	vs->host.priv = vs;
	/* The LUN field holds the target in one byte and 14 bits of LUN. */
	vs->host.max_target = MIN(max_target, (uint16_t)255);
	vs->host.max_lun = MIN(max_lun, 0x3fffu);
	vs->host.max_bytes = VSCSI_MAX_BYTES;
	if (max_sectors && (uint64_t)max_sectors * 512 < VSCSI_MAX_BYTES)
		vs->host.max_bytes = max_sectors * 512;
	/* The SCSI layer hands us at most this many commands at once
	 * (cmd_per_lun, §5.6.4: a hint; QEMU says 128). What the ring has no
	 * room for waits in our FIFO. */
	vs->host.can_queue = cmd_per_lun ? MIN(cmd_per_lun, (uint32_t)VSCSI_MAX_QUEUE)
					 : VSCSI_MAX_QUEUE;
	vs->poll = virtio_polling(vdev);
	vs->host.polled = vs->poll;
	virtio_set_drvdata(vdev, vs);
	/* The scan's commands need the I/O thread (poll mode, watchdog). */
	char tname[24];
	snprintf(tname, sizeof(tname), "%s-io", vs->host.name);
	if (!thread_create(tname, vscsi_io_thread, vs)) {
		pr_err("%s: no I/O thread\n", vs->host.name);
		return -ENOMEM;
	}
	/* §5.6.6.3.1: event buffers go in before the device may need them. */
	for (unsigned i = 0; i < VSCSI_EVENTS && i < virtio_vq_size(vs->evq); i++)
		event_post(vs, i);
	virtio_device_ready(vdev);
	pr_info("%s: targets 0..%u, LUNs 0..%u, %u KiB per command, %u at once%s%s\n",
		vs->host.name, vs->host.max_target, vs->host.max_lun, vs->host.max_bytes >> 10,
		vs->host.can_queue,
		virtio_has_feature(vdev, VIRTIO_SCSI_F_HOTPLUG) ? ", hotplug" : "",
		virtio_has_feature(vdev, VIRTIO_SCSI_F_CHANGE) ? ", change" : "");
	scsi_host_add(&vs->host);
	snprintf(tname, sizeof(tname), "%s-events", vs->host.name);
	if (!thread_create(tname, vscsi_event_thread, vs))
		pr_warn("%s: no event thread: hot-plug not followed\n", vs->host.name);
	return 0;
}

static const uint16_t vscsi_ids[] = { VIRTIO_ID_SCSI, 0 };

static const struct virtio_driver virtio_scsi_driver = {
	.name = "virtio-scsi",
	.ids = vscsi_ids,
	.features = VIRTIO_BIT(VIRTIO_SCSI_F_HOTPLUG) | VIRTIO_BIT(VIRTIO_SCSI_F_CHANGE),
	.probe = vscsi_probe,
};
VIRTIO_DRIVER(virtio_scsi_driver);
