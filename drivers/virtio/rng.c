// SPDX-License-Identifier: MIT
/* virtio-rng (virtio 1.2 §5.4): one queue of device-writable buffers that
 * the device fills with entropy. It feeds the kernel entropy API
 * (<kern/rng.h>) and the `rng [N]` shell command. */
#include <drivers/virtio.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/rng.h>
#include <kern/sched.h>
#include <kern/shell.h>
#include <kern/time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Largest buffer per request, and how many empty answers in a row we take
 * before calling the device broken (§5.4.6.1 lets it return fewer bytes
 * than asked, but one that never returns any would hang readers). */
#define VRNG_CHUNK      4096u
#define VRNG_MAX_EMPTY  64

struct vrng_req {
	volatile bool done;
	int err;
	uint32_t len;
};

/* One request at a time per device, into a buffer the driver owns: a
 * reader that gives up (Ctrl-C, its timeout) leaves the request with the
 * device, which may still write the buffer, and the next reader takes
 * over the bytes once they come. A reader's own buffer is never posted. */
struct vrng {
	struct virtio_dev *vdev;
	struct virtqueue *vq;
	struct vrng *next;
	struct semaphore lock;          /* one reader at a time */
	struct vrng_req req;
	bool busy;                      /* req posted, answer not taken yet */
	uint8_t *buf;                   /* VRNG_CHUNK bytes */
};

static struct vrng *vrng_list, **vrng_tail = &vrng_list;
static unsigned vrng_count;

static void vrng_done(struct virtqueue *vq, void *cookie, uint32_t len, int err)
{
	struct vrng_req *r = cookie;
	r->len = len;   /* at most what we posted: the virtqueue checked */
	r->err = err;
	r->done = true;
}

bool rng_available(void)
{
	return vrng_list != NULL;
}

/* Post a request for up to want bytes into v->buf. */
static int vrng_post(struct vrng *v, size_t want)
{
	struct vq_sg sg = { v->buf, (uint32_t)MIN(want, (size_t)VRNG_CHUNK) };
	int rc;

	v->req = (struct vrng_req){ 0 };
	rc = virtio_enqueue(v->vq, &v->req, &sg, 0, 1);
	if (rc)
		return rc;
	v->busy = true;
	return virtio_kick(v->vq);
}

long rng_read(void *buf, size_t n, uint64_t timeout_ns)
{
	struct vrng *v = vrng_list;
	uint64_t start = time_ns();
	size_t got = 0;
	int empty = 0;
	long rc = 0;

	if (!v)
		return -ENODEV;
	if (sem_down_timeout(&v->lock, timeout_ns))
		return -ETIMEDOUT;
	while (got < n) {
		uint64_t left = 0;

		if (timeout_ns) {
			uint64_t spent = time_ns() - start;

			if (spent >= timeout_ns) {
				rc = -ETIMEDOUT;
				break;
			}
			left = timeout_ns - spent;
		}
		if (!v->busy && (rc = vrng_post(v, n - got)))
			break;
		rc = virtio_wait_intr(v->vq, &v->req.done, left);
		if (rc)
			break;          /* the request stays with the device */
		v->busy = false;
		if ((rc = v->req.err))
			break;
		if (v->req.len == 0 && ++empty > VRNG_MAX_EMPTY) {
			pr_err("%s: device returns no entropy\n", virtio_dev_name(v->vdev));
			rc = -EIO;
			break;
		}
		/* A request left by a reader that gave up may hold more than
		 * is wanted now: the rest is dropped, never handed out twice. */
		size_t take = MIN((size_t)v->req.len, n - got);
		memcpy((char *)buf + got, v->buf, take);
		got += take;
	}
	sem_up(&v->lock);
	return rc ? rc : (long)n;
}

static int vrng_probe(struct virtio_dev *vdev)
{
	struct vrng *v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->buf = malloc(VRNG_CHUNK);
	if (!v->buf) {
		free(v);
		return -ENOMEM;
	}
	sem_init(&v->lock, 1);
	char name[16];
	snprintf(name, sizeof(name), "rng%u", vrng_count);
	virtio_set_name(vdev, name);
	v->vdev = vdev;
	struct virtio_vq_info info = { .name = "requestq", .done = vrng_done };
	int rc = virtio_find_vqs(vdev, 1, &v->vq, &info);
	if (rc)
		return rc;   /* v stays: the failed device's queue may name it */
	virtio_set_drvdata(vdev, v);
	virtio_device_ready(vdev);
	vrng_count++;
	*vrng_tail = v;
	vrng_tail = &v->next;
	pr_info("%s: entropy source, queue %u\n", name, virtio_vq_size(v->vq));
	return 0;
}

static const uint16_t vrng_ids[] = { VIRTIO_ID_ENTROPY, 0 };

static const struct virtio_driver virtio_rng_driver = {
	.name = "virtio-rng",
	.ids = vrng_ids,
	.features = 0,   /* §5.4.3: none */
	.probe = vrng_probe,
};
VIRTIO_DRIVER(virtio_rng_driver);

/* rng [N]: N random bytes (default 16, at most 4096) in hex. */
static int cmd_rng(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 0) : 16;
	if (n <= 0 || n > 4096) {
		kprintf("usage: rng [N]   (1 <= N <= 4096)\n");
		return -EINVAL;
	}
	uint8_t *buf = malloc((size_t)n);
	if (!buf)
		return -ENOMEM;
	/* No time limit: a rate-limited device may take minutes, and Ctrl-C
	 * ends the wait. */
	long rc = rng_read(buf, (size_t)n, 0);
	if (rc < 0) {
		if (rc != -EINTR)
			kprintf("rng: error %ld\n", rc);
		free(buf);
		return (int)rc;
	}
	char line[2 * 32 + 2];
	for (long i = 0; i < n; i += 32) {
		int k = 0;
		for (long j = i; j < n && j < i + 32; j++)
			k += snprintf(line + k, sizeof(line) - (size_t)k, "%02x", buf[j]);
		kprintf("%s\n", line);
	}
	free(buf);
	return 0;
}
SHELL_CMD("rng", "rng [N] - print N random bytes from the entropy device", cmd_rng);
