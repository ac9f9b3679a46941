// SPDX-License-Identifier: MIT
/* fs/wincache.c on the host: a store in memory whose fills are counted and
 * checked (window-aligned, whole windows), so each test knows exactly which
 * reads must reach the store. */
#include "unit.h"
#include <fs/wincache.h>
#include <kern/errno.h>
#include <stdint.h>

#define WIN 64

struct store {
	uint8_t *p;
	size_t n;
	unsigned fills;
	int fail;               /* the next fill returns this error */
};

static long store_fill(void *ctx, uint64_t base, void *buf, size_t len)
{
	struct store *s = ctx;

	if (base % WIN || len != WIN) {
		printf("#   fill %llu+%zu: not one aligned window\n", (unsigned long long)base, len);
		abort();
	}
	s->fills++;
	if (s->fail) {
		int e = s->fail;

		s->fail = 0;
		memset(buf, 0xee, len);     /* a failed read leaves garbage */
		return e;
	}
	if (base >= s->n)
		return 0;
	size_t n = s->n - base < len ? s->n - base : len;

	memcpy(buf, s->p + base, n);
	return (long)n;
}

static void store_init(struct store *s, size_t n)
{
	memset(s, 0, sizeof(*s));
	s->p = malloc(n);
	s->n = n;
	for (size_t i = 0; i < n; i++)
		s->p[i] = (uint8_t)(i * 7 + (i >> 8));
}

UNIT(hits_and_misses)
{
	struct store s;
	struct wincache c;
	uint8_t b[200];

	store_init(&s, 1000);
	CHECK_EQ(wincache_init(&c, WIN, 4, 16, store_fill, &s), 0);
	CHECK_EQ(c.n, 0);                                   /* nothing allocated yet */
	CHECK_EQ(wincache_read(&c, 10, b, 20), 0);
	CHECK(!memcmp(b, s.p + 10, 20));
	CHECK_EQ(s.fills, 1);
	CHECK_EQ(wincache_read(&c, 30, b, 30), 0);          /* same window */
	CHECK_EQ(s.fills, 1);
	CHECK_EQ(wincache_read(&c, 60, b, 10), 0);          /* straddles two */
	CHECK(!memcmp(b, s.p + 60, 10));
	CHECK_EQ(s.fills, 2);
	CHECK_EQ(wincache_read(&c, 0, b, 128), 0);          /* both cached */
	CHECK(!memcmp(b, s.p, 128));
	CHECK_EQ(s.fills, 2);
	CHECK_EQ(c.n, 2);
	CHECK_EQ(wincache_read(&c, 0, b, 0), 0);            /* nothing asked */
	wincache_fini(&c);
	free(s.p);
}

UNIT(lru_reuse)
{
	struct store s;
	struct wincache c;
	uint8_t b[4];

	store_init(&s, 10 * WIN);
	CHECK_EQ(wincache_init(&c, WIN, 2, 16, store_fill, &s), 0);
	wincache_read(&c, 0 * WIN, b, 1);                   /* A */
	wincache_read(&c, 1 * WIN, b, 1);                   /* B */
	wincache_read(&c, 0 * WIN, b, 1);                   /* A again: B is older */
	CHECK_EQ(s.fills, 2);
	wincache_read(&c, 2 * WIN, b, 1);                   /* C replaces B */
	CHECK_EQ(s.fills, 3);
	CHECK_EQ(c.n, 2);
	wincache_read(&c, 0 * WIN, b, 1);                   /* A still there */
	CHECK_EQ(s.fills, 3);
	wincache_read(&c, 1 * WIN, b, 1);                   /* B is gone */
	CHECK_EQ(s.fills, 4);
	CHECK_EQ(wincache_read(&c, 2 * WIN + 3, b, 4), 0);  /* C replaced A: refill */
	CHECK(!memcmp(b, s.p + 2 * WIN + 3, 4));
	wincache_fini(&c);
	free(s.p);
}

UNIT(store_end_and_errors)
{
	struct store s;
	struct wincache c;
	uint8_t b[WIN];

	store_init(&s, 100);                                /* last window: 36 bytes */
	CHECK_EQ(wincache_init(&c, WIN, 2, 16, store_fill, &s), 0);
	CHECK_EQ(wincache_read(&c, 90, b, 10), 0);
	CHECK(!memcmp(b, s.p + 90, 10));
	CHECK_EQ(wincache_read(&c, 95, b, 10), -EIO);       /* runs past the end */
	CHECK_EQ(wincache_read(&c, 200, b, 1), -EIO);       /* wholly past */
	/* A failed fill leaves nothing cached: the next read fills again. */
	s.fail = -EIO;
	CHECK_EQ(wincache_read(&c, 0, b, 1), -EIO);
	unsigned f = s.fills;
	CHECK_EQ(wincache_read(&c, 0, b, 8), 0);
	CHECK(!memcmp(b, s.p, 8));
	CHECK_EQ(s.fills, f + 1);
	wincache_fini(&c);
	free(s.p);
}

UNIT(bad_init)
{
	struct wincache c;
	struct store s;

	CHECK_EQ(wincache_init(&c, 0, 2, 16, store_fill, &s), -EINVAL);
	CHECK_EQ(wincache_init(&c, 96, 2, 16, store_fill, &s), -EINVAL);   /* not a power of two */
	CHECK_EQ(wincache_init(&c, WIN, 0, 16, store_fill, &s), -EINVAL);
	CHECK_EQ(wincache_init(&c, WIN, 2, 16, NULL, &s), -EINVAL);
}

/* Random reads of random lengths against the store itself, with a cache
 * much smaller than the store: every byte must match. */
UNIT(random_against_model)
{
	struct store s;
	struct wincache c;
	static uint8_t b[5 * WIN];
	uint32_t x = 12345;

	store_init(&s, 40 * WIN + 17);
	CHECK_EQ(wincache_init(&c, WIN, 3, 64, store_fill, &s), 0);
	for (int i = 0; i < 20000; i++) {
		x = x * 1103515245u + 12345u;
		uint64_t off = (x >> 8) % s.n;
		x = x * 1103515245u + 12345u;
		size_t len = (x >> 8) % sizeof(b);
		int rc = wincache_read(&c, off, b, len);

		if (off + len <= s.n) {
			CHECK_EQ(rc, 0);
			if (rc == 0 && memcmp(b, s.p + off, len)) {
				CHECK(!"bytes differ");
				break;
			}
		} else {
			CHECK_EQ(rc, -EIO);
		}
	}
	CHECK(c.n <= 3);
	for (unsigned i = 0; i < c.n; i++)
		CHECK_EQ((uintptr_t)c.win[i].buf % 64, 0);
	CHECK_EQ(c.hits + c.misses > 20000, 1);
	wincache_fini(&c);
	free(s.p);
}

UNIT_MAIN()
