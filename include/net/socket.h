/* SPDX-License-Identifier: MIT */
/* The sockets API for applications: one header with what <sys/socket.h>,
 * <netinet/in.h>, <arpa/inet.h>, <netdb.h>, <poll.h> and <sys/select.h>
 * give a POSIX program, so a network appliance reads like ordinary POSIX
 * code and never sees lwIP. Behind it is lwIP's BSD-style socket layer
 * (net/socket.c), the whole stack running in kernel threads: a call blocks
 * the calling thread only.
 *
 * Errors are POSIX's, not the kernel's: a call that fails returns -1 and
 * leaves a positive <errno.h> number in errno, which is per thread.
 * getaddrinfo returns an EAI_ code instead (gai_strerror names it).
 *
 * Where this differs from POSIX:
 * - socket descriptors are their own number space (from 0): close(),
 *   read(), write(), fcntl() and ioctl() take sockets only.
 * - struct sockaddr* carry a BSD length byte (sa_len) before the family,
 *   as lwIP has them; code that zeroes the structure and sets the family
 *   (as portable code does) needs nothing else.
 * - the numbers behind the constants are lwIP's, not Linux's (SOL_SOCKET
 *   is 0xfff, POLLHUP 0x200 ...); use the names.
 * - flags lwIP does not have are absent rather than ignored (no
 *   SOCK_NONBLOCK, SOCK_CLOEXEC: use fcntl(fd, F_SETFL, O_NONBLOCK)). */
#ifndef NET_SOCKET_H
#define NET_SOCKET_H

#include <stddef.h>
#include <stdint.h>

typedef long ssize_t;
typedef uint32_t socklen_t;
typedef uint8_t sa_family_t;
typedef uint16_t in_port_t;
typedef uint32_t in_addr_t;
typedef unsigned int nfds_t;

/* --- Addresses (members in network byte order) ----------------------------- */
struct in_addr {
	in_addr_t s_addr;
};

struct in6_addr {
	union {
		uint32_t u32_addr[4];
		uint8_t u8_addr[16];
	} un;
#define s6_addr un.u8_addr
};

struct sockaddr {
	uint8_t sa_len;
	sa_family_t sa_family;
	char sa_data[14];
};

struct sockaddr_in {
	uint8_t sin_len;
	sa_family_t sin_family;
	in_port_t sin_port;
	struct in_addr sin_addr;
	char sin_zero[8];
};

struct sockaddr_in6 {
	uint8_t sin6_len;
	sa_family_t sin6_family;
	in_port_t sin6_port;
	uint32_t sin6_flowinfo;
	struct in6_addr sin6_addr;
	uint32_t sin6_scope_id;
};

/* Big enough for any of the above. */
struct sockaddr_storage {
	uint8_t s2_len;
	sa_family_t ss_family;
	char s2_data1[2];
	uint32_t s2_data2[3];
	uint32_t s2_data3[3];
};

#define AF_UNSPEC        0
#define AF_INET          2
#define AF_INET6         10
#define PF_UNSPEC        AF_UNSPEC
#define PF_INET          AF_INET
#define PF_INET6         AF_INET6

#define SOCK_STREAM      1
#define SOCK_DGRAM       2
#define SOCK_RAW         3

#define IPPROTO_IP       0
#define IPPROTO_ICMP     1
#define IPPROTO_TCP      6
#define IPPROTO_UDP      17
#define IPPROTO_IPV6     41
#define IPPROTO_ICMPV6   58
#define IPPROTO_RAW      255

/* Host byte order, as POSIX has them: use htonl(INADDR_LOOPBACK). */
#define INADDR_ANY       ((in_addr_t)0x00000000UL)
#define INADDR_LOOPBACK  ((in_addr_t)0x7f000001UL)
#define INADDR_BROADCAST ((in_addr_t)0xffffffffUL)
#define INADDR_NONE      ((in_addr_t)0xffffffffUL)
#define IN6ADDR_ANY_INIT      { { { 0, 0, 0, 0 } } }
#define IN6ADDR_LOOPBACK_INIT { { { 0, 0, 0, 0x01000000UL } } }
extern const struct in6_addr in6addr_any;
extern const struct in6_addr in6addr_loopback;

#define INET_ADDRSTRLEN  16
#define INET6_ADDRSTRLEN 46

/* --- Options -------------------------------------------------------------- */
#define SOL_SOCKET       0xfff
#define SO_REUSEADDR     0x0004
#define SO_KEEPALIVE     0x0008
#define SO_BROADCAST     0x0020
#define SO_ACCEPTCONN    0x0002
#define SO_LINGER        0x0080
#define SO_RCVBUF        0x1002
#define SO_SNDTIMEO      0x1005  /* struct timeval */
#define SO_RCVTIMEO      0x1006  /* struct timeval */
#define SO_ERROR         0x1007
#define SO_TYPE          0x1008
#define SO_BINDTODEVICE  0x100b  /* struct ifreq */

#define IP_TOS           1
#define IP_TTL           2
#define TCP_NODELAY      0x01
#define TCP_KEEPALIVE    0x02
#define TCP_KEEPIDLE     0x03
#define TCP_KEEPINTVL    0x04
#define TCP_KEEPCNT      0x05
#define IPV6_V6ONLY      27

struct linger {
	int l_onoff;
	int l_linger;    /* seconds */
};

struct timeval {
	long tv_sec;
	long tv_usec;
};

#define IFNAMSIZ         6
struct ifreq {
	char ifr_name[IFNAMSIZ];   /* "vioif0" needs no terminator here */
};

/* --- Data ------------------------------------------------------------------ */
#define MSG_PEEK         0x01
#define MSG_WAITALL      0x02
#define MSG_OOB          0x04
#define MSG_DONTWAIT     0x08
#define MSG_MORE         0x10
#define MSG_NOSIGNAL     0x20
#define MSG_TRUNC        0x04   /* msg_flags */

struct iovec {
	void *iov_base;
	size_t iov_len;
};

struct msghdr {
	void *msg_name;
	socklen_t msg_namelen;
	struct iovec *msg_iov;
	int msg_iovlen;
	void *msg_control;
	socklen_t msg_controllen;
	int msg_flags;
};

#define SHUT_RD          0
#define SHUT_WR          1
#define SHUT_RDWR        2

/* fcntl() and ioctl() */
#define F_GETFL          3
#define F_SETFL          4
#define O_NONBLOCK       1
#define FIONREAD         0x4008667fL   /* _IOR('f', 127, unsigned long) */
#define FIONBIO          0x8008667eL   /* _IOW('f', 126, unsigned long) */

/* --- The calls ------------------------------------------------------------- */
int socket(int domain, int type, int protocol);
int bind(int fd, const struct sockaddr *addr, socklen_t len);
int listen(int fd, int backlog);
int accept(int fd, struct sockaddr *addr, socklen_t *len);
int connect(int fd, const struct sockaddr *addr, socklen_t len);
ssize_t send(int fd, const void *buf, size_t len, int flags);
ssize_t recv(int fd, void *buf, size_t len, int flags);
ssize_t sendto(int fd, const void *buf, size_t len, int flags,
	       const struct sockaddr *to, socklen_t tolen);
ssize_t recvfrom(int fd, void *buf, size_t len, int flags,
		 struct sockaddr *from, socklen_t *fromlen);
ssize_t sendmsg(int fd, const struct msghdr *msg, int flags);
ssize_t recvmsg(int fd, struct msghdr *msg, int flags);
ssize_t read(int fd, void *buf, size_t len);
ssize_t write(int fd, const void *buf, size_t len);
int shutdown(int fd, int how);
int close(int fd);
int getsockopt(int fd, int level, int name, void *val, socklen_t *len);
int setsockopt(int fd, int level, int name, const void *val, socklen_t len);
int getsockname(int fd, struct sockaddr *addr, socklen_t *len);
int getpeername(int fd, struct sockaddr *addr, socklen_t *len);
int fcntl(int fd, int cmd, int val);
int ioctl(int fd, long cmd, void *argp);

/* --- Waiting on several sockets ----------------------------------------------
 * FD_SETSIZE is the number of sockets the stack has. */
#define FD_SETSIZE       128
typedef struct fd_set {
	unsigned char fd_bits[(FD_SETSIZE + 7) / 8];
} fd_set;
#define FD_IN_RANGE_(n)  ((unsigned)(n) < FD_SETSIZE)
#define FD_SET(n, p)     ((void)(FD_IN_RANGE_(n) && ((p)->fd_bits[(unsigned)(n) / 8] |= (unsigned char)(1u << ((unsigned)(n) & 7)))))
#define FD_CLR(n, p)     ((void)(FD_IN_RANGE_(n) && ((p)->fd_bits[(unsigned)(n) / 8] &= (unsigned char)~(1u << ((unsigned)(n) & 7)))))
#define FD_ISSET(n, p)   (FD_IN_RANGE_(n) && ((p)->fd_bits[(unsigned)(n) / 8] & (1u << ((unsigned)(n) & 7))))
#define FD_ZERO(p)       __builtin_memset((p), 0, sizeof(*(p)))
/* timeout NULL waits forever. @return sockets ready, 0 on timeout, -1. */
int select(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds,
	   struct timeval *timeout);

#define POLLIN           0x1
#define POLLOUT          0x2
#define POLLERR          0x4
#define POLLNVAL         0x8
#define POLLHUP          0x200
struct pollfd {
	int fd;
	short events;
	short revents;
};
/* timeout_ms < 0 waits forever. @return entries with revents, 0, or -1. */
int poll(struct pollfd *fds, nfds_t nfds, int timeout_ms);

/* --- Names ------------------------------------------------------------------
 * getaddrinfo asks lwIP's resolver (the DNS servers from DHCP or the
 * command line); numeric addresses and "localhost" need no server. */
struct addrinfo {
	int ai_flags;
	int ai_family;
	int ai_socktype;
	int ai_protocol;
	socklen_t ai_addrlen;
	struct sockaddr *ai_addr;
	char *ai_canonname;
	struct addrinfo *ai_next;
};
#define AI_PASSIVE       0x01
#define AI_CANONNAME     0x02
#define AI_NUMERICHOST   0x04
#define AI_NUMERICSERV   0x08
#define AI_V4MAPPED      0x10
#define AI_ALL           0x20
#define AI_ADDRCONFIG    0x40
#define EAI_NONAME       200
#define EAI_SERVICE      201
#define EAI_FAIL         202
#define EAI_MEMORY       203
#define EAI_FAMILY       204
/* @return 0, or an EAI_ code. */
int getaddrinfo(const char *node, const char *service,
		const struct addrinfo *hints, struct addrinfo **res);
void freeaddrinfo(struct addrinfo *res);
const char *gai_strerror(int code);

/* @return 1, 0 when src is not an address of af, -1 (errno EAFNOSUPPORT). */
int inet_pton(int af, const char *src, void *dst);
/* @return dst, or NULL (errno ENOSPC: size too small; EAFNOSUPPORT). */
const char *inet_ntop(int af, const void *src, char *dst, socklen_t size);

/* Both our targets are little-endian. */
static inline uint16_t htons(uint16_t x) { return __builtin_bswap16(x); }
static inline uint16_t ntohs(uint16_t x) { return __builtin_bswap16(x); }
static inline uint32_t htonl(uint32_t x) { return __builtin_bswap32(x); }
static inline uint32_t ntohl(uint32_t x) { return __builtin_bswap32(x); }

#endif
