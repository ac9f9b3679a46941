#!/bin/sh
# SPDX-License-Identifier: MIT
# A Linux bridge joining the guests' taps (tools/tap.sh) to each other, to
# the host and, on a real host, to a physical interface.
#
#   tools/bridge.sh add BRIDGE [--addr ADDR/LEN]... PORT...
#       create BRIDGE (if missing) with those addresses, add each PORT to
#       it (a tapN that does not exist is created first) and bring all up
#   tools/bridge.sh del BRIDGE
#       delete the bridge and the taps that are its ports
#
# Two guests on one segment with the host at 10.9.0.2:
#   tools/bridge.sh add br0 --addr 10.9.0.2/24 tap0 tap1
#   (guest 1) make run NET=tap CMDLINE="net.vioif0.ip=10.9.0.10/24"
#   (guest 2) TAP_FIRST=1 tools/tap.sh run 1 qemu-system-x86_64 ... \
#             -append "net.vioif0.ip=10.9.0.11/24"     (its vioif0 on tap1)
# A physical interface (eth0) as a port puts the guests on its LAN: its
# address belongs on the bridge then (move it with `ip addr`), and a
# wireless interface can't be a bridge port (802.11 won't carry other
# stations' source addresses). Needs root.
set -eu

die() { echo "bridge.sh: $*" >&2; exit 1; }
here=$(dirname "$0")

cmd=${1:-}
[ $# -gt 0 ] && shift
case $cmd in
add)
	[ $# -ge 1 ] || die "add BRIDGE [--addr ADDR/LEN]... PORT..."
	br=$1; shift
	ip link show "$br" >/dev/null 2>&1 || ip link add name "$br" type bridge
	# The bridge forwards at once (no STP listening delay for a test).
	ip link set "$br" type bridge stp_state 0 forward_delay 0
	while [ $# -gt 0 ]; do
		case $1 in
		--addr)
			[ $# -ge 2 ] || die "--addr ADDR/LEN"
			case $2 in
			*:*) ip -6 addr add "$2" dev "$br" nodad ;;
			*) ip addr add "$2" dev "$br" ;;
			esac
			shift 2 ;;
		*)
			if ! ip link show "$1" >/dev/null 2>&1; then
				case $1 in
				tap*) "$here/tap.sh" add "$1" ;;
				*) die "no interface $1" ;;
				esac
			fi
			ip link set "$1" master "$br"
			ip link set "$1" up
			shift ;;
		esac
	done
	ip link set "$br" up ;;
del)
	[ $# -eq 1 ] || die "del BRIDGE"
	for p in $(ip -o link show master "$1" 2>/dev/null | sed -n 's/^[0-9]*: \([^:@]*\).*/\1/p'); do
		case $p in tap*) ip link del "$p" ;; *) ip link set "$p" nomaster ;; esac
	done
	ip link del "$1" ;;
*)
	sed -n '3,20p' "$0" | sed 's/^# \{0,1\}//'
	[ -z "$cmd" ] || exit 1 ;;
esac
