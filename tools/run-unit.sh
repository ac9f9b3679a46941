#!/bin/sh
# SPDX-License-Identifier: MIT
# Run every host unit test binary; print each one's output and a total.
mkdir -p build/unit/data
export UNIT_DATA=build/unit/data
pass=0; fail=0
for t in "$@"; do
	if "$t" > "$t.log" 2>&1; then
		pass=$((pass + 1)); echo "ok - $t"
	else
		fail=$((fail + 1)); echo "not ok - $t"; cat "$t.log"
	fi
done
echo "unit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
