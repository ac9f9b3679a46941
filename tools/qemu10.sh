#!/bin/sh
# SPDX-License-Identifier: MIT
# A second QEMU for the tests, next to the system's: QEMU 10.x from Debian
# bookworm-backports, unpacked (not installed) into build/qemu10/ so that the
# system's QEMU 7.2 stays as it is. tests/run --qemu build/qemu10 uses it.
#
#   build/cache/qemu10/   the .debs as apt downloaded them (apt checked the
#                         archive signature and each file's hash) and their
#                         SHA256SUMS; later unpacks use it, offline too
#   build/qemu10/         dpkg-deb -x of each; VERSIONS names the packages,
#                         versions and hashes used
#
# The backport is built against bookworm: its shared libraries are bookworm's
# and a subset of those the system QEMU already pulls in. Any that are
# missing are installed from bookworm (libraries only, never QEMU), and ldd
# must find them all.
set -e
. "$(dirname "$0")/apt.sh"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
Q="$ROOT/build/qemu10"
C="$ROOT/build/cache/qemu10"
SUITE=bookworm-backports
PKGS="qemu-system-x86 qemu-system-arm qemu-system-common qemu-system-data seabios"
BINS="qemu-system-x86_64 qemu-system-aarch64"

# Fast path: unpacked and checked before.
[ -f "$Q/VERSIONS" ] && [ -x "$Q/usr/bin/qemu-system-x86_64" ] && exit 0

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive

cache_ok() {
	[ -f "$C/SHA256SUMS" ] || return 1
	for p in $PKGS; do
		grep -q " ${p}_[^ ]*\.deb\$" "$C/SHA256SUMS" || return 1
	done
	(cd "$C" && sha256sum --quiet -c SHA256SUMS)
}

download() {
	# The backports suite from the archive the system already uses.
	if ! apt-get indextargets --format '$(RELEASE)' | grep -qx "$SUITE"; then
		uri=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' |
			awk '$2 == "bookworm" { print $1; exit }')
		echo "qemu10: adding $SUITE (${uri:=http://deb.debian.org/debian/}) to apt's sources"
		printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: %s\n' \
			"$uri" "$SUITE" /usr/share/keyrings/debian-archive-keyring.gpg |
			$SUDO tee /etc/apt/sources.list.d/$SUITE.sources >/dev/null
	fi
	echo "qemu10: apt-get update"
	apt_get update -qq
	if ! apt-get indextargets --format '$(RELEASE)' | grep -qx "$SUITE" ||
	   [ -z "$(apt-cache madison qemu-system-x86 | grep "$SUITE/main")" ]; then
		echo "qemu10: $SUITE is not reachable (no package lists for it after apt-get update)" >&2
		exit 1
	fi
	rm -rf "$C.new"
	mkdir -p "$C.new"
	# As root apt drops to its _apt user for downloads, who may not write
	# into build/; the files are still checked against the signed lists.
	sandbox=""
	[ "$(id -u)" -ne 0 ] || sandbox="-o APT::Sandbox::User=root"
	echo "qemu10: downloading$(for p in $PKGS; do printf ' %s/%s' "$p" "$SUITE"; done)"
	# shellcheck disable=SC2046,SC2086
	(cd "$C.new" && apt-get download -q=2 $sandbox $(for p in $PKGS; do echo "$p/$SUITE"; done))
	(cd "$C.new" && sha256sum ./*.deb | sed 's| \./| |' > SHA256SUMS)
	rm -rf "$C"
	mv "$C.new" "$C"
}

if cache_ok; then
	echo "qemu10: unpacking from the cache in build/cache/qemu10"
else
	download
	cache_ok || { echo "qemu10: the downloaded packages do not check" >&2; exit 1; }
fi

rm -rf "$Q.new"
mkdir -p "$Q.new"
: > "$Q.new/VERSIONS.new"
for p in $PKGS; do
	deb=$(ls "$C/${p}"_*.deb)
	dpkg-deb -x "$deb" "$Q.new"
	printf '%s %s %s\n' "$p" "$(dpkg-deb -f "$deb" Version)" \
		"$(sha256sum "$deb" | cut -d' ' -f1)" >> "$Q.new/VERSIONS.new"
done

# Shared libraries: the packages' library dependencies, installed from
# bookworm where missing (normally none: the system QEMU needs the same).
libs=$(for p in $PKGS; do dpkg-deb -f "$C/${p}"_*.deb Depends; done |
	tr ',' '\n' | sed 's/(.*//; s/|.*//; s/ //g' | grep '^lib' | sort -u)
missing=""
for l in $libs; do
	dpkg-query -W -f='${db:Status-Status}\n' "$l" 2>/dev/null | grep -qx installed ||
		missing="$missing $l"
done
if [ -n "$missing" ]; then
	echo "qemu10: installing the libraries it needs from bookworm:$missing"
	# shellcheck disable=SC2086
	apt_get install -y -qq --no-install-recommends $missing
fi
for b in $BINS; do
	if ldd "$Q.new/usr/bin/$b" | grep 'not found'; then
		echo "qemu10: $b misses shared libraries (above)" >&2
		exit 1
	fi
	"$Q.new/usr/bin/$b" --version | head -n 1
done

mv "$Q.new/VERSIONS.new" "$Q.new/VERSIONS"
rm -rf "$Q"
mv "$Q.new" "$Q"
echo "qemu10: ready in build/qemu10 ($(cut -d' ' -f1,2 "$Q/VERSIONS" | tr '\n' ' '))"
