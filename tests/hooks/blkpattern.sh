# SPDX-License-Identifier: MIT
# Sourced by the block hooks: builds build/hooks/blkpattern (once, and
# again when its sources change) and defines blkpattern() to run it.
# Cases run in parallel, so the binary is built under a temporary name and
# renamed into place.
: "${ROOT:=$(pwd)}"
BLKPATTERN="$ROOT/build/hooks/blkpattern"
_bp_src="$ROOT/tests/hooks/blkpattern.c $ROOT/drivers/blk/pattern.c"
_bp_stale=0
[ -x "$BLKPATTERN" ] || _bp_stale=1
for _s in $_bp_src "$ROOT/include/drivers/blkdev.h"; do
	[ "$_s" -nt "$BLKPATTERN" ] && _bp_stale=1
done
if [ "$_bp_stale" = 1 ]; then
	mkdir -p "$ROOT/build/hooks"
	_bp_tmp="$BLKPATTERN.$$"
	${HOSTCC:-cc} -std=gnu11 -O2 -Wall -Werror -I"$ROOT/include" $_bp_src -o "$_bp_tmp" &&
		mv -f "$_bp_tmp" "$BLKPATTERN" || { rm -f "$_bp_tmp"; exit 2; }
fi
blkpattern() { "$BLKPATTERN" "$@"; }
