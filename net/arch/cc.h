/* SPDX-License-Identifier: MIT */
/* lwIP's compiler and platform glue (lwIP's doc/sys_arch.txt, "cc.h"):
 * the kernel's freestanding libc provides string.h, stdlib.h, limits.h,
 * ctype.h and errno.h; this file fills in the rest. */
#ifndef NET_ARCH_CC_H
#define NET_ARCH_CC_H

#include <kern/compiler.h>
#include <kern/panic.h>
#include <kern/printk.h>
#include <errno.h>       /* the kernel's numbers, and a per-thread errno */
#include <limits.h>

/* Both our arches are little-endian; gcc says so itself. */
#define BYTE_ORDER LITTLE_ENDIAN

/* Byte order by gcc's builtins, inline: lwIP's own lwip_htons and
 * lwip_htonl are functions, a call for every header field. */
#define lwip_htons(x) ((u16_t)__builtin_bswap16((u16_t)(x)))
#define lwip_htonl(x) ((u32_t)__builtin_bswap32((u32_t)(x)))

/* There is no <unistd.h>; ssize_t is the LP64 one (as <net/socket.h>). */
#define LWIP_NO_UNISTD_H 1
typedef long ssize_t;

/* lwIP's socket errors are the <kern/errno.h> numbers (Linux's values,
 * the same as lwIP's own table), set in the per-thread errno: so
 * LWIP_PROVIDE_ERRNO stays off and lwIP includes nothing else for them. */
#define LWIP_ERRNO_STDINCLUDE 1

/* lwIP's debug and diagnostic output goes to the kernel log. */
#define LWIP_PLATFORM_DIAG(x) do { kprintf x; } while (0)
/* An lwIP assertion is a broken invariant inside the stack: stop there.
 * The file and line name the assertion; its message text (some 550 of
 * them, several KiB of every image) is left out: the source at that line
 * says the same. */
#define LWIP_PLATFORM_ASSERT(x) panic("lwip: assertion failed at %s:%d", __FILE__, __LINE__)

#endif
