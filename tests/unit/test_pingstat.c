/* SPDX-License-Identifier: MIT */
/* Host tests for net/pingstat.c: ping's summary and option values. */
#include "unit.h"
#include <kern/errno.h>
#include "../../net/pingstat.h"

UNIT(summary)
{
	struct ping_stats s = { 0 };

	CHECK_EQ(ping_loss_pct(&s), 0u);
	CHECK_EQ(ping_avg_ns(&s), 0u);
	s.sent = 3;
	CHECK_EQ(ping_loss_pct(&s), 100u);
	ping_stats_add(&s, 300);
	ping_stats_add(&s, 100);
	CHECK_EQ(ping_loss_pct(&s), 33u);
	CHECK_EQ(s.min_ns, 100u);
	CHECK_EQ(s.max_ns, 300u);
	CHECK_EQ(ping_avg_ns(&s), 200u);
	ping_stats_add(&s, 0);
	CHECK_EQ(s.min_ns, 0u);
	CHECK_EQ(ping_loss_pct(&s), 0u);
	/* A duplicate counted as a reply never makes the loss negative. */
	ping_stats_add(&s, 5);
	CHECK_EQ(ping_loss_pct(&s), 0u);
	s.sent = 4000000000u;
	s.received = 1;
	CHECK_EQ(ping_loss_pct(&s), 99u);
}

UNIT(secs)
{
	unsigned ms = 7;

	CHECK_EQ(ping_parse_secs("1", 60000, &ms), 0);
	CHECK_EQ(ms, 1000u);
	CHECK_EQ(ping_parse_secs("0.2", 60000, &ms), 0);
	CHECK_EQ(ms, 200u);
	CHECK_EQ(ping_parse_secs(".5", 60000, &ms), 0);
	CHECK_EQ(ms, 500u);
	CHECK_EQ(ping_parse_secs("0.001", 60000, &ms), 0);
	CHECK_EQ(ms, 1u);
	CHECK_EQ(ping_parse_secs("2.", 60000, &ms), 0);
	CHECK_EQ(ms, 2000u);
	CHECK_EQ(ping_parse_secs("60", 60000, &ms), 0);
	CHECK_EQ(ms, 60000u);
	ms = 7;
	CHECK_EQ(ping_parse_secs("60.001", 60000, &ms), -EINVAL);
	CHECK_EQ(ping_parse_secs("0.0001", 60000, &ms), -EINVAL);
	CHECK_EQ(ping_parse_secs("", 60000, &ms), -EINVAL);
	CHECK_EQ(ping_parse_secs(".", 60000, &ms), -EINVAL);
	CHECK_EQ(ping_parse_secs("1..2", 60000, &ms), -EINVAL);
	CHECK_EQ(ping_parse_secs("-1", 60000, &ms), -EINVAL);
	CHECK_EQ(ping_parse_secs("1e3", 60000, &ms), -EINVAL);
	CHECK_EQ(ping_parse_secs("99999999999999999999999", 60000, &ms), -EINVAL);
	CHECK_EQ(ms, 7u);
}

UNIT(uint)
{
	unsigned v = 9;

	CHECK_EQ(ping_parse_uint("0", 0, 10, &v), 0);
	CHECK_EQ(v, 0u);
	CHECK_EQ(ping_parse_uint("65507", 0, 65507, &v), 0);
	CHECK_EQ(v, 65507u);
	CHECK_EQ(ping_parse_uint("65508", 0, 65507, &v), -EINVAL);
	CHECK_EQ(ping_parse_uint("0", 1, 10, &v), -EINVAL);
	CHECK_EQ(ping_parse_uint("", 0, 10, &v), -EINVAL);
	CHECK_EQ(ping_parse_uint("1x", 0, 10, &v), -EINVAL);
	CHECK_EQ(ping_parse_uint("-1", 0, 10, &v), -EINVAL);
	CHECK_EQ(ping_parse_uint("99999999999999999999999", 0, 10, &v), -EINVAL);
	CHECK_EQ(v, 65507u);
}

UNIT_MAIN()
