/* SPDX-License-Identifier: MIT */
/* strerror() for the error numbers in <kern/errno.h>. Kernel code returns
 * -Exxx, so a negative value is taken as readily as a positive one. The
 * messages are the customary Linux/glibc wording, so a log line reads the
 * same as on the host. */
#include <stddef.h>
#include <kern/errno.h>

static const struct {
	int err;
	const char *msg;
} messages[] = {
	{ 0, "Success" },
	{ EPERM, "Operation not permitted" },
	{ ENOENT, "No such file or directory" },
	{ EINTR, "Interrupted system call" },
	{ EIO, "Input/output error" },
	{ ENXIO, "No such device or address" },
	{ E2BIG, "Argument list too long" },
	{ EBADF, "Bad file descriptor" },
	{ EAGAIN, "Resource temporarily unavailable" },
	{ ENOMEM, "Cannot allocate memory" },
	{ EACCES, "Permission denied" },
	{ EFAULT, "Bad address" },
	{ EBUSY, "Device or resource busy" },
	{ EEXIST, "File exists" },
	{ ENODEV, "No such device" },
	{ EINVAL, "Invalid argument" },
	{ ENFILE, "Too many open files in system" },
	{ EMFILE, "Too many open files" },
	{ ENOSPC, "No space left on device" },
	{ EROFS, "Read-only file system" },
	{ EPIPE, "Broken pipe" },
	{ ERANGE, "Numerical result out of range" },
	{ ENAMETOOLONG, "File name too long" },
	{ ENOSYS, "Function not implemented" },
	{ ENODATA, "No data available" },
	{ ETIME, "Timer expired" },
	{ EPROTO, "Protocol error" },
	{ EBADMSG, "Bad message" },
	{ EOVERFLOW, "Value too large for defined data type" },
	{ ENOTSOCK, "Socket operation on non-socket" },
	{ EDESTADDRREQ, "Destination address required" },
	{ EMSGSIZE, "Message too long" },
	{ EPROTOTYPE, "Protocol wrong type for socket" },
	{ ENOPROTOOPT, "Protocol not available" },
	{ EPROTONOSUPPORT, "Protocol not supported" },
	{ EOPNOTSUPP, "Operation not supported" },
	{ EAFNOSUPPORT, "Address family not supported by protocol" },
	{ EADDRINUSE, "Address already in use" },
	{ EADDRNOTAVAIL, "Cannot assign requested address" },
	{ ENETDOWN, "Network is down" },
	{ ENETUNREACH, "Network is unreachable" },
	{ ECONNABORTED, "Software caused connection abort" },
	{ ECONNRESET, "Connection reset by peer" },
	{ ENOBUFS, "No buffer space available" },
	{ EISCONN, "Transport endpoint is already connected" },
	{ ENOTCONN, "Transport endpoint is not connected" },
	{ ESHUTDOWN, "Cannot send after transport endpoint shutdown" },
	{ ETIMEDOUT, "Connection timed out" },
	{ ECONNREFUSED, "Connection refused" },
	{ EHOSTDOWN, "Host is down" },
	{ EHOSTUNREACH, "No route to host" },
	{ EALREADY, "Operation already in progress" },
	{ EINPROGRESS, "Operation now in progress" },
	{ ECANCELED, "Operation canceled" },
};

/* Shared by every caller: an unknown number's message is only good until
 * the next unknown number. */
static char unknown[sizeof("unknown error -2147483648")];

const char *strerror(int err)
{
	/* Magnitude in unsigned arithmetic: -INT_MIN does not fit an int. */
	unsigned int mag = err < 0 ? 0u - (unsigned int)err : (unsigned int)err;
	char digits[10];
	size_t i, nd = 0;
	char *p;

	for (i = 0; i < sizeof(messages) / sizeof(messages[0]); i++)
		if ((unsigned int)messages[i].err == mag)
			return messages[i].msg;

	do
		digits[nd++] = (char)('0' + mag % 10);
	while (mag /= 10);
	p = unknown;
	for (const char *s = "unknown error "; *s; s++)
		*p++ = *s;
	if (err < 0)
		*p++ = '-';
	while (nd)
		*p++ = digits[--nd];
	*p = '\0';
	return unknown;
}
