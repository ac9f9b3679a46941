// SPDX-License-Identifier: MIT
/* The key-value table (apps/kv_db.h). */
#include "kv_db.h"
#include <stdlib.h>
#include <string.h>

#define KVDB_FIRST 64           /* chains of an empty table */

/* A byte-wise multiply-xorshift hash from a seed, with a final avalanche
 * (the mixer of SplitMix64). */
static uint64_t hash(const struct kvdb *db, const uint8_t *k, size_t n)
{
	uint64_t h = db->seed ^ (n * 0x9E3779B97F4A7C15ull);

	for (size_t i = 0; i < n; i++)
		h = (h ^ k[i]) * 0x100000001B3ull + (h >> 29);
	h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ull;
	h = (h ^ (h >> 27)) * 0x94D049BB133111EBull;
	return h ^ (h >> 31);
}

bool kvdb_init(struct kvdb *db, uint64_t seed)
{
	memset(db, 0, sizeof(*db));
	db->seed = seed;
	db->b = calloc(KVDB_FIRST, sizeof(*db->b));
	if (!db->b)
		return false;
	db->nb = KVDB_FIRST;
	return true;
}

static void free_chains(struct kvdb *db)
{
	for (size_t i = 0; i < db->nb; i++) {
		struct kvent *e = db->b[i], *next;
		for (; e; e = next) {
			next = e->next;
			free(e->val);
			free(e);
		}
		db->b[i] = NULL;
	}
	db->n = db->bytes = 0;
}

void kvdb_destroy(struct kvdb *db)
{
	free_chains(db);
	free(db->b);
	db->b = NULL;
	db->nb = 0;
}

void kvdb_clear(struct kvdb *db)
{
	struct kvent **b;

	free_chains(db);
	if (db->nb != KVDB_FIRST && (b = calloc(KVDB_FIRST, sizeof(*b)))) {
		free(db->b);
		db->b = b;
		db->nb = KVDB_FIRST;
	}
}

static struct kvent **slot(const struct kvdb *db, const uint8_t *key, size_t klen, uint64_t h)
{
	struct kvent **pp = &db->b[h & (db->nb - 1)];

	for (; *pp; pp = &(*pp)->next)
		if ((*pp)->hash == h && (*pp)->klen == klen && !memcmp((*pp)->key, key, klen))
			break;
	return pp;
}

struct kvent *kvdb_get(const struct kvdb *db, const uint8_t *key, size_t klen)
{
	return *slot(db, key, klen, hash(db, key, klen));
}

/* Double the chains (at a load of one key per chain). Failing to is no
 * error: the chains just grow longer. */
static void grow(struct kvdb *db)
{
	size_t nb = db->nb * 2;
	struct kvent **b = calloc(nb, sizeof(*b));

	if (!b)
		return;
	for (size_t i = 0; i < db->nb; i++) {
		struct kvent *e = db->b[i], *next;
		for (; e; e = next) {
			next = e->next;
			e->next = b[e->hash & (nb - 1)];
			b[e->hash & (nb - 1)] = e;
		}
	}
	free(db->b);
	db->b = b;
	db->nb = nb;
}

bool kvdb_set(struct kvdb *db, const uint8_t *key, size_t klen, const uint8_t *val,
	      size_t vlen)
{
	uint64_t h = hash(db, key, klen);
	struct kvent **pp = slot(db, key, klen, h), *e = *pp;
	uint8_t *v = malloc(vlen ? vlen : 1);

	if (!v)
		return false;
	if (vlen)
		memcpy(v, val, vlen);
	if (e) {
		db->bytes = db->bytes - e->vlen + vlen;
		free(e->val);
		e->val = v;
		e->vlen = (uint32_t)vlen;
		return true;
	}
	e = malloc(sizeof(*e) + klen);
	if (!e) {
		free(v);
		return false;
	}
	e->hash = h;
	e->klen = (uint32_t)klen;
	e->vlen = (uint32_t)vlen;
	e->val = v;
	memcpy(e->key, key, klen);
	e->next = NULL;
	*pp = e;
	db->n++;
	db->bytes += klen + vlen;
	if (db->n > db->nb)
		grow(db);
	return true;
}

bool kvdb_del(struct kvdb *db, const uint8_t *key, size_t klen)
{
	struct kvent **pp = slot(db, key, klen, hash(db, key, klen)), *e = *pp;

	if (!e)
		return false;
	*pp = e->next;
	db->n--;
	db->bytes -= e->klen + e->vlen;
	free(e->val);
	free(e);
	return true;
}

struct kvent *kvdb_next(const struct kvdb *db, size_t *pos, const struct kvent *prev)
{
	if (prev && prev->next)
		return prev->next;
	if (prev)
		(*pos)++;
	for (; *pos < db->nb; (*pos)++)
		if (db->b[*pos])
			return db->b[*pos];
	return NULL;
}
