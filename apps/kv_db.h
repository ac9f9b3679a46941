/* SPDX-License-Identifier: MIT */
/* The key-value appliance's table: binary keys to binary values in memory,
 * a chained hash table with a seeded hash (a client choosing keys cannot
 * aim them at one chain without knowing the seed). Pure (apps/kv_db.c):
 * the C library's malloc and nothing else, host unit-tested. Not locked:
 * the caller serialises changes. */
#ifndef APPS_KV_DB_H
#define APPS_KV_DB_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

struct kvent {
	struct kvent *next;
	uint64_t hash;
	uint32_t klen, vlen;
	uint8_t *val;           /* its own allocation: a SET replaces it */
	uint8_t key[];
};

struct kvdb {
	struct kvent **b;       /* nb chains */
	size_t nb;
	size_t n;               /* keys */
	size_t bytes;           /* sum of key and value lengths */
	uint64_t seed;
};

/* An empty table. @return false when out of memory. */
bool kvdb_init(struct kvdb *db, uint64_t seed);
/* Free every entry and the chains. */
void kvdb_destroy(struct kvdb *db);
/* The entry for key, or NULL. */
struct kvent *kvdb_get(const struct kvdb *db, const uint8_t *key, size_t klen);
/* key = val (a copy of each). @return false when out of memory (nothing
 * changed then). */
bool kvdb_set(struct kvdb *db, const uint8_t *key, size_t klen, const uint8_t *val,
	      size_t vlen);
/* @return true when key was there (and is now gone). */
bool kvdb_del(struct kvdb *db, const uint8_t *key, size_t klen);
/* Remove every key (the chains shrink back to their first size). */
void kvdb_clear(struct kvdb *db);
/* Iterate: start with *pos = 0 and prev = NULL; NULL after the last. The
 * table must not change between calls. */
struct kvent *kvdb_next(const struct kvdb *db, size_t *pos, const struct kvent *prev);

#endif
