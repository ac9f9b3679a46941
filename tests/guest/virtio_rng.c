// SPDX-License-Identifier: MIT
/* In-guest tests of virtio-rng and the kernel entropy API (rng_read)
 * against QEMU's virtio-rng-pci fed from the host's /dev/urandom. */
#include <kern/test.h>
#include <kern/errno.h>
#include <kern/rng.h>
#include <kern/sched.h>
#include <kern/shell.h>
#include <stdlib.h>
#include <string.h>

#define NEED_RNG()                                                           \
	do {                                                                 \
		if (!rng_available()) {                                      \
			T_EQ(rng_read((char[1]){ 0 }, 1), -ENODEV);          \
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
	T_EQ(rng_read(a, sizeof(a)), sizeof(a));
	T_EQ(rng_read(b, sizeof(b)), sizeof(b));
	/* 512 random bits twice alike, or all zero, is not going to happen. */
	T_CHECK(memcmp(a, b, sizeof(a)) != 0);
	static const uint8_t zero[64];
	T_CHECK(memcmp(a, zero, sizeof(a)) != 0);
	T_EQ(rng_read(a, 0), 0);
	T_EQ(rng_read(a, 1), 1);
}

/* A large read (several requests) looks uniform: no byte value more than
 * three times as common as it should be, and no 16-byte block repeats. */
TEST(virtio_rng_large)
{
	NEED_RNG();
	enum { N = 20000 };
	uint8_t *buf = malloc(N);
	unsigned hist[256] = { 0 };
	T_EQ(rng_read(buf, N), N);
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
	w->rc = rng_read(w->out, sizeof(w->out));
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
