// SPDX-License-Identifier: MIT
/* tarfs (include/fs/tarfs.h): index a ustar image through a read callback.
 * Pure logic: the host unit test mounts good and hostile images from
 * memory. The header layout is POSIX.1-2017's pax "ustar Interchange
 * Format" (XCU pax, "ustar Header Block"). */
#include <fs/tarfs.h>
#include <kern/errno.h>
#include <stdlib.h>
#include <string.h>

/* Field offsets and widths of the ustar header block. */
#define H_NAME      0
#define H_MODE      100
#define H_MTIME     136
#define H_SIZE      124
#define H_CHKSUM    148
#define H_TYPE      156
#define H_MAGIC     257
#define H_PREFIX    345

/* An octal number field: optional leading spaces, digits, then NUL or
 * space or the field's end. @return 0, or -EBADMSG (no digits, other
 * characters, or above 2^40: no ustar size field can say more than 8 GiB,
 * so anything bigger is a lie or base-256, which we don't take). */
static int octal(const uint8_t *f, size_t w, uint64_t *out)
{
	size_t i = 0;
	uint64_t v = 0;
	bool any = false;

	while (i < w && f[i] == ' ')
		i++;
	for (; i < w && f[i] >= '0' && f[i] <= '7'; i++) {
		v = v * 8 + (uint64_t)(f[i] - '0');
		any = true;
		if (v >> 40)
			return -EBADMSG;
	}
	if (!any || (i < w && f[i] != ' ' && f[i] != '\0'))
		return -EBADMSG;
	*out = v;
	return 0;
}

int tar_header_parse(const uint8_t blk[TARFS_BLOCK], struct tar_hdr *h)
{
	uint64_t sum = 0, want, mode = 0, mtime = 0;
	int64_t ssum = 0;
	size_t pl, nl;
	bool zero = true;

	for (size_t i = 0; i < TARFS_BLOCK; i++) {
		uint8_t c = i >= H_CHKSUM && i < H_CHKSUM + 8 ? ' ' : blk[i];

		zero &= blk[i] == 0;
		sum += c;
		ssum += (int8_t)c;   /* some old tars summed signed chars */
	}
	if (zero)
		return 1;
	if (octal(blk + H_CHKSUM, 8, &want) < 0 || (want != sum && (int64_t)want != ssum))
		return -EBADMSG;
	/* "ustar\0" and "00" (POSIX), or "ustar  \0" (old GNU tar). */
	if (memcmp(blk + H_MAGIC, "ustar", 5) || (blk[H_MAGIC + 5] != '\0' && blk[H_MAGIC + 5] != ' '))
		return -EBADMSG;
	if (octal(blk + H_SIZE, 12, &h->size) < 0)
		return -EBADMSG;
	/* mode and mtime are informative: a bad one reads as 0. */
	octal(blk + H_MODE, 8, &mode);
	octal(blk + H_MTIME, 12, &mtime);
	h->mode = (uint32_t)(mode & 07777);
	h->mtime = (int64_t)mtime;
	h->type = (char)blk[H_TYPE];
	/* Neither field need be NUL-terminated. */
	pl = strnlen((const char *)blk + H_PREFIX, 155);
	nl = strnlen((const char *)blk + H_NAME, 100);
	memcpy(h->name, blk + H_PREFIX, pl);
	if (pl)
		h->name[pl++] = '/';
	memcpy(h->name + pl, blk + H_NAME, nl);
	h->name[pl + nl] = '\0';
	return 0;
}

/* Normalise name into out[TARFS_NAME_MAX]: segments joined by single
 * slashes, without "." segments. @return 0, or -EINVAL for a ".." segment. */
static int normalise(const char *name, char *out)
{
	size_t o = 0;
	const char *p = name;

	while (*p) {
		const char *s = p;
		size_t n;

		while (*p && *p != '/')
			p++;
		n = (size_t)(p - s);
		if (*p)
			p++;
		if (n == 0 || (n == 1 && s[0] == '.'))
			continue;
		if (n == 2 && s[0] == '.' && s[1] == '.')
			return -EINVAL;
		if (o)
			out[o++] = '/';
		memcpy(out + o, s, n);   /* fits: the result is never longer than name */
		o += n;
	}
	out[o] = '\0';
	return 0;
}

/* --- The index under construction ----------------------------------------------- */
struct raw {
	size_t name;            /* offset in the pool */
	struct tarfs_ent e;
	int seq;                /* archive order; -1 for implied directories */
};

struct build {
	struct raw *r;
	unsigned n, cap;
	char *pool;
	size_t used, pool_cap;
	char last[TARFS_NAME_MAX];   /* the path whose parents were added last */
};

static int add(struct build *b, const char *path, const struct tarfs_ent *e, int seq)
{
	size_t len = strlen(path) + 1;

	if (b->n == TARFS_MAX_ENTRIES)
		return -ENOSPC;
	if (b->n == b->cap) {
		unsigned cap = b->cap ? b->cap * 2 : 64;
		struct raw *r = realloc(b->r, cap * sizeof(*r));

		if (!r)
			return -ENOMEM;
		b->r = r;
		b->cap = cap;
	}
	if (b->used + len > b->pool_cap) {
		size_t cap = b->pool_cap ? b->pool_cap * 2 : 4096;
		char *p;

		while (cap < b->used + len)
			cap *= 2;
		if (!(p = realloc(b->pool, cap)))
			return -ENOMEM;
		b->pool = p;
		b->pool_cap = cap;
	}
	memcpy(b->pool + b->used, path, len);
	b->r[b->n] = (struct raw){ .name = b->used, .e = *e, .seq = seq };
	b->r[b->n].e.path = NULL;
	b->used += len;
	b->n++;
	return 0;
}

/* The directories above path ("a" and "a/b" for "a/b/c"), but not those
 * the previous path had too: files of a directory usually come together,
 * and duplicates would count against the entry limit. */
static int add_parents(struct build *b, const char *path)
{
	char dir[TARFS_NAME_MAX];
	const struct tarfs_ent d = { .dir = true, .mode = 0755 };

	for (const char *s = strchr(path, '/'); s; s = strchr(s + 1, '/')) {
		size_t n = (size_t)(s - path);
		int rc;

		if (!strncmp(b->last, path, n) && b->last[n] == '/')
			continue;
		memcpy(dir, path, n);
		dir[n] = '\0';
		if ((rc = add(b, dir, &d, -1)) < 0)
			return rc;
	}
	strcpy(b->last, path);
	return 0;
}

static const char *sort_pool;

/* By path, then archive order. */
static int raw_cmp(const void *a, const void *b)
{
	const struct raw *x = a, *y = b;
	int c = strcmp(sort_pool + x->name, sort_pool + y->name);

	return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

/* --- Mount ------------------------------------------------------------------------- */
static int scan(struct build *b, struct tarfs *fs, uint8_t *blk)
{
	uint64_t off = 0;
	unsigned zeros = 0;
	int seq = 0, rc;
	char path[TARFS_NAME_MAX];
	struct tar_hdr h;

	while (fs->image_size - off >= TARFS_BLOCK) {
		if ((rc = fs->read(fs->ctx, off, blk, TARFS_BLOCK)) < 0)
			return seq ? (fs->end = rc, 0) : rc;
		rc = tar_header_parse(blk, &h);
		if (rc == 1) {
			if (!seq)
				return -EBADMSG;   /* an empty or blank disk */
			off += TARFS_BLOCK;
			if (++zeros == 2)
				return 0;
			continue;
		}
		zeros = 0;
		if (rc < 0) {
			if (!seq)
				return rc;
			fs->end = rc;
			return 0;
		}
		uint64_t data = off + TARFS_BLOCK;

		/* Never trust the size: the data must lie inside the image. */
		if (h.size > fs->image_size - data) {
			fs->end = -EBADMSG;
			return 0;
		}
		seq++;
		off = data + ((h.size + TARFS_BLOCK - 1) & ~(uint64_t)(TARFS_BLOCK - 1));
		if (off > fs->image_size)
			off = fs->image_size;   /* the last file's padding is missing */

		bool file = h.type == '0' || h.type == '\0' || h.type == '7';
		bool dir = h.type == '5';

		if ((!file && !dir) || normalise(h.name, path) < 0 || (file && !path[0])) {
			fs->skipped++;
			continue;
		}
		struct tarfs_ent e = {
			.off = data, .size = file ? h.size : 0, .mtime = h.mtime,
			.mode = h.mode, .dir = dir,
		};

		if ((rc = add(b, path, &e, seq)) < 0 || (rc = add_parents(b, path)) < 0) {
			fs->end = rc;
			fs->skipped++;
			return 0;
		}
		if (file)
			fs->data_bytes += h.size;
	}
	return seq ? 0 : -EBADMSG;   /* not even one header */
}

int tarfs_mount(struct tarfs *fs, tarfs_read_fn read, void *ctx, uint64_t size)
{
	struct build b = { 0 };
	const struct tarfs_ent root = { .dir = true, .mode = 0755 };
	uint8_t *blk = malloc(TARFS_BLOCK);
	int rc;

	memset(fs, 0, sizeof(*fs));
	fs->read = read;
	fs->ctx = ctx;
	fs->image_size = size;
	if (!blk)
		return -ENOMEM;
	rc = add(&b, "", &root, -1);
	if (!rc)
		rc = scan(&b, fs, blk);
	free(blk);
	if (rc < 0) {
		free(b.r);
		free(b.pool);
		memset(fs, 0, sizeof(*fs));
		return rc;
	}
	/* Sort, then keep the last of each name (tar's append rule; an
	 * implied directory sorts before any real entry of its name). */
	sort_pool = b.pool;
	qsort(b.r, b.n, sizeof(*b.r), raw_cmp);
	fs->ent = malloc((b.n ? b.n : 1) * sizeof(*fs->ent));
	if (!fs->ent) {
		free(b.r);
		free(b.pool);
		memset(fs, 0, sizeof(*fs));
		return -ENOMEM;
	}
	for (unsigned i = 0; i < b.n; i++) {
		if (i + 1 < b.n && !strcmp(b.pool + b.r[i].name, b.pool + b.r[i + 1].name))
			continue;
		fs->ent[fs->n] = b.r[i].e;
		fs->ent[fs->n].path = b.pool + b.r[i].name;
		fs->n++;
	}
	/* The root sorts first; a file called "" can't exist (skipped above). */
	fs->ent[0].dir = true;
	fs->names = b.pool;
	free(b.r);
	return 0;
}

void tarfs_unmount(struct tarfs *fs)
{
	free(fs->ent);
	free(fs->names);
	memset(fs, 0, sizeof(*fs));
}

/* The first index whose path is >= key (n if none). */
static unsigned lower_bound(const struct tarfs *fs, const char *key, size_t kn)
{
	unsigned lo = 0, hi = fs->n;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		const char *p = fs->ent[mid].path;

		if (strncmp(p, key, kn) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct tarfs_ent *tarfs_lookup(const struct tarfs *fs, const char *path)
{
	size_t n;

	if (!fs->n)
		return NULL;
	while (*path == '/')
		path++;
	n = strlen(path);
	while (n && path[n - 1] == '/')
		n--;
	if (n >= TARFS_NAME_MAX)
		return NULL;
	unsigned lo = 0, hi = fs->n;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		const char *p = fs->ent[mid].path;
		int c = strncmp(p, path, n);

		if (c == 0 && p[n])
			c = 1;   /* p is longer: after path */
		if (c == 0)
			return &fs->ent[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct tarfs_ent *tarfs_next_child(const struct tarfs *fs, const struct tarfs_ent *dir,
					 const struct tarfs_ent *prev)
{
	size_t dl;
	unsigned i;

	if (!dir || !dir->dir || dir < fs->ent || dir >= fs->ent + fs->n)
		return NULL;
	dl = strlen(dir->path);
	if (prev)
		i = (unsigned)(prev - fs->ent) + 1;
	else
		i = dl ? lower_bound(fs, dir->path, dl) : 1;
	for (; i < fs->n; i++) {
		const char *p = fs->ent[i].path;

		if (dl) {
			/* children of "a" are "a/x": contiguous after "a" in order */
			int c = strncmp(p, dir->path, dl);

			if (c > 0)
				return NULL;
			if (c < 0 || p[dl] != '/') {
				if (p[dl] > '/')
					return NULL;   /* "a0..." sorts after every "a/..." */
				continue;
			}
			p += dl + 1;
		}
		if (*p && !strchr(p, '/'))
			return &fs->ent[i];
	}
	return NULL;
}

long tarfs_read(const struct tarfs *fs, const struct tarfs_ent *e, uint64_t off, void *buf,
		size_t len)
{
	int rc;

	if (e->dir)
		return -EINVAL;
	if (off >= e->size)
		return 0;
	if (len > e->size - off)
		len = (size_t)(e->size - off);
	if (len > (size_t)1 << 30)
		len = (size_t)1 << 30;
	rc = fs->read(fs->ctx, e->off + off, buf, len);
	return rc < 0 ? rc : (long)len;
}
