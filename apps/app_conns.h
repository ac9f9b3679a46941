/* SPDX-License-Identifier: MIT */
/* Connections served by a thread each, for the appliances (httpd, kv): the
 * count against the app's limit, the list of started connections until
 * their threads are joined, and the peak. The accept loop asks
 * app_conns_full before it allocates a connection, starts it with
 * app_conns_start and calls app_conns_reap every turn; the connection's
 * thread ends with app_conns_done. The scheduler is cooperative, so the
 * accept loop and the connections' threads never interleave inside these. */
#ifndef APPS_APP_CONNS_H
#define APPS_APP_CONNS_H

#include <stdbool.h>

/* One connection's part, inside the app's own connection structure. */
struct app_conn {
	struct app_conn *next;
	void *owner;                /* the app's connection: what fn and release get */
	void *thread;
	volatile int done;          /* its thread is at its end: a join will not wait */
};

struct app_conns {
	struct app_conn *list;      /* started, until joined */
	unsigned active;            /* started and not done */
	unsigned peak;              /* the most active at once */
};

/* Whether max connections are active already. */
bool app_conns_full(const struct app_conns *s, unsigned long max);

/* Run fn(owner) in a thread of its own called name, counted active, with c
 * (inside owner) on the list until it is reaped. @return 0, or -ENOMEM when
 * no thread could be had (nothing counted, c not kept). */
int app_conns_start(struct app_conns *s, struct app_conn *c, void *owner, const char *name,
		    void (*fn)(void *owner));

/* The connection's thread, as its last act: no longer active. */
void app_conns_done(struct app_conns *s, struct app_conn *c);

/* Join the threads of the connections that are done, then hand each one's
 * owner to release (which frees it). */
void app_conns_reap(struct app_conns *s, void (*release)(void *owner));

/* As app_conns_reap, for every connection: waits for the threads not done
 * yet (the app has told them to stop). */
void app_conns_join(struct app_conns *s, void (*release)(void *owner));

#endif
