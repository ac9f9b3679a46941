/* SPDX-License-Identifier: MIT */
/* Shared by the libFuzzer harnesses (tests/fuzz/fuzz_*.c). Each harness
 * builds pure kernel sources on the host like a unit test (clang, ASan and
 * UBSan, -DUNIT_TEST -DFUZZ_TEST) and defines LLVMFuzzerTestOneInput.
 *
 * A harness reads its input either as one blob (a device tree, a table, a
 * command line) or, for a simulated device that answers many requests, as a
 * stream: struct fz hands out bytes in order and zeros once the input is
 * used up, so every input is a complete, deterministic run. */
#ifndef TESTS_FUZZ_H
#define TESTS_FUZZ_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- the input as a stream ---- */

struct fz {
	const uint8_t *p;
	size_t n;
};

static inline bool fz_empty(const struct fz *f) { return f->n == 0; }

static inline uint8_t fz_u8(struct fz *f)
{
	if (!f->n)
		return 0;
	f->n--;
	return *f->p++;
}

static inline uint16_t fz_u16(struct fz *f)
{
	return (uint16_t)(fz_u8(f) | fz_u8(f) << 8);
}

static inline uint32_t fz_u32(struct fz *f)
{
	return (uint32_t)fz_u16(f) | (uint32_t)fz_u16(f) << 16;
}

static inline uint64_t fz_u64(struct fz *f)
{
	return (uint64_t)fz_u32(f) | (uint64_t)fz_u32(f) << 32;
}

/* Copy n bytes out (zeros past the end of the input). */
static inline void fz_bytes(struct fz *f, void *dst, size_t n)
{
	size_t k = n < f->n ? n : f->n;

	memcpy(dst, f->p, k);
	memset((uint8_t *)dst + k, 0, n - k);
	f->p += k;
	f->n -= k;
}

/* A malloc'ed copy of exactly n bytes (ASan sees a read past its end),
 * NUL-terminated when nul is set (then n + 1 bytes). */
static inline void *fz_dup(const void *p, size_t n, bool nul)
{
	uint8_t *b = malloc(n + (nul ? 1 : 0) + (n == 0 && !nul));

	if (!b)
		abort();
	if (n)
		memcpy(b, p, n);
	if (nul)
		b[n] = 0;
	return b;
}

/* ---- kernel stubs ---- */

/* printk formats into a buffer and drops it: a bad format argument (a
 * string pointer past its object) still shows up under ASan. */
#ifndef FUZZ_NO_PRINTK
int printk_loglevel = 7;
void printk(int level, const char *fmt, ...);
void printk(int level, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	(void)level;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (getenv("FUZZ_VERBOSE"))
		fputs(buf, stderr);
}
#endif

/* A warning sink for the parsers that take a callback. */
static inline void fz_warn(void *ctx, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (ctx)
		++*(unsigned *)ctx;
}

/* Keeps results alive so the calls are not optimised away. */
static volatile uint64_t fz_sink;

#endif
