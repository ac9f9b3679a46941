#!/bin/sh
# SPDX-License-Identifier: MIT
# Install what the build and the tests need, from Debian's packages only.
# Costs a few command lookups when everything is there.
# Then the second QEMU the tests also run on (tools/qemu10.sh: QEMU 10.x from
# bookworm-backports, unpacked into build/qemu10, the system's left alone).
set -e
. "$(dirname "$0")/apt.sh"
need=""
have() { command -v "$1" >/dev/null 2>&1; }
have qemu-system-x86_64 || need="$need qemu-system-x86"
have qemu-system-aarch64 || need="$need qemu-system-arm"
have qemu-img || need="$need qemu-utils"
have grub-mkrescue || need="$need grub-common"
[ -d /usr/lib/grub/i386-pc ] || need="$need grub-pc-bin"
have xorriso || need="$need xorriso"
have mformat || need="$need mtools"
have aarch64-linux-gnu-gcc || need="$need gcc-aarch64-linux-gnu"
have aarch64-linux-gnu-ld || need="$need binutils-aarch64-linux-gnu"
have dtc || need="$need device-tree-compiler"
have python3 || need="$need python3"
have gcc || need="$need gcc"
# make fuzz: clang with its libFuzzer runtime (Debian's clang-14 ships it
# in libclang-rt-14-dev, which clang depends on)
have clang || need="$need clang"
have make || need="$need make"
have patch || need="$need patch"      # tools/lwip-src.sh
have xz || need="$need xz-utils"
have curl || need="$need curl"                # the httpd cases
# the httpd status case: headless chromium loads /_status (skipped without)
have chromium || need="$need chromium"
have redis-cli || need="$need redis-tools"    # the kv cases (redis-cli, redis-benchmark)
have wrk || need="$need wrk"                  # make soak and make bench: HTTP load
# The network cases' own resolver (tests/hooks/netns.sh), run in a
# namespace of the test's; dnsmasq-base is the program without a service.
[ -x /usr/sbin/dnsmasq ] || have dnsmasq || need="$need dnsmasq-base"
if [ -n "$need" ]; then
	echo "deps: installing$need"
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	export DEBIAN_FRONTEND=noninteractive
	apt_get update -qq
	# shellcheck disable=SC2086
	apt_get install -y -qq --no-install-recommends $need
fi
# lwIP's source, from Debian's source package (cached under build/),
# and QEMU 10 from bookworm-backports unpacked under build/qemu10.
"$(dirname "$0")/lwip-src.sh"
exec "$(dirname "$0")/qemu10.sh"
