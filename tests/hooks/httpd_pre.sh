#!/bin/sh
# SPDX-License-Identifier: MIT
# Pre hook for the httpd cases: the sample tree (apps/httpd-www) plus test
# files, packed by tools/mktar.py into $T/www.tar (the guest's vda):
#   big.bin          200 KiB of a fixed pseudo-random pattern (ranges, sums)
#   odd/a & <b>.txt  a name to escape in listings
#   img/raw          no extension: application/octet-stream
# A second, blank disk $T/blank.img comes first on the bus in some cases
# (the tar must be found by looking, not by position).
set -e
: "${T:?the case directory}" "${ROOT:?the tree}"
rm -rf "$T/www"
cp -r "$ROOT/apps/httpd-www" "$T/www"
python3 -c '
import random, sys
r = random.Random(1234)
sys.stdout.buffer.write(bytes(r.getrandbits(8) for _ in range(200 * 1024)))' > "$T/www/big.bin"
mkdir -p "$T/www/odd"
printf 'odd name\n' > "$T/www/odd/a & <b>.txt"
printf 'raw\n' > "$T/www/img/raw"
python3 "$ROOT/tools/mktar.py" --mtime 1700000000 "$T/www" "$T/www.tar"
truncate -s 1M "$T/blank.img"
