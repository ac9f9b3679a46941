/* SPDX-License-Identifier: MIT */
/* Appliances: programs under apps/ that the image runs for its users (the
 * HTTP server, the key-value service, netserve). Each registers itself
 * with APP; `app=NAME[,NAME]` on the command line starts them at boot,
 * each in a thread of its own, after every driver is up and before run=
 * or the shell. An app's main gets argv = { NAME } and reads its settings
 * with getenv("NAME.key"), which looks up the command line (httpd.port=8080):
 * apps are written against <net/socket.h> and the C library only. */
#ifndef KERN_APP_H
#define KERN_APP_H

#include <kern/compiler.h>
#include <kern/cmdline.h>

struct app {
	const char *name;
	const char *help;       /* one line: what it serves */
	/* Serve until stopped; @return 0 or -errno (logged). */
	int (*main)(int argc, char **argv);
};

/* aname must be a string literal: it also declares the app's option
 * family ("httpd.*"), so its settings are known options. */
#define APP(aname, ahelp, afn)                                                \
	static const struct app app_##afn                                     \
		__used __section(".apps") __aligned(8) = { (aname), (ahelp), (afn) }; \
	CMDLINE_OPT(app_opts_##afn, aname ".*", "settings of the " aname " app")

/* The app called name, or NULL. */
const struct app *app_find(const char *name);
/* Start app in a thread of its own. @return 0, -ENOENT, -EBUSY (running),
 * -ENOMEM. */
int app_start(const char *name);
/* Start every app that app= names (warns about unknown names).
 * @return how many started. */
int app_start_boot(void);

#endif
