/* SPDX-License-Identifier: MIT */
/* Parsing the static network options (net/netcfg.h). Strict: a value with
 * anything left over, an out-of-range number or a prefix too long for its
 * family is refused whole, so a typo never half-configures an interface. */
#include <kern/errno.h>
#include <string.h>
#include "netcfg.h"

/* A decimal number of at most max, with no sign and no leading zero, that
 * ends at the first character not a digit. @return chars used, or 0. */
static int dec(const char *s, unsigned max, unsigned *out)
{
	unsigned v = 0;
	int n = 0;

	while (s[n] >= '0' && s[n] <= '9') {
		if (n > 0 && v == 0)
			return 0;               /* leading zero */
		v = v * 10 + (unsigned)(s[n] - '0');
		if (v > max)
			return 0;
		n++;
	}
	*out = v;
	return n;
}

/* Four parts; *end says where parsing stopped (for an IPv6 tail). */
static int ip4_prefix(const char *s, uint8_t out[4], const char **end)
{
	for (int i = 0; i < 4; i++) {
		unsigned v;
		int n = dec(s, 255, &v);

		if (!n)
			return -EINVAL;
		out[i] = (uint8_t)v;
		s += n;
		if (i < 3 && *s++ != '.')
			return -EINVAL;
	}
	*end = s;
	return 0;
}

int netcfg_parse_ip4(const char *s, uint8_t out[4])
{
	uint8_t a[4];
	const char *end;

	if (ip4_prefix(s, a, &end) < 0 || *end)
		return -EINVAL;
	memcpy(out, a, 4);
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int netcfg_parse_ip6(const char *s, uint8_t out[16])
{
	uint8_t a[16] = { 0 };
	int n = 0, gap = -1;    /* bytes written; where "::" stands */

	if (s[0] == ':') {
		if (s[1] != ':')
			return -EINVAL;
		gap = 0;
		s += 2;
	}
	while (*s) {
		unsigned v = 0;
		int digits = 0;
		const char *p = s;

		/* A dotted quad may end the address (::ffff:10.0.0.1). */
		while (hexval(*p) >= 0 && digits < 5) {
			v = v * 16 + (unsigned)hexval(*p++);
			digits++;
		}
		if (*p == '.') {
			const char *end;

			if (n + 4 > 16 || ip4_prefix(s, a + n, &end) < 0 || *end)
				return -EINVAL;
			n += 4;
			s = end;
			break;
		}
		if (digits == 0 || digits > 4 || n + 2 > 16)
			return -EINVAL;
		a[n++] = (uint8_t)(v >> 8);
		a[n++] = (uint8_t)v;
		s = p;
		if (*s == '\0')
			break;
		if (*s++ != ':')
			return -EINVAL;
		if (*s == ':') {
			if (gap >= 0)
				return -EINVAL;         /* a second "::" */
			gap = n;
			s++;
		} else if (*s == '\0') {
			return -EINVAL;                 /* a trailing ':' */
		}
	}
	if (gap >= 0) {
		/* "::" stands for at least one group of zeros. */
		if (n > 14)
			return -EINVAL;
		memmove(a + 16 - (n - gap), a + gap, (size_t)(n - gap));
		memset(a + gap, 0, (size_t)(16 - n));
	} else if (n != 16) {
		return -EINVAL;
	}
	memcpy(out, a, 16);
	return 0;
}

/* "ADDR/N", N at most the family's address bits. */
static int parse_prefix(const char *s, int family, uint8_t *addr, uint8_t *plen)
{
	char buf[64];
	const char *slash = strchr(s, '/');
	unsigned len;
	size_t alen;
	int n;

	if (!slash)
		return -EINVAL;
	alen = (size_t)(slash - s);
	if (alen >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	n = dec(slash + 1, family == 4 ? 32 : 128, &len);
	if (n == 0 || slash[1 + n] != '\0')
		return -EINVAL;
	if (family == 4 ? netcfg_parse_ip4(buf, addr) : netcfg_parse_ip6(buf, addr))
		return -EINVAL;
	*plen = (uint8_t)len;
	return 0;
}

static bool valid_ifname(const char *s, size_t n)
{
	if (n == 0 || n >= NETCFG_IFNAME)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')))
			return false;
	return true;
}

static void if_defaults(struct netcfg_if *f, const char *name, size_t n)
{
	memset(f, 0, sizeof(*f));
	memcpy(f->name, name, n);
	f->v4 = NETCFG_AUTO;
	f->v6 = NETCFG_AUTO;
}

static int set_dns(struct netcfg *cfg, const char *value)
{
	struct netcfg_dns d[NETCFG_MAX_DNS];
	int n = 0;

	while (*value) {
		char buf[64];
		const char *comma = strchr(value, ',');
		size_t len = comma ? (size_t)(comma - value) : strlen(value);

		if (n == NETCFG_MAX_DNS || len == 0 || len >= sizeof(buf))
			return -EINVAL;
		memcpy(buf, value, len);
		buf[len] = '\0';
		memset(&d[n], 0, sizeof(d[n]));
		if (netcfg_parse_ip4(buf, d[n].addr) == 0)
			d[n].family = 4;
		else if (netcfg_parse_ip6(buf, d[n].addr) == 0)
			d[n].family = 6;
		else
			return -EINVAL;
		n++;
		value += len;
		if (comma && !*++value)
			return -EINVAL;         /* a trailing comma */
	}
	if (n == 0)
		return -EINVAL;
	memcpy(cfg->dns, d, sizeof(d));
	cfg->ndns = n;
	return 0;
}

/* net.IF.FIELD: the interface name and the field (".ip", ".gw", ".ip6").
 * @return 0, -ENOENT (not such a key), -EINVAL (a bad interface name). */
static int split_key(const char *key, const char **ifn, size_t *n,
		     const char **dot)
{
	if (strncmp(key, "net.", 4) != 0)
		return -ENOENT;
	*ifn = key + 4;
	*dot = strchr(*ifn, '.');
	if (!*dot)
		return -ENOENT;
	*n = (size_t)(*dot - *ifn);
	if (strcmp(*dot, ".ip") != 0 && strcmp(*dot, ".gw") != 0 &&
	    strcmp(*dot, ".ip6") != 0)
		return -ENOENT;
	return valid_ifname(*ifn, *n) ? 0 : -EINVAL;
}

bool netcfg_key_known(const char *key)
{
	const char *ifn, *dot;
	size_t n;

	return strcmp(key, "net.dns") == 0 || split_key(key, &ifn, &n, &dot) == 0;
}

int netcfg_set(struct netcfg *cfg, const char *key, const char *value)
{
	const char *ifn, *dot;
	struct netcfg_if tmp, *f = NULL;
	size_t n;
	int i, rc;

	if (strcmp(key, "net.dns") == 0)
		return set_dns(cfg, value);
	if ((rc = split_key(key, &ifn, &n, &dot)) < 0)
		return rc;

	for (i = 0; i < cfg->nifs; i++)
		if (strlen(cfg->ifs[i].name) == n &&
		    memcmp(cfg->ifs[i].name, ifn, n) == 0)
			f = &cfg->ifs[i];
	if (f)
		tmp = *f;
	else
		if_defaults(&tmp, ifn, n);

	/* Parse into the copy; only a good value reaches cfg. */
	if (strcmp(dot, ".ip") == 0) {
		if (strcmp(value, "dhcp") == 0)
			tmp.v4 = NETCFG_AUTO;
		else if (strcmp(value, "off") == 0)
			tmp.v4 = NETCFG_OFF;
		else if (parse_prefix(value, 4, tmp.ip4, &tmp.plen4) == 0)
			tmp.v4 = NETCFG_STATIC;
		else
			return -EINVAL;
	} else if (strcmp(dot, ".gw") == 0) {
		if (netcfg_parse_ip4(value, tmp.gw4) < 0)
			return -EINVAL;
		tmp.has_gw4 = true;
	} else {
		if (strcmp(value, "auto") == 0)
			tmp.v6 = NETCFG_AUTO;
		else if (strcmp(value, "off") == 0)
			tmp.v6 = NETCFG_OFF;
		else if (parse_prefix(value, 6, tmp.ip6, &tmp.plen6) == 0)
			tmp.v6 = NETCFG_STATIC;
		else
			return -EINVAL;
	}
	if (!f) {
		if (cfg->nifs == NETCFG_MAX_IFS)
			return -ENOSPC;
		f = &cfg->ifs[cfg->nifs++];
	}
	*f = tmp;
	return 0;
}

void netcfg_if_get(const struct netcfg *cfg, const char *name,
		   struct netcfg_if *out)
{
	size_t n = strnlen(name, NETCFG_IFNAME - 1);

	for (int i = 0; i < cfg->nifs; i++)
		if (strcmp(cfg->ifs[i].name, name) == 0) {
			*out = cfg->ifs[i];
			return;
		}
	if_defaults(out, name, n);
}

int netcfg_set_first(struct netcfg *cfg, const char *key,
		     const char *const *vals, int n, unsigned *bad)
{
	*bad = 0;
	for (int i = 0; i < n; i++) {
		if (!vals[i])
			continue;
		if (netcfg_set(cfg, key, vals[i]) == 0)
			return i;
		*bad |= 1u << i;
	}
	return -ENOENT;
}

int netcfg_store_key(const char *key, char *buf, size_t len)
{
	size_t n = strlen(key);

	if (!netcfg_key_known(key))
		return -ENOENT;
	/* "opt/" and the key with its dots as slashes: "opt/net/a/b" */
	if (n + 5 > len)
		return -ENAMETOOLONG;
	memcpy(buf, "opt/", 4);
	for (size_t i = 0; i <= n; i++)
		buf[4 + i] = key[i] == '.' ? '/' : key[i];
	return 0;
}

void netcfg_trim(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' ||
		     s[n - 1] == '\r'))
		s[--n] = '\0';
}
