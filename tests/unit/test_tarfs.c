// SPDX-License-Identifier: MIT
/* fs/tarfs.c on the host: good archives, hostile ones (bad checksums,
 * sizes past the end, bad numbers, ".." names, truncation, base-256), and
 * random corruption of a good one. Images live in exactly sized heap
 * buffers, and the read callback checks every request against the image. */
#include "unit.h"
#include <fs/tarfs.h>
#include <kern/errno.h>
#include <stdint.h>

struct img {
	uint8_t *p;
	size_t n, cap;
};

static int mem_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	struct img *m = ctx;

	if (off > m->n || len > m->n - off) {
		printf("#   read past the image: %llu+%zu of %zu\n", (unsigned long long)off, len, m->n);
		abort();
	}
	memcpy(buf, m->p + off, len);
	return 0;
}

static void put(struct img *m, const void *p, size_t n)
{
	if (!n)
		return;
	if (m->n + n > m->cap) {
		m->cap = (m->n + n) * 2;
		m->p = realloc(m->p, m->cap);
	}
	memcpy(m->p + m->n, p, n);
	m->n += n;
}

static void header(uint8_t h[512], const char *name, const char *prefix, char type, size_t size)
{
	unsigned sum = 0;

	memset(h, 0, 512);
	strncpy((char *)h, name, 100);
	snprintf((char *)h + 100, 8, "%07o", 0644);
	snprintf((char *)h + 108, 8, "%07o", 0);
	snprintf((char *)h + 116, 8, "%07o", 0);
	snprintf((char *)h + 124, 12, "%011zo", size);
	snprintf((char *)h + 136, 12, "%011o", 784111777);
	h[156] = (uint8_t)type;
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	if (prefix)
		strncpy((char *)h + 345, prefix, 155);
	memset(h + 148, ' ', 8);
	for (int i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
}

static void entry(struct img *m, const char *name, const char *prefix, char type,
		  const char *data)
{
	uint8_t h[512], pad[512] = { 0 };
	size_t n = data ? strlen(data) : 0;

	header(h, name, prefix, type, n);
	put(m, h, 512);
	put(m, data, n);
	put(m, pad, (512 - n % 512) % 512);
}

static void finish(struct img *m)
{
	uint8_t z[1024] = { 0 };

	put(m, z, sizeof(z));
	/* exactly sized, so ASan sees any overread */
	uint8_t *p = malloc(m->n);

	memcpy(p, m->p, m->n);
	free(m->p);
	m->p = p;
	m->cap = m->n;
}

static struct img good(void)
{
	struct img m = { 0 };

	entry(&m, "./", NULL, '5', NULL);
	entry(&m, "./index.html", NULL, '0', "<h1>hi</h1>\n");
	entry(&m, "a/b/c.txt", NULL, '0', "deep");
	entry(&m, "d/", NULL, '5', NULL);
	entry(&m, "d/link", NULL, '2', NULL);
	entry(&m, "../evil", NULL, '0', "no");
	entry(&m, "a.txt", NULL, '0', "first");
	entry(&m, "x.bin", "long/prefix", '0', "0123456789");
	entry(&m, "a.txt", NULL, '0', "second");
	entry(&m, "empty", NULL, '\0', "");
	finish(&m);
	return m;
}

UNIT(good_archive)
{
	struct img m = good();
	struct tarfs fs;
	const struct tarfs_ent *e, *root;
	char buf[32];

	CHECK_EQ(tarfs_mount(&fs, mem_read, &m, m.n), 0);
	CHECK_EQ(fs.end, 0);
	CHECK_EQ(fs.skipped, 2);     /* the link and ../evil */
	root = tarfs_lookup(&fs, "/");
	CHECK(root && root->dir && root == &fs.ent[0]);
	CHECK(tarfs_lookup(&fs, "") == root);
	e = tarfs_lookup(&fs, "/index.html");
	CHECK(e && !e->dir && e->size == 12 && e->mtime == 784111777 && e->mode == 0644);
	CHECK_EQ(tarfs_read(&fs, e, 0, buf, sizeof(buf)), 12);
	CHECK(!memcmp(buf, "<h1>hi</h1>\n", 12));
	CHECK_EQ(tarfs_read(&fs, e, 4, buf, 2), 2);
	CHECK(!memcmp(buf, "hi", 2));
	CHECK_EQ(tarfs_read(&fs, e, 12, buf, 2), 0);
	CHECK_EQ(tarfs_read(&fs, e, 1000, buf, 2), 0);
	e = tarfs_lookup(&fs, "a.txt");
	CHECK(e && e->size == 6);    /* the later one */
	CHECK((e = tarfs_lookup(&fs, "a")) && e->dir);       /* implied */
	CHECK((e = tarfs_lookup(&fs, "a/b/")) && e->dir);
	CHECK((e = tarfs_lookup(&fs, "long/prefix/x.bin")) && e->size == 10);
	CHECK((e = tarfs_lookup(&fs, "empty")) && e->size == 0);
	CHECK(tarfs_lookup(&fs, "a/b/c") == NULL);
	CHECK(tarfs_lookup(&fs, "evil") == NULL);
	CHECK(tarfs_lookup(&fs, "d/link") == NULL);
	CHECK(tarfs_read(&fs, tarfs_lookup(&fs, "d"), 0, buf, 1) == -EINVAL);

	/* the root lists a, a.txt, d, empty, index.html, long (in order) */
	const char *want[] = { "a", "a.txt", "d", "empty", "index.html", "long" };
	int k = 0;

	for (e = tarfs_next_child(&fs, root, NULL); e; e = tarfs_next_child(&fs, root, e), k++)
		if (k < 6)
			CHECK_STR(e->path, want[k]);
	CHECK_EQ(k, 6);
	e = tarfs_lookup(&fs, "a");
	const struct tarfs_ent *c = tarfs_next_child(&fs, e, NULL);

	CHECK(c && !strcmp(c->path, "a/b") && !tarfs_next_child(&fs, e, c));
	CHECK(tarfs_next_child(&fs, tarfs_lookup(&fs, "d"), NULL) == NULL);
	CHECK(tarfs_next_child(&fs, tarfs_lookup(&fs, "a.txt"), NULL) == NULL);
	tarfs_unmount(&fs);
	free(m.p);
}

UNIT(not_a_tar)
{
	struct tarfs fs;
	struct img m = { 0 };
	uint8_t z[2048] = { 0 };

	put(&m, z, sizeof(z));
	CHECK_EQ(tarfs_mount(&fs, mem_read, &m, m.n), -EBADMSG);      /* blank disk */
	memcpy(m.p, "hello world", 11);
	CHECK_EQ(tarfs_mount(&fs, mem_read, &m, m.n), -EBADMSG);
	CHECK_EQ(tarfs_mount(&fs, mem_read, &m, 100), -EBADMSG);      /* shorter than a block */
	free(m.p);

	m = good();
	m.p[148] ^= 1;                   /* checksum of the first header */
	CHECK_EQ(tarfs_mount(&fs, mem_read, &m, m.n), -EBADMSG);
	free(m.p);
	m = good();
	memcpy(m.p + 257, "ustaR", 5);   /* magic (checksum fixed below) */
	{
		unsigned sum = 0;

		memset(m.p + 148, ' ', 8);
		for (int i = 0; i < 512; i++)
			sum += m.p[i];
		snprintf((char *)m.p + 148, 8, "%06o", sum);
	}
	CHECK_EQ(tarfs_mount(&fs, mem_read, &m, m.n), -EBADMSG);
	free(m.p);
}

UNIT(hostile_sizes)
{
	struct tarfs fs;
	struct img m = { 0 };
	uint8_t h[512];

	/* a good file, then one claiming 8 GiB */
	entry(&m, "ok.txt", NULL, '0', "fine");
	header(h, "huge", NULL, '0', 0);
	snprintf((char *)h + 124, 12, "%011llo", 077777777777ull);
	{
		unsigned sum = 0;

		memset(h + 148, ' ', 8);
		for (int i = 0; i < 512; i++)
			sum += h[i];
		snprintf((char *)h + 148, 8, "%06o", sum);
	}
	put(&m, h, 512);
	finish(&m);
	CHECK_EQ(tarfs_mount(&fs, mem_read, &m, m.n), 0);
	CHECK_EQ(fs.end, -EBADMSG);
	CHECK(tarfs_lookup(&fs, "ok.txt") != NULL);
	CHECK(tarfs_lookup(&fs, "huge") == NULL);
	tarfs_unmount(&fs);
	free(m.p);

	/* base-256 size (GNU), a size with junk, and a truncated image */
	m = (struct img){ 0 };
	entry(&m, "ok.txt", NULL, '0', "fine");
	header(h, "b256", NULL, '0', 0);
	memset(h + 124, 0, 12);
	h[124] = 0x80;
	h[135] = 1;
	{
		unsigned sum = 0;

		memset(h + 148, ' ', 8);
		for (int i = 0; i < 512; i++)
			sum += h[i];
		snprintf((char *)h + 148, 8, "%06o", sum);
	}
	put(&m, h, 512);
	finish(&m);
	CHECK_EQ(tarfs_mount(&fs, mem_read, &m, m.n), 0);
	CHECK_EQ(fs.end, -EBADMSG);
	CHECK_EQ(fs.n, 2);
	tarfs_unmount(&fs);
	/* the same image cut inside the first file's data: not served */
	CHECK_EQ(tarfs_mount(&fs, mem_read, &m, 514), 0);
	CHECK(tarfs_lookup(&fs, "ok.txt") == NULL);
	CHECK_EQ(fs.end, -EBADMSG);
	tarfs_unmount(&fs);
	/* cut in its padding, or in the next header: the file is whole */
	CHECK_EQ(tarfs_mount(&fs, mem_read, &m, 516), 0);
	CHECK(tarfs_lookup(&fs, "ok.txt") != NULL);
	tarfs_unmount(&fs);
	CHECK_EQ(tarfs_mount(&fs, mem_read, &m, 1100), 0);
	CHECK(tarfs_lookup(&fs, "ok.txt") != NULL);
	tarfs_unmount(&fs);
	free(m.p);
}

UNIT(entry_limit)
{
	struct tarfs fs;
	struct img m = { 0 };
	char name[32];

	for (int i = 0; i < TARFS_MAX_ENTRIES + 10; i++) {
		snprintf(name, sizeof(name), "d%d/f", i);
		entry(&m, name, NULL, '0', "");
	}
	finish(&m);
	CHECK_EQ(tarfs_mount(&fs, mem_read, &m, m.n), 0);
	CHECK_EQ(fs.end, -ENOSPC);
	CHECK(fs.n <= TARFS_MAX_ENTRIES);
	CHECK(tarfs_lookup(&fs, "d0/f") != NULL);
	tarfs_unmount(&fs);
	free(m.p);
}

static uint64_t rng = 42;
static unsigned rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)rng;
}

UNIT(corruption_fuzz)
{
	struct img base = good();

	for (int it = 0; it < 20000; it++) {
		struct img m = { malloc(base.n), base.n, base.n };
		struct tarfs fs;

		memcpy(m.p, base.p, base.n);
		for (int k = 1 + rnd() % 8; k > 0; k--)
			m.p[rnd() % m.n] = (uint8_t)(rnd() % 3 ? rnd() : (unsigned char)"0 7\0/."[rnd() % 6]);
		uint64_t size = rnd() % 4 ? m.n : rnd() % m.n;

		if (tarfs_mount(&fs, mem_read, &m, size) == 0) {
			CHECK(fs.n >= 1 && fs.ent[0].dir && fs.ent[0].path[0] == '\0');
			for (unsigned i = 0; i < fs.n; i++) {
				const struct tarfs_ent *e = &fs.ent[i];
				char buf[16];

				CHECK(e->dir || e->off + e->size <= size);
				CHECK(!strstr(e->path, "..") || strstr(e->path, "..") != e->path);
				CHECK(tarfs_lookup(&fs, e->path) == e);
				if (!e->dir)
					tarfs_read(&fs, e, rnd() % 16, buf, sizeof(buf));
				for (const struct tarfs_ent *c = tarfs_next_child(&fs, e, NULL); c;
				     c = tarfs_next_child(&fs, e, c))
					CHECK(c > fs.ent && c < fs.ent + fs.n);
			}
			tarfs_unmount(&fs);
		}
		free(m.p);
	}
	free(base.p);
}

UNIT_MAIN()
