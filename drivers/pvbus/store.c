// SPDX-License-Identifier: MIT
/* The key-value API over every registered store, with pvbus(4)'s contract
 * (see <drivers/pvbus.h>). Pure logic: backends are reached through their ops
 * only, so the host unit tests drive it with fake stores. The argument checks
 * live here, once, so that no backend sees an empty or oversized key. */
#include <drivers/pvbus.h>
#include <kern/errno.h>
#include <limits.h>
#include <string.h>

static struct pvbus_store *stores;

int pvbus_store_register(struct pvbus_store *s)
{
	struct pvbus_store **pp;

	for (pp = &stores; *pp; pp = &(*pp)->next)
		if (*pp == s || strcmp((*pp)->name, s->name) == 0)
			return -EEXIST;
	s->next = NULL;
	*pp = s;
	return 0;
}

struct pvbus_store *pvbus_store_find(const char *name)
{
	if (!name)
		return stores;
	for (struct pvbus_store *s = stores; s; s = s->next)
		if (strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

/* The checks pvbus(4) leaves to the driver. */
static int check_key(const char *key)
{
	if (!key || key[0] == '\0')
		return -EINVAL;
	if (strnlen(key, PVBUS_KV_MAX) >= PVBUS_KV_MAX)
		return -ENAMETOOLONG;
	return 0;
}

/* Which stores a call visits: one by name, or all. */
static int first_store(const char *name, struct pvbus_store **out)
{
	*out = pvbus_store_find(name);
	return *out ? 0 : -ENXIO;
}

/* Is err a "not here, ask the next store" answer? */
static bool pass_on(int err)
{
	return err == -ENOENT || err == -EOPNOTSUPP;
}

int pvbus_kv_read(const char *store, const char *key, char *val, size_t len)
{
	struct pvbus_store *s;
	int err = check_key(key), ret = -EOPNOTSUPP;

	if (err)
		return err;
	if (!val || len == 0)
		return -ERANGE;
	if ((err = first_store(store, &s)))
		return err;
	/* The length comes back as an int. */
	if (len > INT_MAX)
		len = INT_MAX;
	for (; s; s = store ? NULL : s->next) {
		val[0] = '\0';
		err = s->ops->read(s->ctx, key, val, len);
		if (!pass_on(err))
			return err;
		/* -ENOENT from any store beats -EOPNOTSUPP from another. */
		if (err == -ENOENT)
			ret = err;
	}
	val[0] = '\0';
	return ret;
}

int pvbus_kv_write(const char *store, const char *key, const char *val)
{
	struct pvbus_store *s;
	int err = check_key(key), ret = -EOPNOTSUPP;

	if (err)
		return err;
	if (!val)
		return -EINVAL;
	if (strnlen(val, PVBUS_KV_MAX) >= PVBUS_KV_MAX)
		return -E2BIG;
	if ((err = first_store(store, &s)))
		return err;
	for (; s; s = store ? NULL : s->next) {
		err = s->ops->write(s->ctx, key, val);
		if (err != -EPERM && err != -EOPNOTSUPP)
			return err;
		/* A read-only store is a clearer answer than "can't". */
		if (err == -EPERM)
			ret = err;
	}
	return ret;
}

int pvbus_kv_list(const char *store, const char *prefix, char *buf, size_t len)
{
	struct pvbus_store *s;
	size_t pos = 0;
	bool any = false;
	int err;

	if (!buf || len == 0)
		return -ERANGE;
	if (!prefix)
		prefix = "";
	if (strnlen(prefix, PVBUS_KV_MAX) >= PVBUS_KV_MAX)
		return -ENAMETOOLONG;
	if ((err = first_store(store, &s)))
		return err;
	/* The length comes back as an int. */
	if (len > INT_MAX)
		len = INT_MAX;
	buf[0] = '\0';
	for (; s; s = store ? NULL : s->next) {
		err = s->ops->list(s->ctx, prefix, buf + pos, len - pos);
		if (err == -EOPNOTSUPP || (err == -ENOENT && !store))
			continue;
		if (err < 0) {
			buf[pos] = '\0';
			return err;
		}
		any = true;
		/* Guard against a backend that claims more than it had room
		 * for: its answer must end inside our buffer. */
		if ((size_t)err >= len - pos)
			return -EPROTO;
		pos += (size_t)err;
		buf[pos] = '\0';
	}
	return any ? (int)pos : -EOPNOTSUPP;
}
