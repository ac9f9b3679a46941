/* SPDX-License-Identifier: MIT */
/* A cache of fixed-size windows over a slow byte store (fs/wincache.c). */
#ifndef FS_WINCACHE_H
#define FS_WINCACHE_H
#include <stddef.h>
#include <stdint.h>

/* Fill buf with up to len bytes of the store from base (window-aligned).
 * @return the bytes that exist there (fewer at the store's end), or a
 * negative errno. */
typedef long (*wincache_fill_fn)(void *ctx, uint64_t base, void *buf, size_t len);

struct wincache_win {
	uint8_t *buf;           /* winsz bytes, aligned */
	uint64_t base;          /* store offset of buf[0] */
	size_t len;             /* valid bytes (0: empty) */
	uint64_t used;          /* c->tick at its last use */
};

struct wincache {
	size_t winsz, align;
	unsigned nmax, n;       /* windows allowed, windows allocated */
	struct wincache_win *win;
	uint64_t tick;
	uint64_t hits, misses;  /* window lookups */
	wincache_fill_fn fill;
	void *ctx;
};

/* Up to nmax windows of winsz bytes (a power of two) aligned to align,
 * allocated as reads need them. @return 0, -EINVAL or -ENOMEM. */
int wincache_init(struct wincache *c, size_t winsz, unsigned nmax, size_t align,
		  wincache_fill_fn fill, void *ctx);
void wincache_fini(struct wincache *c);
/* Copy len bytes from off. @return 0, fill's error, -EIO past the end of
 * the store, or -ENOMEM when not even one window could be allocated. */
int wincache_read(struct wincache *c, uint64_t off, void *buf, size_t len);
#endif
