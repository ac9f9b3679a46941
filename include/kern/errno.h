/* SPDX-License-Identifier: MIT */
/* Error numbers: the Linux values, so host unit tests agree with the kernel.
 * Kernel functions return 0 (or a count) on success and -Exxx on failure. */
#ifndef KERN_ERRNO_H
#define KERN_ERRNO_H

#define EPERM            1
#define ENOENT           2
#define EINTR            4
#define EIO              5
#define ENXIO            6
#define E2BIG            7
#define EAGAIN          11
#define ENOMEM          12
#define EFAULT          14
#define EBUSY           16
#define EEXIST          17
#define ENODEV          19
#define EINVAL          22
#define ENOSPC          28
#define EROFS           30
#define ERANGE          34
#define ENAMETOOLONG    36
#define ENOSYS          38
#define ENODATA         61
#define ETIME           62
#define EPROTO          71
#define EBADMSG         74
#define EOVERFLOW       75
#define EMSGSIZE        90
#define EOPNOTSUPP      95
#define ENETDOWN       100
#define ETIMEDOUT      110
#define ECANCELED      125

/* Host unit tests link the host's libc, whose strerror has another type. */
#ifndef UNIT_TEST
const char *strerror(int err);   /* lib/strerror.c; takes a positive or negative value */
#endif

#endif
