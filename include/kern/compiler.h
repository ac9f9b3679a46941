/* SPDX-License-Identifier: MIT */
/* Compiler helpers shared by every subsystem (kernel and host unit tests). */
#ifndef KERN_COMPILER_H
#define KERN_COMPILER_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define __packed        __attribute__((packed))
#define __aligned(x)    __attribute__((aligned(x)))
#define __unused        __attribute__((unused))
#define __noreturn      __attribute__((noreturn))
#define __section(s)    __attribute__((section(s)))
#define __used          __attribute__((used))
#ifndef __always_inline          /* glibc has one, for the host tools */
#define __always_inline inline __attribute__((always_inline))
#endif
#define __printf(a, b)  __attribute__((format(__printf__, a, b)))
/* The loops that run over packet and block data (copies, fills, sums):
 * linker.ld puts them together beside the boot code, on one page. Under
 * TCG a branch to another guest page is never chained to its target, so a
 * loop that straddles a page boundary pays a lookup on every iteration:
 * when a link moved memcpy's loop across one, the host->guest TCP stream
 * lost a fifth of its speed. */
#define __hotloop       __section(".text.hotloop")
#define likely(x)       __builtin_expect(!!(x), 1)
#define unlikely(x)     __builtin_expect(!!(x), 0)

#define ARRAY_SIZE(a)   (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b)       ((a) < (b) ? (a) : (b))
#define MAX(a, b)       ((a) > (b) ? (a) : (b))
#define ALIGN_UP(x, a)  (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define IS_POW2(x)      ((x) != 0 && ((x) & ((x) - 1)) == 0)
#define container_of(p, type, member) \
	((type *)((char *)(p) - offsetof(type, member)))

/* Accessors for memory another agent (a device, the hypervisor) may change:
 * force exactly one load or store of the field. */
#define READ_ONCE(x)     (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

#endif
