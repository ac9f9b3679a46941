/* SPDX-License-Identifier: MIT */
/* Static network configuration from key=value options, the same keys on
 * the command line and in the hypervisor's store (fw_cfg opt/net/...):
 *
 *   net.IF.ip=A.B.C.D/N | dhcp | off      IPv4 (default dhcp)
 *   net.IF.gw=A.B.C.D                     IPv4 default gateway
 *   net.IF.ip6=ADDR/N | auto | off        IPv6 (default auto: SLAAC)
 *   net.dns=ADDR[,ADDR]                   resolvers, IPv4 or IPv6
 *
 * IF is an interface name ("vioif0"). Pure code: no kernel state, host
 * unit-tested (tests/unit/test_netcfg.c). Addresses are kept as bytes in
 * network order. Also the strict text-to-address conversions inet_pton
 * uses (<net/socket.h>). */
#ifndef NET_NETCFG_H
#define NET_NETCFG_H

#include <kern/compiler.h>

#define NETCFG_MAX_IFS   4
#define NETCFG_MAX_DNS   2
#define NETCFG_IFNAME    16

enum netcfg_mode { NETCFG_AUTO, NETCFG_STATIC, NETCFG_OFF };

struct netcfg_if {
	char name[NETCFG_IFNAME];
	enum netcfg_mode v4, v6;        /* AUTO: DHCP for v4, SLAAC for v6 */
	uint8_t ip4[4], plen4, gw4[4];
	bool has_gw4;
	uint8_t ip6[16], plen6;
};

struct netcfg_dns {
	int family;                     /* 4 or 6 */
	uint8_t addr[16];
};

struct netcfg {
	struct netcfg_if ifs[NETCFG_MAX_IFS];
	int nifs;
	struct netcfg_dns dns[NETCFG_MAX_DNS];
	int ndns;
};

/* Apply one option. A key that is not a network key is left alone.
 * @return 0, -ENOENT (not one of the keys above), -EINVAL (malformed
 * value or interface name; cfg unchanged), -ENOSPC (too many interfaces). */
int netcfg_set(struct netcfg *cfg, const char *key, const char *value);
/* The settings of interface name: what was set, defaults otherwise. */
void netcfg_if_get(const struct netcfg *cfg, const char *name,
		   struct netcfg_if *out);

/* Is key one of the keys above (with a well-formed interface name)? */
bool netcfg_key_known(const char *key);
/* Apply the first well-formed value of key among n sources, given in order
 * of precedence (vals[i] NULL: source i has none). A malformed value sets
 * bit i in *bad and the next source is tried. @return the index of the
 * source applied, or -ENOENT when none had a good value. */
int netcfg_set_first(struct netcfg *cfg, const char *key,
		     const char *const *vals, int n, unsigned *bad);
/* The hypervisor store's name for key: "net.vioif0.ip" is
 * "opt/net/vioif0/ip", "net.dns" is "opt/net/dns" (fw_cfg's "opt/" item
 * names). @return 0, -ENOENT (not a network key), -ENAMETOOLONG. */
int netcfg_store_key(const char *key, char *buf, size_t len);
/* Cut the blanks and line ends a value read from a file ends with (fw_cfg
 * items made with file=), in place. */
void netcfg_trim(char *s);

/* Dotted-quad IPv4, exactly four decimal parts of 0..255 without leading
 * zeros. @return 0 or -EINVAL. */
int netcfg_parse_ip4(const char *s, uint8_t out[4]);
/* IPv6 text form (RFC 4291 §2.2: groups, one "::", a dotted-quad tail).
 * @return 0 or -EINVAL. */
int netcfg_parse_ip6(const char *s, uint8_t out[16]);

#endif
