/* SPDX-License-Identifier: MIT */
/* The POSIX names of <net/socket.h> over lwIP's socket layer. The types
 * there are laid out as lwIP's (net/socket_abi.h is checked against both
 * headers), so each call passes straight through; lwIP sets the per-thread
 * errno (<errno.h>) and returns -1 as POSIX says.
 *
 * This file sees lwIP's definitions, not <net/socket.h>'s: C does not let
 * one file have both. */
#include "lwip/inet.h"
#include "lwip/netdb.h"
#include "lwip/sockets.h"
#include "netcfg.h"

#define ABI(c) _Static_assert(c, #c);
#include "socket_abi.h"

int socket(int domain, int type, int protocol)
{
	return lwip_socket(domain, type, protocol);
}

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	return lwip_bind(fd, addr, len);
}

int listen(int fd, int backlog)
{
	return lwip_listen(fd, backlog);
}

int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	return lwip_accept(fd, addr, len);
}

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	return lwip_connect(fd, addr, len);
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	return lwip_send(fd, buf, len, flags);
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	return lwip_recv(fd, buf, len, flags);
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags,
	       const struct sockaddr *to, socklen_t tolen)
{
	return lwip_sendto(fd, buf, len, flags, to, tolen);
}

ssize_t recvfrom(int fd, void *buf, size_t len, int flags,
		 struct sockaddr *from, socklen_t *fromlen)
{
	return lwip_recvfrom(fd, buf, len, flags, from, fromlen);
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	return lwip_sendmsg(fd, msg, flags);
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	return lwip_recvmsg(fd, msg, flags);
}

ssize_t read(int fd, void *buf, size_t len)
{
	return lwip_read(fd, buf, len);
}

ssize_t write(int fd, const void *buf, size_t len)
{
	return lwip_write(fd, buf, len);
}

int shutdown(int fd, int how)
{
	return lwip_shutdown(fd, how);
}

int close(int fd)
{
	return lwip_close(fd);
}

int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	return lwip_getsockopt(fd, level, name, val, len);
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	return lwip_setsockopt(fd, level, name, val, len);
}

int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	return lwip_getsockname(fd, addr, len);
}

int getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
	return lwip_getpeername(fd, addr, len);
}

int fcntl(int fd, int cmd, int val)
{
	return lwip_fcntl(fd, cmd, val);
}

int ioctl(int fd, long cmd, void *argp)
{
	return lwip_ioctl(fd, cmd, argp);
}

int select(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds,
	   struct timeval *timeout)
{
	return lwip_select(nfds, readfds, writefds, exceptfds, timeout);
}

int poll(struct pollfd *fds, nfds_t nfds, int timeout_ms)
{
	return lwip_poll(fds, nfds, timeout_ms);
}

int getaddrinfo(const char *node, const char *service,
		const struct addrinfo *hints, struct addrinfo **res)
{
	return lwip_getaddrinfo(node, service, hints, res);
}

void freeaddrinfo(struct addrinfo *res)
{
	lwip_freeaddrinfo(res);
}

const char *gai_strerror(int code)
{
	switch (code) {
	case 0:           return "Success";
	case EAI_NONAME:  return "Name or service not known";
	case EAI_SERVICE: return "Service not supported";
	case EAI_FAIL:    return "Non-recoverable failure in name resolution";
	case EAI_MEMORY:  return "Memory allocation failure";
	case EAI_FAMILY:  return "Address family not supported";
	}
	return "Unknown error";
}

/* Strict, as POSIX has it (net/netcfg.c): lwIP's own parser takes
 * inet_aton's forms too ("10.1" is 10.0.0.1), which inet_pton must not. */
int inet_pton(int af, const char *src, void *dst)
{
	switch (af) {
	case AF_INET:
		return netcfg_parse_ip4(src, dst) == 0;
	case AF_INET6:
		return netcfg_parse_ip6(src, dst) == 0;
	}
	errno = EAFNOSUPPORT;
	return -1;
}

const char *inet_ntop(int af, const void *src, char *dst, socklen_t size)
{
	return lwip_inet_ntop(af, src, dst, size);
}
