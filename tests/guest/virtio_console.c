// SPDX-License-Identifier: MIT
/* In-guest tests of virtio-console and <drivers/vport.h> against QEMU's
 * virtio-serial: ports by name, the host end open (a file chardev) or
 * never open (a port without a chardev), bounded waits, Ctrl-C, the shell
 * commands, and the emergency write once the device has failed. The cases
 * (tests/cases/virtio_console.cases) say what to expect with vcontest.*:
 * the host-side checks (16 MiB echo, hot plug, the shell through a port)
 * are hooks there. */
#include <drivers/vport.h>
#include <kern/cmdline.h>
#include <kern/console.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/sched.h>
#include <kern/shell.h>
#include <kern/test.h>
#include <kern/time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../drivers/virtio/console_priv.h"

CMDLINE_OPT(vcontest_file, "vcontest.file", "tests: name of a port whose host end is a file");
CMDLINE_OPT(vcontest_closed, "vcontest.closed", "tests: name of a port nobody opens on the host");
CMDLINE_OPT(vcontest_console, "vcontest.console", "tests: the console expected (hvc0, ...)");
CMDLINE_OPT(vcontest_emerg, "vcontest.emerg", "tests: 1 runs the emergency-write case (it fails the console)");
CMDLINE_OPT(vcontest_nports, "vcontest.nports", "tests: virtio console ports expected");

#define FILE_MARK       "virtio-console file port: "
#define FILE_BYTES      (200 * 1024)

static bool find(const char *name, struct vport_info *out)
{
	static struct vport_info v[64];
	unsigned n = vport_list(v, 64);

	for (unsigned i = 0; i < n && i < 64; i++)
		if (!strcmp(v[i].name, name)) {
			*out = v[i];
			return true;
		}
	return false;
}

#define NEED_OPT(var, key)                                                   \
	const char *var = cmdline_get(key);                                  \
	do {                                                                 \
		if (!var) {                                                  \
			test_skip("no " key "= on the command line");        \
			return;                                              \
		}                                                            \
	} while (0)

/* Ports come from the device's control messages after the probe, a round
 * trip each (PORT_ADD, our PORT_READY, then the name and the host's open).
 * The probe stops waiting for them at the first lull (console.c's settle),
 * and on a loaded host a round trip can outlast that lull, so a test waits
 * for the port it uses and, where it says so, for its host end to be open.
 * Bounded: a port that never comes fails the test. */
#define PORT_WAIT_NS (10 * NSEC_PER_SEC)

static bool await_port(const char *name, bool host_open)
{
	uint64_t end = time_ns() + PORT_WAIT_NS;
	struct vport_info one;

	while (!find(name, &one) || (host_open && !one.host_open)) {
		if (time_ns() >= end)
			return false;
		thread_sleep_ns(10 * NSEC_PER_MSEC);
	}
	return true;
}

/* The same for the kernel console moving to a port (its CONSOLE_PORT
 * message). */
static bool await_console(const char *want)
{
	uint64_t end = time_ns() + PORT_WAIT_NS;
	const char *con;

	while (!(con = console_name()) || strcmp(con, want)) {
		if (time_ns() >= end)
			return false;
		thread_sleep_ns(10 * NSEC_PER_MSEC);
	}
	return true;
}

#define NEED_PORT(var, key, host_open)                                       \
	NEED_OPT(var, key);                                                  \
	do {                                                                 \
		bool announced_ = await_port(var, host_open);                \
		T_CHECK(announced_);                                         \
		if (!announced_)                                             \
			return;                                              \
	} while (0)

/* vport_open, failing the test (and leaving it) when it fails: the
 * rest of a test uses the port. */
#define OPEN_OR_RETURN(name, pp)                                             \
	do {                                                                 \
		int rc_ = vport_open(name, pp);                              \
		T_EQ(rc_, 0);                                                \
		if (rc_)                                                     \
			return;                                              \
	} while (0)

TEST(virtio_console_list)
{
	struct vport_info v[64];
	long want = cmdline_get_range("vcontest.nports", 0, 64, -1);

	if (want < 0) {
		test_skip("no vcontest.nports=");
		return;
	}
	uint64_t end = time_ns() + PORT_WAIT_NS;
	unsigned n;
	while ((n = vport_list(v, 64)) < want && time_ns() < end)
		thread_sleep_ns(10 * NSEC_PER_MSEC);
	T_EQ(n, want);
	T_EQ(vport_list(NULL, 0), n);
	for (unsigned i = 0; i < n && i < 64; i++)
		test_diag("%s port %u %s hvc%d host %d guest %d", v[i].dev, v[i].id,
			  v[i].name, v[i].hvc, v[i].host_open, v[i].guest_open);
	const char *f = cmdline_get("vcontest.file");
	const char *c = cmdline_get("vcontest.closed");
	struct vport_info one;
	if (f) {
		T_CHECK(await_port(f, true));
		T_CHECK(find(f, &one));
		T_CHECK(one.host_open);
		T_CHECK(!one.guest_open);
		T_EQ(one.hvc, -1);
	}
	if (c) {
		T_CHECK(find(c, &one));
		T_CHECK(!one.host_open);
	}
}

TEST(virtio_console_open_errors)
{
	NEED_PORT(f, "vcontest.file", false);
	struct vport *a, *b;

	T_EQ(vport_open("org.example.no-such-port", &a), -ENOENT);
	T_EQ(vport_open("", &a), -ENOENT);
	T_EQ(vport_open("hvc99", &a), -ENOENT);
	OPEN_OR_RETURN(f, &a);
	T_EQ(vport_open(f, &b), -EBUSY);
	struct vport_info one;
	T_CHECK(find(f, &one) && one.guest_open);
	vport_close(a);
	T_CHECK(find(f, &one) && !one.guest_open);
	OPEN_OR_RETURN(f, &b);
	vport_close(b);
	/* The kernel console's port is not for the taking. */
	const char *con = console_name();
	if (con && !strncmp(con, "hvc", 3))
		T_EQ(vport_open(con, &a), -EBUSY);
}

/* The file port's host end writes what we send into $T/file.out, which
 * the case's post hook checks (tests/hooks/vcon_file_post.sh): a line,
 * then FILE_BYTES of a pattern in writes of many sizes (one byte, a
 * transmit buffer and one more, more than every buffer together). */
TEST(virtio_console_write_file)
{
	NEED_PORT(f, "vcontest.file", true);
	struct vport *p;
	/* From the heap, not static: 200 KiB of .bss would push the test
	 * image's end past 3 MiB, the smallest guest (hostile_mem_3m). */
	char *buf = malloc(FILE_BYTES);

	T_CHECK(buf != NULL);
	if (!buf)
		return;
	for (unsigned i = 0; i < FILE_BYTES; i++)
		buf[i] = (char)('a' + (i * 7 + i / 251) % 26);
	int rc = vport_open(f, &p);
	T_EQ(rc, 0);
	if (rc) {
		free(buf);
		return;
	}
	const char *line = FILE_MARK "hello\n";
	T_EQ(vport_write(p, line, strlen(line), VPORT_FOREVER), strlen(line));
	static const unsigned sizes[] = { 1, 2, 100, 8191, 8192, 8193, 4096, 140000 };
	unsigned off = 0;
	for (unsigned i = 0; off < FILE_BYTES; i = (i + 1) % ARRAY_SIZE(sizes)) {
		unsigned k = MIN(sizes[i], FILE_BYTES - off);
		long w = vport_write(p, buf + off, k, 10 * NSEC_PER_SEC);
		T_EQ(w, k);
		if (w != (long)k)
			break;
		off += k;
	}
	T_EQ(vport_write(p, "\n", 1, VPORT_FOREVER), 1);
	/* A non-blocking write takes what fits now, maybe nothing. */
	long w = vport_write(p, buf, 1, 0);
	T_CHECK(w == 1 || w == -EAGAIN);
	if (w == 1)
		T_EQ(vport_write(p, "\n", 1, VPORT_FOREVER), 1);
	/* Nothing comes from a file: reads wait their bound. */
	T_EQ(vport_read(p, buf, 16, 0), -EAGAIN);
	uint64_t t0 = time_ns();
	T_EQ(vport_read(p, buf, 16, 50 * NSEC_PER_MSEC), -ETIMEDOUT);
	T_CHECK(time_ns() - t0 >= 50 * NSEC_PER_MSEC);
	T_EQ(vport_poll(p, VPORT_IN, 20 * NSEC_PER_MSEC), 0);
	T_EQ(vport_poll(p, VPORT_OUT, VPORT_FOREVER), VPORT_OUT);
	T_EQ(vport_read(p, buf, 0, VPORT_FOREVER), 0);
	vport_close(p);
	struct vport_info one;
	T_CHECK(find(f, &one));
	T_CHECK(one.tx_bytes >= FILE_BYTES);
	T_EQ(one.tx_dropped, 0);
	free(buf);
}

TEST(virtio_console_closed_port)
{
	NEED_PORT(c, "vcontest.closed", false);
	struct vport *p;
	char b[8];

	OPEN_OR_RETURN(c, &p);
	T_EQ(vport_write(p, "x", 1, VPORT_FOREVER), -EPIPE);
	T_EQ(vport_read(p, b, sizeof(b), 0), -EAGAIN);
	T_EQ(vport_read(p, b, sizeof(b), 30 * NSEC_PER_MSEC), -ETIMEDOUT);
	/* Never open on the host: not an end of file either, and no room
	 * to write; a poll waits its bound. */
	T_EQ(vport_poll(p, VPORT_IN, 30 * NSEC_PER_MSEC), 0);
	uint64_t t0 = time_ns();
	T_EQ(vport_poll(p, VPORT_OUT, 30 * NSEC_PER_MSEC), 0);
	T_CHECK(time_ns() - t0 >= 30 * NSEC_PER_MSEC);
	T_EQ(vport_poll(p, VPORT_IN | VPORT_OUT, 0), 0);
	vport_close(p);
}

struct poker {
	struct thread *target;
	volatile bool done;
};

static void poke(void *arg)
{
	struct poker *k = arg;

	thread_sleep_ns(50 * NSEC_PER_MSEC);
	thread_interrupt(k->target);
	k->done = true;
}

/* Ctrl-C (thread_interrupt) ends a read that would wait forever. */
TEST(virtio_console_read_interrupted)
{
	NEED_PORT(c, "vcontest.closed", false);
	struct vport *p;
	struct poker k = { thread_self(), false };
	char b[8];

	OPEN_OR_RETURN(c, &p);
	thread_clear_interrupt();
	struct thread *t = thread_create("poke", poke, &k);
	T_CHECK(t != NULL);
	T_EQ(vport_read(p, b, sizeof(b), VPORT_FOREVER), -EINTR);
	thread_join(t);
	thread_clear_interrupt();
	vport_close(p);
}

TEST(virtio_console_shell)
{
	NEED_PORT(f, "vcontest.file", true);
	char cmd[160];

	T_EQ(shell_exec("ports"), 0);
	snprintf(cmd, sizeof(cmd), "portcat -w %s " FILE_MARK "from portcat", f);
	T_EQ(shell_exec(cmd), 0);
	snprintf(cmd, sizeof(cmd), "portwrite %s " FILE_MARK "from portwrite", f);
	T_EQ(shell_exec(cmd), 0);
	T_EQ(shell_exec("portcat org.example.no-such-port"), -ENOENT);
	T_EQ(shell_exec("portcat"), -EINVAL);
	const char *c = cmdline_get("vcontest.closed");
	if (c) {
		T_CHECK(await_port(c, false));
		snprintf(cmd, sizeof(cmd), "portwrite %s x", c);
		T_EQ(shell_exec(cmd), -EPIPE);
	}
}

TEST(virtio_console_is_console)
{
	NEED_OPT(want, "vcontest.console");
	T_CHECK(await_console(want));
	const char *con = console_name();

	/* This line and the TAP lines around it reach the host through the
	 * port; the case's expect regex looks for it. */
	kprintf("virtio-console: console %s works\n", con ? con : "(none)");
}

/* The kernel console's device fails (as a hostile device would make the
 * core do); what follows still reaches the host through the emergency
 * write field. The case's regex looks for the marker. Run alone: the
 * console is slow from here on (a register write per byte). */
TEST(virtio_console_emerg_write)
{
	NEED_OPT(want, "vcontest.console");
	struct vcon_dev *d = NULL;

	if (!cmdline_get_bool("vcontest.emerg", false)) {
		test_skip("vcontest.emerg=1 runs it (it fails the console device)");
		return;
	}
	T_CHECK(await_console(want));

	for (struct vcon_dev *v = vcon_devs; v; v = v->next)
		for (uint32_t i = 0; i < v->nports; i++)
			if (v->slots[i].kcons)
				d = v;
	if (!d || !d->emerg) {
		test_skip(d ? "no VIRTIO_CONSOLE_F_EMERG_WRITE" : "the console is no virtio port");
		return;
	}
	virtio_dev_fail(d->vdev, "failed on purpose by a test");
	T_CHECK(virtio_dev_broken(d->vdev));
	kprintf("emergency write: marker %d\n", 4242);
	struct vport *p;
	T_EQ(vport_open(want, &p), -EIO);
}
