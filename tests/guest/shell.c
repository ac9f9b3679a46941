/* SPDX-License-Identifier: MIT */
/* In-guest tests of the shell: shell_exec on known, unknown and malformed
 * lines, and the run= path. */
#include <kern/test.h>
#include <kern/shell.h>
#include <kern/time.h>
#include <kern/errno.h>
#include <kern/console.h>
#include <kern/printk.h>
#include <kern/sched.h>
#include <string.h>
#include "../../kern/shell_priv.h"

TEST(shell_exec_known)
{
	T_EQ(shell_exec("echo hello from shell_exec"), 0);
	T_EQ(shell_exec("help"), 0);
	T_EQ(shell_exec("uptime"), 0);
	T_EQ(shell_exec("threads"), 0);
	T_EQ(shell_exec("mem"), 0);
	T_EQ(shell_exec("echo \"quoted; words\" 'and;more'; echo second"), 0);
	T_EQ(shell_exec(""), 0);
	T_EQ(shell_exec(" ; ;; "), 0);
}

TEST(shell_exec_unknown)
{
	T_EQ(shell_exec("nosuchcommand"), -ENOENT);
	T_EQ(shell_exec("echo before; nosuch; echo after"), -ENOENT);
	T_EQ(shell_exec("HELP"), -ENOENT);
	T_EQ(shell_exec("\x1b[2J\x01"), -ENOENT);       /* printed as '?' */
	T_EQ(shell_exec(NULL), -EINVAL);
}

TEST(shell_exec_malformed)
{
	static char line[1024];

	T_EQ(shell_exec("echo \"unbalanced"), -EINVAL);
	T_EQ(shell_exec("echo 'unbalanced; help"), -EINVAL);
	memset(line, 'x', sizeof(line) - 1);
	memcpy(line, "echo ", 5);
	T_EQ(shell_exec(line), -E2BIG);
	/* Too many words; the next command still runs. */
	strcpy(line, "echo");
	for (int i = 0; i < SHELL_MAX_ARGS + 5; i++)
		strcat(line, " w");
	strcat(line, "; echo next");
	T_EQ(shell_exec(line), -E2BIG);
	T_EQ(shell_exec("sleep"), -EINVAL);
	T_EQ(shell_exec("sleep abc"), -EINVAL);
	T_EQ(shell_exec("sleep -1"), -EINVAL);
	T_EQ(shell_exec("sleep 99999999999999999999"), -EINVAL);
}

TEST(shell_split_words)
{
	char buf[64];
	char *argv[8];
	const char *p = "echo \"a b\" c\\;d; next";

	T_EQ(shell_split(&p, buf, sizeof(buf), argv, 8), 3);
	T_CHECK(strcmp(argv[0], "echo") == 0);
	T_CHECK(strcmp(argv[1], "a b") == 0);
	T_CHECK(strcmp(argv[2], "c;d") == 0);
	T_CHECK(argv[3] == NULL);
	T_EQ(shell_split(&p, buf, sizeof(buf), argv, 8), 1);
	T_CHECK(strcmp(argv[0], "next") == 0);
	T_CHECK(*p == '\0');
}

TEST(shell_sleep)
{
	uint64_t t0 = time_ns();

	T_EQ(shell_exec("sleep 20"), 0);
	T_CHECK(time_ns() - t0 >= 20 * NSEC_PER_MSEC);
	T_EQ(shell_exec("sleep 0"), 0);
}

TEST(shell_boot_commands)
{
	T_EQ(shell_run_boot_commands("echo one;echo two"), 0);
	T_EQ(shell_run_boot_commands("echo a; nosuch; echo b; sleep x"), 2);
	T_EQ(shell_run_boot_commands(""), 0);
	T_EQ(shell_run_boot_commands(";;"), 0);
	T_EQ(shell_run_boot_commands("echo \"open"), 1);
	T_EQ(shell_run_boot_commands(NULL), 0);
}

/* ---- Ctrl-C ----------------------------------------------------------- */

struct intr_run {
	const char *line;
	int rc;
	volatile bool done;
};

static void intr_runner(void *arg)
{
	struct intr_run *r = arg;

	r->rc = shell_exec(r->line);
	r->done = true;
}

/* Run line in a thread, let it get into its wait, then type Ctrl-C the
 * way the UART's receive interrupt does (console_rx). The command must end
 * with -EINTR long before it would have on its own, and the byte must not
 * reach the input ring. @return the command's status. */
static int interrupt_after(const char *line, uint64_t *took_ns)
{
	struct intr_run r = { .line = line };
	struct thread *t = thread_create("intr-test", intr_runner, &r);

	if (!t)
		return -ENOMEM;
	thread_sleep_ns(20 * NSEC_PER_MSEC);
	uint64_t t0 = time_ns();
	console_rx('\x03');
	T_EQ(thread_join(t), 0);
	*took_ns = time_ns() - t0;
	T_CHECK(r.done);
	return r.rc;
}

TEST(shell_ctrl_c)
{
	uint64_t took;

	/* An hour's sleep ends at the Ctrl-C: within a second of emulated
	 * time (the wake-up is immediate; the bound only rules out "the
	 * sleep ran its course"). */
	T_EQ(interrupt_after("sleep 3600000", &took), -EINTR);
	test_diag("sleep interrupted %llu us after Ctrl-C",
		  (unsigned long long)(took / 1000));
	T_CHECK(took < NSEC_PER_SEC);
	T_EQ(console_trygetc(), -EAGAIN);       /* not queued as input */
	/* A script stops at the interrupted command. */
	T_EQ(interrupt_after("sleep 3600000; echo not reached", &took), -EINTR);
	/* No command running: Ctrl-C is an ordinary input byte again, and
	 * the next command is not born interrupted. */
	console_rx('\x03');
	T_EQ(console_trygetc(), 3);
	T_EQ(shell_exec("sleep 1"), 0);
}
