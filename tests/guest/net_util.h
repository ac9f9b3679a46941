/* SPDX-License-Identifier: MIT */
/* Helpers for the network tests (tests/guest/net_*.c): loopback sockets
 * through <net/socket.h> only, as an application would make them. */
#ifndef TESTS_GUEST_NET_UTIL_H
#define TESTS_GUEST_NET_UTIL_H

#include <net/socket.h>

/* The loopback address of af (127.0.0.1 or ::1) and port, in *ss.
 * @return the length to pass to bind/connect. */
socklen_t nt_loopback(int af, uint16_t port, struct sockaddr_storage *ss);
/* A socket of type on loopback with an ephemeral port (*port), listening
 * with backlog when type is SOCK_STREAM. Receive and send time out after
 * 10 s, so that a broken stack fails a test instead of hanging it.
 * @return the socket, or -1. */
int nt_bound(int af, int type, int backlog, uint16_t *port);
/* A TCP connection to loopback port (same timeouts). @return fd or -1. */
int nt_connect(int af, uint16_t port);
/* Set SO_RCVTIMEO and SO_SNDTIMEO. @return 0 or -1. */
int nt_timeouts(int fd, int ms);
/* Send all of buf (blocking). @return 0, or -1. */
int nt_send_all(int fd, const void *buf, size_t len);

#endif
