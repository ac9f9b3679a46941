/* SPDX-License-Identifier: MIT */
/* The serial shell: reads lines with the editor of kern/shell_edit.c,
 * splits them with kern/shell_split.c and runs SHELL_CMD commands. Also the
 * run= boot option, which runs commands without a console user. */
#include <kern/cmdline.h>
#include <kern/console.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/sched.h>
#include <kern/time.h>
#include <string.h>
#include "shell_priv.h"

CMDLINE_OPT(run, "run",
	    "shell commands to run at boot, ';'-separated, then power off "
	    "(run=\"help;mem\")");

static bool exit_requested;

/* Text that came from outside (a typed word, the command line) is shown
 * with anything unprintable as '?' and cut at 60 bytes, so it can neither
 * drive the terminal nor flood the log. */
static const char *clean(char *out, size_t outsz, const char *s, size_t n)
{
	size_t i, max = outsz - 4;

	for (i = 0; i < n && i < max; i++) {
		unsigned char c = (unsigned char)s[i];
		out[i] = (c < 0x20 || c >= 0x7f) ? '?' : (char)c;
	}
	if (n > max) {
		memcpy(out + i, "...", 3);
		i += 3;
	}
	out[i] = '\0';
	return out;
}

static const struct shell_cmd *find(const char *name)
{
	for (const struct shell_cmd *c = __shellcmds_start; c < __shellcmds_end; c++)
		if (c->name && strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

/* Run one command with Ctrl-C aimed at this thread: an interruptible
 * wait in the command ends with -EINTR, and the command gives up. */
static int run_cmd(const struct shell_cmd *cmd, int argc, char **argv)
{
	int r;

	thread_clear_interrupt();
	console_set_intr_target(thread_self());
	r = cmd->fn(argc, argv);
	console_set_intr_target(NULL);
	if (r == -EINTR)
		kprintf("^C\n");
	thread_clear_interrupt();
	return r;
}

/* Split and run the next command of *linep. *name gets the command name
 * ("" when there was none) and *said whether the error, if any, was
 * already reported here, for the caller's report. */
static int exec_next(const char **linep, char *name, size_t namesz, bool *said)
{
	char buf[SHELL_LINE_MAX];
	char *argv[SHELL_MAX_ARGS];
	const struct shell_cmd *cmd;
	int argc = shell_split(linep, buf, sizeof(buf), argv, SHELL_MAX_ARGS);

	name[0] = '\0';
	*said = argc < 0;
	if (argc == -EINVAL) {
		kprintf("shell: unbalanced quote\n");
		return argc;
	}
	if (argc == -E2BIG) {
		kprintf("shell: command too long (at most %d bytes and %d words)\n",
			SHELL_LINE_MAX - 1, SHELL_MAX_ARGS - 1);
		return argc;
	}
	if (argc <= 0)
		return 0;
	clean(name, namesz, argv[0], strlen(argv[0]));
	cmd = find(argv[0]);
	if (!cmd) {
		kprintf("unknown command: %s (try help)\n", name);
		*said = true;
		return -ENOENT;
	}
	return run_cmd(cmd, argc, argv);
}

int shell_exec(const char *line)
{
	char name[64];
	bool said;
	int ret = 0;

	if (!line)
		return -EINVAL;
	while (*line) {
		int r = exec_next(&line, name, sizeof(name), &said);
		if (r)
			ret = r;
	}
	return ret;
}

static void trim(const char **s, const char **e)
{
	while (*s < *e && (**s == ' ' || **s == '\t'))
		(*s)++;
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t' || (*e)[-1] == ';'))
		(*e)--;
}

int shell_run_boot_commands(const char *cmds)
{
	char name[64], text[80];
	bool said;
	int failed = 0;

	if (!cmds)
		return 0;
	while (*cmds) {
		const char *start = cmds, *end;
		int r;

		r = exec_next(&cmds, name, sizeof(name), &said);
		end = cmds;
		trim(&start, &end);
		if (start == end)
			continue;       /* an empty command, as in "a;;b" */
		if (r == -EINTR) {
			failed++;
			kprintf("run: '%s' interrupted; the rest is not run\n",
				clean(text, sizeof(text), start, (size_t)(end - start)));
			break;
		}
		if (r) {
			failed++;
			kprintf("run: '%s' failed: %s (%d)\n",
				clean(text, sizeof(text), start, (size_t)(end - start)),
				strerror(r), r);
		} else {
			kprintf("run: '%s' ok\n",
				clean(text, sizeof(text), start, (size_t)(end - start)));
		}
	}
	return failed;
}

static void edit_out(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	console_write(s, n);
}

/* Static: the history alone is a few KiB, too much for a thread stack. */
static struct shell_edit editor;

void shell_run(void)
{
	exit_requested = false;
	shell_edit_init(&editor, "> ", edit_out, NULL);
	kprintf("shell: type 'help' for the commands\n");
	while (!exit_requested) {
		int r = SHELL_EDIT_MORE;

		shell_edit_begin(&editor);
		while (r == SHELL_EDIT_MORE) {
			int c = console_getc();

			if (c < 0) {
				/* No console input at all: don't spin. */
				thread_sleep_ns(100 * NSEC_PER_MSEC);
				continue;
			}
			r = shell_edit_feed(&editor, c);
		}
		if (r == SHELL_EDIT_REFUSED) {
			if (editor.lost_full)
				kprintf("shell: line too long (at most %d bytes); "
					"not run\n", SHELL_LINE_MAX - 1);
			if (editor.lost_nonascii)
				kprintf("shell: %u byte(s) that are not printable "
					"ASCII were typed; line not run\n",
					editor.lost_nonascii);
		}
		if (r != SHELL_EDIT_DONE)
			continue;
		const char *line = editor.line;
		char name[64];
		bool said;
		while (*line) {
			int e = exec_next(&line, name, sizeof(name), &said);
			if (e && !said)
				kprintf("%s: %s\n", name, strerror(e));
		}
	}
}

static int cmd_exit(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	exit_requested = true;
	return 0;
}
SHELL_CMD("exit", "exit - leave the shell", cmd_exit);
