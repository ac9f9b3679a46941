// SPDX-License-Identifier: MIT
/* virtio-rng (virtio 1.2 §5.4): one queue of device-writable buffers that
 * the device fills with entropy. It feeds the kernel entropy API
 * (<kern/rng.h>) and the `rng [N]` shell command. */
#include <drivers/virtio.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/rng.h>
#include <kern/shell.h>
#include <stdio.h>
#include <stdlib.h>

/* Largest buffer per request, and how many empty answers in a row we take
 * before calling the device broken (§5.4.6.1 lets it return fewer bytes
 * than asked, but one that never returns any would hang readers). */
#define VRNG_CHUNK      4096u
#define VRNG_MAX_EMPTY  64

struct vrng {
	struct virtio_dev *vdev;
	struct virtqueue *vq;
	struct vrng *next;
};

struct vrng_req {
	volatile bool done;
	int err;
	uint32_t len;
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

long rng_read(void *buf, size_t n)
{
	struct vrng *v = vrng_list;
	size_t got = 0;
	int empty = 0;

	if (!v)
		return -ENODEV;
	while (got < n) {
		struct vrng_req r = { 0 };
		struct vq_sg sg = { (char *)buf + got, (uint32_t)MIN(n - got, (size_t)VRNG_CHUNK) };
		int rc = virtio_enqueue(v->vq, &r, &sg, 0, 1);
		if (rc)
			return rc;
		virtio_kick(v->vq);
		virtio_wait(v->vq, &r.done);
		if (r.err)
			return r.err;
		if (r.len == 0 && ++empty > VRNG_MAX_EMPTY) {
			pr_err("%s: device returns no entropy\n", virtio_dev_name(v->vdev));
			return -EIO;
		}
		got += r.len;
	}
	return (long)n;
}

static int vrng_probe(struct virtio_dev *vdev)
{
	struct vrng *v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
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
	long rc = rng_read(buf, (size_t)n);
	if (rc < 0) {
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
