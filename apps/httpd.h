/* SPDX-License-Identifier: MIT */
/* Shared between the HTTP appliance's files: apps/httpd.c (the server),
 * apps/httpd_status.c (the /_status page: the kernel's figures) and
 * apps/httpd_sb.c (growing strings). */
#ifndef APPS_HTTPD_H
#define APPS_HTTPD_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A string that grows up to max bytes; past that it stops growing and
 * remembers it was cut. */
struct sb {
	char *p;
	size_t len, cap, max;
	bool cut;               /* out of room (max, or memory) */
};
void sb_init(struct sb *s, size_t max);
void sb_free(struct sb *s);
void sb_put(struct sb *s, const char *p, size_t n);
void sb_puts(struct sb *s, const char *p);
void sb_printf(struct sb *s, const char *fmt, ...) __attribute__((format(__printf__, 2, 3)));
/* p with & < > " ' as HTML entities. */
void sb_html(struct sb *s, const char *p);
/* p as a JSON string, quotes included (RFC 8259 §7). */
void sb_json_str(struct sb *s, const char *p);
/* p as a URL path, every byte but unreserved characters and '/' %-encoded. */
void sb_url(struct sb *s, const char *p);

/* The settings (httpd.KEY on the command line, opt/app/httpd/KEY in fw_cfg). */
struct httpd_cfg {
	unsigned port;
	char disk[16];              /* "": the initrd, else the first disk holding a tar
	                             * image; "initrd": only the initrd */
	char index[64];             /* the file a directory shows */
	unsigned max_conns;         /* connections served at once; more get 503 */
	unsigned uri_max, hdr_max, hdr_count;
	unsigned long body_max;
	unsigned idle_ms;           /* a keep-alive connection with nothing to say */
	unsigned hdr_timeout_ms;    /* from a request's first byte to its blank line */
	unsigned send_timeout_ms;   /* a client that reads nothing for this long */
	unsigned status;            /* 1: serve /_status and /_status.json */
};

/* The server's counters (only ever grow, but active; active and peak_active
 * are the connection set's, apps/app_conns.h, copied in when reported). */
#define HTTPD_NCODES 18
struct httpd_stats {
	unsigned long accepted, active, peak_active, refused;   /* refused: 503 at the door */
	unsigned long requests, pipelined, keepalive_reuse;
	unsigned long timeouts, bad_requests;                    /* 408; any 4xx for a bad head */
	unsigned long long bytes_out;
	unsigned long code[HTTPD_NCODES];                        /* by httpd_codes[] */
};
extern const int httpd_codes[HTTPD_NCODES];

/* Where the files come from, for the status page. */
struct httpd_docroot {
	const char *disk;           /* NULL: none mounted */
	unsigned entries;
	unsigned long long bytes;
};

/* The status page as HTML or JSON (apps/httpd_status.c). */
void httpd_status(struct sb *out, bool json, const struct httpd_cfg *cfg,
		  const struct httpd_stats *st, const struct httpd_docroot *root);

#endif
