// SPDX-License-Identifier: MIT
/* In-guest tests of virtio-rng and the kernel entropy API (rng_read)
 * against QEMU's virtio-rng-pci fed from the host's /dev/urandom. */
#include <kern/test.h>
#include <kern/cmdline.h>
#include <kern/errno.h>
#include <kern/rng.h>
#include <kern/sched.h>
#include <kern/shell.h>
#include <kern/time.h>
#include <stdlib.h>
#include <string.h>

#define NEED_RNG()                                                           \
	do {                                                                 \
		if (!rng_available()) {                                      \
			T_EQ(rng_read((char[1]){ 0 }, 1, 0), -ENODEV);       \
			test_skip("no entropy device");                      \
			return;                                              \
		}                                                            \
	} while (0)

TEST(virtio_rng_read)
{
	NEED_RNG();
	uint8_t a[64], b[64];
	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	T_EQ(rng_read(a, sizeof(a), 0), sizeof(a));
	T_EQ(rng_read(b, sizeof(b), 0), sizeof(b));
	/* 512 random bits twice alike, or all zero, is not going to happen. */
	T_CHECK(memcmp(a, b, sizeof(a)) != 0);
	static const uint8_t zero[64];
	T_CHECK(memcmp(a, zero, sizeof(a)) != 0);
	T_EQ(rng_read(a, 0, 0), 0);
	T_EQ(rng_read(a, 1, 0), 1);
}

/* A large read (several requests) looks uniform: no byte value more than
 * three times as common as it should be, and no 16-byte block repeats. */
TEST(virtio_rng_large)
{
	NEED_RNG();
	enum { N = 20000 };
	uint8_t *buf = malloc(N);
	unsigned hist[256] = { 0 };
	T_EQ(rng_read(buf, N, 0), N);
	for (int i = 0; i < N; i++)
		hist[buf[i]]++;
	unsigned max = 0;
	for (int i = 0; i < 256; i++)
		max = MAX(max, hist[i]);
	test_diag("most common byte value: %u times of %u expected", max, N / 256);
	T_CHECK(max < 3 * N / 256);
	int repeats = 0;
	for (int i = 16; i + 16 <= N && repeats == 0; i += 16)
		repeats += memcmp(buf, buf + i, 16) == 0;
	T_EQ(repeats, 0);
	free(buf);
}

struct rng_worker {
	uint8_t out[256];
	long rc;
};

static void rng_worker_fn(void *arg)
{
	struct rng_worker *w = arg;
	w->rc = rng_read(w->out, sizeof(w->out), 0);
}

/* Several threads reading at once each get their own bytes. */
TEST(virtio_rng_threads)
{
	NEED_RNG();
	struct rng_worker w[4];
	struct thread *t[4];
	for (int i = 0; i < 4; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		t[i] = thread_create("rng-worker", rng_worker_fn, &w[i]);
		T_CHECK(t[i] != NULL);
	}
	for (int i = 0; i < 4; i++)
		if (t[i])
			T_EQ(thread_join(t[i]), 0);
	for (int i = 0; i < 4; i++) {
		T_EQ(w[i].rc, sizeof(w[i].out));
		for (int j = 0; j < i; j++)
			T_CHECK(memcmp(w[i].out, w[j].out, sizeof(w[i].out)) != 0);
	}
}

TEST(virtio_rng_shell)
{
	NEED_RNG();
	T_EQ(shell_exec("rng 40"), 0);
	T_EQ(shell_exec("rng"), 0);
	T_EQ(shell_exec("rng 0"), -EINVAL);
	T_EQ(shell_exec("rng 5000"), -EINVAL);
}

/* ---- a device that answers slowly: bounded and interruptible reads ---- */

CMDLINE_OPT(vrng_limited, "vrng.limited",
	    "tests: 1 when the entropy device is rate-limited to 4 bytes a period");

struct rng_intr {
	uint8_t out[16];
	long rc;
};

static void rng_intr_fn(void *arg)
{
	struct rng_intr *r = arg;
	r->rc = rng_read(r->out, sizeof(r->out), 0);
}

/* QEMU's rate limit (max-bytes=4,period=100000: 4 bytes per 100 s) hands
 * out 4 bytes and then nothing for the rest of the period. A
 * read past that must end at its timeout, or at Ctrl-C when it has none;
 * the request it leaves behind is the driver's, and later readers keep
 * getting bounded answers instead of a hang. */
TEST(virtio_rng_rate_limited)
{
	NEED_RNG();
	if (!cmdline_get_bool("vrng.limited", false)) {
		test_skip("the entropy device is not rate-limited (vrng.limited)");
		return;
	}
	/* More than a period's quota (the boot's seeding may have had it
	 * already): the read cannot finish within this period. */
	uint8_t b[16];
	uint64_t t0 = time_ns();
	T_EQ(rng_read(b, 16, 200 * NSEC_PER_MSEC), -ETIMEDOUT);
	uint64_t took = time_ns() - t0;
	test_diag("16 bytes: gave up after %llu ms", (unsigned long long)(took / NSEC_PER_MSEC));
	T_CHECK(took >= 200 * NSEC_PER_MSEC);
	T_CHECK(took < 5 * NSEC_PER_SEC);       /* not the 100 s period */

	/* No timeout: only an interrupt ends it. */
	struct rng_intr r = { .rc = 1 };
	struct thread *t = thread_create("rng-intr", rng_intr_fn, &r);
	T_CHECK(t != NULL);
	if (!t)
		return;
	thread_sleep_ns(50 * NSEC_PER_MSEC);
	thread_interrupt(t);
	T_EQ(thread_join(t), 0);
	T_EQ(r.rc, -EINTR);

	/* The request still with the device is reused, not stacked up. */
	T_EQ(rng_read(b, 1, 50 * NSEC_PER_MSEC), -ETIMEDOUT);
	T_EQ(shell_exec("virtio"), 0);
}
