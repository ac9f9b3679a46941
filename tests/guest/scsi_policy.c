// SPDX-License-Identifier: MIT
/* In-guest tests of the SCSI layer's sense policy (scsi_start/scsi_exec,
 * drivers/scsi/sd.c) against a scripted host: a scsi_host whose queue op
 * answers each command from a script, later, from a kernel timer
 * (interrupt context, as a device's completion would come). Answers QEMU
 * gives only in rare states are played here: UNIT ATTENTION in a row,
 * NOT READY becoming ready (waited out on the policy's timer, never by
 * sleeping in the completion), BUSY, a transport asking for a retry, and
 * the errors each sense key maps to. scsi_policy_bounds gives up on NOT
 * READY only when scsi.ready_ms is short (its own case sets 300). */
#include <kern/test.h>
#include <kern/cmdline.h>
#include <kern/errno.h>
#include <kern/irq.h>
#include <kern/time.h>
#include <drivers/scsi_host.h>
#include <string.h>

/* One scripted answer. */
struct step {
	int host_err;           /* as scsi_cmd.host_err; 1: refuse in queue (-ENODEV) */
	uint8_t status;
	uint8_t key, asc, ascq; /* sense, when status is CHECK CONDITION
				   (key NOSENSE: none comes) */
};

#define NOSENSE     0xff

#define GOOD        { 0, SCSI_S_GOOD, 0, 0, 0 }
#define CHECK(k, a, q) { 0, SCSI_S_CHECK_CONDITION, k, a, q }
#define UA          CHECK(SCSI_KEY_UNIT_ATTENTION, 0x29, 0x00)
#define BECOMING    CHECK(SCSI_KEY_NOT_READY, 0x04, 0x01)

struct fake {
	struct scsi_host host;
	const struct step *script;
	unsigned n, sends;
	bool forever;           /* repeat the last step */
	struct scsi_cmd *cur;
	struct timer t;
};

static void fake_answer(struct timer *t)
{
	struct fake *f = t->arg;
	unsigned long flags = irq_save();
	struct scsi_cmd *c = f->cur;
	unsigned i = f->sends - 1 < f->n ? f->sends - 1 : f->n - 1;
	const struct step *s = &f->script[i];
	f->cur = NULL;
	c->host_err = s->host_err;
	c->status = s->status;
	c->resid = 0;
	c->sense_len = 0;
	if (s->status == SCSI_S_CHECK_CONDITION && s->key != NOSENSE) {
		/* Fixed format (SPC-4 §4.5.3). */
		memset(c->sense, 0, 18);
		c->sense[0] = 0x70;
		c->sense[2] = s->key;
		c->sense[7] = 10;
		c->sense[12] = s->asc;
		c->sense[13] = s->ascq;
		c->sense_len = 18;
	}
	c->done = true;
	c->end(c);
	irq_restore(flags);
}

static int fake_queue(struct scsi_host *h, struct scsi_cmd *c)
{
	struct fake *f = (struct fake *)h;
	unsigned i = f->sends < f->n ? f->sends : f->n - 1;
	if (!f->forever && f->sends >= f->n)
		return -EIO;    /* more sends than the script has: a policy bug */
	f->sends++;
	if (f->script[i].host_err == 1)
		return -ENODEV;
	f->cur = c;
	timer_arm(&f->t, time_ns() + 1000 * NSEC_PER_USEC);
	return 0;
}

static void fake_stats(struct scsi_host *h, struct scsi_host_stats *st)
{
	(void)h;
	memset(st, 0, sizeof(*st));
}

static const struct scsi_host_ops fake_ops = { .queue = fake_queue, .stats = fake_stats };

/* Run one TEST UNIT READY through the script: @return its outcome, with
 * the sends and the time it took. */
static int run(const struct step *script, unsigned n, bool forever, unsigned *sends,
	       uint64_t *ms)
{
	static struct fake f;
	memset(&f, 0, sizeof(f));
	strcpy(f.host.name, "fake");
	f.host.ops = &fake_ops;
	f.script = script;
	f.n = n;
	f.forever = forever;
	timer_init(&f.t, fake_answer, &f);
	struct scsi_cmd c;
	memset(&c, 0, sizeof(c));
	scsi_cdb_test_unit_ready(&c.cdb);
	uint64_t t0 = time_ns();
	int rc = scsi_exec(&f.host, &c, "fake");
	*ms = (time_ns() - t0) / NSEC_PER_MSEC;
	*sends = f.sends;
	return rc;
}

TEST(scsi_policy_retries)
{
	unsigned sends;
	uint64_t ms;
	static const struct step ua2[] = { UA, UA, GOOD };
	T_EQ(run(ua2, 3, false, &sends, &ms), 0);
	T_EQ(sends, 3);
	/* NOT READY, becoming ready: sent again after a pause each time
	 * (20 ms on the timer: a lower bound whatever the host's speed). */
	static const struct step nr3[] = { BECOMING, BECOMING, BECOMING, GOOD };
	T_EQ(run(nr3, 4, false, &sends, &ms), 0);
	T_EQ(sends, 4);
	T_CHECK(ms >= 60);
	static const struct step busy[] = { { 0, SCSI_S_BUSY, 0, 0, 0 },
					     { 0, SCSI_S_TASK_SET_FULL, 0, 0, 0 }, GOOD };
	T_EQ(run(busy, 3, false, &sends, &ms), 0);
	T_EQ(sends, 3);
	T_CHECK(ms >= 40);
	/* A reset or busy transport: the command did not run. */
	static const struct step again[] = { { -EAGAIN, 0, 0, 0, 0 }, { -EAGAIN, 0, 0, 0, 0 },
					     GOOD };
	T_EQ(run(again, 3, false, &sends, &ms), 0);
	T_EQ(sends, 3);
	T_CHECK(ms >= 40);
	static const struct step rec[] = { CHECK(SCSI_KEY_RECOVERED, 0x17, 0x01) };
	T_EQ(run(rec, 1, false, &sends, &ms), 0);
}

TEST(scsi_policy_bounds)
{
	unsigned sends;
	uint64_t ms;
	/* An endless stream of UNIT ATTENTION: given up after 8 retries. */
	static const struct step ua[] = { UA };
	T_EQ(run(ua, 1, true, &sends, &ms), -EIO);
	T_EQ(sends, 9);
	static const struct step again[] = { { -EAGAIN, 0, 0, 0, 0 } };
	T_EQ(run(again, 1, true, &sends, &ms), -EIO);
	T_EQ(sends, 9);
	/* NOT READY that never ends: -EIO once scsi.ready_ms has passed. */
	long long ready = cmdline_get_range("scsi.ready_ms", 0, 3600000, 10000);
	if (ready > 5000) {
		test_diag("scsi.ready_ms %lld: the NOT READY bound is not run", ready);
		return;
	}
	static const struct step nr[] = { BECOMING };
	T_EQ(run(nr, 1, true, &sends, &ms), -EIO);
	test_diag("NOT READY given up after %llu ms, %u sends", (unsigned long long)ms, sends);
	T_CHECK(ms >= (uint64_t)ready);
	T_CHECK(sends >= 2);
}

TEST(scsi_policy_errors)
{
	unsigned sends;
	uint64_t ms;
	static const struct step medium[] = { CHECK(SCSI_KEY_MEDIUM_ERROR, 0x11, 0x00) };
	T_EQ(run(medium, 1, false, &sends, &ms), -EIO);
	T_EQ(sends, 1);
	static const struct step illegal[] = { CHECK(SCSI_KEY_ILLEGAL_REQUEST, 0x20, 0x00) };
	T_EQ(run(illegal, 1, false, &sends, &ms), -EINVAL);
	static const struct step wp[] = { CHECK(SCSI_KEY_DATA_PROTECT, 0x27, 0x00) };
	T_EQ(run(wp, 1, false, &sends, &ms), -EROFS);
	static const struct step nomedium[] = { CHECK(SCSI_KEY_NOT_READY, 0x3a, 0x00) };
	T_EQ(run(nomedium, 1, false, &sends, &ms), -ENODEV);
	static const struct step manual[] = { CHECK(SCSI_KEY_NOT_READY, 0x04, 0x03) };
	T_EQ(run(manual, 1, false, &sends, &ms), -EIO);
	static const struct step hw[] = { CHECK(SCSI_KEY_HARDWARE_ERROR, 0x44, 0x00) };
	T_EQ(run(hw, 1, false, &sends, &ms), -EIO);
	static const struct step resv[] = { { 0, SCSI_S_RESERVATION_CONFLICT, 0, 0, 0 } };
	T_EQ(run(resv, 1, false, &sends, &ms), -EBUSY);
	static const struct step nosense[] = { { 0, SCSI_S_CHECK_CONDITION, NOSENSE, 0, 0 } };
	T_EQ(run(nosense, 1, false, &sends, &ms), -EIO);
	T_EQ(sends, 1);
	/* The transport's own outcomes pass through. */
	static const struct step tmo[] = { { -ETIMEDOUT, 0, 0, 0, 0 } };
	T_EQ(run(tmo, 1, false, &sends, &ms), -ETIMEDOUT);
	static const struct step gone[] = { { -ENODEV, 0, 0, 0, 0 } };
	T_EQ(run(gone, 1, false, &sends, &ms), -ENODEV);
	/* A transport that refuses the command: finished at once. */
	static const struct step refused[] = { { 1, 0, 0, 0, 0 } };
	T_EQ(run(refused, 1, false, &sends, &ms), -ENODEV);
	T_EQ(sends, 1);
}
