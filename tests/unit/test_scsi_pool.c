// SPDX-License-Identifier: MIT
/* Host tests of the SCSI layer's command pool: the bound holds, no slot is
 * out twice, puts of slots not out are refused and counted, the counters
 * say what happened, and waiting requests come back in submission order. */
#include "unit.h"
#include <drivers/scsi_pool.h>
#include <kern/errno.h>

UNIT(pool_bound_and_unique)
{
	struct scsi_pool p;
	bool seen[32] = { false };
	scsi_pool_init(&p, 32);
	CHECK_EQ(p.n, 32u);
	for (int k = 0; k < 32; k++) {
		int i = scsi_pool_get(&p);
		CHECK(i >= 0 && i < 32);
		if (i >= 0 && i < 32) {
			CHECK(!seen[i]);
			seen[i] = true;
		}
	}
	CHECK_EQ(scsi_pool_get(&p), -ENOSPC);
	CHECK_EQ(scsi_pool_used(&p), 32u);
	CHECK_EQ(p.max_used, 32u);
	CHECK_EQ(p.gets, 32ull);
}

UNIT(pool_put_and_reuse)
{
	struct scsi_pool p;
	scsi_pool_init(&p, 4);
	int a = scsi_pool_get(&p), b = scsi_pool_get(&p);
	CHECK_EQ(a, 0);
	CHECK_EQ(b, 1);
	CHECK_EQ(scsi_pool_put(&p, (unsigned)a), 0);
	CHECK_EQ(scsi_pool_used(&p), 1u);
	/* The slot just given back is the next one out. */
	CHECK_EQ(scsi_pool_get(&p), a);
	CHECK_EQ(scsi_pool_put(&p, (unsigned)a), 0);
	CHECK_EQ(scsi_pool_put(&p, (unsigned)b), 0);
	CHECK_EQ(scsi_pool_used(&p), 0u);
	CHECK_EQ(p.max_used, 2u);
}

UNIT(pool_bad_puts_refused)
{
	struct scsi_pool p;
	scsi_pool_init(&p, 4);
	int a = scsi_pool_get(&p);
	CHECK_EQ(scsi_pool_put(&p, (unsigned)a), 0);
	/* Twice, never out, out of range: refused, the stack untouched. */
	CHECK_EQ(scsi_pool_put(&p, (unsigned)a), -EINVAL);
	CHECK_EQ(scsi_pool_put(&p, 3), -EINVAL);
	CHECK_EQ(scsi_pool_put(&p, 4), -EINVAL);
	CHECK_EQ(scsi_pool_put(&p, 1000), -EINVAL);
	CHECK_EQ(p.bad_puts, 4ull);
	CHECK_EQ(p.nfree, 4u);
	/* Still exactly four distinct slots to hand out. */
	int got[4];
	for (int k = 0; k < 4; k++)
		got[k] = scsi_pool_get(&p);
	CHECK_EQ(scsi_pool_get(&p), -ENOSPC);
	for (int x = 0; x < 4; x++)
		for (int y = x + 1; y < 4; y++)
			CHECK(got[x] != got[y]);
}

UNIT(pool_size_clamped)
{
	struct scsi_pool p;
	scsi_pool_init(&p, 0);
	CHECK_EQ(p.n, 1u);
	CHECK_EQ(scsi_pool_get(&p), 0);
	CHECK_EQ(scsi_pool_get(&p), -ENOSPC);
	scsi_pool_init(&p, SCSI_POOL_MAX + 100);
	CHECK_EQ(p.n, (unsigned)SCSI_POOL_MAX);
	for (int k = 0; k < SCSI_POOL_MAX; k++)
		CHECK(scsi_pool_get(&p) >= 0);
	CHECK_EQ(scsi_pool_get(&p), -ENOSPC);
	CHECK_EQ(scsi_pool_put(&p, SCSI_POOL_MAX - 1), 0);
	CHECK_EQ(scsi_pool_get(&p), SCSI_POOL_MAX - 1);
}

UNIT(pool_waiters_fifo)
{
	struct scsi_pool p;
	struct blk_req r[5];
	scsi_pool_init(&p, 2);
	CHECK(scsi_pool_wait_take(&p) == NULL);
	for (int k = 0; k < 5; k++)
		scsi_pool_wait_add(&p, &r[k]);
	CHECK_EQ(p.waiting, 5u);
	CHECK_EQ(p.max_waiting, 5u);
	CHECK(scsi_pool_wait_take(&p) == &r[0]);
	CHECK(scsi_pool_wait_take(&p) == &r[1]);
	/* One more behind the rest. */
	scsi_pool_wait_add(&p, &r[0]);
	for (int k = 2; k < 5; k++)
		CHECK(scsi_pool_wait_take(&p) == &r[k]);
	CHECK(scsi_pool_wait_take(&p) == &r[0]);
	CHECK(scsi_pool_wait_take(&p) == NULL);
	CHECK_EQ(p.waiting, 0u);
	CHECK_EQ(p.waits, 6ull);
	/* Empty again: a new one is head and tail. */
	scsi_pool_wait_add(&p, &r[3]);
	CHECK(scsi_pool_wait_take(&p) == &r[3]);
	CHECK(scsi_pool_wait_take(&p) == NULL);
}

/* A long random mix of gets and puts against a model: the pool's count of
 * slots out always equals the model's, and never exceeds the bound. */
UNIT(pool_random_against_model)
{
	struct scsi_pool p;
	bool out[16] = { false };
	unsigned nout = 0;
	uint32_t x = 12345;
	scsi_pool_init(&p, 16);
	for (int step = 0; step < 100000; step++) {
		x = x * 1103515245u + 12345u;
		unsigned pick = (x >> 16) % 16;
		if ((x >> 8) & 1) {
			int i = scsi_pool_get(&p);
			if (nout == 16) {
				CHECK_EQ(i, -ENOSPC);
			} else {
				CHECK(i >= 0 && i < 16 && !out[i]);
				if (i >= 0 && i < 16) {
					out[i] = true;
					nout++;
				}
			}
		} else {
			int rc = scsi_pool_put(&p, pick);
			CHECK_EQ(rc, out[pick] ? 0 : -EINVAL);
			if (out[pick]) {
				out[pick] = false;
				nout--;
			}
		}
		CHECK_EQ(scsi_pool_used(&p), nout);
	}
	CHECK(p.max_used <= 16);
}

UNIT_MAIN()
