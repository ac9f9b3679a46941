# SPDX-License-Identifier: MIT
# Sourced by the tools/ scripts that call apt-get: apt_get runs it as root
# (through sudo when not root), waiting for another package manager that
# holds apt's or dpkg's lock instead of failing at once (a parallel build,
# unattended-upgrades, a second `make deps`).
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive

apt_get() {
	_n=0
	while :; do
		# DPkg::Lock::Timeout waits for dpkg's lock; the loop covers
		# the package lists' lock that `update` takes, and a lock taken
		# between two steps.
		if $SUDO apt-get -o DPkg::Lock::Timeout=300 "$@" 2>/tmp/apt_get.$$; then
			rm -f /tmp/apt_get.$$
			return 0
		fi
		_rc=$?
		if ! grep -q 'Could not get lock\|Unable to acquire\|Unable to lock' /tmp/apt_get.$$ ||
		   [ "$_n" -ge 30 ]; then
			cat /tmp/apt_get.$$ >&2
			rm -f /tmp/apt_get.$$
			return $_rc
		fi
		_n=$((_n + 1))
		echo "apt: another package manager holds the lock; waiting ($_n)" >&2
		sleep 10
	done
}
