// SPDX-License-Identifier: MIT
/* The `hostctl` shell command, in the spirit of OpenBSD's hostctl(8):
 *   hostctl -t                 each hypervisor interface (type, base leaf,
 *                              decoded features) and each store
 *   hostctl [-f STORE] KEY     print a value
 *   hostctl [-f STORE] -r KEY  print a value, KEY taken whole ('=' in it)
 *   hostctl [-f STORE] KEY=VALUE   or   KEY VALUE    write one
 *   hostctl [-f STORE] -l [PREFIX] list keys (fw_cfg, XenStore)
 * -f names a store ("fw_cfg", "guestinfo", "xenstore") as hostctl(8)'s -f
 * names a pvbus device; without it every store is asked in turn.
 * Returns 0 or the -errno of the failed call, after saying what failed. */
#include <drivers/pvbus.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/shell.h>
#include <stdlib.h>
#include <string.h>

static char hc_buf[PVBUS_KV_MAX];

/* Values and lists past hc_buf (fw_cfg's etc/acpi/tables, a long key list)
 * get a heap buffer, grown fourfold until the answer fits, up to this. */
#define HOSTCTL_BIG_MAX (16u << 20)

typedef int (*kv_fetch_fn)(const char *store, const char *arg, char *buf,
			   size_t len);

/* Run fetch into hc_buf, or into a heap buffer big enough. On success
 * *out is the buffer (free it when it is not hc_buf). @return as fetch. */
static int fetch_any(kv_fetch_fn fetch, const char *store, const char *arg,
		     char **out)
{
	size_t len = sizeof(hc_buf);
	int r = fetch(store, arg, hc_buf, len);

	*out = hc_buf;
	while (r == -ERANGE && len < HOSTCTL_BIG_MAX) {
		char *big;

		len *= 4;
		if (!(big = malloc(len)))
			return -ENOMEM;
		r = fetch(store, arg, big, len);
		if (r >= 0) {
			*out = big;
			return r;
		}
		free(big);
	}
	return r;
}

/* Print a value as text: control bytes and non-ASCII as \xNN, so that a
 * binary item can't drive the terminal. */
static void print_value(const char *v, size_t n)
{
	char out[256];
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];

		if (o + 5 > sizeof(out)) {
			console_write(out, o);
			o = 0;
		}
		if ((c >= 0x20 && c < 0x7f) || c == '\n' || c == '\t') {
			out[o++] = (char)c;
		} else {
			static const char hex[] = "0123456789abcdef";

			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	if (o)
		console_write(out, o);
	if (n == 0 || v[n - 1] != '\n')
		console_write("\n", 1);
}

static int show_types(void)
{
	int n = pvbus_hv_count();

	if (n == 0)
		kprintf("no hypervisor detected\n");
	for (int i = 0; i < n; i++) {
		const struct pvbus_hv *hv = pvbus_hv_get(i);
		const char *name = hv->type == PVBUS_HV_UNKNOWN ? "unknown"
							      : pvbus_hv_name(hv->type);

		pvbus_hv_features(hv, hc_buf, 1024);
		kprintf("%s at %#x (signature \"%s\", leaves to %#x)%s%s\n", name,
			hv->base, hv->sig, hv->max_leaf, hc_buf[0] ? ": " : "",
			hc_buf);
	}
	for (struct pvbus_store *s = pvbus_store_find(NULL); s; s = s->next) {
		s->ops->describe(s->ctx, hc_buf, 1024);
		kprintf("store %s: %s\n", s->name, hc_buf);
	}
	return 0;
}

static int fail(const char *what, int err)
{
	kprintf("hostctl: %s: %s\n", what, strerror(err));
	return err;
}

static int hostctl(int argc, char **argv)
{
	const char *store = NULL, *key, *val = NULL;
	bool list = false, whole = false;
	int i = 1, r;
	char *eq, *out;

	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (strcmp(argv[i], "-t") == 0)
			return show_types();
		if (strcmp(argv[i], "-l") == 0) {
			list = true;
		} else if (strcmp(argv[i], "-r") == 0) {
			whole = true;
		} else if (strcmp(argv[i], "-f") == 0 && i + 1 < argc) {
			store = argv[++i];
		} else {
			kprintf("usage: hostctl -t | [-f store] -l [prefix] | "
				"[-f store] [-r] key | [-f store] key=value | "
				"[-f store] key value\n");
			return -EINVAL;
		}
	}
	if (list) {
		const char *prefix = i < argc ? argv[i] : "";

		if (i + 1 < argc || whole) {
			kprintf("usage: hostctl [-f store] -l [prefix]\n");
			return -EINVAL;
		}
		if ((r = fetch_any(pvbus_kv_list, store, prefix, &out)) < 0)
			return fail("list", r);
		/* An empty list says so instead of printing a blank line. */
		if (r == 0)
			kprintf("hostctl: no keys start with '%s'\n", prefix);
		else
			print_value(out, (size_t)r);
		if (out != hc_buf)
			free(out);
		return r == 0 ? -ENOENT : 0;
	}
	if (i >= argc || i + 2 < argc || (whole && i + 1 < argc)) {
		kprintf("usage: hostctl [-f store] [-r] key | key=value | key value\n");
		return -EINVAL;
	}
	key = argv[i];
	if (i + 1 < argc) {
		val = argv[i + 1];
	} else if (!whole && (eq = strchr(argv[i], '=')) != NULL) {
		*eq = '\0';
		val = eq + 1;
	}
	if (val) {
		if ((r = pvbus_kv_write(store, key, val)) < 0)
			return fail(key, r);
		return 0;
	}
	if ((r = fetch_any(pvbus_kv_read, store, key, &out)) < 0)
		return fail(key, r);
	print_value(out, (size_t)r);
	if (out != hc_buf)
		free(out);
	return 0;
}
SHELL_CMD("hostctl", "hostctl -t | [-f store] -l [prefix] | [-f store] [-r] key | key=value - hypervisor info and key-value stores",
	  hostctl);
