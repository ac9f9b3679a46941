#!/bin/sh
# SPDX-License-Identifier: MIT
# Fetch lwIP's source from Debian's `lwip` source package, check it against
# the SHA-256 sums pinned in net/lwip.sha256, and unpack it (with Debian's
# patches applied) into build/lwip-$VERSION. No lwIP code is ever committed.
#
# The package files are kept in build/cache/, so a rebuild after the first
# touches neither apt nor the network. When they are missing, a deb-src
# entry for the same archive as debian.sources is added if apt has none.
set -e
. "$(dirname "$0")/apt.sh"
cd "$(dirname "$0")/.."
PIN=net/lwip.sha256
# The version is pinned together with the sums: the .dsc line names it.
DSC=$(awk '/\.dsc$/ { print $2 }' "$PIN")
VER=${DSC#lwip_}; VER=${VER%.dsc}          # 2.1.3+dfsg1-2
UPVER=${VER%%+*}                           # 2.1.3
CACHE=build/cache
DEST=build/lwip-$UPVER

[ -f "$DEST/.unpacked-$VER" ] && exit 0

verify() { (cd "$CACHE" && sha256sum --quiet -c "../../$PIN") >/dev/null 2>&1; }

mkdir -p "$CACHE"
if ! verify; then
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	if ! grep -rqs '^Types:.*deb-src\|^deb-src' /etc/apt/sources.list \
			/etc/apt/sources.list.d/; then
		# The first stanza of debian.sources is the main archive; the
		# same stanza with deb-src reaches its source packages.
		echo "deps: adding a deb-src entry for Debian's archive"
		awk 'BEGIN { RS = ""; ORS = "\n" } NR == 1 {
			sub(/Types:[^\n]*/, "Types: deb-src"); print; exit }' \
			/etc/apt/sources.list.d/debian.sources |
			$SUDO tee /etc/apt/sources.list.d/unikernel-deb-src.sources \
			>/dev/null
		apt_get update -qq
	fi
	echo "deps: fetching lwip $VER source from Debian"
	rm -f "$CACHE"/lwip_*
	# As root, apt would hand the download to its _apt user, who cannot
	# write into our tree; let it download as root instead.
	APTOPT=""
	[ "$(id -u)" -eq 0 ] && APTOPT="-o APT::Sandbox::User=root"
	# A stale package list may not know the pinned version: update once.
	(cd "$CACHE" && apt-get source -qq $APTOPT --download-only "lwip=$VER") ||
		{ apt_get update -qq && (cd "$CACHE" &&
		  apt-get source -qq $APTOPT --download-only "lwip=$VER"); }
	verify || { echo "deps: lwip source does not match $PIN" >&2; exit 1; }
fi

# Unpack by hand rather than with dpkg-source: that keeps dpkg-dev out of
# the dependencies. Of Debian's patches (debian/patches/series) we apply
# the ones that apply to the stack alone, in series order: patch9350 adds
# an option that defaults to off, patch9807 adds tcpip_callback_wait (for
# builds without the core lock), CVE-2020-8597 fixes PPP's EAP (not built
# here). None changes what we build; they keep us at Debian's source.
# Left out: `port` (the Hurd's port, whose edit to sockets.c needs macros
# only its own headers define), `max_sockets` (the Hurd's unlimited-socket
# option, off by default; one hunk edits a file of the `port` patch) and
# `cmake` (Debian's build files).
PATCHES="patch9350 patch9807 CVE-2020-8597"
rm -rf "$DEST" "$DEST.tmp"
mkdir -p "$DEST.tmp"
tar -xf "$CACHE"/lwip_"$UPVER"*.orig.tar.* -C "$DEST.tmp" --strip-components=1
tar -xf "$CACHE"/lwip_"$VER".debian.tar.* -C "$DEST.tmp"
for p in $PATCHES; do
	patch -s -d "$DEST.tmp" -p1 < "$DEST.tmp/debian/patches/$p"
done
touch "$DEST.tmp/.unpacked-$VER"
mv "$DEST.tmp" "$DEST"
echo "deps: lwip $VER unpacked in $DEST"
