// SPDX-License-Identifier: MIT
/* In-guest tests of the appliance registry (kern/app.c): app= starts the
 * named apps in threads of their own before the tests run, their settings
 * come through getenv, a second start of a running app is refused. */
#include <kern/test.h>
#include <kern/app.h>
#include <kern/errno.h>
#include <kern/sched.h>
#include <kern/shell.h>
#include <stdlib.h>
#include <string.h>

static volatile int testapp_runs;
static char testapp_msg[32];
static volatile bool testapp_stop;

/* Serves (waits) until told to stop, like a real app would serve. */
static int testapp_main(int argc, char **argv)
{
	const char *msg = getenv("testapp.msg");

	testapp_runs++;
	if (argc == 1 && !strcmp(argv[0], "testapp") && msg)
		strlcpy(testapp_msg, msg, sizeof(testapp_msg));
	while (!testapp_stop)
		thread_sleep_ns(10 * 1000 * 1000);
	return 0;
}
APP("testapp", "the app registry's test app", testapp_main);

TEST(app_boot)
{
	if (!getenv("app")) {
		test_skip("no app= on the command line");
		return;
	}
	thread_yield();                 /* let it run if it has not */
	T_EQ(testapp_runs, 1);
	T_CHECK(!strcmp(testapp_msg, "hello"));
	T_EQ(app_start("testapp"), -EBUSY);
	T_EQ(app_start("nosuchapp"), -ENOENT);
	T_CHECK(app_find("testapp") != NULL);
	T_EQ(shell_exec("app"), 0);
	T_EQ(getenv("no.such.key"), NULL);
	testapp_stop = true;
}
