// SPDX-License-Identifier: MIT
/* Host tests for the pvbus key-value API (drivers/pvbus/store.c): pvbus(4)'s
 * error contract, checked once in the core, and how calls fall through
 * several stores. Fake stores stand in for the backends. */
#include <drivers/pvbus.h>
#include <kern/errno.h>
#include "unit.h"

struct fake {
	const char *key, *val;   /* the one key it has */
	int read_err;            /* forced answer, 0 = behave */
	int write_ret;
	const char *list;        /* NULL: -EOPNOTSUPP */
	int reads, writes;
};

static int f_read(void *ctx, const char *key, char *val, size_t len)
{
	struct fake *f = ctx;
	size_t n;

	f->reads++;
	if (f->read_err)
		return f->read_err;
	if (!f->key || strcmp(key, f->key) != 0)
		return -ENOENT;
	n = strlen(f->val);
	if (n + 1 > len)
		return -ERANGE;
	memcpy(val, f->val, n + 1);
	return (int)n;
}

static int f_write(void *ctx, const char *key, const char *val)
{
	struct fake *f = ctx;

	(void)key;
	(void)val;
	f->writes++;
	return f->write_ret;
}

static int f_list(void *ctx, const char *prefix, char *buf, size_t len)
{
	struct fake *f = ctx;
	size_t n;

	(void)prefix;
	if (!f->list)
		return -EOPNOTSUPP;
	n = strlen(f->list);
	if (n + 1 > len)
		return -ERANGE;
	memcpy(buf, f->list, n + 1);
	return (int)n;
}

static void f_desc(void *ctx, char *buf, size_t len)
{
	(void)ctx;
	snprintf(buf, len, "fake");
}

static const struct pvbus_store_ops fops = { f_read, f_write, f_list, f_desc };

static struct fake fa = { "a/key", "alpha", 0, -EPERM, "a/key\n", 0, 0 };
static struct fake fb = { "b/key", "beta", 0, 0, NULL, 0, 0 };
static struct fake fc = { NULL, NULL, -EOPNOTSUPP, -EOPNOTSUPP, "c1\nc2\n", 0, 0 };
static struct pvbus_store sa = { "ro", &fops, &fa, NULL };
static struct pvbus_store sb = { "rw", &fops, &fb, NULL };
static struct pvbus_store sc = { "dumb", &fops, &fc, NULL };

static char big[PVBUS_KV_MAX + 16];

/* One sequence, because the registry only grows. */
UNIT(store_contract)
{
	char val[64];

	/* Nothing registered: -ENXIO for everything well-formed. */
	CHECK_EQ(pvbus_kv_read(NULL, "k", val, sizeof(val)), -ENXIO);
	CHECK_EQ(pvbus_kv_write(NULL, "k", "v"), -ENXIO);
	CHECK_EQ(pvbus_kv_list(NULL, NULL, val, sizeof(val)), -ENXIO);
	/* Argument errors come before the store lookup. */
	CHECK_EQ(pvbus_kv_read(NULL, "", val, sizeof(val)), -EINVAL);

	CHECK_EQ(pvbus_store_register(&sc), 0);
	CHECK_EQ(pvbus_store_register(&sa), 0);
	CHECK_EQ(pvbus_store_register(&sb), 0);
	CHECK_EQ(pvbus_store_register(&sa), -EEXIST);
	CHECK(pvbus_store_find(NULL) == &sc);
	CHECK(pvbus_store_find("rw") == &sb);
	CHECK(pvbus_store_find("nope") == NULL);

	/* Keys. */
	CHECK_EQ(pvbus_kv_read(NULL, NULL, val, sizeof(val)), -EINVAL);
	CHECK_EQ(pvbus_kv_read(NULL, "", val, sizeof(val)), -EINVAL);
	CHECK_EQ(pvbus_kv_write(NULL, "", "v"), -EINVAL);
	memset(big, 'k', PVBUS_KV_MAX);
	big[PVBUS_KV_MAX] = '\0';
	CHECK_EQ(pvbus_kv_read(NULL, big, val, sizeof(val)), -ENAMETOOLONG);
	CHECK_EQ(pvbus_kv_write(NULL, big, "v"), -ENAMETOOLONG);
	big[PVBUS_KV_MAX - 1] = '\0';       /* 65535 characters: allowed */
	CHECK_EQ(pvbus_kv_read(NULL, big, val, sizeof(val)), -ENOENT);
	/* Values. */
	big[PVBUS_KV_MAX - 1] = 'k';
	CHECK_EQ(pvbus_kv_write("rw", "b/key", big), -E2BIG);
	CHECK_EQ(pvbus_kv_write("rw", "b/key", NULL), -EINVAL);

	/* Buffers. */
	CHECK_EQ(pvbus_kv_read(NULL, "a/key", val, 0), -ERANGE);
	CHECK_EQ(pvbus_kv_read(NULL, "a/key", NULL, 8), -ERANGE);
	CHECK_EQ(pvbus_kv_read(NULL, "a/key", val, 5), -ERANGE);
	CHECK_EQ(pvbus_kv_read(NULL, "a/key", val, 6), 5);
	CHECK_STR(val, "alpha");

	/* Reads fall through -EOPNOTSUPP and -ENOENT to the store that has
	 * the key; -ENOENT wins over -EOPNOTSUPP at the end. */
	CHECK_EQ(pvbus_kv_read(NULL, "b/key", val, sizeof(val)), 4);
	CHECK_STR(val, "beta");
	CHECK_EQ(pvbus_kv_read(NULL, "zz", val, sizeof(val)), -ENOENT);
	CHECK_STR(val, "");
	CHECK_EQ(pvbus_kv_read("dumb", "zz", val, sizeof(val)), -EOPNOTSUPP);
	CHECK_EQ(pvbus_kv_read("ro", "b/key", val, sizeof(val)), -ENOENT);
	CHECK_EQ(pvbus_kv_read("nope", "b/key", val, sizeof(val)), -ENXIO);

	/* Writes go to the first store that takes them. */
	fb.writes = 0;
	CHECK_EQ(pvbus_kv_write(NULL, "x", "y"), 0);
	CHECK_EQ(fb.writes, 1);
	CHECK_EQ(pvbus_kv_write("ro", "x", "y"), -EPERM);
	CHECK_EQ(pvbus_kv_write("dumb", "x", "y"), -EOPNOTSUPP);
	/* Only read-only and incapable stores: -EPERM. */
	fb.write_ret = -EPERM;
	CHECK_EQ(pvbus_kv_write(NULL, "x", "y"), -EPERM);
	fb.write_ret = 0;

	/* Listing joins what every capable store has. */
	CHECK_EQ(pvbus_kv_list(NULL, "", val, sizeof(val)), 12);
	CHECK_STR(val, "c1\nc2\na/key\n");
	CHECK_EQ(pvbus_kv_list("rw", "", val, sizeof(val)), -EOPNOTSUPP);
	CHECK_EQ(pvbus_kv_list(NULL, "", val, 8), -ERANGE);
	CHECK_EQ(pvbus_kv_list(NULL, "", val, 0), -ERANGE);

	/* A backend error that is not "not here" stops the walk. */
	fc.read_err = -EIO;
	CHECK_EQ(pvbus_kv_read(NULL, "b/key", val, sizeof(val)), -EIO);
	fc.read_err = -EOPNOTSUPP;
}

UNIT_MAIN()
