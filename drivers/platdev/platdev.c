// SPDX-License-Identifier: MIT
/* The platform-device registry (<drivers/platdev.h>): drivers register with
 * PLAT_DRIVER for ids, sources hand in descriptors, and the first driver
 * that lists the descriptor's id probes it. Counts per driver and source
 * are kept for the `platdev` command and the tests. */
#include <drivers/platdev.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/shell.h>
#include <string.h>

extern const struct platdrv *const __platdrivers_start[];
extern const struct platdrv *const __platdrivers_end[];

#define MAX_SOURCES 4
static const char *const sources[MAX_SOURCES] = { "dt", "acpi", "cmdline", "other" };

/* Counters: per driver (index in the section) and source. */
#define MAX_DRIVERS 16
static struct platdev_stats stats[MAX_DRIVERS][MAX_SOURCES];

static int source_index(const char *src)
{
	for (int i = 0; i < MAX_SOURCES - 1; i++)
		if (src && !strcmp(src, sources[i]))
			return i;
	return MAX_SOURCES - 1;
}

static int driver_index(const struct platdrv *drv)
{
	int i = 0;
	for (const struct platdrv *const *d = __platdrivers_start; d < __platdrivers_end; d++, i++)
		if (*d == drv)
			return i < MAX_DRIVERS ? i : -1;
	return -1;
}

const struct platdrv *platdrv_find(const char *id)
{
	if (!id)
		return NULL;
	for (const struct platdrv *const *d = __platdrivers_start; d < __platdrivers_end; d++)
		for (const char *const *i = (*d)->ids; *i; i++)
			if (!strcmp(*i, id))
				return *d;
	return NULL;
}

const struct platdrv *platdrv_next(const struct platdrv *prev)
{
	const struct platdrv *const *d = __platdrivers_start;
	if (prev) {
		while (d < __platdrivers_end && *d != prev)
			d++;
		if (d < __platdrivers_end)
			d++;
	}
	return d < __platdrivers_end ? *d : NULL;
}

int platdev_add(const struct platdev *pd)
{
	const struct platdrv *drv = platdrv_find(pd->compatible);
	if (!drv)
		return -ENOENT;
	int rc = drv->probe(pd);
	int di = driver_index(drv);
	if (di >= 0) {
		struct platdev_stats *st = &stats[di][source_index(pd->source)];
		if (rc == 0)
			st->bound++;
		else if (rc == -ENODEV)
			st->empty++;
		else if (rc == -EEXIST)
			st->dup++;
		else
			st->errors++;
	}
	return rc;
}

void platdev_get_stats(const char *driver, const char *source, struct platdev_stats *out)
{
	memset(out, 0, sizeof(*out));
	int i = 0;
	for (const struct platdrv *const *d = __platdrivers_start;
	     d < __platdrivers_end && i < MAX_DRIVERS; d++, i++) {
		if (driver && strcmp((*d)->name, driver))
			continue;
		for (int s = 0; s < MAX_SOURCES; s++) {
			if (source && source_index(source) != s)
				continue;
			out->bound += stats[i][s].bound;
			out->empty += stats[i][s].empty;
			out->dup += stats[i][s].dup;
			out->errors += stats[i][s].errors;
		}
	}
}

static int cmd_platdev(int argc, char **argv)
{
	int i = 0;

	(void)argc;
	(void)argv;
	kprintf("%-14s %-8s %6s %6s %6s %6s\n", "DRIVER", "SOURCE", "BOUND", "EMPTY", "DUP",
		"ERRORS");
	for (const struct platdrv *const *d = __platdrivers_start;
	     d < __platdrivers_end && i < MAX_DRIVERS; d++, i++)
		for (int s = 0; s < MAX_SOURCES; s++) {
			const struct platdev_stats *st = &stats[i][s];
			if (st->bound + st->empty + st->dup + st->errors)
				kprintf("%-14s %-8s %6u %6u %6u %6u\n", (*d)->name, sources[s],
					st->bound, st->empty, st->dup, st->errors);
		}
	return 0;
}
SHELL_CMD("platdev", "platdev - platform devices bound, by driver and source", cmd_platdev);
