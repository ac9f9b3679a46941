// SPDX-License-Identifier: MIT
/* The appliance registry (include/kern/app.h): app= at boot, and the `app`
 * shell command to list and start them. */
#include <kern/app.h>
#include <kern/cmdline.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/sched.h>
#include <kern/shell.h>
#include <stdlib.h>
#include <string.h>

CMDLINE_OPT(app, "app", "appliances to start at boot: NAME[,NAME] (see `app`)");

extern const struct app __apps_start[], __apps_end[];

/* One running instance per app; apps serve until the VM stops, so the
 * table only grows. */
#define APP_MAX 16
static struct {
	const struct app *app;
	struct thread *thread;
	int status;
	bool done;
} running[APP_MAX];
static unsigned nrunning;

const struct app *app_find(const char *name)
{
	for (const struct app *a = __apps_start; a < __apps_end; a++)
		if (!strcmp(a->name, name))
			return a;
	return NULL;
}

static void app_thread(void *arg)
{
	unsigned i = (unsigned)(uintptr_t)arg;
	const struct app *a = running[i].app;
	char *argv[2] = { (char *)a->name, NULL };

	running[i].status = a->main(1, argv);
	running[i].done = true;
	if (running[i].status)
		pr_err("app %s: ended with %d\n", a->name, running[i].status);
	else
		pr_info("app %s: done\n", a->name);
}

int app_start(const char *name)
{
	const struct app *a = app_find(name);

	if (!a)
		return -ENOENT;
	for (unsigned i = 0; i < nrunning; i++)
		if (running[i].app == a && !running[i].done)
			return -EBUSY;
	if (nrunning == APP_MAX)
		return -ENOMEM;
	unsigned i = nrunning;
	running[i].app = a;
	running[i].done = false;
	running[i].thread = thread_create(a->name, app_thread, (void *)(uintptr_t)i);
	if (!running[i].thread)
		return -ENOMEM;
	nrunning++;
	pr_info("app %s: started\n", a->name);
	return 0;
}

int app_start_boot(void)
{
	const char *list = cmdline_get("app");
	char name[32];
	int started = 0;

	if (!list)
		return 0;
	for (const char *p = list; *p; ) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len > 0 && len < sizeof(name)) {
			memcpy(name, p, len);
			name[len] = '\0';
			int rc = app_start(name);
			if (rc == -ENOENT)
				pr_warn("app: no app called '%s' (the `app` command lists them)\n", name);
			else if (rc)
				pr_warn("app %s: not started (%d)\n", name, rc);
			else
				started++;
		} else if (len) {
			pr_warn("app: name too long in app=\n");
		}
		p += len + (end ? 1 : 0);
	}
	return started;
}

/* app            list the apps and what runs
 * app NAME       start one */
static int cmd_app(int argc, char **argv)
{
	if (argc > 2) {
		kprintf("usage: app [NAME]\n");
		return -EINVAL;
	}
	if (argc == 2) {
		int rc = app_start(argv[1]);
		if (rc == -ENOENT)
			kprintf("app: no app called '%s'\n", argv[1]);
		return rc;
	}
	for (const struct app *a = __apps_start; a < __apps_end; a++) {
		const char *state = "-";
		for (unsigned i = 0; i < nrunning; i++)
			if (running[i].app == a)
				state = running[i].done ? "ended" : "running";
		kprintf("%-12s %-8s %s\n", a->name, state, a->help);
	}
	return 0;
}
SHELL_CMD("app", "app [NAME] - list the appliances, or start one", cmd_app);
