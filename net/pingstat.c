/* SPDX-License-Identifier: MIT */
/* `ping`'s arithmetic (net/pingstat.h). */
#include <kern/errno.h>
#include "pingstat.h"

void ping_stats_add(struct ping_stats *s, uint64_t rtt_ns)
{
	if (s->received == 0 || rtt_ns < s->min_ns)
		s->min_ns = rtt_ns;
	if (rtt_ns > s->max_ns)
		s->max_ns = rtt_ns;
	s->sum_ns += rtt_ns;
	s->received++;
}

unsigned ping_loss_pct(const struct ping_stats *s)
{
	if (s->sent == 0 || s->received >= s->sent)
		return 0;
	return (unsigned)((uint64_t)(s->sent - s->received) * 100 / s->sent);
}

uint64_t ping_avg_ns(const struct ping_stats *s)
{
	return s->received ? s->sum_ns / s->received : 0;
}

int ping_parse_uint(const char *s, unsigned min, unsigned max, unsigned *out)
{
	uint64_t v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (unsigned)(*s - '0');
		if (v > max)
			return -EINVAL;
	}
	if (v < min)
		return -EINVAL;
	*out = (unsigned)v;
	return 0;
}

int ping_parse_secs(const char *s, unsigned max_ms, unsigned *ms)
{
	uint64_t v = 0;
	int digits = 0, decimals = -1;

	for (; *s; s++) {
		if (*s == '.' && decimals < 0) {
			decimals = 0;
			continue;
		}
		if (*s < '0' || *s > '9' || decimals == 3)
			return -EINVAL;
		v = v * 10 + (unsigned)(*s - '0');
		digits++;
		if (decimals >= 0)
			decimals++;
		if (v > (uint64_t)max_ms * 1000)
			return -EINVAL;
	}
	if (digits == 0)
		return -EINVAL;
	for (int i = decimals < 0 ? 0 : decimals; i < 3; i++)
		v *= 10;
	if (v > max_ms)
		return -EINVAL;
	*ms = (unsigned)v;
	return 0;
}
