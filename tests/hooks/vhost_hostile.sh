#!/bin/bash
# SPDX-License-Identifier: MIT
# Wrapper for tests/cases/vhost_hostile.cases:
#   wrap=tests/hooks/vhost_hostile.sh,MODE[,after=N][,count=K][,gap=US][,disk=FILE]
# Starts tools/vhost-hostile (build/tools/vhost-hostile, built here when
# missing or stale) on the socket $T/vh.sock with a fresh 16 MiB disk
# $T/vh.img (or $T/FILE, made by a pre hook) and --misbehave=MODE,...,
# runs QEMU (the rest of the command
# line, whose -chardev names $T/vh.sock), then stops the back end and
# appends its log ($T/vhost.log) to the console, so that a case's regex
# can name what it did. Exits with QEMU's status.
#
# A socket address holds 107 bytes; when $T/vh.sock is longer the socket
# lives in a directory under /tmp and QEMU's arguments are rewritten.
set -u
words=()
disk="$T/vh.img"
while [ $# -gt 0 ] && [ "${1#*qemu-system}" = "$1" ]; do
	case "$1" in
	disk=*) disk="$T/${1#disk=}" ;;
	*) words+=("$1") ;;
	esac
	shift
done
[ ${#words[@]} -ge 1 ] || { echo "vhost_hostile.sh: no mode given" >&2; exit 2; }
misbehave=$(IFS=,; echo "${words[*]}")

bin="$ROOT/build/tools/vhost-hostile"
stale=0
[ -x "$bin" ] || stale=1
for s in "$ROOT"/tools/vhost-hostile/* "$ROOT"/include/drivers/virtio_blk.h \
	 "$ROOT"/include/drivers/virtio_ring.h "$ROOT"/include/kern/compiler.h; do
	[ "$s" -nt "$bin" ] && stale=1
done
if [ $stale = 1 ]; then
	# As `make tools` does, without the kernel build's set-up (lwIP); cases
	# run in parallel, so under a lock and renamed into place.
	mkdir -p "$ROOT/build/tools"
	flock "$ROOT/build/tools/.lock" sh -c '${HOSTCC:-gcc} -std=gnu11 -D_GNU_SOURCE -O2 -g \
		-I"$2"/include -Wall -Wextra -Werror -o "$1.$$" "$2"/tools/vhost-hostile/*.c && mv -f "$1.$$" "$1"' \
		sh "$bin" "$ROOT" >&2 || { echo "vhost_hostile.sh: cannot build $bin" >&2; exit 2; }
fi

sock="$T/vh.sock"
tmpdir=
if [ ${#sock} -ge 100 ]; then
	tmpdir=$(mktemp -d /tmp/vhh.XXXXXX)
	sock="$tmpdir/vh.sock"
	args=()
	for a in "$@"; do
		args+=("${a//$T\/vh.sock/$sock}")
	done
	set -- "${args[@]}"
fi
rm -f "$sock"
if [ "$disk" = "$T/vh.img" ]; then
	rm -f "$disk"
	truncate -s 16M "$disk"
fi

"$bin" --socket="$sock" --disk="$disk" --serial=vh-hostile \
	--misbehave="$misbehave" 2>"$T/vhost.log" &
be=$!
# Bounded: the back end listens within a few milliseconds.
for _ in $(seq 100); do
	[ -S "$sock" ] && break
	kill -0 $be 2>/dev/null || break
	sleep 0.05
done
if [ ! -S "$sock" ]; then
	echo "vhost_hostile.sh: the back end did not listen on $sock" >&2
	cat "$T/vhost.log" >&2
	kill $be 2>/dev/null
	exit 2
fi

# On QEMU before 8.1 under TCG, tests/run has added -smp 2 and
# num-queues=1 (tests/qemu_quirks.py): that QEMU drops a single vCPU's
# barriers, and a notification to the back end was lost.

# QEMU's reactions to the device's misbehaviour ("vhost vring error in
# virtqueue 0", "Failed to set msg fds." after a disconnect) are printed
# as `qemu-system-...:` lines, which the runner takes for QEMU's own
# start-up errors when the guest then exits with status 0 (exit code 1).
# Once the guest has started its tests they are run-time messages the case
# provokes: they keep their text under another prefix. Errors before that
# (a bad option) are passed through as they are.
"$@" 2>&1 | awk '/^TAP version/ { started = 1 }
	started && /^qemu-system-[a-z0-9_]+: / { sub(/^qemu-system-[a-z0-9_]+: /, "qemu (run time): ") }
	{ print; fflush() }'
rc=${PIPESTATUS[0]}

# QEMU's exit closes the connection and the back end leaves by itself;
# if it does not within 2 s, it is stopped.
for _ in $(seq 40); do
	kill -0 $be 2>/dev/null || break
	sleep 0.05
done
if kill -0 $be 2>/dev/null; then
	echo "vhost-hostile: still running after QEMU left: killed"
	kill $be
fi
wait $be 2>/dev/null
cat "$T/vhost.log"
[ -n "$tmpdir" ] && rm -rf "$tmpdir"
exit $rc
