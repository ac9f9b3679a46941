/* SPDX-License-Identifier: MIT */
/* <errno.h> for ported code (lwIP) and the sockets API (<net/socket.h>):
 * the kernel's error numbers, and an errno per thread. Kernel functions
 * do not use errno: they return -Exxx. The POSIX-style calls that set it
 * (socket(), recv(), ...) return -1 and leave the positive number here. */
#ifndef LIBC_ERRNO_H
#define LIBC_ERRNO_H

#include <kern/errno.h>

/* The running thread's errno (kern/sched.c). Per thread, because a call
 * that blocks lets other threads run, and their calls set errno too. */
int *thread_errno_location(void);
#define errno (*thread_errno_location())

#endif
