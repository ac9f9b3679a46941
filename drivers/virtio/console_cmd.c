// SPDX-License-Identifier: MIT
/* Shell commands over <drivers/vport.h>: `ports` lists the virtio console
 * ports, `portcat` copies a port to the console (or a line to the port),
 * `portecho` sends back what a port receives and `conecho` what the
 * console receives (test aids: the host-side scripts of
 * tests/cases/virtio_console.cases and tests/bench/vcon.py drive them). */
#include <drivers/vport.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/sched.h>
#include <kern/shell.h>
#include <kern/time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PORTS_MAX       64
/* portecho's reads and writes: half of what a port's receive buffers hold
 * (128 of 4 KiB), so one read takes what came while the last write went
 * out, and one write fills many transmit buffers and kicks once. */
#define ECHO_BUF        (256 * 1024)
#define ECHO_SLICE_NS   (100 * NSEC_PER_MSEC)

static int cmd_ports(int argc, char **argv)
{
	static struct vport_info v[PORTS_MAX];
	unsigned n = vport_list(v, PORTS_MAX);

	(void)argc;
	(void)argv;
	kprintf("%-6s %3s %-24s %-5s %-5s %12s %12s %8s %8s\n", "dev", "id", "name",
		"host", "guest", "rx bytes", "tx bytes", "rx drop", "tx drop");
	for (unsigned i = 0; i < n && i < PORTS_MAX; i++) {
		char name[40];
		if (v[i].hvc >= 0)
			snprintf(name, sizeof(name), "%s%shvc%d", v[i].name,
				 v[i].name[0] ? " " : "", v[i].hvc);
		else
			snprintf(name, sizeof(name), "%s", v[i].name[0] ? v[i].name : "-");
		kprintf("%-6s %3u %-24s %-5s %-5s %12llu %12llu %8llu %8llu\n", v[i].dev,
			v[i].id, name, v[i].host_open ? "open" : "-",
			v[i].guest_open ? "open" : "-", (unsigned long long)v[i].rx_bytes,
			(unsigned long long)v[i].tx_bytes, (unsigned long long)v[i].rx_dropped,
			(unsigned long long)v[i].tx_dropped);
	}
	if (n == 0)
		kprintf("(no virtio console ports)\n");
	return 0;
}
SHELL_CMD("ports", "ports - list virtio console ports: name, host/guest open, counters",
	  cmd_ports);

/* Run at boot (run=), a command may come before its port has: wait while
 * ports are still arriving (vport_arriving); Ctrl-C ends the wait. */
static int open_or_say(const char *cmd, const char *name, struct vport **p)
{
	int rc;

	while ((rc = vport_open(name, p)) == -ENOENT && vport_arriving() &&
	       !thread_interrupted())
		thread_sleep_ns(10 * NSEC_PER_MSEC);

	if (rc)
		kprintf("%s: %s: %s\n", cmd, name, rc == -ENOENT ? "no such port"
			: rc == -EBUSY ? "port busy" : strerror(rc));
	return rc;
}

/* Write argv[first..] joined by blanks, and a newline. */
static int write_line(const char *cmd, const char *name, int argc, char **argv, int first)
{
	struct vport *p;
	char line[512];
	size_t k = 0;

	for (int i = first; i < argc; i++)
		k += (size_t)snprintf(line + k, sizeof(line) - k, "%s%s", i > first ? " " : "",
				      argv[i]);
	if (k > sizeof(line) - 2)
		k = sizeof(line) - 2;
	line[k++] = '\n';
	int rc = open_or_say(cmd, name, &p);
	if (rc)
		return rc;
	long w = vport_write(p, line, k, 5 * NSEC_PER_SEC);
	vport_close(p);
	if (w < 0) {
		kprintf("%s: %s: %s\n", cmd, name, w == -EPIPE ? "the host end is closed"
			: strerror((int)w));
		return (int)w;
	}
	return 0;
}

/* portcat NAME: the port's input on the console until the host closes its
 * end (end of file) or Ctrl-C. portcat -w NAME TEXT...: TEXT and a
 * newline to the port. */
static int cmd_portcat(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "-w"))
		return write_line("portcat", argv[2], argc, argv, 3);
	if (argc != 2) {
		kprintf("usage: portcat NAME | portcat -w NAME TEXT...\n");
		return -EINVAL;
	}
	struct vport *p;
	int rc = open_or_say("portcat", argv[1], &p);
	if (rc)
		return rc;
	char *buf = malloc(4096);
	long n = buf ? 0 : -ENOMEM;
	while (buf && (n = vport_read(p, buf, 4096, VPORT_FOREVER)) > 0)
		console_write(buf, (size_t)n);
	free(buf);
	vport_close(p);
	if (n == 0 || n == -ENODEV)
		return 0;       /* end of file, or the port went away */
	return (int)n;
}
SHELL_CMD("portcat", "portcat NAME - copy a port's input here until EOF/Ctrl-C; "
	  "portcat -w NAME TEXT - write a line", cmd_portcat);

static int cmd_portwrite(int argc, char **argv)
{
	if (argc < 2) {
		kprintf("usage: portwrite NAME TEXT...\n");
		return -EINVAL;
	}
	return write_line("portwrite", argv[1], argc, argv, 2);
}
SHELL_CMD("portwrite", "portwrite NAME TEXT - write TEXT and a newline to a port", cmd_portwrite);

/* Echo on one open port until end of file, the port's removal, an error,
 * *stop, or Ctrl-C of the calling thread. @return 0 or -errno. */
static int echo_loop(struct vport *p, char *buf, volatile bool *stop)
{
	for (;;) {
		long n = vport_read(p, buf, ECHO_BUF, ECHO_SLICE_NS);
		if (n == -ETIMEDOUT) {
			if (*stop)
				return 0;
			continue;
		}
		if (n == 0 || n == -ENODEV)
			return 0;
		if (n < 0)
			return (int)n;
		for (long off = 0; off < n;) {
			long w = vport_write(p, buf + off, (size_t)(n - off), ECHO_SLICE_NS);
			if (w == -ETIMEDOUT) {
				if (*stop)
					return 0;
				continue;
			}
			if (w == -EPIPE || w == -ENODEV)
				return 0;
			if (w < 0)
				return (int)w;
			off += w;
		}
	}
}

/* portecho -a: a thread per named port, started as ports appear (hot
 * plug) and again after each end of file, until Ctrl-C. */
struct echo_worker {
	char name[64];
	struct thread *t;
	volatile bool done;
};

static volatile bool echo_stop;

static void echo_thread(void *arg)
{
	struct echo_worker *w = arg;
	struct vport *p;
	char *buf = malloc(ECHO_BUF);

	if (buf && vport_open(w->name, &p) == 0) {
		int rc = echo_loop(p, buf, &echo_stop);
		vport_close(p);
		if (rc)
			kprintf("portecho: %s: %s\n", w->name, strerror(rc));
	}
	free(buf);
	w->done = true;
}

static int echo_all(void)
{
	static struct vport_info v[PORTS_MAX];
	static struct echo_worker wk[PORTS_MAX];
	int rc = 0;

	echo_stop = false;
	memset(wk, 0, sizeof(wk));
	kprintf("portecho: echoing on every named port\n");
	while (!thread_interrupted()) {
		unsigned n = MIN(vport_list(v, PORTS_MAX), (unsigned)PORTS_MAX);
		for (unsigned i = 0; i < PORTS_MAX; i++)
			if (wk[i].t && wk[i].done) {
				thread_join(wk[i].t);
				wk[i].t = NULL;
			}
		for (unsigned i = 0; i < n; i++) {
			if (!v[i].name[0] || v[i].guest_open)
				continue;
			bool served = false;
			for (unsigned j = 0; j < PORTS_MAX; j++)
				served |= wk[j].t && !strcmp(wk[j].name, v[i].name);
			for (unsigned j = 0; !served && j < PORTS_MAX; j++) {
				if (wk[j].t)
					continue;
				strlcpy(wk[j].name, v[i].name, sizeof(wk[j].name));
				wk[j].done = false;
				wk[j].t = thread_create("portecho", echo_thread, &wk[j]);
				break;
			}
		}
		if ((rc = thread_sleep_ns(20 * NSEC_PER_MSEC)))
			break;
	}
	echo_stop = true;
	for (unsigned i = 0; i < PORTS_MAX; i++)
		if (wk[i].t)
			thread_join(wk[i].t);
	return rc ? rc : -EINTR;
}

/* conecho: the console's input sent back to it until Ctrl-C: the path the
 * shell and printk use (16550 or PL011, or hvc0), for tests/bench/vcon.py
 * to set the UART's figure beside the port's. The console owns '\n' (sent
 * as "\r\n") and Ctrl-C, so only printable bytes come back unchanged. */
static int cmd_conecho(int argc, char **argv)
{
	static char buf[512];

	(void)argc;
	(void)argv;
	kprintf("conecho: echoing the console\n");
	for (;;) {
		size_t n = 0;
		int c;
		while (n < sizeof(buf) && (c = console_trygetc()) >= 0)
			buf[n++] = (char)c;
		if (n) {
			console_write(buf, n);
			continue;
		}
		if (console_wait_input(ECHO_SLICE_NS) == -EINTR || thread_interrupted())
			return -EINTR;
	}
}
SHELL_CMD("conecho", "conecho - send back what the console receives, until Ctrl-C "
	  "(a test aid)", cmd_conecho);

static int cmd_portecho(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "-a"))
		return echo_all();
	if (argc != 2) {
		kprintf("usage: portecho NAME | portecho -a\n");
		return -EINVAL;
	}
	struct vport *p;
	int rc = open_or_say("portecho", argv[1], &p);
	if (rc)
		return rc;
	char *buf = malloc(ECHO_BUF);
	static volatile bool never;
	kprintf("portecho: echoing %s\n", argv[1]);
	rc = buf ? 0 : -ENOMEM;
	/* Ctrl-C: the shell interrupts this thread, which ends the waits. */
	while (!rc && !thread_interrupted()) {
		rc = echo_loop(p, buf, &never);
		if (!rc)
			break;
	}
	if (thread_interrupted())
		rc = -EINTR;
	free(buf);
	vport_close(p);
	return rc;
}
SHELL_CMD("portecho", "portecho NAME|-a - send back what a port (or every named port) "
	  "receives (a test aid)", cmd_portecho);
