// SPDX-License-Identifier: MIT
/* httpd: an HTTP/1.1 server for static files (app=httpd).
 *
 * Serves GET and HEAD from a read-only tar image (fs/tarfs over a
 * virtio-blk disk), with keep-alive and pipelining, Content-Length, single
 * byte ranges (206/416), If-None-Match / If-Modified-Since (304), If-Range,
 * media types by extension, directory index pages (index.html, else a
 * listing), and /_status (HTML) and /_status.json for the operator. The
 * request parsing lives in http_parse.c (pure, host-tested).
 *
 * One thread per connection: each blocks in recv on its own socket. On the
 * cooperative scheduler a wake-up is a direct switch to that thread, while
 * lwIP's poll() walks and re-arms every socket it is given on each call,
 * so an event loop costs O(connections) per event; the thread's price is
 * its stack (28 KiB) and a bounded number of connections (httpd.max_conns:
 * more are answered 503 at the door). The accept loop owns the door.
 *
 * Every breach of a limit gets its status and a closed connection:
 *   400 malformed head, 405/501 other methods, 413 Content-Length over
 *   body_max, 414 request-target over uri_max, 431 head over hdr_max or
 *   more than hdr_count fields, 408 a head not complete within
 *   hdr_timeout_ms of its first byte (slowloris) or a new connection silent
 *   for idle_ms, 503 connections over max_conns or out of memory.
 * A keep-alive connection idle for idle_ms between requests is closed
 * without a word (RFC 9112 §9.5). A client that reads nothing for
 * send_timeout_ms is dropped. After an error response the connection is
 * half-closed and drained for a bounded time before the close, so that
 * unread input does not turn the close into a reset that destroys the
 * response (RFC 9112 §9.6).
 *
 * There is no wall clock, so no Date field (RFC 9110 §6.6.1 allows that);
 * Last-Modified and ETag come from the tar entry's mtime and size.
 *
 * Settings: httpd.KEY=VALUE on the command line, else the fw_cfg item
 * opt/app/httpd/KEY, else the default; each is logged with where it came
 * from (the table `settings` below lists them). */
#include <net/socket.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "app_conns.h"
#include "http_parse.h"
#include "httpd.h"

#define HTTPD_OUTBUF     (16 * 1024)
#define HTTPD_BACKLOG    32
#define HTTPD_TICK_MS    100        /* the accept loop's tick: lingering closes */
#define HTTPD_LINGER_MS  1000       /* draining after an error response */
#define HTTPD_LINGER_MAX (64 * 1024)
#define HTTPD_DOOR_MAX   32         /* refused connections lingering at once */
#define HTTPD_PAGE_MAX   (256 * 1024)  /* generated pages */
#define HTTPD_SERVER     "unikernel-httpd"

const int httpd_codes[HTTPD_NCODES] = {
	200, 206, 301, 304, 400, 404, 405, 408, 413, 414, 416, 431, 500, 501, 503, 505, 0, 0,
};

static struct httpd_cfg cfg;
static struct httpd_stats st;
static struct httpd_docroot docroot;

/* The glue (end of the file): the clock, settings, files. */
static unsigned long long now_ms(void);
static void load_settings(void);
static int files_mount(void);
struct file;
static const struct file *file_lookup(const char *path, bool *dir, unsigned long long *size,
				      long long *mtime);
static long file_read(const struct file *f, unsigned long long off, void *buf, size_t len);
static int dir_list(const char *path, struct sb *out);

struct conn {
	int fd;
	char *in;                   /* cfg.hdr_max bytes */
	size_t in_len;
	char *out;                  /* HTTPD_OUTBUF bytes */
	unsigned long served;       /* requests on this connection */
	struct app_conn link;       /* in conns, its thread */
};

static struct app_conns conns;  /* until their threads are joined */

static void count_code(int code)
{
	for (int i = 0; i < HTTPD_NCODES && httpd_codes[i]; i++)
		if (httpd_codes[i] == code) {
			st.code[i]++;
			return;
		}
}

/* --- Sending -------------------------------------------------------------------- */
static void set_timeout(int fd, int opt, unsigned long long ms)
{
	struct timeval tv = { (long)(ms / 1000), (long)(ms % 1000) * 1000 };

	if (ms == 0)
		tv.tv_usec = 1000;   /* 0 would mean forever */
	setsockopt(fd, SOL_SOCKET, opt, &tv, sizeof(tv));
}

/* Write all of buf; a client that takes nothing for send_timeout_ms is
 * given up. @return 0 or -1. */
static int send_all(int fd, const char *buf, size_t n)
{
	unsigned long long deadline = now_ms() + cfg.send_timeout_ms;

	set_timeout(fd, SO_SNDTIMEO, cfg.send_timeout_ms);
	while (n) {
		ssize_t k = write(fd, buf, n);

		if (k > 0) {
			buf += k;
			n -= (size_t)k;
			st.bytes_out += (unsigned long long)k;
			deadline = now_ms() + cfg.send_timeout_ms;
			continue;
		}
		if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) &&
		    now_ms() < deadline)
			continue;
		return -1;
	}
	return 0;
}

/* Half-close, then read and drop what the client still sends, for a
 * bounded time and amount, then close. */
static void linger_close(int fd, char *scratch, size_t size)
{
	unsigned long long deadline = now_ms() + HTTPD_LINGER_MS;
	size_t total = 0;

	shutdown(fd, SHUT_WR);
	while (total < HTTPD_LINGER_MAX) {
		unsigned long long now = now_ms();

		if (now >= deadline)
			break;
		set_timeout(fd, SO_RCVTIMEO, deadline - now);
		ssize_t k = read(fd, scratch, size);

		if (k <= 0 && !(k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)))
			break;
		if (k > 0)
			total += (size_t)k;
	}
	close(fd);
}

static void head_start(struct sb *h, int code, bool keep, int version)
{
	sb_printf(h, "HTTP/1.1 %d %s\r\nServer: " HTTPD_SERVER "\r\n", code, http_reason(code));
	if (!keep)
		sb_puts(h, "Connection: close\r\n");
	else if (version == 10)
		sb_puts(h, "Connection: keep-alive\r\n");
}

/* A status page for an error (keep: the connection may stay, as after a
 * 404). @return 0, or -1 when the client could not be written to. */
static int send_status(struct conn *c, int code, bool head_only, int version, bool keep)
{
	struct sb h;
	char body[160];
	int n = snprintf(body, sizeof(body),
			 "<!DOCTYPE html>\n<html><head><title>%d %s</title></head>"
			 "<body><h1>%d %s</h1></body></html>\n",
			 code, http_reason(code), code, http_reason(code));

	int rc = -1;

	count_code(code);
	sb_init(&h, 1024);
	head_start(&h, code, keep, version);
	if (code == 405)
		sb_puts(&h, "Allow: GET, HEAD\r\n");
	if (code == 503)
		sb_puts(&h, "Retry-After: 1\r\n");
	sb_printf(&h, "Content-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n\r\n", n);
	if (!head_only)
		sb_put(&h, body, (size_t)n);
	if (!h.cut)
		rc = send_all(c->fd, h.p, h.len);
	sb_free(&h);
	return rc;
}

/* An error that ends the connection. */
static void send_error(struct conn *c, int code, bool head_only, int version)
{
	send_status(c, code, head_only, version, false);
}

/* --- Responses ---------------------------------------------------------------------- */
/* A generated page (listing, status): 200 with the body in s. */
static int send_page(struct conn *c, const struct http_request *req, struct sb *s,
		     const char *type)
{
	struct sb h;
	int rc;

	if (s->cut) {
		send_error(c, 500, req->method == HTTP_HEAD, req->version);
		return -1;
	}
	sb_init(&h, 1024);
	head_start(&h, 200, req->keep_alive, req->version);
	sb_printf(&h, "Content-Type: %s\r\nContent-Length: %zu\r\nCache-Control: no-store\r\n\r\n",
		  type, s->len);
	count_code(200);
	rc = h.cut ? -1 : send_all(c->fd, h.p, h.len);
	if (!rc && req->method == HTTP_GET && s->len)
		rc = send_all(c->fd, s->p, s->len);
	sb_free(&h);
	return rc;
}

static int send_redirect(struct conn *c, const struct http_request *req)
{
	struct sb h;
	int rc;

	sb_init(&h, cfg.uri_max + 1024);
	head_start(&h, 301, req->keep_alive, req->version);
	sb_puts(&h, "Location: ");
	sb_put(&h, req->path.p, req->path.n);
	sb_puts(&h, "/");
	if (req->target.p + req->target.n > req->path.p + req->path.n)   /* the query */
		sb_put(&h, req->path.p + req->path.n,
		       (size_t)(req->target.p + req->target.n - (req->path.p + req->path.n)));
	sb_puts(&h, "\r\nContent-Length: 0\r\n\r\n");
	count_code(301);
	rc = h.cut ? -1 : send_all(c->fd, h.p, h.len);
	sb_free(&h);
	return rc;
}

static int send_file(struct conn *c, const struct http_request *req, const char *name,
		     const struct file *f, unsigned long long size, long long mtime)
{
	char etag[48], lm[30];
	unsigned long long first = 0, count = size;
	int code = 200;
	struct sb h;

	snprintf(etag, sizeof(etag), "\"%llx-%llx\"", (unsigned long long)mtime, size);
	http_date_format(mtime, lm);

	/* RFC 9110 §13.2.2: If-None-Match, else If-Modified-Since. */
	if (req->if_none_match.p) {
		if (http_etag_list_match(req->if_none_match.p, req->if_none_match.n, etag))
			code = 304;
	} else if (req->if_modified_since.p) {
		int64_t ims;

		if (http_date_parse(req->if_modified_since.p, req->if_modified_since.n, &ims) == 0 &&
		    mtime <= ims)
			code = 304;
	}
	if (code == 200 && req->range.p &&
	    (!req->if_range.p || http_if_range_ok(req->if_range.p, req->if_range.n, etag, mtime))) {
		uint64_t a, n;

		switch (http_range_parse(req->range.p, req->range.n, size, &a, &n)) {
		case HTTP_RANGE_OK:
			code = 206;
			first = a;
			count = n;
			break;
		case HTTP_RANGE_UNSATISFIABLE:
			code = 416;
			count = 0;
			break;
		case HTTP_RANGE_NONE:
			break;
		}
	}

	sb_init(&h, 2048);
	head_start(&h, code, req->keep_alive, req->version);
	sb_printf(&h, "ETag: %s\r\nLast-Modified: %s\r\n", etag, lm);
	if (code == 304) {
		sb_puts(&h, "\r\n");
	} else {
		sb_printf(&h, "Content-Type: %s\r\nAccept-Ranges: bytes\r\n",
			  http_mime_type(name, strlen(name)));
		if (code == 206)
			sb_printf(&h, "Content-Range: bytes %llu-%llu/%llu\r\n", first,
				  first + count - 1, size);
		if (code == 416)
			sb_printf(&h, "Content-Range: bytes */%llu\r\n", size);
		sb_printf(&h, "Content-Length: %llu\r\n\r\n", count);
	}
	count_code(code);
	if (h.cut || h.len > HTTPD_OUTBUF) {
		sb_free(&h);
		return -1;
	}
	/* The head and the first piece of the body in one write. */
	size_t used = h.len;
	int rc = 0;

	memcpy(c->out, h.p, used);
	sb_free(&h);
	if (req->method == HTTP_HEAD || code == 304 || code == 416)
		count = 0;
	while (count || used) {
		size_t want = HTTPD_OUTBUF - used;

		if (want > count)
			want = (size_t)count;
		if (want) {
			long k = file_read(f, first, c->out + used, want);

			if (k <= 0)
				return -1;   /* the disk failed: the length is promised, so close */
			used += (size_t)k;
			first += (unsigned long long)k;
			count -= (unsigned long long)k;
		}
		if ((rc = send_all(c->fd, c->out, used)) < 0)
			return rc;
		used = 0;
	}
	return 0;
}

/* One complete request. @return 0 to go on, -1 to close. */
static int serve(struct conn *c, const struct http_request *req)
{
	char *path = malloc(cfg.uri_max + sizeof(cfg.index) + 2);
	struct sb page;
	bool dir;
	unsigned long long size;
	long long mtime;
	const struct file *f;
	int rc = -1;

	if (!path) {
		send_error(c, 503, req->method == HTTP_HEAD, req->version);
		return -1;
	}
	if (http_path_decode(req->path.p, req->path.n, path, cfg.uri_max + 1) < 0) {
		st.bad_requests++;
		send_error(c, 400, req->method == HTTP_HEAD, req->version);
		goto out;
	}
	if (cfg.status && (!strcmp(path, "/_status") || !strcmp(path, "/_status.json"))) {
		bool json = path[8] == '.';

		sb_init(&page, HTTPD_PAGE_MAX);
		st.active = conns.active;           /* kept by app_conns */
		st.peak_active = conns.peak;
		httpd_status(&page, json, &cfg, &st, &docroot);
		rc = send_page(c, req, &page, json ? "application/json" : "text/html; charset=utf-8");
		sb_free(&page);
		goto out;
	}
	f = file_lookup(path, &dir, &size, &mtime);
	if (!f) {
		/* nothing wrong with the connection: it stays */
		rc = send_status(c, 404, req->method == HTTP_HEAD, req->version, req->keep_alive);
		goto out;
	}
	if (dir) {
		size_t n = strlen(path);

		if (path[n - 1] != '/') {
			rc = send_redirect(c, req);
			goto out;
		}
		strcat(path, cfg.index);
		f = file_lookup(path, &dir, &size, &mtime);
		if (f && !dir) {
			rc = send_file(c, req, path, f, size, mtime);
			goto out;
		}
		path[n] = '\0';
		sb_init(&page, HTTPD_PAGE_MAX);
		dir_list(path, &page);
		rc = send_page(c, req, &page, "text/html; charset=utf-8");
		sb_free(&page);
		goto out;
	}
	rc = send_file(c, req, path, f, size, mtime);
out:
	free(path);
	return rc;
}

/* --- A connection -------------------------------------------------------------------- */
/* Read and drop n body bytes (after what the buffer holds). @return 0 or -1. */
static int skip_body(struct conn *c, unsigned long long n)
{
	unsigned long long deadline = now_ms() + cfg.hdr_timeout_ms;

	while (n) {
		unsigned long long now = now_ms();

		if (now >= deadline)
			return -1;
		set_timeout(c->fd, SO_RCVTIMEO, deadline - now);
		ssize_t k = read(c->fd, c->out, n < HTTPD_OUTBUF ? (size_t)n : HTTPD_OUTBUF);

		if (k == 0 || (k < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
			return -1;
		if (k > 0)
			n -= (unsigned long long)k;
	}
	return 0;
}

static void conn_run(struct conn *c)
{
	const struct http_limits lim = {
		.uri_max = cfg.uri_max, .hdr_max = cfg.hdr_max, .hdr_count = cfg.hdr_count,
		.body_max = cfg.body_max,
	};
	struct http_request req;

	for (;;) {
		unsigned long long idle_end = now_ms() + cfg.idle_ms, head_end = 0;
		long r;

		/* Gather one request head. */
		for (;;) {
			r = http_parse_request(c->in, c->in_len, &lim, &req);
			if (r != 0)
				break;
			if (c->in_len && !head_end)
				head_end = now_ms() + cfg.hdr_timeout_ms;
			unsigned long long now = now_ms(), end = head_end ? head_end : idle_end;

			if (now >= end) {
				/* silent after a request: just close; else 408 */
				if (c->in_len || !c->served) {
					st.timeouts++;
					send_error(c, 408, false, 11);
					linger_close(c->fd, c->out, HTTPD_OUTBUF);
					c->fd = -1;
				}
				return;
			}
			set_timeout(c->fd, SO_RCVTIMEO, end - now);
			ssize_t k = read(c->fd, c->in + c->in_len, cfg.hdr_max - c->in_len);

			if (k > 0)
				c->in_len += (size_t)k;
			else if (k == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
				return;   /* the peer closed or reset */
		}
		if (r < 0) {
			st.bad_requests++;
			send_error(c, req.status, false, 11);
			linger_close(c->fd, c->out, HTTPD_OUTBUF);
			c->fd = -1;
			return;
		}
		st.requests++;
		if (c->served)
			st.keepalive_reuse++;
		if ((size_t)r < c->in_len)
			st.pipelined++;   /* more was already there */
		c->served++;

		/* Drop a body (Content-Length only: bodies in chunks were refused). */
		unsigned long long body = req.content_length, have = c->in_len - (size_t)r;
		size_t used = (size_t)r;

		if (have >= body) {
			used += (size_t)body;
			body = 0;
		} else {
			used = c->in_len;
			body -= have;
		}
		int rc = serve(c, &req);

		/* Pipelined requests stay: move them to the front. req points
		 * into c->in, so only now. */
		memmove(c->in, c->in + used, c->in_len - used);
		c->in_len -= used;
		if (rc < 0 || !req.keep_alive || (body && skip_body(c, body) < 0)) {
			linger_close(c->fd, c->out, HTTPD_OUTBUF);
			c->fd = -1;
			return;
		}
	}
}

static void conn_main(void *arg)
{
	struct conn *c = arg;

	conn_run(c);
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	free(c->in);
	free(c->out);
	c->in = c->out = NULL;
	app_conns_done(&conns, &c->link);   /* the thread ends here */
}

/* --- The door ---------------------------------------------------------------------------
 * Connections over the limit get 503 from the accept loop itself: what the
 * client already sent is read (so the close does not reset), the answer
 * written, the sending side shut; then they linger in `door` until the
 * client closes or HTTPD_LINGER_MS passes, checked every tick. */
static struct {
	int fd;
	unsigned long long until;
} door[HTTPD_DOOR_MAX];

static void door_drain(int i, char *scratch, size_t size)
{
	for (;;) {
		ssize_t k = recv(door[i].fd, scratch, size, MSG_DONTWAIT);

		if (k > 0)
			continue;
		if (k == 0 || (errno != EAGAIN && errno != EWOULDBLOCK) || now_ms() >= door[i].until) {
			close(door[i].fd);
			door[i].fd = -1;
		}
		return;
	}
}

static void refuse(int fd, char *scratch, size_t size)
{
	static const char resp[] =
		"HTTP/1.1 503 Service Unavailable\r\nServer: " HTTPD_SERVER "\r\n"
		"Connection: close\r\nRetry-After: 1\r\nContent-Type: text/plain\r\n"
		"Content-Length: 20\r\n\r\nToo many connections";
	int i;

	st.refused++;
	count_code(503);
	for (i = 0; i < HTTPD_DOOR_MAX && door[i].fd >= 0; i++)
		;
	while (recv(fd, scratch, size, MSG_DONTWAIT) > 0)
		;
	if (send(fd, resp, sizeof(resp) - 1, MSG_DONTWAIT) > 0)
		st.bytes_out += sizeof(resp) - 1;
	shutdown(fd, SHUT_WR);
	if (i == HTTPD_DOOR_MAX) {
		close(fd);
		return;
	}
	door[i].fd = fd;
	door[i].until = now_ms() + HTTPD_LINGER_MS;
}

static void start_conn(int fd, char *scratch, size_t size)
{
	struct conn *c;
	int one = 1;

	st.accepted++;
	if (app_conns_full(&conns, cfg.max_conns) || !(c = calloc(1, sizeof(*c)))) {
		refuse(fd, scratch, size);
		return;
	}
	c->fd = fd;
	c->in = malloc(cfg.hdr_max);
	c->out = malloc(HTTPD_OUTBUF);
	if (!c->in || !c->out || app_conns_start(&conns, &c->link, c, "httpd-conn", conn_main)) {
		free(c->in);
		free(c->out);
		free(c);
		refuse(fd, scratch, size);
		return;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

static int httpd_main(int argc, char **argv)
{
	struct sockaddr_in a;
	char scratch[512];
	int one = 1, fd;

	(void)argc;
	(void)argv;
	load_settings();
	files_mount();
	for (int i = 0; i < HTTPD_DOOR_MAX; i++)
		door[i].fd = -1;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0) {
		printf("httpd: socket: %s\n", strerror(errno));
		return -1;
	}
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((unsigned short)cfg.port);
	a.sin_addr.s_addr = htonl(INADDR_ANY);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, HTTPD_BACKLOG) < 0) {
		printf("httpd: port %u: %s\n", cfg.port, strerror(errno));
		close(fd);
		return -1;
	}
	printf("httpd: listening on port %u\n", cfg.port);

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int n = poll(&p, 1, HTTPD_TICK_MS);

		if (n > 0 && (p.revents & POLLIN)) {
			int c = accept(fd, NULL, NULL);

			if (c >= 0)
				start_conn(c, scratch, sizeof(scratch));
		}
		for (int i = 0; i < HTTPD_DOOR_MAX; i++)
			if (door[i].fd >= 0)
				door_drain(i, scratch, sizeof(scratch));
		app_conns_reap(&conns, free);
	}
	return 0;
}

/* --- Directory listings ------------------------------------------------------------------- */
static void list_begin(struct sb *out, const char *path)
{
	sb_puts(out, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Index of ");
	sb_html(out, path);
	sb_puts(out, "</title></head>\n<body><h1>Index of ");
	sb_html(out, path);
	sb_puts(out, "</h1>\n<ul>\n");
	if (strcmp(path, "/"))
		sb_puts(out, "<li><a href=\"../\">../</a></li>\n");
}

static void list_entry(struct sb *out, const char *name, bool dir, unsigned long long size)
{
	sb_puts(out, "<li><a href=\"");
	sb_url(out, name);
	sb_puts(out, dir ? "/\">" : "\">");
	sb_html(out, name);
	if (dir)
		sb_puts(out, "/</a></li>\n");
	else
		sb_printf(out, "</a> (%llu bytes)</li>\n", size);
}

static void list_end(struct sb *out)
{
	sb_puts(out, "</ul>\n</body></html>\n");
}

/* --- Kernel glue: the clock, settings, files ------------------------------------- */
#include <drivers/pvbus.h>
#include <fs/tarfs.h>
#include <kern/app.h>
#include <kern/time.h>

static unsigned long long now_ms(void)
{
	return time_ns() / NSEC_PER_MSEC;
}

/* Numbers: name, where in cfg, default, bounds. */
static const struct {
	const char *key;
	size_t off;             /* of an unsigned (or unsigned long for body_max) */
	bool is_long;
	unsigned long def, min, max;
} settings[] = {
	{ "port", offsetof(struct httpd_cfg, port), false, 80, 1, 65535 },
	{ "max_conns", offsetof(struct httpd_cfg, max_conns), false, 64, 1, 100 },
	{ "uri_max", offsetof(struct httpd_cfg, uri_max), false, 2048, 16, 16384 },
	{ "hdr_max", offsetof(struct httpd_cfg, hdr_max), false, 8192, 256, 65536 },
	{ "hdr_count", offsetof(struct httpd_cfg, hdr_count), false, 64, 1, 1000 },
	{ "body_max", offsetof(struct httpd_cfg, body_max), true, 1 << 20, 0, 1UL << 40 },
	{ "idle_ms", offsetof(struct httpd_cfg, idle_ms), false, 15000, 100, 3600000 },
	{ "hdr_timeout_ms", offsetof(struct httpd_cfg, hdr_timeout_ms), false, 10000, 100, 3600000 },
	{ "send_timeout_ms", offsetof(struct httpd_cfg, send_timeout_ms), false, 30000, 100, 3600000 },
	{ "status", offsetof(struct httpd_cfg, status), false, 1, 0, 1 },
};

/* The value of httpd.KEY: the command line, else fw_cfg's
 * opt/app/httpd/KEY. @return where it came from, NULL when nowhere. */
static const char *setting_raw(const char *key, char *val, size_t len)
{
	char name[64];
	const char *v;

	snprintf(name, sizeof(name), "httpd.%s", key);
	if ((v = getenv(name))) {
		snprintf(val, len, "%s", v);
		return "command line";
	}
	snprintf(name, sizeof(name), "opt/app/httpd/%s", key);
	int n = pvbus_kv_read("fw_cfg", name, val, len);

	if (n >= 0) {
		while (n > 0 && (val[n - 1] == '\n' || val[n - 1] == ' '))
			val[--n] = '\0';   /* a file's trailing newline */
		return "fw_cfg";
	}
	return NULL;
}

static void load_settings(void)
{
	char val[64], line[512];
	size_t o = 0;

	for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
		const char *from = setting_raw(settings[i].key, val, sizeof(val));
		unsigned long v = settings[i].def;

		if (from) {
			char *end;
			unsigned long x = strtoul(val, &end, 10);

			if (!val[0] || *end || val[0] == '-' || x < settings[i].min ||
			    x > settings[i].max)
				printf("httpd: %s=%s from the %s is not a number in %lu..%lu; using %lu\n",
				       settings[i].key, val, from, settings[i].min, settings[i].max,
				       v);
			else
				v = x;
		}
		if (settings[i].is_long)
			*(unsigned long *)((char *)&cfg + settings[i].off) = v;
		else
			*(unsigned *)((char *)&cfg + settings[i].off) = (unsigned)v;
		o += (size_t)snprintf(line + o, o < sizeof(line) ? sizeof(line) - o : 0,
				      "%s%s=%lu (%s)", i ? ", " : "", settings[i].key, v,
				      from ? from : "default");
		if (o >= sizeof(line) - 80) {
			printf("httpd: %s\n", line);
			o = 0;
		}
	}
	const char *from = setting_raw("disk", cfg.disk, sizeof(cfg.disk));
	const char *ifrom = setting_raw("index", cfg.index, sizeof(cfg.index));

	if (!ifrom || !cfg.index[0] || strchr(cfg.index, '/'))
		snprintf(cfg.index, sizeof(cfg.index), "index.html");
	if (!from)
		cfg.disk[0] = '\0';
	o += (size_t)snprintf(line + o, o < sizeof(line) ? sizeof(line) - o : 0,
			      "%sdisk=%s (%s), index=%s (%s)", o ? ", " : "",
			      cfg.disk[0] ? cfg.disk : "auto", from ? from : "default", cfg.index,
			      ifrom ? ifrom : "default");
	printf("httpd: %s\n", line);
}

static struct tarfs fs;
static bool mounted;

static int files_mount(void)
{
	const char *used = "initrd";
	bool initrd = !strcmp(cfg.disk, "initrd");
	int rc = -ENODEV;

	/* disk=initrd: the boot module only; a disk's name: that disk;
	 * auto: the initrd when the boot handed over a tar image, else the
	 * first disk that holds one. */
	if (initrd || !cfg.disk[0])
		rc = tarfs_initrd_mount(&fs);
	if (rc < 0 && !initrd)
		rc = tarfs_blk_mount(&fs, cfg.disk[0] ? cfg.disk : NULL, &used);
	if (rc < 0) {
		printf("httpd: no files: %s%s%s\n",
		       cfg.disk[0] ? cfg.disk : "neither the initrd nor a disk holds a tar image",
		       cfg.disk[0] ? ": " : "", cfg.disk[0] ? strerror(rc) : "");
		return rc;
	}
	mounted = true;
	docroot.disk = used;
	docroot.entries = fs.n;
	docroot.bytes = fs.data_bytes;
	printf("httpd: files from %s: %u entries, %llu bytes%s%s\n", used, fs.n,
	       (unsigned long long)fs.data_bytes, fs.skipped ? " (some skipped)" : "",
	       fs.end ? " (the image ends early: damaged)" : "");
	return 0;
}

struct file {
	struct tarfs_ent e;     /* never instantiated: file_lookup hands out entries */
};

static const struct file *file_lookup(const char *path, bool *dir, unsigned long long *size,
				      long long *mtime)
{
	const struct tarfs_ent *e = mounted ? tarfs_lookup(&fs, path) : NULL;

	if (!e)
		return NULL;
	*dir = e->dir;
	*size = e->size;
	*mtime = e->mtime;
	return (const struct file *)e;
}

static long file_read(const struct file *f, unsigned long long off, void *buf, size_t len)
{
	return tarfs_read(&fs, &f->e, off, buf, len);
}

static int dir_list(const char *path, struct sb *out)
{
	const struct tarfs_ent *d = tarfs_lookup(&fs, path);

	list_begin(out, path);
	for (const struct tarfs_ent *e = tarfs_next_child(&fs, d, NULL); e;
	     e = tarfs_next_child(&fs, d, e)) {
		const char *slash = strrchr(e->path, '/');

		list_entry(out, slash ? slash + 1 : e->path, e->dir, e->size);
	}
	list_end(out);
	return 0;
}

APP("httpd", "HTTP/1.1 static files from a tar disk, /_status (httpd.port=80)", httpd_main);
