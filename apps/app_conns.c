// SPDX-License-Identifier: MIT
/* The appliances' connections, a thread each (app_conns.h). */
#include "app_conns.h"
#include <kern/errno.h>
#include <kern/sched.h>

bool app_conns_full(const struct app_conns *s, unsigned long max)
{
	return s->active >= max;
}

int app_conns_start(struct app_conns *s, struct app_conn *c, void *owner, const char *name,
		    void (*fn)(void *owner))
{
	c->owner = owner;
	c->done = 0;
	/* Counted before the thread exists: it may run (and end) before
	 * thread_create returns to us. */
	s->active++;
	c->thread = thread_create(name, fn, owner);
	if (!c->thread) {
		s->active--;
		return -ENOMEM;
	}
	if (s->active > s->peak)
		s->peak = s->active;
	c->next = s->list;
	s->list = c;
	return 0;
}

void app_conns_done(struct app_conns *s, struct app_conn *c)
{
	s->active--;
	c->done = 1;
}

static void reap(struct app_conns *s, void (*release)(void *owner), bool all)
{
	struct app_conn **pp = &s->list;

	while (*pp) {
		struct app_conn *c = *pp;

		if (!all && !c->done) {
			pp = &c->next;
			continue;
		}
		*pp = c->next;
		thread_join(c->thread);
		release(c->owner);
	}
}

void app_conns_reap(struct app_conns *s, void (*release)(void *owner))
{
	reap(s, release, false);
}

void app_conns_join(struct app_conns *s, void (*release)(void *owner))
{
	reap(s, release, true);
}
