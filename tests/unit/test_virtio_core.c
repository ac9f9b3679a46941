// SPDX-License-Identifier: MIT
/* Host unit tests for the virtio core (drivers/virtio/virtio.c) over a fake
 * transport in plain memory: the status handshake and feature negotiation
 * (virtio 1.2 §3.1.1), legacy differences, the configuration generation
 * retry (§2.5.1), and failing a device: DEVICE_NEEDS_RESET (§2.1.2) or a
 * broken used ring completes every outstanding request with -EIO and
 * refuses new ones, after resetting the device. The kernel services the
 * core uses (interrupt masking, wait queues, the command line) are stubs. */
#include "unit.h"
#include "stubs.h"
/* The core is compiled into this file so its static init call is
 * reachable; strlcpy is not in every host libc. */
#define strlcpy test_strlcpy
size_t strlcpy(char *d, const char *s, size_t n);
#include "../../drivers/virtio/virtio.c"
#include <drivers/virtio_transport.h>
#include <kern/cmdline.h>
#include <kern/errno.h>
#include <kern/irq.h>
#include <kern/printk.h>
#include <kern/sched.h>
#include <stdarg.h>

/* ---- kernel stubs -------------------------------------------------------- */

size_t strlcpy(char *d, const char *s, size_t n)
{
	size_t l = strlen(s);
	if (n) {
		size_t c = l < n - 1 ? l : n - 1;
		memcpy(d, s, c);
		d[c] = 0;
	}
	return l;
}
unsigned long irq_save(void) { return 0; }
void irq_restore(unsigned long f) { (void)f; }
void waitq_init(struct waitq *wq) { wq->head = wq->tail = NULL; }
static int n_wakes, n_sleeps;
void waitq_wake_all(struct waitq *wq) { (void)wq; n_wakes++; }
/* A fake clock: nothing else can run, so a sleeper always "times out",
 * and its sleep (or a poller's yield, 1 ms) is all the time that passes. */
static uint64_t fake_now;
static bool fake_interrupted;
uint64_t time_ns(void) { return fake_now; }
int waitq_sleep_locked(struct waitq *wq, uint64_t ns)
{
	(void)wq;
	n_sleeps++;
	fake_now += ns;
	return -ETIMEDOUT;
}
int waitq_sleep_intr_locked(struct waitq *wq, uint64_t ns)
{
	return fake_interrupted ? -EINTR : waitq_sleep_locked(wq, ns);
}
bool thread_interrupted(void) { return fake_interrupted; }
void thread_yield(void) { fake_now += 1000000; }
void udelay(uint64_t us) { (void)us; }

static const char *opt_mode;
const char *cmdline_get(const char *key)
{
	return !strcmp(key, "virtio.mode") ? opt_mode : NULL;
}
long long cmdline_get_int(const char *key, long long def) { (void)key; return def; }
long long cmdline_get_range(const char *key, long long min, long long max, long long def)
{
	(void)key; (void)min; (void)max;
	return def;
}
bool cmdline_get_bool(const char *key, bool def) { (void)key; return def; }

/* ---- a fake device behind a fake transport --------------------------------- */

struct fake {
	struct virtio_dev vdev;
	uint8_t status;
	uint64_t offered, driver_features;
	bool refuse_features;
	int resets;
	uint8_t config[16];
	uint32_t gen;
	int gen_flips;              /* config reads that see the generation move */
	unsigned acc_w[16], nacc;   /* widths of the config accesses seen */
	unsigned qmax;
	struct virtqueue *vq;       /* set up by queue_setup */
	int notifies;
	uint8_t isr;
	int intr_setups;
};

static struct fake *F(struct virtio_dev *v) { return container_of(v, struct fake, vdev); }

static void f_reset(struct virtio_dev *v) { F(v)->status = 0; F(v)->resets++; }
static uint8_t f_get_status(struct virtio_dev *v) { return F(v)->status; }
static void f_set_status(struct virtio_dev *v, uint8_t s)
{
	struct fake *f = F(v);
	/* §3.1.1 step 6: a device refusing the features leaves the bit clear. */
	if ((s & VIRTIO_STATUS_FEATURES_OK) && f->refuse_features)
		s &= (uint8_t)~VIRTIO_STATUS_FEATURES_OK;
	f->status = s;
}
static uint64_t f_get_features(struct virtio_dev *v) { return F(v)->offered; }
static void f_set_features(struct virtio_dev *v, uint64_t x) { F(v)->driver_features = x; }
static uint32_t f_gen(struct virtio_dev *v) { return F(v)->gen; }
static int f_cread(struct virtio_dev *v, unsigned off, void *buf, unsigned len)
{
	struct fake *f = F(v);
	/* The transport contract: one access of 1, 2 or 4 aligned bytes. */
	if ((len != 1 && len != 2 && len != 4) || (off & (len - 1)) ||
	    off + len > sizeof(f->config))
		return -EINVAL;
	if (f->nacc < 16)
		f->acc_w[f->nacc++] = len;
	memcpy(buf, f->config + off, len);
	if (f->gen_flips) {
		f->gen_flips--;
		f->gen++;           /* changed under the reader */
	}
	return 0;
}
static int f_cwrite(struct virtio_dev *v, unsigned off, const void *buf, unsigned len)
{
	if ((len != 1 && len != 2 && len != 4) || (off & (len - 1)) ||
	    off + len > sizeof(F(v)->config))
		return -EINVAL;
	memcpy(F(v)->config + off, buf, len);
	return 0;
}
static unsigned f_qmax(struct virtio_dev *v, unsigned i) { return i == 0 ? F(v)->qmax : 0; }
static int f_qsetup(struct virtio_dev *v, struct virtqueue *vq)
{
	if (v->legacy && vq->num != F(v)->qmax)
		return -EINVAL;
	F(v)->vq = vq;
	return 0;
}
static void f_notify(struct virtqueue *vq) { F(virtio_vq_dev(vq))->notifies++; }
static int f_intr(struct virtio_dev *v, unsigned n) { (void)n; F(v)->intr_setups++; v->irq_shared = true; return 0; }
static uint8_t f_isr(struct virtio_dev *v) { uint8_t r = F(v)->isr; F(v)->isr = 0; return r; }

static const struct virtio_transport_ops fake_ops = {
	.reset = f_reset, .get_status = f_get_status, .set_status = f_set_status,
	.get_features = f_get_features, .set_features = f_set_features,
	.config_generation = f_gen, .config_read = f_cread, .config_write = f_cwrite,
	.queue_max = f_qmax, .queue_setup = f_qsetup, .queue_notify = f_notify,
	.intr_setup = f_intr, .isr_ack = f_isr,
};

/* ---- a fake driver --------------------------------------------------------- */

struct req {
	volatile bool done;
	int err;
	uint32_t len;
	uint8_t data[16];
};

static void drv_done(struct virtqueue *vq, void *cookie, uint32_t len, int err)
{
	(void)vq;
	struct req *r = cookie;
	r->len = len;
	r->err = err;
	r->done = true;
}

static int n_notify;
static bool probe_notify;       /* the driver takes completions in a thread */
static void drv_notify(struct virtqueue *vq) { (void)vq; n_notify++; }

static int probe_result;
static struct virtqueue *probed_vq;
static int drv_probe(struct virtio_dev *v)
{
	struct virtio_vq_info info = { .name = "q", .done = drv_done, .indirect_max = 4,
				       .notify = probe_notify ? drv_notify : NULL };
	probed_vq = NULL;
	if (probe_result)
		return probe_result;
	virtio_set_name(v, "fake0");
	return virtio_find_vqs(v, 1, &probed_vq, &info);
}

static const uint16_t drv_ids[] = { 42, 0 };
static const struct virtio_driver fake_driver = {
	.name = "fake", .ids = drv_ids,
	.features = VIRTIO_BIT(3) | VIRTIO_BIT(60),
	.probe = drv_probe,
};
/* The core walks __virtiodrivers_start..end; the build renames those to
 * this section's start/stop symbols. */
static const struct virtio_driver *const fake_driver_ptr
	__attribute__((section("vdrv_test"), used)) = &fake_driver;

static int virtio_init_calls;

static struct fake *new_fake(bool legacy, uint64_t offered)
{
	struct fake *f = calloc(1, sizeof(*f));
	f->vdev.ops = &fake_ops;
	f->vdev.id = 42;
	f->vdev.legacy = legacy;
	f->vdev.queue_size_fixed = legacy;
	f->vdev.transport = "fake";
	strcpy(f->vdev.bus_id, "f:0");
	f->offered = offered;
	f->qmax = 16;
	return f;
}

/* Register and bind (the first call runs the INIT_DRIVER pass). */
static void attach(struct fake *f)
{
	CHECK_EQ(virtio_dev_register(&f->vdev), 0);
	if (!virtio_init_calls++)
		CHECK_EQ(virtio_init(), 0);
}

/* ---- cases ------------------------------------------------------------------ */

#define MODERN_OFFER (VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) | \
		      VIRTIO_BIT(VIRTIO_F_EVENT_IDX) | VIRTIO_BIT(VIRTIO_F_ACCESS_PLATFORM) | \
		      VIRTIO_BIT(3) | VIRTIO_BIT(5) | VIRTIO_BIT(60))

UNIT(handshake_modern)
{
	struct fake *f = new_fake(false, MODERN_OFFER);
	probe_result = 0;
	attach(f);
	CHECK_EQ(f->status, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
			    VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
	/* offered and wanted: VERSION_1, INDIRECT, EVENT_IDX, 3, 60; not 5
	 * (driver doesn't know it) nor ACCESS_PLATFORM (not needed) */
	CHECK_EQ(f->driver_features, VIRTIO_BIT(VIRTIO_F_VERSION_1) |
		 VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) | VIRTIO_BIT(VIRTIO_F_EVENT_IDX) |
		 VIRTIO_BIT(3) | VIRTIO_BIT(60));
	CHECK(f->vdev.driver == &fake_driver);
	CHECK(probed_vq && probed_vq == f->vq);
	CHECK_EQ(probed_vq->num, 16);
	CHECK(probed_vq->event_idx && probed_vq->indirect_max == 4);
	CHECK_STR(virtio_dev_name(&f->vdev), "fake0");
	CHECK_EQ(f->intr_setups, 1);     /* irq mode by default */
	CHECK(!virtio_polling(&f->vdev));
}

UNIT(handshake_legacy)
{
	struct fake *f = new_fake(true, 0xffffffffffffffffull);
	f->qmax = 64;
	probe_result = 0;
	attach(f);
	/* §3.1.2: no FEATURES_OK for legacy; 32 feature bits only */
	CHECK_EQ(f->status, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
			    VIRTIO_STATUS_DRIVER_OK);
	CHECK_EQ(f->driver_features, VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |
		 VIRTIO_BIT(VIRTIO_F_EVENT_IDX) | VIRTIO_BIT(3));
	CHECK_EQ(probed_vq->num, 64);    /* the device's size, fixed */
	CHECK_EQ(probed_vq->used_addr - probed_vq->desc_addr, 4096);
}

UNIT(handshake_failures)
{
	int e = unit_printk_errors;
	/* a modern device without VERSION_1 */
	struct fake *f = new_fake(false, VIRTIO_BIT(3));
	probe_result = 0;
	attach(f);
	CHECK(f->vdev.driver == NULL);
	CHECK(f->status & VIRTIO_STATUS_FAILED);
	CHECK(f->vdev.broken);
	/* a device that refuses the features */
	f = new_fake(false, MODERN_OFFER);
	f->refuse_features = true;
	attach(f);
	CHECK(f->vdev.driver == NULL);
	CHECK(f->status & VIRTIO_STATUS_FAILED);
	/* a driver probe that fails */
	f = new_fake(false, MODERN_OFFER);
	probe_result = -ENOMEM;
	attach(f);
	CHECK(f->status & VIRTIO_STATUS_FAILED);
	CHECK(!(f->status & VIRTIO_STATUS_DRIVER_OK));
	probe_result = 0;
	CHECK(unit_printk_errors > e);
}

struct two_words { uint32_t a, b; };

UNIT(config_generation)
{
	struct fake *f = new_fake(false, MODERN_OFFER);
	attach(f);
	uint64_t v = 0x1122334455667788ull, got = 0;
	memcpy(f->config, &v, 8);
	f->gen_flips = 3;               /* three torn reads, then stable */
	CHECK_EQ(virtio_config_read(&f->vdev, 0, &got, 8), 0);
	CHECK_EQ(got, v);
	CHECK_EQ(f->gen_flips, 0);
	f->gen_flips = 1000;            /* never settles */
	CHECK_EQ(virtio_config_read(&f->vdev, 0, &got, 8), -EIO);
	f->gen_flips = 0;
	CHECK_EQ(virtio_config_read(&f->vdev, 12, &got, 8), -EINVAL);
	uint32_t w = 7, r = 0;
	CHECK_EQ(virtio_config_write(&f->vdev, 4, &w, 4), 0);
	CHECK_EQ(VIRTIO_CREAD(&f->vdev, struct two_words, b, &r), 0);
	CHECK_EQ(r, 7);
}

/* The core splits every configuration access into the widths §4.1.3.1
 * and §4.2.2.2 ask for, once for all transports. */
UNIT(config_access_widths)
{
	struct fake *f = new_fake(false, MODERN_OFFER);
	attach(f);
	uint8_t buf[8];
	f->nacc = 0;
	CHECK_EQ(virtio_config_read(&f->vdev, 8, buf, 8), 0);   /* 64-bit: two halves */
	CHECK_EQ(f->nacc, 2);
	CHECK(f->acc_w[0] == 4 && f->acc_w[1] == 4);
	f->nacc = 0;
	CHECK_EQ(virtio_config_read(&f->vdev, 0, buf, 6), 0);   /* a MAC: bytes */
	CHECK_EQ(f->nacc, 6);
	CHECK_EQ(f->acc_w[5], 1);
	f->nacc = 0;
	CHECK_EQ(virtio_config_read(&f->vdev, 6, buf, 2), 0);   /* 16-bit field */
	CHECK(f->nacc == 1 && f->acc_w[0] == 2);
	f->nacc = 0;
	CHECK_EQ(virtio_config_read(&f->vdev, 1, buf, 4), 0);   /* misaligned: bytes */
	CHECK(f->nacc == 4 && f->acc_w[0] == 1);
	CHECK_EQ(virtio_config_read(&f->vdev, 0, buf, 0), -EINVAL);
	CHECK_EQ(virtio_config_read(&f->vdev, 0xfffffffcu, buf, 8), -EINVAL);
}

/* Post two requests, complete one like a device would. */
static void two_requests(struct fake *f, struct req *r)
{
	struct virtqueue *vq = probed_vq;
	struct vq_sg sg[2] = { { r[0].data, 8 }, { r[0].data + 8, 8 } };
	CHECK_EQ(virtio_enqueue(vq, &r[0], sg, 1, 1), 0);
	struct vq_sg sg1 = { r[1].data, 16 };
	CHECK_EQ(virtio_enqueue(vq, &r[1], &sg1, 0, 1), 0);
	CHECK_EQ(virtio_kick(vq), 0);
	CHECK(f->notifies >= 1);
	/* the device finishes the first: head 0, 8 bytes written */
	vq->used->ring[0] = (struct vring_used_elem){ 0, 8 };
	vq->used->idx = 1;
}

UNIT(completion_paths)
{
	struct fake *f = new_fake(false, MODERN_OFFER);
	attach(f);
	struct req r[2] = { 0 };
	two_requests(f, r);
	/* irq mode, shared line: the ISR says "queue" */
	f->isr = VIRTIO_ISR_QUEUE;
	virtio_intr_shared(&f->vdev);
	CHECK(r[0].done && r[0].err == 0 && r[0].len == 8);
	CHECK(!r[1].done);
	CHECK_EQ(f->vdev.n_intr, 1);
	/* a waiter finds the second once the device posts it */
	probed_vq->used->ring[1] = (struct vring_used_elem){ 1, 16 };
	probed_vq->used->idx = 2;
	virtio_wait(probed_vq, &r[1].done);
	CHECK(r[1].err == 0 && r[1].len == 16);
	CHECK(!f->vdev.broken);
}

UNIT(needs_reset_fails_requests)
{
	for (int poll = 0; poll < 2; poll++) {
		opt_mode = poll ? "poll" : NULL;
		struct fake *f = new_fake(false, MODERN_OFFER);
		attach(f);
		CHECK_EQ(virtio_polling(&f->vdev), poll);
		struct req r[2] = { 0 };
		two_requests(f, r);
		int resets = f->resets, e = unit_printk_errors;
		/* §2.1.2: the device wants a reset and will not finish r[1]. A
		 * waiter (poll: after spinning; irq: after a sleep slice) sees
		 * the status and fails the device instead of waiting forever. */
		f->status |= VIRTIO_STATUS_NEEDS_RESET;
		virtio_wait(probed_vq, &r[1].done);
		CHECK(r[0].done && r[0].err == 0);
		CHECK(r[1].done && r[1].err == -EIO);
		CHECK(f->vdev.broken);
		CHECK_EQ(f->resets, resets + 1);
		CHECK(f->status & VIRTIO_STATUS_FAILED);
		CHECK(unit_printk_errors > e);
		struct vq_sg sg = { r[0].data, 4 };
		CHECK_EQ(virtio_enqueue(probed_vq, &r[0], &sg, 0, 1), -EIO);
		CHECK_EQ(virtio_kick(probed_vq), -EIO);
		/* the configuration interrupt path notices it too */
		f->status |= VIRTIO_STATUS_NEEDS_RESET;
		virtio_intr_config(&f->vdev);
	}
	opt_mode = NULL;
}

/* A device that simply never answers: the waiter fails it after the
 * request timeout (30 s by default) instead of waiting forever, in both
 * modes; the interruptible wait gives up at its own timeout or at an
 * interrupt without failing the device. */
UNIT(silent_device_times_out)
{
	for (int poll = 0; poll < 2; poll++) {
		opt_mode = poll ? "poll" : NULL;
		struct fake *f = new_fake(false, MODERN_OFFER);
		attach(f);
		struct req r[2] = { 0 };
		two_requests(f, r);
		uint64_t t0 = fake_now;

		CHECK_EQ(virtio_wait_intr(probed_vq, &r[1].done, 500000000ull), -ETIMEDOUT);
		CHECK(fake_now - t0 >= 500000000ull && fake_now - t0 < 2000000000ull);
		CHECK(!f->vdev.broken && !r[1].done);
		fake_interrupted = true;
		CHECK_EQ(virtio_wait_intr(probed_vq, &r[1].done, 0), -EINTR);
		fake_interrupted = false;
		CHECK(!f->vdev.broken);

		t0 = fake_now;
		virtio_wait(probed_vq, &r[1].done);
		CHECK(fake_now - t0 >= 30000000000ull);
		CHECK(fake_now - t0 < 31000000000ull);
		CHECK(r[1].done && r[1].err == -EIO);
		CHECK(f->vdev.broken);
		CHECK_EQ(virtio_wait_intr(probed_vq, &r[1].done, 0), 0);
	}
	opt_mode = NULL;
}

UNIT(bad_used_ring_fails_requests)
{
	struct fake *f = new_fake(false, MODERN_OFFER);
	attach(f);
	struct req r[2] = { 0 };
	two_requests(f, r);
	int resets = f->resets;
	/* the device reports a head that is not in flight */
	probed_vq->used->ring[0] = (struct vring_used_elem){ 5, 0 };
	f->isr = VIRTIO_ISR_QUEUE;
	virtio_intr_shared(&f->vdev);
	CHECK(r[0].done && r[0].err == -EIO);
	CHECK(r[1].done && r[1].err == -EIO);
	CHECK(f->vdev.broken);
	CHECK_EQ(f->resets, resets + 1);
	CHECK(vq_broken(probed_vq));
	/* an interrupt after that finds nothing to do */
	f->isr = VIRTIO_ISR_QUEUE | VIRTIO_ISR_CONFIG;
	virtio_intr_shared(&f->vdev);
}

/* NAPI-style: the interrupt only notifies (callbacks off), the driver's
 * thread dequeues and re-enables; enable_cb reports what slipped in. */
UNIT(notify_queue_thread_completions)
{
	probe_notify = true;
	struct fake *f = new_fake(false, MODERN_OFFER);
	attach(f);
	probe_notify = false;
	struct virtqueue *vq = probed_vq;
	struct req r[2] = { 0 };
	two_requests(f, r);
	int notified = n_notify;
	f->isr = VIRTIO_ISR_QUEUE;
	virtio_intr_shared(&f->vdev);
	CHECK_EQ(n_notify, notified + 1);
	CHECK(!r[0].done);                  /* done() is not run from the irq */
	CHECK(!vq->cb_enabled);
	CHECK(virtio_has_used(vq));
	void *cookie;
	uint32_t len;
	CHECK_EQ(virtio_dequeue(vq, &cookie, &len), 0);
	CHECK(cookie == &r[0] && len == 8);
	CHECK_EQ(virtio_dequeue(vq, &cookie, &len), -EAGAIN);
	CHECK(!virtio_enable_cb(vq));
	CHECK(vq->cb_enabled);
	CHECK_EQ(*vring_used_event(vq->avail, vq->num), 1);   /* §2.7.10 */
	/* the second lands while callbacks are off: enable_cb says so */
	virtio_disable_cb(vq);
	vq->used->ring[1] = (struct vring_used_elem){ 1, 16 };
	vq->used->idx = 2;
	CHECK(virtio_enable_cb(vq));
	CHECK_EQ(virtio_dequeue(vq, &cookie, &len), 0);
	CHECK(cookie == &r[1] && len == 16);
	CHECK_EQ(virtio_vq_inflight(vq), 0);
	CHECK_EQ(virtio_vq_size(vq), 16);
	CHECK_EQ(virtio_vq_num_free(vq), 16);
	CHECK(!r[0].done && !r[1].done);

	/* enqueue_nowait fills the ring and says -ENOSPC, never sleeps */
	static struct req many[17];
	int sleeps = n_sleeps;
	for (int i = 0; i < 16; i++) {
		struct vq_sg sg = { many[i].data, 4 };
		CHECK_EQ(virtio_enqueue_nowait(vq, &many[i], &sg, 0, 1), 0);
	}
	struct vq_sg sg = { many[16].data, 4 };
	CHECK_EQ(virtio_enqueue_nowait(vq, &many[16], &sg, 0, 1), -ENOSPC);
	CHECK_EQ(virtio_vq_num_free(vq), 0);
	CHECK_EQ(n_sleeps, sleeps);
	CHECK_EQ(virtio_enqueue_nowait(vq, NULL, &sg, 0, 1), -EINVAL);

	/* a bad used id found by the thread fails the device: every request
	 * comes back through done() with -EIO and the thread is notified */
	CHECK_EQ(virtio_kick(vq), 0);
	vq->used->ring[2] = (struct vring_used_elem){ 99, 0 };
	vq->used->idx = 3;
	notified = n_notify;
	CHECK_EQ(virtio_dequeue(vq, &cookie, &len), -EIO);
	CHECK(f->vdev.broken && virtio_dev_broken(&f->vdev));
	CHECK(n_notify > notified);
	for (int i = 0; i < 16; i++)
		CHECK(many[i].done && many[i].err == -EIO);
	CHECK(!many[16].done);
	CHECK_EQ(virtio_dequeue(vq, &cookie, &len), -EIO);
	CHECK(!virtio_has_used(vq));
	CHECK_EQ(virtio_enqueue_nowait(vq, &many[16], &sg, 0, 1), -EIO);
}

/* Without EVENT_IDX, disable/enable work through the avail flags. */
UNIT(notify_queue_flags_without_event_idx)
{
	probe_notify = true;
	struct fake *f = new_fake(false, MODERN_OFFER & ~VIRTIO_BIT(VIRTIO_F_EVENT_IDX));
	attach(f);
	probe_notify = false;
	struct virtqueue *vq = probed_vq;
	virtio_disable_cb(vq);
	CHECK(vq->avail->flags & VRING_AVAIL_F_NO_INTERRUPT);
	CHECK(!virtio_enable_cb(vq));
	CHECK(!(vq->avail->flags & VRING_AVAIL_F_NO_INTERRUPT));
	/* a polling device is never asked to interrupt */
	opt_mode = "poll";
	probe_notify = true;
	struct fake *g = new_fake(false, MODERN_OFFER & ~VIRTIO_BIT(VIRTIO_F_EVENT_IDX));
	attach(g);
	probe_notify = false;
	opt_mode = NULL;
	CHECK(probed_vq->avail->flags & VRING_AVAIL_F_NO_INTERRUPT);
	CHECK(!virtio_enable_cb(probed_vq));
	CHECK(probed_vq->avail->flags & VRING_AVAIL_F_NO_INTERRUPT);
}

UNIT(registry)
{
	int n = 0;
	for (struct virtio_dev *v = virtio_devices(); v; v = v->next)
		n++;
	CHECK(n >= 8);
	CHECK(virtio_has_feature(virtio_devices(), VIRTIO_F_VERSION_1));
	CHECK(!virtio_has_feature(virtio_devices(), 200));
}

UNIT_MAIN()
