#!/bin/sh
# SPDX-License-Identifier: MIT
# Host tap devices for the guest's NICs: interface N of the guest (vioifN)
# is always the host's tapN, as NetBSD's virt(4) pairs them.
#
#   tools/tap.sh add tapN [ADDR/LEN ...]   create tapN (mode tap), up, with
#                                          those addresses (none by default)
#   tools/tap.sh del tapN                  delete it
#   tools/tap.sh args NICS [DEVICE]        print QEMU's arguments for NICS
#                                          NICs on tap0 .. tap(NICS-1)
#   tools/tap.sh run NICS QEMU ARGS...     create the missing tap0 ..
#                                          tap(NICS-1), run QEMU with them
#                                          (appended), delete the ones it
#                                          created when QEMU ends
#
# DEVICE (or $TAP_DEVICE) is QEMU's NIC model, virtio-net-pci by default
# (virtio-net-device for an MMIO machine). A second guest on the same
# host takes other taps with TAP_FIRST=K: its vioifN is then tap(K+N).
# `run` gives tapN the address $TAPN_ADDR when set (TAP0_ADDR=10.9.0.2/24).
# It needs root (CAP_NET_ADMIN);
# QEMU opens the tap with script=no,downscript=no: this script does what
# QEMU's ifup scripts would.
set -eu

die() { echo "tap.sh: $*" >&2; exit 1; }

tap_add() {
	name=$1; shift
	ip tuntap add dev "$name" mode tap || die "cannot create $name (root? /dev/net/tun?)"
	for a in "$@"; do
		case $a in
		*:*) ip -6 addr add "$a" dev "$name" nodad ;;
		*) ip addr add "$a" dev "$name" ;;
		esac
	done
	ip link set "$name" up
}

# PCI NICs take slots in command-line order and the guest probes the bus
# in slot order; QEMU's MMIO machines (virt, microvm) hand out their
# virtio-mmio slots from the top address down, and the guest probes them
# from the bottom up, so MMIO NICs are given last first: either way the
# guest's vioifN is the one on tapN.
tap_args() {
	n=$1; dev=${2:-${TAP_DEVICE:-virtio-net-pci}}; first=${TAP_FIRST:-0}
	i=0
	while [ "$i" -lt "$n" ]; do
		case $dev in *-device) k=$((n - 1 - i)) ;; *) k=$i ;; esac
		printf ' -netdev tap,id=n%d,ifname=tap%d,script=no,downscript=no' "$k" "$((first + k))"
		printf ' -device %s,netdev=n%d' "$dev" "$k"
		i=$((i + 1))
	done
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case $cmd in
add)
	[ $# -ge 1 ] || die "add tapN [ADDR/LEN ...]"
	tap_add "$@" ;;
del)
	[ $# -eq 1 ] || die "del tapN"
	ip link del "$1" ;;
args)
	[ $# -ge 1 ] || die "args NICS [DEVICE]"
	tap_args "$@"; echo ;;
run)
	[ $# -ge 2 ] || die "run NICS QEMU ARGS..."
	n=$1; shift
	case $n in ''|*[!0-9]*) die "NICS must be a number, not $n" ;; esac
	first=${TAP_FIRST:-0}
	case $first in ''|*[!0-9]*) die "TAP_FIRST must be a number, not $first" ;; esac
	made=""
	cleanup() { for t in $made; do ip link del "$t" 2>/dev/null || true; done; }
	trap cleanup EXIT
	trap 'exit 130' INT TERM
	i=0
	while [ "$i" -lt "$n" ]; do
		t=tap$((first + i))
		if ! ip link show "$t" >/dev/null 2>&1; then
			eval "addr=\${TAP$((first + i))_ADDR:-}"
			# shellcheck disable=SC2086
			tap_add "$t" $addr
			made="$made $t"
			echo "tap.sh: $t created${addr:+ with $addr} for the guest's vioif$i" >&2
		else
			ip link set "$t" up
		fi
		i=$((i + 1))
	done
	# shellcheck disable=SC2046
	"$@" $(tap_args "$n")
	;;
*)
	sed -n '3,22p' "$0" | sed 's/^# \{0,1\}//'
	[ -z "$cmd" ] || exit 1 ;;
esac
