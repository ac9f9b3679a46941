/* SPDX-License-Identifier: MIT */
/* The arithmetic of `ping` (net/ping.c): its option values and the
 * round-trip summary. Pure code, host unit-tested
 * (tests/unit/test_pingstat.c). */
#ifndef NET_PINGSTAT_H
#define NET_PINGSTAT_H

#include <kern/compiler.h>

struct ping_stats {
	unsigned sent, received, duplicates;
	uint64_t min_ns, max_ns, sum_ns;
};

/* Count one reply with its round trip. */
void ping_stats_add(struct ping_stats *s, uint64_t rtt_ns);
/* Lost replies in whole percent (rounded down; 0 when nothing was sent). */
unsigned ping_loss_pct(const struct ping_stats *s);
/* The mean round trip (0 without replies). */
uint64_t ping_avg_ns(const struct ping_stats *s);
/* Seconds with up to three decimals ("1", "0.2", ".5", "0.001") as
 * milliseconds, at most max_ms. @return 0 or -EINVAL. */
int ping_parse_secs(const char *s, unsigned max_ms, unsigned *ms);
/* A decimal count in [min, max]. @return 0 or -EINVAL. */
int ping_parse_uint(const char *s, unsigned min, unsigned max, unsigned *out);

#endif
