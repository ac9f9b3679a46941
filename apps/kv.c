// SPDX-License-Identifier: MIT
/* kv: a network key-value store that speaks a subset of the Redis protocol
 * (RESP2), so redis-cli and redis-benchmark work against it unchanged.
 * `app=kv` starts it at boot.
 *
 * Commands: PING [msg], ECHO, GET, SET key value [NX|XX], DEL key..., EXISTS
 * key..., INCR, DECR, INCRBY, DECRBY, KEYS pattern, DBSIZE, FLUSHALL and
 * FLUSHDB, INFO [section], SELECT 0, QUIT; and what clients send when they
 * connect: COMMAND [COUNT|DOCS|INFO] (an empty table), CONFIG GET (save,
 * appendonly, port, maxclients, databases), CLIENT SETNAME/GETNAME/SETINFO/ID.
 * Requests come multibulk or inline, pipelined; every reply to a write goes
 * out only after the write is on the disk (kv_disk.h: group commit).
 *
 * Settings, each from the command line (kv.port=7000), else from fw_cfg
 * (-fw_cfg name=opt/app/kv/port,string=7000), else the default; the start
 * logs each one with where it came from:
 *   port        6379       TCP port
 *   disk        (none)     block device of the store ("vda"); without one
 *                          the store lives in memory only
 *   compact     0          compact the log past this many bytes (0: half a
 *                          region, that is a quarter of the disk)
 *   maxclients  128        connections served at once (more are refused)
 *   maxkey      1024       bytes in a key
 *   maxval      1048576    bytes in a value
 *   maxinline   65536      bytes in an inline request line
 *   maxargs     1024       words in a request
 *   maxreq      maxval + maxkey + 4096: bytes of one request
 * A request over a limit is answered with an error: a key too long with
 * -ERR (the connection goes on); a line, bulk string or request over its
 * limit with -ERR Protocol error, and the connection closes (its stream
 * cannot be followed further), as Redis does. Nothing is buffered past
 * maxreq per connection.
 *
 * One thread per connection, as netserve: the scheduler is cooperative, so
 * a command runs to its end without interleaving; only the socket and the
 * disk block. */
#include <net/socket.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "app_conns.h"
#include "kv_db.h"
#include "kv_disk.h"
#include "kv_resp.h"

#define KV_IN_FIRST   (16 * 1024)      /* input buffer until a request needs more */
#define KV_OUT_FIRST  (16 * 1024)
#define KV_OUT_FLUSH  (64 * 1024)      /* write replies out past this */
#define KV_BACKLOG    64
#define KV_TICK_MS    250

static struct {
	unsigned long port, maxclients, maxkey, maxval, maxinline, maxargs, maxreq;
	unsigned long long compact;
	char disk[16];
} conf;

static struct kvdb db;
static struct resp_limits lim;
static volatile int ready;      /* serving: the replay is over */
static struct {
	unsigned long long conns, refused, cmds, errors, hits, misses, writes;
} st;

struct conn {
	int fd;
	struct app_conn link;   /* in conns, its thread */
	unsigned long long id;
	uint8_t *in;
	size_t inlen, incap;
	char *out;
	size_t outlen, outcap;
	int oom;                /* a reply did not fit in memory */
	int quit;               /* close after the replies */
	uint64_t ticket;        /* writes the replies in out wait for */
	struct resp_req req;
};

static struct app_conns conns;  /* until their threads are joined */

/* The glue (end of the file). */
static size_t heap_in_use(void);
static unsigned long long uptime_s(void);
static uint64_t random_seed(void);
static const char *setting(const char *key, char *buf, size_t len);

/* --- Replies ------------------------------------------------------------------ */
static void out_raw(struct conn *c, const void *p, size_t n)
{
	if (c->oom)
		return;
	if (c->outlen + n > c->outcap) {
		size_t cap = c->outcap ? c->outcap : KV_OUT_FIRST;
		char *o;

		while (cap < c->outlen + n)
			cap *= 2;
		if (!(o = realloc(c->out, cap))) {
			c->oom = 1;
			return;
		}
		c->out = o;
		c->outcap = cap;
	}
	memcpy(c->out + c->outlen, p, n);
	c->outlen += n;
}

static void out_fmt(struct conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out_fmt(struct conn *c, const char *fmt, ...)
{
	char buf[160];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	out_raw(c, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

static void out_err(struct conn *c, const char *msg)
{
	st.errors++;
	out_fmt(c, "-%s%s\r\n", strncmp(msg, "ERR", 3) && strncmp(msg, "OOM", 3) &&
		strncmp(msg, "WRONGTYPE", 9) ? "ERR " : "", msg);
}

static void out_bulk(struct conn *c, const void *p, size_t n)
{
	out_fmt(c, "$%zu\r\n", n);
	out_raw(c, p, n);
	out_raw(c, "\r\n", 2);
}

static void out_str(struct conn *c, const char *s)
{
	out_bulk(c, s, strlen(s));
}

#define out_ok(c)     out_raw((c), "+OK\r\n", 5)
#define out_nil(c)    out_raw((c), "$-1\r\n", 5)
#define out_int(c, n) out_fmt((c), ":%lld\r\n", (long long)(n))
#define out_arr(c, n) out_fmt((c), "*%llu\r\n", (unsigned long long)(n))

/* A client's word in an error message: at most 40 bytes, printable. */
static void out_err_word(struct conn *c, const char *pre, const uint8_t *w, size_t n,
			 const char *post)
{
	char s[41];
	size_t i;

	for (i = 0; i < n && i < sizeof(s) - 1; i++)
		s[i] = w[i] >= 0x20 && w[i] < 0x7f && w[i] != '\'' ? (char)w[i] : '?';
	s[i] = '\0';
	st.errors++;
	out_fmt(c, "-ERR %s'%s'%s\r\n", pre, s, post);
}

/* --- Commands ----------------------------------------------------------------- */
#define ARG(i)   (c->req.argv[i])
#define ARGL(i)  (c->req.argl[i])

static int is(const uint8_t *w, size_t n, const char *s)
{
	return n == strlen(s) && !strncasecmp((const char *)w, s, n);
}

/* Keys are checked against kv.maxkey. @return 0, or -1 with the error
 * replied. */
static int check_keys(struct conn *c, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if (ARGL(i) > conf.maxkey || ARGL(i) == 0) {
			out_fmt(c, "-ERR key %s (kv.maxkey is %lu bytes)\r\n",
				ARGL(i) ? "too long" : "empty", conf.maxkey);
			st.errors++;
			return -1;
		}
	return 0;
}

/* Log a change (under kvdisk_lock). @return 0, or -1 with the error
 * replied. */
static int logged(struct conn *c, enum kvlog_type t, const uint8_t *k, size_t kl,
		  const uint8_t *v, size_t vl)
{
	uint64_t ticket;
	int rc = kvdisk_append(t, k, kl, v, vl, &ticket);

	if (rc == -ENOSPC) {
		out_err(c, "ERR disk full: the log has no room for this write");
		return -1;
	}
	if (rc < 0) {
		out_fmt(c, "-ERR disk error (%s): write refused\r\n", strerror(rc));
		st.errors++;
		return -1;
	}
	if (ticket > c->ticket)
		c->ticket = ticket;
	st.writes++;
	return 0;
}

static void oom(struct conn *c)
{
	out_err(c, "OOM out of memory for this write");
}

static void cmd_ping(struct conn *c)
{
	if (c->req.argc == 2)
		out_bulk(c, ARG(1), ARGL(1));
	else
		out_raw(c, "+PONG\r\n", 7);
}

static void cmd_echo(struct conn *c)
{
	out_bulk(c, ARG(1), ARGL(1));
}

static void cmd_get(struct conn *c)
{
	struct kvent *e;

	if (check_keys(c, 1, 2) < 0)
		return;
	if (!(e = kvdb_get(&db, ARG(1), ARGL(1)))) {
		st.misses++;
		out_nil(c);
		return;
	}
	st.hits++;
	out_bulk(c, e->val, e->vlen);
}

static void cmd_set(struct conn *c)
{
	int nx = 0, xx = 0;

	for (size_t i = 3; i < c->req.argc; i++) {
		if (is(ARG(i), ARGL(i), "NX"))
			nx = 1;
		else if (is(ARG(i), ARGL(i), "XX"))
			xx = 1;
		else {
			out_err(c, "ERR syntax error (SET takes NX or XX; no expiry)");
			return;
		}
	}
	if (nx && xx) {
		out_err(c, "ERR syntax error");
		return;
	}
	if (check_keys(c, 1, 2) < 0)
		return;
	if (ARGL(2) > conf.maxval) {
		out_fmt(c, "-ERR value too long (kv.maxval is %lu bytes)\r\n", conf.maxval);
		st.errors++;
		return;
	}
	kvdisk_lock();
	int have = kvdb_get(&db, ARG(1), ARGL(1)) != NULL;
	if ((nx && have) || (xx && !have))
		out_nil(c);
	else if (logged(c, KVLOG_SET, ARG(1), ARGL(1), ARG(2), ARGL(2)) == 0) {
		if (kvdb_set(&db, ARG(1), ARGL(1), ARG(2), ARGL(2)))
			out_ok(c);
		else
			oom(c);
	}
	kvdisk_unlock();
}

static void cmd_del(struct conn *c)
{
	long long n = 0;

	if (check_keys(c, 1, c->req.argc) < 0)
		return;
	kvdisk_lock();
	for (size_t i = 1; i < c->req.argc; i++) {
		if (!kvdb_get(&db, ARG(i), ARGL(i)))
			continue;
		if (logged(c, KVLOG_DEL, ARG(i), ARGL(i), NULL, 0) < 0)
			goto out;
		kvdb_del(&db, ARG(i), ARGL(i));
		n++;
	}
	out_int(c, n);
out:
	kvdisk_unlock();
}

static void cmd_exists(struct conn *c)
{
	long long n = 0;

	if (check_keys(c, 1, c->req.argc) < 0)
		return;
	for (size_t i = 1; i < c->req.argc; i++)
		n += kvdb_get(&db, ARG(i), ARGL(i)) != NULL;
	out_int(c, n);
}

static void incr_by(struct conn *c, long long by)
{
	struct kvent *e;
	long long v = 0;
	char num[24];

	if (check_keys(c, 1, 2) < 0)
		return;
	kvdisk_lock();
	e = kvdb_get(&db, ARG(1), ARGL(1));
	if (e && !resp_int(e->val, e->vlen, &v)) {
		out_err(c, "ERR value is not an integer or out of range");
	} else if ((by > 0 && v > INT64_MAX - by) || (by < 0 && v < INT64_MIN - by)) {
		out_err(c, "ERR increment or decrement would overflow");
	} else {
		v += by;
		int n = snprintf(num, sizeof(num), "%lld", v);
		if (logged(c, KVLOG_SET, ARG(1), ARGL(1), (uint8_t *)num, (size_t)n) == 0) {
			if (kvdb_set(&db, ARG(1), ARGL(1), (uint8_t *)num, (size_t)n))
				out_int(c, v);
			else
				oom(c);
		}
	}
	kvdisk_unlock();
}

static void cmd_incr(struct conn *c)
{
	incr_by(c, 1);
}

static void cmd_decr(struct conn *c)
{
	incr_by(c, -1);
}

static void cmd_incrby(struct conn *c, int sign)
{
	long long by;

	if (!resp_int(ARG(2), ARGL(2), &by) || (sign < 0 && by == INT64_MIN)) {
		out_err(c, "ERR value is not an integer or out of range");
		return;
	}
	incr_by(c, sign * by);
}

static void cmd_incrby_(struct conn *c)
{
	cmd_incrby(c, 1);
}

static void cmd_decrby(struct conn *c)
{
	cmd_incrby(c, -1);
}

static void cmd_keys(struct conn *c)
{
	size_t pos = 0, n = 0;
	struct kvent *e;

	/* Two passes, no yield between: the count goes first. */
	for (e = kvdb_next(&db, &pos, NULL); e; e = kvdb_next(&db, &pos, e))
		n += resp_glob(ARG(1), ARGL(1), e->key, e->klen);
	out_arr(c, n);
	pos = 0;
	for (e = kvdb_next(&db, &pos, NULL); e; e = kvdb_next(&db, &pos, e))
		if (resp_glob(ARG(1), ARGL(1), e->key, e->klen))
			out_bulk(c, e->key, e->klen);
}

static void cmd_dbsize(struct conn *c)
{
	out_int(c, db.n);
}

static void cmd_flushall(struct conn *c)
{
	if (c->req.argc == 2 && !is(ARG(1), ARGL(1), "SYNC") && !is(ARG(1), ARGL(1), "ASYNC")) {
		out_err(c, "ERR syntax error");
		return;
	}
	kvdisk_lock();
	if (logged(c, KVLOG_FLUSH, NULL, 0, NULL, 0) == 0) {
		kvdb_clear(&db);
		out_ok(c);
	}
	kvdisk_unlock();
}

static void cmd_select(struct conn *c)
{
	if (is(ARG(1), ARGL(1), "0"))
		out_ok(c);
	else
		out_err(c, "ERR DB index is out of range");
}

static void cmd_quit(struct conn *c)
{
	out_ok(c);
	c->quit = 1;
}

static void cmd_info(struct conn *c)
{
	size_t cap = 2048, n = 0;
	char *b = malloc(cap);
	struct kvdisk_stats ds;
	const char *sec = c->req.argc > 1 ? (const char *)ARG(1) : "";
	size_t sl = c->req.argc > 1 ? ARGL(1) : 0;
	int all = !sl || is(ARG(1), sl, "all") || is(ARG(1), sl, "everything") ||
		  is(ARG(1), sl, "default");

	if (!b) {
		oom(c);
		return;
	}
	kvdisk_stats(&ds);
#define SEC(name) (all || is((const uint8_t *)sec, sl, name))
#define ADD(...) (n += (size_t)snprintf(b + n, n < cap ? cap - n : 0, __VA_ARGS__))
	if (SEC("server"))
		ADD("# Server\r\nredis_version:7.0.0\r\nkv_server:unikernel\r\n"
		    "redis_mode:standalone\r\ntcp_port:%lu\r\nuptime_in_seconds:%llu\r\n\r\n",
		    conf.port, uptime_s());
	if (SEC("clients"))
		ADD("# Clients\r\nconnected_clients:%u\r\nmaxclients:%lu\r\n\r\n",
		    conns.active, conf.maxclients);
	if (SEC("memory"))
		ADD("# Memory\r\nused_memory:%zu\r\nkv_data_bytes:%zu\r\n\r\n",
		    heap_in_use(), db.bytes);
	if (SEC("persistence"))
		ADD("# Persistence\r\nloading:0\r\naof_enabled:%d\r\nkv_disk:%s\r\n"
		    "kv_log_generation:%llu\r\nkv_log_bytes:%llu\r\nkv_log_region_bytes:%llu\r\n"
		    "kv_log_compact_at:%llu\r\nkv_replayed_records:%llu\r\n"
		    "kv_appended_records:%llu\r\nkv_commits:%llu\r\nkv_compactions:%llu\r\n"
		    "kv_disk_error:%d\r\n\r\n",
		    kvdisk_active(), kvdisk_active() ? ds.disk : "none",
		    (unsigned long long)ds.gen, (unsigned long long)ds.pos,
		    (unsigned long long)ds.region_len, (unsigned long long)ds.compact_at,
		    (unsigned long long)ds.replayed, (unsigned long long)ds.appended,
		    (unsigned long long)ds.commits, (unsigned long long)ds.compactions, ds.err);
	if (SEC("stats"))
		ADD("# Stats\r\ntotal_connections_received:%llu\r\nrejected_connections:%llu\r\n"
		    "total_commands_processed:%llu\r\nkeyspace_hits:%llu\r\nkeyspace_misses:%llu\r\n"
		    "kv_writes:%llu\r\nkv_error_replies:%llu\r\n\r\n",
		    st.conns, st.refused, st.cmds, st.hits, st.misses, st.writes, st.errors);
	if (SEC("keyspace")) {
		ADD("# Keyspace\r\n");
		if (db.n)
			ADD("db0:keys=%zu,expires=0,avg_ttl=0\r\n", db.n);
	}
#undef ADD
#undef SEC
	out_bulk(c, b, n < cap ? n : cap - 1);
	free(b);
}

static void cmd_command(struct conn *c)
{
	if (c->req.argc > 1 && is(ARG(1), ARGL(1), "COUNT"))
		out_int(c, 0);
	else
		out_arr(c, 0);          /* no command table: clients do without */
}

static void cmd_config(struct conn *c)
{
	static const char *const names[] = { "save", "appendonly", "appendfsync", "port",
					     "maxclients", "databases" };
	char vals[6][24];
	size_t n = 0;

	if (!is(ARG(1), ARGL(1), "GET")) {
		if (is(ARG(1), ARGL(1), "RESETSTAT")) {
			memset(&st, 0, sizeof(st));
			out_ok(c);
			return;
		}
		out_err(c, "ERR only CONFIG GET is supported (settings are kv.* options)");
		return;
	}
	if (c->req.argc != 3) {
		out_err(c, "ERR wrong number of arguments for 'config|get' command");
		return;
	}
	snprintf(vals[0], 24, "%s", "");
	snprintf(vals[1], 24, "%s", kvdisk_active() ? "yes" : "no");
	snprintf(vals[2], 24, "%s", "always");
	snprintf(vals[3], 24, "%lu", conf.port);
	snprintf(vals[4], 24, "%lu", conf.maxclients);
	snprintf(vals[5], 24, "%s", "1");
	for (size_t i = 0; i < 6; i++)
		n += resp_glob(ARG(2), ARGL(2), (const uint8_t *)names[i], strlen(names[i]));
	out_arr(c, 2 * n);
	for (size_t i = 0; i < 6; i++)
		if (resp_glob(ARG(2), ARGL(2), (const uint8_t *)names[i], strlen(names[i]))) {
			out_str(c, names[i]);
			out_str(c, vals[i]);
		}
}

static void cmd_client(struct conn *c)
{
	if (is(ARG(1), ARGL(1), "SETNAME") || is(ARG(1), ARGL(1), "SETINFO"))
		out_ok(c);
	else if (is(ARG(1), ARGL(1), "GETNAME"))
		out_nil(c);
	else if (is(ARG(1), ARGL(1), "ID"))
		out_int(c, c->id);
	else
		out_err_word(c, "unknown CLIENT subcommand ", ARG(1), ARGL(1), "");
}

struct cmd {
	const char *name;
	int arity;              /* words with the name; -N: at least N */
	void (*fn)(struct conn *c);
};

static const struct cmd cmds[] = {
	{ "GET", 2, cmd_get },          { "SET", -3, cmd_set },
	{ "PING", -1, cmd_ping },       { "DEL", -2, cmd_del },
	{ "EXISTS", -2, cmd_exists },   { "INCR", 2, cmd_incr },
	{ "DECR", 2, cmd_decr },        { "INCRBY", 3, cmd_incrby_ },
	{ "DECRBY", 3, cmd_decrby },    { "KEYS", 2, cmd_keys },
	{ "DBSIZE", 1, cmd_dbsize },    { "FLUSHALL", -1, cmd_flushall },
	{ "FLUSHDB", -1, cmd_flushall }, { "INFO", -1, cmd_info },
	{ "ECHO", 2, cmd_echo },        { "SELECT", 2, cmd_select },
	{ "QUIT", -1, cmd_quit },       { "COMMAND", -1, cmd_command },
	{ "CONFIG", -2, cmd_config },   { "CLIENT", -2, cmd_client },
};

static void exec(struct conn *c)
{
	const struct cmd *k = NULL;

	st.cmds++;
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (is(ARG(0), ARGL(0), cmds[i].name)) {
			k = &cmds[i];
			break;
		}
	if (!k) {
		out_err_word(c, "unknown command ", ARG(0), ARGL(0), "");
		return;
	}
	if ((k->arity > 0 && c->req.argc != (size_t)k->arity) ||
	    (k->arity < 0 && c->req.argc < (size_t)-k->arity) ||
	    (k->fn == cmd_ping && c->req.argc > 2)) {
		char lower[16];
		size_t i;
		for (i = 0; k->name[i] && i < sizeof(lower) - 1; i++)
			lower[i] = (char)(k->name[i] | 0x20);
		lower[i] = '\0';
		st.errors++;
		out_fmt(c, "-ERR wrong number of arguments for '%s' command\r\n", lower);
		return;
	}
	k->fn(c);
}

/* --- Connections ---------------------------------------------------------------- */

/* Wait for the writes the replies acknowledge, then send the replies.
 * @return 0, or -1 to drop the connection (a write that did not reach the
 * disk is never acknowledged: the replies are thrown away). */
static int flush(struct conn *c)
{
	size_t off = 0;

	if (c->oom)
		return -1;
	if (c->ticket && kvdisk_sync(c->ticket) < 0)
		return -1;
	c->ticket = 0;
	while (off < c->outlen) {
		ssize_t n = write(c->fd, c->out + off, c->outlen - off);
		if (n <= 0)
			return -1;
		off += (size_t)n;
	}
	c->outlen = 0;
	if (c->outcap > KV_OUT_FIRST) {
		free(c->out);
		c->out = NULL;
		c->outcap = 0;
	}
	return 0;
}

/* Grow the input buffer for a request that does not fit yet, up to
 * maxreq. @return 0, or -1 when it may not grow (the request is over the
 * limit) or there is no memory. */
static int grow_in(struct conn *c)
{
	size_t max = conf.maxreq + 64, cap = c->incap * 2;
	uint8_t *p;

	if (c->incap >= max)
		return -1;
	if (cap > max)
		cap = max;
	if (!(p = realloc(c->in, cap)))
		return -1;
	c->in = p;
	c->incap = cap;
	return 0;
}

static void serve_conn(struct conn *c)
{
	for (;;) {
		size_t off = 0;
		ssize_t n;

		if (c->inlen == c->incap && grow_in(c) < 0) {
			out_err(c, c->incap >= conf.maxreq ? "ERR Protocol error: request too big"
							    : "OOM no memory for this request");
			flush(c);
			return;
		}
		n = read(c->fd, c->in + c->inlen, c->incap - c->inlen);
		if (n <= 0)
			return;
		c->inlen += (size_t)n;
		for (;;) {
			const char *err;
			long r = resp_parse(c->in + off, c->inlen - off, &lim, &c->req, &err);

			if (r == 0)
				break;
			if (r < 0) {
				out_err(c, err);
				c->quit = 1;
				break;
			}
			off += (size_t)r;
			if (c->req.argc)
				exec(c);
			if (c->quit)
				break;
			if (c->outlen > KV_OUT_FLUSH && flush(c) < 0)
				return;
		}
		memmove(c->in, c->in + off, c->inlen - off);
		c->inlen -= off;
		if (flush(c) < 0 || c->quit)
			return;
		if (!c->inlen && c->incap > KV_IN_FIRST) {
			uint8_t *p = realloc(c->in, KV_IN_FIRST);
			if (p) {
				c->in = p;
				c->incap = KV_IN_FIRST;
			}
		}
	}
}

static void conn_main(void *arg)
{
	struct conn *c = arg;

	c->incap = KV_IN_FIRST;
	if ((c->in = malloc(c->incap)))
		serve_conn(c);
	free(c->in);
	free(c->out);
	close(c->fd);
	app_conns_done(&conns, &c->link);   /* the thread ends here */
}

static void start_conn(int fd)
{
	static const char full[] = "-ERR max number of clients reached\r\n";
	struct conn *c;
	int one = 1;

	if (app_conns_full(&conns, conf.maxclients) || !(c = calloc(1, sizeof(*c)))) {
		st.refused++;
		write(fd, full, sizeof(full) - 1);
		close(fd);
		return;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->fd = fd;
	c->id = ++st.conns;
	if (app_conns_start(&conns, &c->link, c, "kv-conn", conn_main)) {
		st.refused++;
		close(fd);
		free(c);
	}
}

/* --- Start-up --------------------------------------------------------------------- */

/* A numeric setting in [min, max]. */
static unsigned long long num_setting(const char *key, unsigned long long def,
				      unsigned long long min, unsigned long long max)
{
	char buf[32], *end;
	const char *v = setting(key, buf, sizeof(buf));
	unsigned long long x;

	if (!v)
		return def;
	x = strtoull(v, &end, 0);
	if (end == v || *end || x < min || x > max) {
		printf("kv: %s=%s is not a number in %llu..%llu; using %llu\n", key, v, min, max,
		       def);
		return def;
	}
	return x;
}

static int apply(void *ctx, const struct kvlog_rec *r)
{
	(void)ctx;
	if (r->type == KVLOG_SET)
		return kvdb_set(&db, r->key, r->klen, r->val, r->vlen) ? 0 : -ENOMEM;
	if (r->type == KVLOG_DEL)
		kvdb_del(&db, r->key, r->klen);
	else
		kvdb_clear(&db);
	return 0;
}

static int snapshot(void *ctx, kvdisk_emit_fn emit, void *ectx)
{
	size_t pos = 0;
	int rc;

	(void)ctx;
	for (struct kvent *e = kvdb_next(&db, &pos, NULL); e; e = kvdb_next(&db, &pos, e))
		if ((rc = emit(ectx, e->key, e->klen, e->val, e->vlen)) < 0)
			return rc;
	return 0;
}

static int kv_main(int argc, char **argv)
{
	struct sockaddr_in a;
	struct pollfd pfd;
	int one = 1, rc;
	char buf[32];

	(void)argc;
	(void)argv;
	conf.port = num_setting("port", 6379, 1, 65535);
	conf.maxclients = num_setting("maxclients", 128, 1, 4096);
	conf.maxkey = num_setting("maxkey", 1024, 1, 1 << 20);
	conf.maxval = num_setting("maxval", 1 << 20, 1, 64 << 20);
	conf.maxinline = num_setting("maxinline", 64 << 10, 16, 1 << 20);
	conf.maxargs = num_setting("maxargs", 1024, 3, RESP_ARGS_MAX);
	conf.maxreq = num_setting("maxreq", conf.maxval + conf.maxkey + 4096, 64, 128 << 20);
	conf.compact = num_setting("compact", 0, 0, ~0ull);
	const char *d = setting("disk", buf, sizeof(buf));
	if (d)
		strlcpy(conf.disk, d, sizeof(conf.disk));
	lim = (struct resp_limits){
		.max_inline = conf.maxinline, .max_bulk = conf.maxkey > conf.maxval ? conf.maxkey : conf.maxval,
		.max_args = conf.maxargs, .max_req = conf.maxreq,
	};
	if (!kvdb_init(&db, random_seed()))
		return -ENOMEM;
	if (conf.disk[0]) {
		struct kvdisk_conf dc = {
			.disk = conf.disk, .compact_at = conf.compact,
			.max_klen = (uint32_t)conf.maxkey, .max_vlen = (uint32_t)conf.maxval,
			.apply = apply, .snapshot = snapshot,
		};
		if ((rc = kvdisk_open(&dc)) < 0) {
			printf("kv: disk %s: %s: not serving\n", conf.disk, strerror(rc));
			kvdb_destroy(&db);
			return rc;
		}
		printf("kv: %zu keys (%zu bytes) from disk %s\n", db.n, db.bytes, conf.disk);
	} else {
		printf("kv: no disk (kv.disk=): memory only, nothing survives a restart\n");
	}

	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -errno;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((unsigned short)conf.port);
	a.sin_addr.s_addr = htonl(INADDR_ANY);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, KV_BACKLOG) < 0) {
		rc = -errno;
		printf("kv: port %lu: %s\n", conf.port, strerror(errno));
		close(fd);
		return rc;
	}
	printf("kv: ready on port %lu\n", conf.port);
	ready = 1;
	pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
	for (;;) {
		if (poll(&pfd, 1, KV_TICK_MS) > 0 && (pfd.revents & POLLIN)) {
			int cfd = accept(fd, NULL, NULL);
			if (cfd >= 0)
				start_conn(cfd);
		}
		app_conns_reap(&conns, free);
	}
}

/* --- Kernel glue: threads, the heap, the clock, settings, the shell command ----------- */
#include <drivers/pvbus.h>
#include <kern/app.h>
#include <kern/heap.h>
#include <kern/rng.h>
#include <kern/sched.h>
#include <kern/shell.h>
#include <kern/time.h>

static size_t heap_in_use(void)
{
	struct heap_stats h;

	heap_stats(&h);
	return h.bytes_in_use;
}

static unsigned long long uptime_s(void)
{
	return time_ns() / NSEC_PER_SEC;
}

static uint64_t random_seed(void)
{
	uint64_t s = 0;

	if (rng_available())
		rng_read(&s, sizeof(s), 10 * NSEC_PER_MSEC);
	return s ^ time_ns() ^ 0x6b76u;
}

/* kv.KEY from the command line, else the fw_cfg item opt/app/kv/KEY (blanks
 * at its end dropped), else NULL; says which. */
static const char *setting(const char *key, char *buf, size_t len)
{
	char name[48];
	const char *v;
	int n;

	snprintf(name, sizeof(name), "kv.%s", key);
	if ((v = getenv(name))) {
		printf("kv: %s=%s (command line)\n", key, v);
		return v;
	}
	snprintf(name, sizeof(name), "opt/app/kv/%s", key);
	n = pvbus_kv_read("fw_cfg", name, buf, len);
	if (n >= 0) {
		while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' ' || buf[n - 1] == '\r'))
			buf[--n] = '\0';
		printf("kv: %s=%s (fw_cfg %s)\n", key, buf, name);
		return buf;
	}
	if (n != -ENOENT && n != -ENXIO)
		printf("kv: fw_cfg %s: %s (ignored)\n", name, strerror(n));
	return NULL;
}

APP("kv", "key-value store (Redis protocol) on port 6379, kv.disk=vda to persist", kv_main);

/* kv    wait (up to 30 s) until the app serves, then print its state */
static int cmd_kv(int argc, char **argv)
{
	struct kvdisk_stats ds;

	(void)argv;
	if (argc > 1) {
		printf("usage: kv\n");
		return -EINVAL;
	}
	for (int i = 0; i < 3000 && !ready && !thread_interrupted(); i++)
		thread_sleep_ns(10 * NSEC_PER_MSEC);
	if (!ready) {
		printf("kv: not serving (app=kv starts it)\n");
		return -ENOENT;
	}
	kvdisk_stats(&ds);
	printf("kv: port %lu, %zu keys, %zu bytes of data, %u clients, %llu commands, "
	       "%llu error replies\n", conf.port, db.n, db.bytes, conns.active, st.cmds, st.errors);
	if (kvdisk_active())
		printf("kv: disk %s: log generation %llu, %llu of %llu bytes (compact at %llu), "
		       "%llu records replayed, %llu appended, %llu commits, %llu compactions%s\n",
		       ds.disk, (unsigned long long)ds.gen, (unsigned long long)ds.pos,
		       (unsigned long long)ds.region_len, (unsigned long long)ds.compact_at,
		       (unsigned long long)ds.replayed, (unsigned long long)ds.appended,
		       (unsigned long long)ds.commits, (unsigned long long)ds.compactions,
		       ds.err ? ", write error" : "");
	printf("kv: heap %zu bytes in use\n", heap_in_use());
	return 0;
}
SHELL_CMD("kv", "kv - the key-value app's state (waits until it serves)", cmd_kv);
