// SPDX-License-Identifier: MIT
/* linux-blkread DEV SECONDS QD [QD...]: the Linux guest's side of
 * tests/bench/blk_linux.py. 4 KiB random reads with O_DIRECT on a block
 * device for SECONDS at each queue depth QD, the same load as our
 * `blkbench DEV SECONDS qd=QD` (drivers/blk/bench.c): the same xorshift64
 * generator and seed over every 4 KiB slot of the disk, each request
 * replaced as soon as its completion is seen, and the time-weighted
 * average of requests in flight printed beside the rate.
 *
 * Depth 1 is pread(2) (the cheapest synchronous path Linux has: no
 * submission ring, the caller sleeps in the block layer). Any other depth
 * is Linux native AIO through the raw io_setup/io_submit/io_getevents
 * system calls (<linux/aio_abi.h>, no libaio): with O_DIRECT on a block
 * device the submissions are truly asynchronous and one thread keeps QD
 * requests in the device, which is what blkbench does. (32 threads with
 * pread would add 32 context switches per round on the single vCPU and
 * measure the scheduler as much as the disk; io_uring would need its
 * ring mapping done by hand for the same result.)
 *
 * One line per depth:
 *   bench: linux-blk qdN randread iops=I depth=D.DD ops=N errors=N engine=E dev=DEV
 * Exit status 0, or 1 on any error (an error stops that depth). Every wait
 * is bounded: the device must appear within 30 s, and a request not
 * completed within 10 s is an error. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <linux/fs.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define BS          4096u
#define MAX_QD      128
#define REQ_TIMEOUT 10          /* seconds */

static uint64_t rnd;

/* xorshift64, seeded as blkbench seeds it, so both guests read the same
 * offsets in the same order. */
static uint64_t next_rand(void)
{
	rnd ^= rnd << 13;
	rnd ^= rnd >> 7;
	rnd ^= rnd << 17;
	return rnd;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

struct result {
	uint64_t ops, errors, ns;
	double depth;
};

/* Time-weighted requests in flight: the integral of inflight over time. */
struct depth_acct {
	uint64_t last, integral;
	unsigned inflight;
};

static void depth_step(struct depth_acct *d, uint64_t now, int delta)
{
	d->integral += (uint64_t)d->inflight * (now - d->last);
	d->last = now;
	d->inflight += delta;
}

/* Depth 1: pread, one request at a time. */
static int run_pread(int fd, uint64_t slots, void *buf, uint64_t ns, struct result *r)
{
	struct depth_acct d = {0};
	uint64_t start = now_ns(), end = start + ns, t = start;

	d.last = start;
	while (t < end) {
		off_t off = (off_t)(next_rand() % slots) * BS;
		depth_step(&d, t, 1);
		ssize_t n = pread(fd, buf, BS, off);
		t = now_ns();
		depth_step(&d, t, -1);
		r->ops++;
		if (n != (ssize_t)BS) {
			fprintf(stderr, "blkread: pread at %lld: %s\n", (long long)off,
				n < 0 ? strerror(errno) : "short read");
			r->errors++;
			break;
		}
	}
	r->ns = t - start;
	r->depth = r->ns ? (double)d.integral / r->ns : 0;
	return r->errors ? -1 : 0;
}

static long sys_io_setup(unsigned nr, aio_context_t *ctx)
{
	return syscall(SYS_io_setup, nr, ctx);
}

static long sys_io_destroy(aio_context_t ctx)
{
	return syscall(SYS_io_destroy, ctx);
}

static long sys_io_submit(aio_context_t ctx, long n, struct iocb **iocbs)
{
	return syscall(SYS_io_submit, ctx, n, iocbs);
}

static long sys_io_getevents(aio_context_t ctx, long min, long max, struct io_event *ev,
			     struct timespec *timeout)
{
	return syscall(SYS_io_getevents, ctx, min, max, ev, timeout);
}

/* Submit n prepared iocbs, all of them (io_submit may take fewer). */
static int submit_all(aio_context_t ctx, struct iocb **list, long n)
{
	while (n > 0) {
		long k = sys_io_submit(ctx, n, list);
		if (k <= 0) {
			fprintf(stderr, "blkread: io_submit: %s\n", k < 0 ? strerror(errno) : "0");
			return -1;
		}
		list += k;
		n -= k;
	}
	return 0;
}

static void prepare(struct iocb *cb, int fd, void *buf, uint64_t slots, unsigned i)
{
	memset(cb, 0, sizeof(*cb));
	cb->aio_data = i;
	cb->aio_lio_opcode = IOCB_CMD_PREAD;
	cb->aio_fildes = (uint32_t)fd;
	cb->aio_buf = (uint64_t)(uintptr_t)buf;
	cb->aio_nbytes = BS;
	cb->aio_offset = (int64_t)((next_rand() % slots) * BS);
}

/* Depth qd: native AIO, qd requests kept in flight until the time is up,
 * then drained. */
static int run_aio(int fd, uint64_t slots, void **bufs, unsigned qd, uint64_t ns,
		   struct result *r)
{
	static struct iocb cbs[MAX_QD];
	static struct iocb *list[MAX_QD];
	static struct io_event ev[MAX_QD];
	aio_context_t ctx = 0;
	struct depth_acct d = {0};
	int rc = 0;

	if (sys_io_setup(qd, &ctx) < 0) {
		fprintf(stderr, "blkread: io_setup(%u): %s\n", qd, strerror(errno));
		return -1;
	}
	uint64_t start = now_ns(), end = start + ns, t = start;
	d.last = start;
	for (unsigned i = 0; i < qd; i++) {
		prepare(&cbs[i], fd, bufs[i], slots, i);
		list[i] = &cbs[i];
	}
	depth_step(&d, t, (int)qd);
	if (submit_all(ctx, list, qd) < 0) {
		sys_io_destroy(ctx);
		return -1;
	}
	unsigned inflight = qd;
	bool stop = false;
	while (inflight) {
		struct timespec to = { REQ_TIMEOUT, 0 };
		long n = sys_io_getevents(ctx, 1, qd, ev, &to);
		t = now_ns();
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "blkread: io_getevents: %s\n",
				n < 0 ? strerror(errno) : "no completion in 10 s");
			rc = -1;
			break;      /* io_destroy below waits for what is left */
		}
		depth_step(&d, t, -(int)n);
		inflight -= (unsigned)n;
		long again = 0;
		for (long k = 0; k < n; k++) {
			unsigned i = (unsigned)ev[k].data;
			r->ops++;
			if (ev[k].res != (int64_t)BS || i >= qd) {
				fprintf(stderr, "blkread: read %u: res %lld\n", i,
					(long long)ev[k].res);
				r->errors++;
				stop = true;
				continue;
			}
			if (!stop && t < end) {
				prepare(&cbs[i], fd, bufs[i], slots, i);
				list[again++] = &cbs[i];
			}
		}
		if (again) {
			depth_step(&d, t, (int)again);
			if (submit_all(ctx, list, again) < 0) {
				rc = -1;
				break;
			}
			inflight += (unsigned)again;
		}
	}
	r->ns = t - start;
	r->depth = r->ns ? (double)d.integral / r->ns : 0;
	sys_io_destroy(ctx);
	return rc || r->errors ? -1 : 0;
}

/* Open dev for O_DIRECT reads, waiting up to 30 s for it to appear (the
 * SCSI scan is asynchronous). */
static int open_dev(const char *dev)
{
	for (int tries = 0; tries < 300; tries++) {
		int fd = open(dev, O_RDONLY | O_DIRECT);
		if (fd >= 0)
			return fd;
		if (errno != ENOENT && errno != ENXIO && errno != ENODEV)
			break;
		usleep(100000);
	}
	fprintf(stderr, "blkread: open %s: %s\n", dev, strerror(errno));
	return -1;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: linux-blkread DEV SECONDS QD [QD...]\n");
		return 2;
	}
	const char *dev = argv[1];
	long secs = strtol(argv[2], NULL, 10);
	if (secs < 1 || secs > 600) {
		fprintf(stderr, "blkread: SECONDS is 1..600\n");
		return 2;
	}
	int fd = open_dev(dev);
	if (fd < 0)
		return 1;
	uint64_t size = 0;
	if (ioctl(fd, BLKGETSIZE64, &size) < 0 || size < BS) {
		fprintf(stderr, "blkread: %s: size %llu (%s)\n", dev, (unsigned long long)size,
			strerror(errno));
		return 1;
	}
	uint64_t slots = size / BS;
	static void *bufs[MAX_QD];
	int status = 0;
	for (int a = 3; a < argc; a++) {
		long qd = strtol(argv[a], NULL, 10);
		if (qd < 1 || qd > MAX_QD) {
			fprintf(stderr, "blkread: QD is 1..%d\n", MAX_QD);
			return 2;
		}
		for (long i = 0; i < qd; i++) {
			if (!bufs[i] && posix_memalign(&bufs[i], 4096, BS)) {
				fprintf(stderr, "blkread: out of memory\n");
				return 1;
			}
			memset(bufs[i], 0x5a, BS);
		}
		/* blkbench seeds once per command, and the bench gives it one
		 * figure per command: each depth starts from the seed. */
		rnd = 0x9e3779b97f4a7c15ull;
		struct result r = {0};
		int rc = qd == 1 ? run_pread(fd, slots, bufs[0], (uint64_t)secs * 1000000000ull, &r)
				 : run_aio(fd, slots, bufs, (unsigned)qd,
					   (uint64_t)secs * 1000000000ull, &r);
		printf("bench: linux-blk qd%ld randread iops=%llu depth=%.2f ops=%llu errors=%llu "
		       "engine=%s dev=%s\n", qd,
		       (unsigned long long)(r.ns ? r.ops * 1000000000ull / r.ns : 0), r.depth,
		       (unsigned long long)r.ops, (unsigned long long)r.errors,
		       qd == 1 ? "pread" : "aio", dev);
		fflush(stdout);
		if (rc)
			status = 1;
	}
	close(fd);
	return status;
}
