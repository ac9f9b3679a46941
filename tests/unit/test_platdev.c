// SPDX-License-Identifier: MIT
/* Host tests for the platform-device registry (drivers/platdev/platdev.c):
 * a descriptor goes to the driver that lists its id, whatever the source;
 * unknown ids find none; each outcome is counted per driver and source. */
#include "unit.h"
#include "stubs.h"
#include <stdarg.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <drivers/platdev.h>

static struct platdev last;
static int calls_a, calls_b, answer_b;

static int probe_a(const struct platdev *pd)
{
	calls_a++;
	last = *pd;
	return 0;
}

static int probe_b(const struct platdev *pd)
{
	calls_b++;
	last = *pd;
	return answer_b;
}

static const char *const ids_a[] = { "vendor,thing", "ABCD0001", NULL };
static const char *const ids_b[] = { "other,dev", NULL };
static const struct platdrv drv_a = { .name = "a", .ids = ids_a, .probe = probe_a };
static const struct platdrv drv_b = { .name = "b", .ids = ids_b, .probe = probe_b };
static const struct platdrv *const reg_a __attribute__((section("platdrv_test"), used)) = &drv_a;
static const struct platdrv *const reg_b __attribute__((section("platdrv_test"), used)) = &drv_b;

UNIT(match_by_id_any_source)
{
	CHECK(platdrv_find("vendor,thing") == &drv_a);
	CHECK(platdrv_find("ABCD0001") == &drv_a);
	CHECK(platdrv_find("other,dev") == &drv_b);
	CHECK(platdrv_find("vendor,thin") == NULL);
	CHECK(platdrv_find(NULL) == NULL);
	/* Iteration sees each driver once (in link order, whatever it is). */
	int seen_a = 0, seen_b = 0, n = 0;
	for (const struct platdrv *d = platdrv_next(NULL); d && n < 5; d = platdrv_next(d), n++) {
		seen_a += d == &drv_a;
		seen_b += d == &drv_b;
	}
	CHECK_EQ(n, 2);
	CHECK_EQ(seen_a, 1);
	CHECK_EQ(seen_b, 1);

	struct platdev dt = { .compatible = "vendor,thing", .source = "dt", .base = 0x1000,
			      .size = 0x200, .has_irq = true, .irq = 5, .id = -1 };
	struct platdev acpi = dt;
	acpi.compatible = "ABCD0001";
	acpi.source = "acpi";
	CHECK_EQ(platdev_add(&dt), 0);
	CHECK_EQ(platdev_add(&acpi), 0);
	CHECK_EQ(calls_a, 2);
	CHECK_EQ(last.base, 0x1000);
	CHECK_EQ(last.irq, 5);
	struct platdev none = dt;
	none.compatible = "nobody,here";
	CHECK_EQ(platdev_add(&none), -ENOENT);
	CHECK_EQ(calls_a + calls_b, 2);

	/* Outcomes counted per driver and source. */
	struct platdev b = { .compatible = "other,dev", .source = "cmdline", .id = 3 };
	answer_b = -ENODEV;
	CHECK_EQ(platdev_add(&b), -ENODEV);
	answer_b = -EEXIST;
	CHECK_EQ(platdev_add(&b), -EEXIST);
	answer_b = -EINVAL;
	CHECK_EQ(platdev_add(&b), -EINVAL);
	struct platdev_stats st;
	platdev_get_stats("a", NULL, &st);
	CHECK_EQ(st.bound, 2);
	platdev_get_stats("a", "acpi", &st);
	CHECK_EQ(st.bound, 1);
	platdev_get_stats("b", "cmdline", &st);
	CHECK_EQ(st.bound, 0);
	CHECK_EQ(st.empty, 1);
	CHECK_EQ(st.dup, 1);
	CHECK_EQ(st.errors, 1);
	platdev_get_stats(NULL, NULL, &st);
	CHECK_EQ(st.bound + st.empty + st.dup + st.errors, 5);
}

UNIT_MAIN()
