// SPDX-License-Identifier: MIT
/* A small cache of fixed-size, aligned windows over a slow byte store (a
 * block device under tarfs). Reads are served from whichever window holds
 * the bytes; a miss fills a new window while fewer than nmax exist and
 * their memory can be had, else the least recently used one. Windows are
 * allocated on first need, so a cache that is never read costs nothing.
 *
 * Why more than one window: a file rarely starts on a window boundary, so
 * a 64 KiB file spans two 64 KiB windows, and with one window every
 * request for it read both from the disk again (and two connections on two
 * files evicted each other on every chunk).
 *
 * No locking and no kernel calls besides the allocator: the caller holds
 * its own lock around wincache_read, and the host unit test
 * (tests/unit/test_wincache.c) runs it under ASan. */
#include <fs/wincache.h>
#include <kern/errno.h>
#include <stdlib.h>
#include <string.h>

int wincache_init(struct wincache *c, size_t winsz, unsigned nmax, size_t align,
		  wincache_fill_fn fill, void *ctx)
{
	memset(c, 0, sizeof(*c));
	/* Windows are aligned in the store by their size: a power of two. */
	if (!winsz || (winsz & (winsz - 1)) || !nmax || !fill)
		return -EINVAL;
	if (!(c->win = calloc(nmax, sizeof(*c->win))))
		return -ENOMEM;
	c->winsz = winsz;
	c->nmax = nmax;
	c->align = align < 16 ? 16 : align;
	c->fill = fill;
	c->ctx = ctx;
	return 0;
}

void wincache_fini(struct wincache *c)
{
	for (unsigned i = 0; i < c->n; i++)
		free(c->win[i].buf);
	free(c->win);
	memset(c, 0, sizeof(*c));
}

/* The window to fill for a miss: a new one while allowed and the heap has
 * room, else the least recently used. NULL only with no window at all. */
static struct wincache_win *victim(struct wincache *c)
{
	if (c->n < c->nmax) {
		uint8_t *buf = aligned_alloc(c->align, c->winsz);

		if (buf) {
			struct wincache_win *w = &c->win[c->n++];

			w->buf = buf;
			w->len = 0;
			return w;
		}
	}
	struct wincache_win *lru = NULL;

	for (unsigned i = 0; i < c->n; i++)
		if (!lru || c->win[i].used < lru->used)
			lru = &c->win[i];
	return lru;
}

static struct wincache_win *lookup(struct wincache *c, uint64_t off)
{
	for (unsigned i = 0; i < c->n; i++) {
		struct wincache_win *w = &c->win[i];

		if (w->len && off >= w->base && off - w->base < w->len)
			return w;
	}
	return NULL;
}

int wincache_read(struct wincache *c, uint64_t off, void *buf, size_t len)
{
	uint8_t *out = buf;

	while (len) {
		struct wincache_win *w = lookup(c, off);

		if (w) {
			c->hits++;
		} else {
			uint64_t base = off & ~(uint64_t)(c->winsz - 1);
			long got;

			if (!(w = victim(c)))
				return -ENOMEM;
			c->misses++;
			w->len = 0;     /* invalid until filled */
			got = c->fill(c->ctx, base, w->buf, c->winsz);
			if (got < 0)
				return (int)got;
			if ((size_t)got > c->winsz)
				return -EIO;
			w->base = base;
			w->len = (size_t)got;
			if (off - base >= w->len)
				return -EIO;    /* past the end of the store */
		}
		w->used = ++c->tick;

		size_t at = (size_t)(off - w->base), n = w->len - at;

		if (n > len)
			n = len;
		memcpy(out, w->buf + at, n);
		out += n;
		off += n;
		len -= n;
	}
	return 0;
}
