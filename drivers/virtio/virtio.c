// SPDX-License-Identifier: MIT
/* The transport-independent virtio core (virtio 1.2 §2, §3): the device
 * list, the status handshake and feature negotiation, driver binding,
 * queue creation, request submission and waiting in irq or poll mode,
 * interrupt dispatch, and failing a device that misbehaves. */
#include <drivers/virtio_transport.h>
#include <kern/cmdline.h>
#include <kern/errno.h>
#include <kern/init.h>
#include <kern/irq.h>
#include <kern/printk.h>
#include <kern/sched.h>
#include <kern/time.h>
#include <arch/barrier.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

CMDLINE_OPT(virtio_mode, "virtio.mode",
	    "irq|poll: how virtio drivers wait (per device: virtio.mode.vda, virtio.mode.00.04.0)");
CMDLINE_OPT(virtio_mode_dev, "virtio.mode.*",
	    "irq|poll for one device, by name or bus address (virtio.mode.vda, virtio.mode.00.04.0)");
CMDLINE_OPT(virtio_qsize, "virtio.queue_size",
	    "largest virtqueue size the driver picks (power of two, default 1024)");
CMDLINE_OPT(virtio_indirect, "virtio.indirect", "0 refuses VIRTIO_F_INDIRECT_DESC");
CMDLINE_OPT(virtio_event_idx, "virtio.event_idx", "0 refuses VIRTIO_F_EVENT_IDX");
CMDLINE_OPT(virtio_timeout, "virtio.timeout_ms",
	    "a request unanswered this long fails its device (default 30000)");

/* The core's per-queue state, hung off vq->owner. */
struct virtio_vq_priv {
	struct virtio_dev *vdev;
	virtio_done_fn done;
	virtio_notify_fn notify;    /* NAPI-style queue: wake its thread */
	const char *name;
	struct waitq wq;            /* threads waiting for completions */
	uint64_t n_intr;
};

extern const struct virtio_driver *const __virtiodrivers_start[];
extern const struct virtio_driver *const __virtiodrivers_end[];

static struct virtio_dev *dev_list, **dev_tail = &dev_list;
static unsigned dev_count;
static bool drivers_ready;

/* How long an irq-mode waiter sleeps before it looks at the ring and the
 * device status itself: covers a lost interrupt and a device that asks for
 * a reset without a configuration interrupt. */
#define WAIT_SLICE_NS   (100 * NSEC_PER_MSEC)

/* Feature bits that belong to the device type (§6: 0-23, 50 and up). */
#define DEVICE_FEATURE_MASK (0x00ffffffull | ~((1ull << 50) - 1))

/* ---- small accessors ----------------------------------------------------- */

bool virtio_has_feature(const struct virtio_dev *vdev, unsigned bit)
{
	return bit < 64 && (vdev->features & VIRTIO_BIT(bit));
}

uint16_t virtio_dev_id(const struct virtio_dev *vdev) { return vdev->id; }
const char *virtio_dev_name(const struct virtio_dev *vdev) { return vdev->name; }
void virtio_set_drvdata(struct virtio_dev *vdev, void *p) { vdev->drvdata = p; }
void *virtio_get_drvdata(const struct virtio_dev *vdev) { return vdev->drvdata; }
bool virtio_polling(const struct virtio_dev *vdev) { return vdev->poll; }
struct virtio_dev *virtio_devices(void) { return dev_list; }

void virtio_set_name(struct virtio_dev *vdev, const char *name)
{
	strlcpy(vdev->name, name, sizeof(vdev->name));
}

struct virtio_dev *virtio_vq_dev(const struct virtqueue *vq)
{
	return ((struct virtio_vq_priv *)vq->owner)->vdev;
}

unsigned virtio_vq_size(const struct virtqueue *vq) { return vq_size(vq); }
unsigned virtio_vq_inflight(const struct virtqueue *vq) { return vq_inflight(vq); }
unsigned virtio_vq_num_free(const struct virtqueue *vq) { return vq_num_free(vq); }
bool virtio_dev_broken(const struct virtio_dev *vdev) { return vdev->broken; }

static void status_add(struct virtio_dev *vdev, uint8_t bits)
{
	vdev->ops->set_status(vdev, vdev->ops->get_status(vdev) | bits);
}

/* ---- configuration space -------------------------------------------------- */

/* Split an access the way §4.1.3.1 and §4.2.2.2 ask: a field of 2 or 4
 * bytes with one access of its width, a 64-bit field as two 32-bit halves
 * (low first), anything else (byte arrays, odd offsets) bytewise. The
 * transport performs each piece. */
static int config_access(struct virtio_dev *vdev, unsigned off, uint8_t *p,
			 unsigned len, bool write)
{
	if (len == 0 || off + (uint64_t)len > UINT32_MAX)
		return -EINVAL;
	unsigned w = (len == 2 || len == 4) ? len : (len == 8 ? 4 : 1);
	if (off & (w - 1))
		w = 1;
	for (unsigned done = 0; done < len; done += w) {
		int rc = write ? vdev->ops->config_write(vdev, off + done, p + done, w)
			       : vdev->ops->config_read(vdev, off + done, p + done, w);
		if (rc)
			return rc;
	}
	return 0;
}

int virtio_config_read(struct virtio_dev *vdev, unsigned off, void *buf, unsigned len)
{
	/* §2.5.1: a field wider than the device can update atomically (and
	 * any multi-field read) is consistent only if the generation did not
	 * change across it; legacy devices return a constant 0 here. */
	for (int tries = 0; tries < 64; tries++) {
		uint32_t gen = vdev->ops->config_generation(vdev);
		int rc = config_access(vdev, off, buf, len, false);
		if (rc)
			return rc;
		if (vdev->ops->config_generation(vdev) == gen)
			return 0;
	}
	pr_err("virtio %s: configuration generation never settles\n", vdev->name);
	return -EIO;
}

int virtio_config_write(struct virtio_dev *vdev, unsigned off, const void *buf,
			unsigned len)
{
	return config_access(vdev, off, (uint8_t *)buf, len, true);
}

/* Reset and wait for it to finish: the status reads back 0 (§2.4;
 * §4.1.4.3.2 and §4.2.2.2 say so for PCI and MMIO, and a legacy device is
 * done at once). A device that never gets there is not waited for forever;
 * the caller fails it when it ignores everything else too. */
static void virtio_reset(struct virtio_dev *vdev)
{
	vdev->ops->reset(vdev);
	for (int i = 0; i < 100000; i++) {
		if (vdev->ops->get_status(vdev) == 0)
			return;
		udelay(10);
	}
	pr_err("virtio %s: device does not finish its reset\n", vdev->name);
}

/* ---- failing a device ----------------------------------------------------- */

void virtio_dev_fail(struct virtio_dev *vdev, const char *why)
{
	unsigned long flags = irq_save();
	if (vdev->broken) {
		irq_restore(flags);
		return;
	}
	vdev->broken = true;
	pr_err("virtio %s: %s: resetting the device, failing its requests\n",
	       vdev->name, why);
	/* §2.4: after a reset the device no longer touches the rings or the
	 * buffers, so handing the buffers back to their owners is safe. */
	virtio_reset(vdev);
	vdev->ops->set_status(vdev, VIRTIO_STATUS_FAILED);
	for (unsigned i = 0; i < vdev->nvqs; i++) {
		struct virtqueue *vq = vdev->vqs[i];
		struct virtio_vq_priv *q = vq->owner;
		void *cookie;
		vq_break(vq, why);
		while (vq_detach(vq, &cookie) == 0)
			q->done(vq, cookie, 0, -EIO);
		waitq_wake_all(&q->wq);
		if (q->notify)
			q->notify(vq);   /* its thread sees the failure */
	}
	irq_restore(flags);
}

/* §2.1.2: a device that set DEVICE_NEEDS_RESET will not complete what it
 * holds; fail it so nobody waits forever. */
static void check_status(struct virtio_dev *vdev)
{
	if (!vdev->broken && (vdev->ops->get_status(vdev) & VIRTIO_STATUS_NEEDS_RESET))
		virtio_dev_fail(vdev, "device needs reset");
}

void virtio_check_status(struct virtio_dev *vdev)
{
	check_status(vdev);
}

/* ---- completions ------------------------------------------------------------ */

/* Run every ready completion; interrupts are disabled. In irq mode the
 * interrupt is re-armed and the ring checked again, so a completion that
 * lands in between is not left waiting for an interrupt that won't come. */
static void drain(struct virtqueue *vq)
{
	struct virtio_vq_priv *q = vq->owner;
	void *cookie;
	uint32_t len;
	bool any = false;
	int rc;

	if (q->vdev->broken)
		return;
	/* A NAPI-style queue: its thread takes the completions. */
	if (q->notify) {
		vq_disable_cb(vq);
		q->notify(vq);
		return;
	}
	for (;;) {
		while ((rc = vq_dequeue(vq, &cookie, &len)) == 0) {
			q->done(vq, cookie, len, 0);
			any = true;
		}
		if (rc == -EIO) {
			virtio_dev_fail(q->vdev, "virtqueue broken");
			return;
		}
		if (q->vdev->poll || !vq_enable_cb(vq))
			break;
	}
	if (any)
		waitq_wake_all(&q->wq);
}

void virtio_poll(struct virtqueue *vq)
{
	unsigned long flags = irq_save();
	drain(vq);
	irq_restore(flags);
}

typedef bool (*wait_cond)(struct virtqueue *vq, const void *arg);

/* How long a request may go unanswered before its device counts as dead:
 * virtio.timeout_ms, 30 s by default (Linux's block layer waits as long
 * before it aborts a request). Read once. */
static uint64_t request_timeout_ns(void)
{
	static uint64_t ns;

	if (!ns)
		ns = (uint64_t)cmdline_get_range("virtio.timeout_ms", 100,
						 24 * 3600 * 1000, 30000) * NSEC_PER_MSEC;
	return ns;
}

uint64_t virtio_request_timeout_ns(void)
{
	return request_timeout_ns();
}

/* Wait until cond holds, the device fails (-EIO), the deadline passes
 * (-ETIMEDOUT; 0: none) or, with intr, the thread is interrupted (-EINTR).
 *
 * The rule for device waits (drivers/virtio/README.md, "Waiting"): a thread
 * waiting for a device never keeps the CPU from other runnable threads,
 * and never waits without a bound. Irq mode sleeps until the queue's
 * interrupt, a slice passing or the deadline. Poll mode gives up the CPU
 * before every look at the used ring, the first one included: on one CPU
 * with a cooperative scheduler a device is usually not done yet right
 * after the kick, and the other threads get their turn (and their requests
 * in) while it works, instead of only when this thread happens to find its
 * request unfinished. When nothing else is runnable thread_yield returns
 * at once and this is a plain spin on the ring. */
static int wait_until(struct virtqueue *vq, wait_cond cond, const void *arg,
		      uint64_t deadline, bool intr)
{
	struct virtio_vq_priv *q = vq->owner;
	struct virtio_dev *vdev = q->vdev;
	unsigned spins = 0;
	unsigned long flags;
	int rc;

	if (vdev->poll)
		thread_yield();
	flags = irq_save();
	for (;;) {
		uint64_t now, slice = WAIT_SLICE_NS;

		drain(vq);
		if (cond(vq, arg)) {
			rc = 0;
			break;
		}
		if (vdev->broken) {
			rc = -EIO;
			break;
		}
		if (intr && thread_interrupted()) {
			rc = -EINTR;
			break;
		}
		now = time_ns();
		if (deadline && now >= deadline) {
			rc = -ETIMEDOUT;
			break;
		}
		if (deadline && deadline - now < slice)
			slice = deadline - now;
		if (vdev->poll) {
			irq_restore(flags);
			cpu_relax();
			thread_yield();
			if ((++spins & 4095) == 0)
				check_status(vdev);
			flags = irq_save();
		} else if ((intr ? waitq_sleep_intr_locked(&q->wq, slice)
				 : waitq_sleep_locked(&q->wq, slice)) == -ETIMEDOUT) {
			check_status(vdev);
		}
	}
	irq_restore(flags);
	return rc;
}

static bool flag_set(struct virtqueue *vq, const void *arg)
{
	(void)vq;
	return *(const volatile bool *)arg;
}

static bool completed_since(struct virtqueue *vq, const void *arg)
{
	return vq->n_completed != *(const uint64_t *)arg;
}

static uint64_t deadline_in(uint64_t ns)
{
	uint64_t now = time_ns();

	return now + ns < now ? UINT64_MAX : now + ns;
}

/* A wait that must end: past the request timeout the device is failed,
 * which completes every request it holds with -EIO (§2.4: after the reset
 * it touches none of their memory), so the waiter's flag gets set. */
static void wait_or_fail(struct virtqueue *vq, wait_cond cond, const void *arg)
{
	struct virtio_vq_priv *q = vq->owner;

	if (wait_until(vq, cond, arg, deadline_in(request_timeout_ns()), false) ==
	    -ETIMEDOUT) {
		pr_err("virtio %s: queue %s: no answer in %llu ms\n",
		       q->vdev->name, q->name,
		       (unsigned long long)(request_timeout_ns() / NSEC_PER_MSEC));
		virtio_dev_fail(q->vdev, "request timed out");
	}
}

void virtio_wait(struct virtqueue *vq, const volatile bool *flag)
{
	wait_or_fail(vq, flag_set, (const void *)flag);
}

int virtio_wait_intr(struct virtqueue *vq, const volatile bool *flag,
		     uint64_t timeout_ns)
{
	return wait_until(vq, flag_set, (const void *)flag,
			  timeout_ns ? deadline_in(timeout_ns) : 0, true);
}

int virtio_enqueue(struct virtqueue *vq, void *cookie, const struct vq_sg *sg,
		   unsigned n_out, unsigned n_in)
{
	int rc;

	for (;;) {
		unsigned long flags = irq_save();
		rc = vq_enqueue(vq, cookie, sg, n_out, n_in);
		uint64_t seen = vq->n_completed;
		/* Full: let the device see what is queued, then wait for a
		 * completion to free descriptors. */
		if (rc == -ENOSPC)
			vq_kick(vq);
		irq_restore(flags);
		if (rc != -ENOSPC)
			return rc;
		wait_or_fail(vq, completed_since, &seen);
	}
}

int virtio_enqueue_nowait(struct virtqueue *vq, void *cookie, const struct vq_sg *sg,
			  unsigned n_out, unsigned n_in)
{
	unsigned long flags = irq_save();
	int rc = vq_enqueue(vq, cookie, sg, n_out, n_in);
	irq_restore(flags);
	return rc;
}

void virtio_disable_cb(struct virtqueue *vq)
{
	unsigned long flags = irq_save();
	vq_disable_cb(vq);
	irq_restore(flags);
}

bool virtio_enable_cb(struct virtqueue *vq)
{
	struct virtio_vq_priv *q = vq->owner;
	unsigned long flags = irq_save();
	/* A polling device was told never to interrupt (§2.7.7); keep it so. */
	bool more = q->vdev->poll ? vq_has_used(vq) : vq_enable_cb(vq);
	irq_restore(flags);
	return more;
}

int virtio_dequeue(struct virtqueue *vq, void **cookie, uint32_t *len)
{
	struct virtio_vq_priv *q = vq->owner;
	unsigned long flags = irq_save();
	int rc = q->vdev->broken ? -EIO : vq_dequeue(vq, cookie, len);
	if (rc == -EIO)
		virtio_dev_fail(q->vdev, "virtqueue broken");
	irq_restore(flags);
	return rc;
}

void virtio_vq_describe(struct virtqueue *vq, char *buf, size_t size)
{
	unsigned long flags = irq_save();

	snprintf(buf, size, "avail %u (device told %u, avail->idx %u), used->idx %u, "
		 "last used %u, in flight %u, free descriptors %u, used flags %#x, avail flags %#x, "
		 "event idx %d: avail_event %u used_event %u; kicks %llu notifies %llu",
		 vq->avail_idx, vq->kicked_idx, READ_ONCE(vq->avail->idx),
		 READ_ONCE(vq->used->idx), vq->last_used, vq->inflight, vq->num_free,
		 READ_ONCE(vq->used->flags), READ_ONCE(vq->avail->flags), vq->event_idx,
		 READ_ONCE(*vring_avail_event(vq->used, vq->num)),
		 READ_ONCE(vq->avail->ring[vq->num]),
		 (unsigned long long)vq->n_kicks, (unsigned long long)vq->n_notifies);
	irq_restore(flags);
}

bool virtio_has_used(struct virtqueue *vq)
{
	return vq_has_used(vq);
}

int virtio_kick(struct virtqueue *vq)
{
	unsigned long flags = irq_save();
	int rc = vq_kick(vq);
	irq_restore(flags);
	return rc < 0 ? rc : 0;
}

void virtio_notify(struct virtqueue *vq)
{
	unsigned long flags = irq_save();
	if (!vq_broken(vq))
		vq->notify(vq);
	irq_restore(flags);
}

/* ---- interrupts ------------------------------------------------------------- */

void virtio_intr_vq(void *arg)
{
	struct virtqueue *vq = arg;
	struct virtio_vq_priv *q = vq->owner;
	q->n_intr++;
	q->vdev->n_intr++;
	if (q->vdev->raw_intr) {
		q->vdev->raw_intr(q->vdev, vq, VIRTIO_ISR_QUEUE);
		return;
	}
	drain(vq);
}

void virtio_intr_config(void *arg)
{
	struct virtio_dev *vdev = arg;
	vdev->n_config_intr++;
	if (vdev->raw_intr) {
		vdev->raw_intr(vdev, NULL, VIRTIO_ISR_CONFIG);
		return;
	}
	check_status(vdev);
	if (!vdev->broken && vdev->driver && vdev->driver->config_changed)
		vdev->driver->config_changed(vdev);
}

void virtio_intr_shared(void *arg)
{
	struct virtio_dev *vdev = arg;
	/* §4.1.4.5.2: reading the ISR acknowledges it (and de-asserts a
	 * level-triggered line); its bits say what happened. */
	uint8_t isr = vdev->ops->isr_ack(vdev);
	if (vdev->raw_intr) {
		if (isr & VIRTIO_ISR_QUEUE)
			vdev->n_intr++;
		vdev->raw_intr(vdev, NULL, isr);
		return;
	}
	if (isr & VIRTIO_ISR_QUEUE) {
		vdev->n_intr++;
		for (unsigned i = 0; i < vdev->nvqs; i++) {
			((struct virtio_vq_priv *)vdev->vqs[i]->owner)->n_intr++;
			drain(vdev->vqs[i]);
		}
	}
	if (isr & VIRTIO_ISR_CONFIG)
		virtio_intr_config(vdev);
}

/* ---- queues ----------------------------------------------------------------- */

/* The bus address as an option key word: "00:04.0" -> "00.04.0" (keys
 * take letters, digits and . _ -). */
void virtio_bus_key(const struct virtio_dev *vdev, char *out, size_t len)
{
	strlcpy(out, vdev->bus_id, len);
	for (char *p = out; *p; p++)
		if (*p == ':')
			*p = '.';
}

/* virtio.mode.<name>, then virtio.mode.<bus key>, then virtio.mode. */
static bool want_poll(const struct virtio_dev *vdev)
{
	char key[48];
	const char *m = NULL;

	if (vdev->name[0]) {
		snprintf(key, sizeof(key), "virtio.mode.%s", vdev->name);
		m = cmdline_get(key);
	}
	if (!m && vdev->bus_id[0]) {
		char bus[sizeof(vdev->bus_id)];
		virtio_bus_key(vdev, bus, sizeof(bus));
		snprintf(key, sizeof(key), "virtio.mode.%s", bus);
		m = cmdline_get(key);
	}
	if (!m)
		m = cmdline_get("virtio.mode");
	if (!m || !strcmp(m, "irq"))
		return false;
	if (!strcmp(m, "poll"))
		return true;
	pr_warn("virtio %s: unknown mode \"%s\", using irq\n", vdev->name, m);
	return false;
}

static unsigned pow2_floor(unsigned v)
{
	unsigned p = 1;
	while (p * 2 <= v)
		p *= 2;
	return p;
}

/* virtio.queue_size, read (and warned about) once. Four descriptors is the
 * least that carries one request of every driver we have (virtio-blk:
 * header, data, status) without indirect tables. */
static unsigned queue_size_cap(void)
{
	static unsigned cap;

	if (!cap) {
		cap = (unsigned)cmdline_get_range("virtio.queue_size", 4,
						  VRING_MAX_SIZE, 1024);
		if (!IS_POW2(cap)) {
			pr_warn("virtio: virtio.queue_size=%u is not a power of "
				"two; using %u\n", cap, pow2_floor(cap));
			cap = pow2_floor(cap);
		}
	}
	return cap;
}

int virtio_find_vqs(struct virtio_dev *vdev, unsigned n, struct virtqueue **vqs,
		    const struct virtio_vq_info *info)
{
	if (vdev->nvqs || n == 0)
		return -EINVAL;
	long long cap = queue_size_cap();
	unsigned flags = vdev->legacy ? VQ_LEGACY : 0;
	if (virtio_has_feature(vdev, VIRTIO_F_EVENT_IDX))
		flags |= VQ_EVENT_IDX;
	if (virtio_has_feature(vdev, VIRTIO_F_INDIRECT_DESC))
		flags |= VQ_INDIRECT;

	vdev->vqs = calloc(n, sizeof(*vdev->vqs));
	if (!vdev->vqs)
		return -ENOMEM;
	for (unsigned i = 0; i < n; i++) {
		unsigned max = vdev->ops->queue_max(vdev, i);
		if (!max) {
			pr_err("virtio %s: no queue %u\n", vdev->name, i);
			return -ENOENT;
		}
		/* §4.1.4.3.2: a driver may pick a smaller size, unless the
		 * transport can't say so (legacy PCI). */
		unsigned num = vdev->queue_size_fixed ? max
						      : pow2_floor(MIN(max, (unsigned)cap));
		struct virtio_vq_priv *q = calloc(1, sizeof(*q));
		struct virtqueue *vq = NULL;
		unsigned qflags = flags | (info[i].used_len_all ? VQ_USED_LEN_ALL : 0);
		int rc = q ? vq_create(&vq, (uint16_t)i, num, qflags,
				       (flags & VQ_INDIRECT) ? info[i].indirect_max : 0)
			   : -ENOMEM;
		if (rc) {
			pr_err("virtio %s: queue %u (size %u): error %d\n", vdev->name,
			       i, num, rc);
			free(q);
			return rc;
		}
		q->vdev = vdev;
		q->done = info[i].done;
		q->notify = info[i].notify;
		q->name = info[i].name;
		waitq_init(&q->wq);
		vq->owner = q;
		vq->notify = vdev->ops->queue_notify;
		vdev->vqs[i] = vq;
		vdev->nvqs = i + 1;
	}

	vdev->poll = want_poll(vdev);
	if (!vdev->poll) {
		int rc = vdev->ops->intr_setup(vdev, n);
		if (rc) {
			pr_warn("virtio %s: no interrupts (%d), polling\n", vdev->name, rc);
			vdev->poll = true;
		}
	}
	for (unsigned i = 0; i < n; i++) {
		struct virtqueue *vq = vdev->vqs[i];
		/* Polling: ask the device not to interrupt at all (§2.7.7). */
		if (vdev->poll)
			vq_disable_cb(vq);
		int rc = vdev->ops->queue_setup(vdev, vq);
		if (rc) {
			pr_err("virtio %s: queue %u setup: error %d\n", vdev->name, i, rc);
			return rc;
		}
		vqs[i] = vq;
	}
	return 0;
}

void virtio_device_ready(struct virtio_dev *vdev)
{
	status_add(vdev, VIRTIO_STATUS_DRIVER_OK);
}

/* ---- binding ------------------------------------------------------------------ */

static const struct virtio_driver *find_driver(uint16_t id)
{
	for (const struct virtio_driver *const *d = __virtiodrivers_start;
	     d < __virtiodrivers_end; d++)
		for (const uint16_t *p = (*d)->ids; *p; p++)
			if (*p == id)
				return *d;
	return NULL;
}

/* §3.1.1 steps 4-6. */
static int negotiate(struct virtio_dev *vdev, const struct virtio_driver *drv)
{
	uint64_t offered = vdev->ops->get_features(vdev);
	uint64_t want = drv->features & DEVICE_FEATURE_MASK;

	if (drv->select_features)
		want = drv->select_features(want & offered) & DEVICE_FEATURE_MASK;

	vdev->dev_features = offered;
	if (cmdline_get_bool("virtio.indirect", true))
		want |= VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC);
	if (cmdline_get_bool("virtio.event_idx", true))
		want |= VIRTIO_BIT(VIRTIO_F_EVENT_IDX);
	if (vdev->legacy) {
		want &= 0xffffffffull;   /* legacy has 32 feature bits */
	} else {
		/* §6.1: a modern device offers VERSION_1; without it this is
		 * not a device the modern interface can drive. */
		if (!(offered & VIRTIO_BIT(VIRTIO_F_VERSION_1))) {
			pr_err("virtio %s: modern device without VERSION_1\n", vdev->name);
			return -ENODEV;
		}
		want |= VIRTIO_BIT(VIRTIO_F_VERSION_1);
	}
	vdev->features = offered & want;
	vdev->ops->set_features(vdev, vdev->features);
	/* Legacy devices have no FEATURES_OK (§3.1.2). */
	if (vdev->legacy)
		return 0;
	status_add(vdev, VIRTIO_STATUS_FEATURES_OK);
	/* §3.1.1 step 6: the device may refuse the subset. */
	if (!(vdev->ops->get_status(vdev) & VIRTIO_STATUS_FEATURES_OK)) {
		pr_err("virtio %s: device refused features %#llx\n", vdev->name,
		       (unsigned long long)vdev->features);
		return -ENODEV;
	}
	return 0;
}

static void bind(struct virtio_dev *vdev)
{
	const struct virtio_driver *drv = find_driver(vdev->id);
	if (!drv) {
		pr_info("virtio %s: no driver for device type %u\n", vdev->name, vdev->id);
		return;
	}
	status_add(vdev, VIRTIO_STATUS_DRIVER);
	int rc = negotiate(vdev, drv);
	if (!rc) {
		vdev->driver = drv;
		rc = drv->probe(vdev);
	}
	if (rc) {
		pr_err("virtio %s: %s: probe failed: %d\n", vdev->name, drv->name, rc);
		/* Stop the device for good; queues already handed to it stay
		 * allocated (an interrupt handler may still name them). */
		virtio_dev_fail(vdev, "probe failed");
		vdev->driver = NULL;
		return;
	}
	if (!(vdev->ops->get_status(vdev) & VIRTIO_STATUS_DRIVER_OK))
		virtio_device_ready(vdev);
	pr_info("virtio %s: %s at %s (%s), features %#llx, %s\n", vdev->name,
		drv->name, vdev->bus_id, vdev->transport,
		(unsigned long long)vdev->features,
		vdev->poll ? "polling" : vdev->irq_shared ? "shared irq" : "msi-x");
}

int virtio_dev_register(struct virtio_dev *vdev)
{
	if (!vdev->ops)
		return -EINVAL;
	if (!vdev->name[0])
		snprintf(vdev->name, sizeof(vdev->name), "virtio%u", dev_count);
	dev_count++;
	vdev->next = NULL;
	*dev_tail = vdev;
	dev_tail = &vdev->next;
	/* §3.1.1 steps 1-2: reset, then say we noticed it. */
	virtio_reset(vdev);
	status_add(vdev, VIRTIO_STATUS_ACKNOWLEDGE);
	if (drivers_ready)
		bind(vdev);
	return 0;
}

/* Drivers are probed once the kernel below them (threads, timers,
 * interrupts, the block layer) is up; a transport that registers later
 * gets its devices bound at once. */
static int virtio_init(void)
{
	/* conform= runs the conformance suite (drivers/virtio/conform/),
	 * which drives every device through the transport ops itself: no
	 * driver binds, so none has touched a device when the suite resets
	 * it. drivers_ready stays false, so a device registered later is
	 * not bound either. */
	if (cmdline_get("conform"))
		return 0;
	drivers_ready = true;
	for (struct virtio_dev *v = dev_list; v; v = v->next)
		if (!v->driver && !v->broken)
			bind(v);
	return 0;
}
INITCALL(INIT_DRIVER, virtio_init);
