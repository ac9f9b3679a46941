/* SPDX-License-Identifier: MIT */
/* tarfs: a read-only file tree from a plain tar (POSIX ustar) image, as
 * tools/mktar.py or `tar --format=ustar` writes it, on a disk or in memory.
 *
 * Mounting reads every header once (fs/tarfs.c, pure logic over a read
 * callback, host unit-tested with hostile archives) and keeps a sorted
 * index in memory: paths, sizes, modes, times and where each file's data
 * lies. Nothing in the image is trusted: each header's checksum is
 * checked, numbers are parsed with bounds, a size reaching past the end of
 * the image ends the scan, names are normalised ("./a//b" is "a/b") and a
 * name with a ".." segment or a NUL is skipped. Directories that files
 * imply but the archive does not list exist too. A later entry of the same
 * name replaces an earlier one (tar's append rule).
 *
 * Types kept: regular files ('0', NUL, and '7') and directories ('5');
 * links, devices, pax and GNU extension headers are skipped (their data
 * too). Limits: TARFS_MAX_ENTRIES entries and names of TARFS_NAME_MAX
 * bytes (ustar's prefix/name).
 *
 * Errors are negative errno values. The index is immutable after mount, so
 * lookups need no lock; reads go through the callback, which serialises
 * itself if it must (fs/tarfs_blk.c does). */
#ifndef FS_TARFS_H
#define FS_TARFS_H

#include <kern/compiler.h>

#define TARFS_BLOCK        512
#define TARFS_NAME_MAX     256           /* 155 + '/' + 100, and a NUL */
#define TARFS_MAX_ENTRIES  8192

/* Read len bytes at byte offset off of the image. @return 0 or -errno. */
typedef int (*tarfs_read_fn)(void *ctx, uint64_t off, void *buf, size_t len);

struct tarfs_ent {
	const char *path;       /* "" for the root, else "a/b" (no leading or trailing '/') */
	uint64_t off;           /* data's byte offset in the image (files) */
	uint64_t size;          /* bytes (files); 0 for directories */
	int64_t mtime;          /* seconds since 1970 */
	uint32_t mode;          /* permission bits */
	bool dir;
};

struct tarfs {
	struct tarfs_ent *ent;  /* sorted by path; ent[0] is the root */
	unsigned n;
	char *names;            /* the paths' storage */
	tarfs_read_fn read;
	void *ctx;
	uint64_t image_size;
	uint64_t data_bytes;    /* sum of the files' sizes */
	unsigned skipped;       /* entries left out (type, bad name, over the limit) */
	int end;                /* how the scan ended: 0 (end marker or the image's
				   end), -EBADMSG (a bad header after good ones),
				   -ENOSPC (entry limit), -ENOMEM */
};

/* One 512-byte header, decoded. */
struct tar_hdr {
	char name[TARFS_NAME_MAX];   /* prefix "/" name, as stored (NUL-terminated) */
	uint64_t size;
	int64_t mtime;
	uint32_t mode;
	char type;
};

/* Decode blk. @return 0; 1 for an all-zero block (the end marker);
 * -EBADMSG for a bad checksum, a missing ustar magic or a bad number. */
int tar_header_parse(const uint8_t blk[TARFS_BLOCK], struct tar_hdr *h);

/* Index the image of size bytes that read reaches. @return 0 (fs->end says
 * whether the scan ended early); -EBADMSG when the first block is not a
 * valid header (not a tar image), -ENOMEM, or read's error. */
int tarfs_mount(struct tarfs *fs, tarfs_read_fn read, void *ctx, uint64_t size);
/* Free the index. */
void tarfs_unmount(struct tarfs *fs);
/* The entry for path ("a/b", "/a/b/", "" or "/" for the root; slashes at
 * either end do not matter), or NULL. */
const struct tarfs_ent *tarfs_lookup(const struct tarfs *fs, const char *path);
/* Directory listing: the entry after prev (NULL: the first) directly in
 * dir, in name order, or NULL at the end. */
const struct tarfs_ent *tarfs_next_child(const struct tarfs *fs, const struct tarfs_ent *dir,
					 const struct tarfs_ent *prev);
/* Read up to len bytes of file e from off. @return bytes read (0 at or past
 * the end), -EINVAL for a directory, or read's error. */
long tarfs_read(const struct tarfs *fs, const struct tarfs_ent *e, uint64_t off, void *buf,
		size_t len);

/* --- Over a block device (fs/tarfs_blk.c) ---------------------------------- */
/* Mount the tar image on disk name, or with name NULL on the first disk
 * that holds one (in registration order); *used names the disk chosen.
 * @return 0, -ENODEV (no such disk, or none holds a tar), or tarfs_mount's
 * error. */
int tarfs_blk_mount(struct tarfs *fs, const char *name, const char **used);

/* --- Over the initrd (fs/tarfs_initrd.c) ------------------------------------ */
/* Mount the tar image the boot loader handed over as the initrd
 * (boot_info.initrd_*). @return 0, -ENODEV (no initrd), or tarfs_mount's
 * error (-EBADMSG: not a tar image). */
int tarfs_initrd_mount(struct tarfs *fs);

#endif
