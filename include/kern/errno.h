/* SPDX-License-Identifier: MIT */
/* Error numbers: the Linux values, so host unit tests agree with the kernel.
 * Kernel functions return 0 (or a count) on success and -Exxx on failure.
 * The network numbers are lwIP's too (its err_to_errno table names them). */
#ifndef KERN_ERRNO_H
#define KERN_ERRNO_H

#define EPERM             1
#define ENOENT            2
#define EINTR             4
#define EIO               5
#define ENXIO             6
#define E2BIG             7
#define EBADF             9
#define EAGAIN           11
#define ENOMEM           12
#define EACCES           13
#define EFAULT           14
#define EBUSY            16
#define EEXIST           17
#define ENODEV           19
#define EINVAL           22
#define ENFILE           23
#define EMFILE           24
#define ENOSPC           28
#define EROFS            30
#define EPIPE            32
#define ERANGE           34
#define ENAMETOOLONG     36
#define ENOSYS           38
#define ENODATA          61
#define ETIME            62
#define EPROTO           71
#define EBADMSG          74
#define EOVERFLOW        75
#define ENOTSOCK         88
#define EDESTADDRREQ     89
#define EMSGSIZE         90
#define EPROTOTYPE       91
#define ENOPROTOOPT      92
#define EPROTONOSUPPORT  93
#define EOPNOTSUPP       95
#define EAFNOSUPPORT     97
#define EADDRINUSE       98
#define EADDRNOTAVAIL    99
#define ENETDOWN        100
#define ENETUNREACH     101
#define ECONNABORTED    103
#define ECONNRESET      104
#define ENOBUFS         105
#define EISCONN         106
#define ENOTCONN        107
#define ESHUTDOWN       108
#define ETIMEDOUT       110
#define ECONNREFUSED    111
#define EHOSTDOWN       112
#define EHOSTUNREACH    113
#define EALREADY        114
#define EINPROGRESS     115
#define ECANCELED       125
#define EWOULDBLOCK    EAGAIN

/* Host unit tests link the host's libc, whose strerror has another type. */
#ifndef UNIT_TEST
const char *strerror(int err);   /* lib/strerror.c; takes a positive or negative value */
#endif

#endif
