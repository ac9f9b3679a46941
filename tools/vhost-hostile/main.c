// SPDX-License-Identifier: MIT
/* vhost-hostile: listen on a Unix socket, take one vhost-user connection
 * from QEMU (-chardev socket,path=... -device vhost-user-blk-pci,chardev=...),
 * serve a virtio-blk disk on it until QEMU goes away, and misbehave on
 * command (--misbehave=MODE[,after=N]). Single-threaded: one poll loop
 * over the connection and the kick eventfd, with timers for the storms. */
#include "vhh.h"
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

struct opts opt = {
	.ram_bytes = 16ull << 20,
	.serial = "vhost-hostile",
	.storm = 20000,
	.changes = 200,
	.gap_us = ~0u,          /* per mode: 20 us (irq-storm), 5000 us (config-storm) */
};

static const char *const mb_names[] = {
	[MB_NONE] = "none",
	[MB_BAD_ID] = "bad-id",
	[MB_IDLE_ID] = "idle-id",
	[MB_DUP_ID] = "dup-id",
	[MB_BAD_LEN] = "bad-len",
	[MB_IDX_JUMP] = "idx-jump",
	[MB_IRQ_STORM] = "irq-storm",
	[MB_HANG] = "hang",
	[MB_VRING_ERR] = "vring-err",
	[MB_CONFIG] = "config-storm",
	[MB_DISCONNECT] = "disconnect",
	[MB_REORDER] = "reorder",
	[MB_SCRIBBLE] = "scribble",
};

const char *mb_name(enum misbehave m)
{
	return mb_names[m];
}

uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void vhh_log(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "vhost-hostile: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: vhost-hostile --socket=PATH [--disk=FILE | --size=MIB] [options]\n"
"Serves one virtio-blk device to QEMU over vhost-user on PATH (listening;\n"
"QEMU connects: -chardev socket,id=c0,path=PATH -device vhost-user-blk-pci,chardev=c0,\n"
"guest RAM shared: -object memory-backend-memfd,id=mem,size=128M,share=on\n"
"-machine memory-backend=mem). Exits when QEMU disconnects.\n"
"  --disk=FILE          backing file (its size, rounded down to 512, is the disk)\n"
"  --size=MIB           RAM disk of MIB MiB when no --disk (default 16)\n"
"  --serial=STR         GET_ID answer (default vhost-hostile)\n"
"  --readonly           offer VIRTIO_BLK_F_RO and fail writes\n"
"  --misbehave=MODE[,after=N][,count=K][,gap=US]\n"
"                       serve N requests well (default 0), then MODE on every request:\n"
"    none               behave (default)\n"
"    bad-id             used id = queue size (out of range)\n"
"    idle-id            used id of a descriptor not in flight\n"
"    dup-id             the request completed twice\n"
"    bad-len            used length one past the writable bytes posted\n"
"    idx-jump           used index moved by queue size + 2\n"
"    irq-storm          completes, then signals the call eventfd K times (20000),\n"
"                       US apart (20; 0: a tight loop, which the eventfd coalesces)\n"
"    hang               takes requests and never completes them\n"
"    vring-err          signals the error eventfd and completes nothing\n"
"    config-storm       K capacity changes (200), US apart (5000), over the backend channel\n"
"    disconnect         closes the connection with the request in flight\n"
"    reorder            completes each batch taken last first (legal)\n"
"    scribble           trashes the driver's descriptors (and indirect tables) and\n"
"                       available ring once read, then completes well\n");
}

static int parse_misbehave(const char *arg)
{
	char buf[128];
	snprintf(buf, sizeof(buf), "%s", arg);
	char *save = NULL, *tok = strtok_r(buf, ",", &save);
	bool found = false;

	for (unsigned i = 0; tok && i < sizeof(mb_names) / sizeof(mb_names[0]); i++)
		if (!strcmp(tok, mb_names[i])) {
			opt.mode = (enum misbehave)i;
			found = true;
		}
	if (!found) {
		fprintf(stderr, "vhost-hostile: unknown mode '%s'\n", tok ? tok : "");
		return -1;
	}
	while ((tok = strtok_r(NULL, ",", &save))) {
		char *end;
		if (!strncmp(tok, "after=", 6)) {
			opt.after = strtoull(tok + 6, &end, 0);
		} else if (!strncmp(tok, "gap=", 4)) {
			unsigned long v = strtoul(tok + 4, &end, 0);
			if (v > 10000000)
				end = tok;
			opt.gap_us = (unsigned)v;
		} else if (!strncmp(tok, "count=", 6)) {
			unsigned long v = strtoul(tok + 6, &end, 0);
			if (v == 0 || v > 1000000)
				end = tok;
			opt.storm = opt.changes = (unsigned)v;
		} else {
			end = tok;
		}
		if (end == tok || *end) {
			fprintf(stderr, "vhost-hostile: bad misbehave option '%s'\n", tok);
			return -1;
		}
	}
	return 0;
}

static int listen_on(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(a.sun_path)) {
		fprintf(stderr, "vhost-hostile: socket path longer than %zu bytes\n",
			sizeof(a.sun_path) - 1);
		return -1;
	}
	strcpy(a.sun_path, path);
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	unlink(path);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 1)) {
		perror("vhost-hostile: socket");
		return -1;
	}
	return s;
}

static int open_disk(struct dev *d)
{
	d->disk_fd = -1;
	if (!opt.disk) {
		d->disk_bytes = opt.ram_bytes;
		d->ram = calloc(1, d->disk_bytes);
		return d->ram ? 0 : -1;
	}
	d->disk_fd = open(opt.disk, (opt.readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	struct stat s;
	if (d->disk_fd < 0 || fstat(d->disk_fd, &s)) {
		perror(opt.disk);
		return -1;
	}
	d->disk_bytes = (uint64_t)s.st_size & ~511ull;
	return 0;
}

/* The storms run from the loop, a step per turn, so that QEMU's messages
 * (which it waits for synchronously) are answered meanwhile. */
static int timers(struct dev *d)
{
	int timeout = 1000;

	if (d->storm_left) {
		uint64_t one = 1;
		if (d->vq.call >= 0 && write(d->vq.call, &one, sizeof(one)) < 0 && errno != EAGAIN)
			d->storm_left = 1;
		if (--d->storm_left == 0)
			vhh_log("irq-storm: %u interrupts signalled", opt.storm);
		/* Short gaps, so that QEMU takes each signal as its own (an
		 * eventfd adds up what it is told until it is read). */
		if (opt.gap_us)
			nanosleep(&(struct timespec){ opt.gap_us / 1000000,
						      (long)(opt.gap_us % 1000000) * 1000 }, NULL);
		timeout = 0;
	}
	if (d->changes_left || d->change_unsent) {
		uint64_t t = now_ms();
		if (t >= d->next_change_ms) {
			uint64_t base = d->disk_bytes / 512;
			if (!d->change_unsent) {
				d->changes_left--;
				/* Between twice the disk and the disk itself; the
				 * last change settles on one and a half times it. */
				if (!d->changes_left)
					d->capacity = base + base / 2;
				else
					d->capacity = d->capacity == base ? 2 * base : base;
				d->change_unsent = true;
			}
			if (proto_config_change(d))
				return 1;       /* channel full: serve QEMU, then again */
			d->change_unsent = false;
			if (!d->changes_left)
				vhh_log("config-storm: %u changes sent, capacity now %llu",
					opt.changes, (unsigned long long)d->capacity);
			d->next_change_ms = t + opt.gap_us / 1000;
		}
		timeout = (int)(d->next_change_ms > t ? d->next_change_ms - t : 0);
	}
	if (d->vq.started && d->vq.kick < 0)
		timeout = timeout > 1 ? 1 : timeout;  /* no kick fd: poll the ring */
	return timeout;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "disk", required_argument, NULL, 'd' },
		{ "size", required_argument, NULL, 'm' },
		{ "serial", required_argument, NULL, 'i' },
		{ "readonly", no_argument, NULL, 'r' },
		{ "misbehave", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 's': opt.socket = optarg; break;
		case 'd': opt.disk = optarg; break;
		case 'm': opt.ram_bytes = strtoull(optarg, NULL, 0) << 20; break;
		case 'i': opt.serial = optarg; break;
		case 'r': opt.readonly = true; break;
		case 'b':
			if (parse_misbehave(optarg))
				return 2;
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (opt.gap_us == ~0u)
		opt.gap_us = opt.mode == MB_CONFIG ? 5000 : 20;
	if (!opt.socket || optind != argc || (!opt.disk && !opt.ram_bytes)) {
		usage(stderr);
		return 2;
	}

	struct dev *d = calloc(1, sizeof(*d));
	if (!d || open_disk(d))
		return 1;
	d->capacity = d->disk_bytes / 512;
	d->backend_fd = d->vq.kick = d->vq.call = d->vq.err = -1;
	int ls = listen_on(opt.socket);
	if (ls < 0)
		return 1;
	vhh_log("listening on %s: %llu sectors, misbehave=%s after %llu", opt.socket,
		(unsigned long long)d->capacity, mb_name(opt.mode),
		(unsigned long long)opt.after);
	d->sock = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
	close(ls);
	unlink(opt.socket);
	if (d->sock < 0) {
		perror("vhost-hostile: accept");
		return 1;
	}
	vhh_log("front end connected");

	while (d->sock >= 0) {
		int timeout = timers(d);
		struct pollfd pf[2] = { { d->sock, POLLIN, 0 }, { d->vq.kick, POLLIN, 0 } };
		nfds_t n = d->vq.started && d->vq.kick >= 0 ? 2 : 1;
		int r = poll(pf, n, timeout);
		if (r < 0 && errno != EINTR) {
			perror("vhost-hostile: poll");
			break;
		}
		if (n == 2 && (pf[1].revents & POLLIN)) {
			uint64_t cnt;
			if (read(d->vq.kick, &cnt, sizeof(cnt)) < 0 && errno != EAGAIN)
				vhh_log("kick eventfd: %s", strerror(errno));
			vring_process(d);
		} else if (d->vq.started && d->vq.kick < 0) {
			vring_process(d);
		}
		if (d->sock >= 0 && (pf[0].revents & (POLLIN | POLLHUP | POLLERR))) {
			if (proto_handle(d)) {
				vhh_log("front end disconnected");
				break;
			}
		}
	}
	vhh_log("served %llu requests well; exiting", (unsigned long long)d->served);
	mem_unmap_all(d);
	return 0;
}
