#!/bin/sh
# SPDX-License-Identifier: MIT
# Run the host fuzzers (build/fuzz/bin/<name>) one after another.
#   run-fuzz.sh NAME...             long run: FUZZ_RUNS executions or
#                                   FUZZ_SECONDS seconds each, whichever ends
#                                   first; new inputs kept in
#                                   build/fuzz/<name>/corpus/
#   run-fuzz.sh --smoke SECS NAME...  a few seconds each from the seeds
#                                   (make test); nothing kept but crashes
# Seeds: tests/fuzz/corpus/<name>/ (read, never written). A crash, a leak or
# a timeout leaves its input in build/fuzz/<name>/crashes/ and fails the
# run. Prints one line per harness with its execution count.
set -u
smoke=0
if [ "${1:-}" = "--smoke" ]; then
	smoke=1; secs=$2; shift 2
	runs=-1
else
	runs=${FUZZ_RUNS:-10000000}; secs=${FUZZ_SECONDS:-600}
fi
pass=0; fail=0; total=0
for name in "$@"; do
	bin=build/fuzz/bin/$name
	dir=build/fuzz/$name
	seeds=tests/fuzz/corpus/$name
	mkdir -p "$dir/crashes" "$dir/corpus" "$seeds"
	if [ $smoke -eq 1 ]; then
		work=$dir/smoke-corpus
		rm -rf "$work"; mkdir -p "$work"
	else
		work=$dir/corpus
	fi
	log=$dir/$( [ $smoke -eq 1 ] && echo smoke || echo run ).log
	maxlen=""
	[ -f "tests/fuzz/$name.options" ] && maxlen=$(cat "tests/fuzz/$name.options")
	# shellcheck disable=SC2086
	"$bin" -runs="$runs" -max_total_time="$secs" -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 $maxlen \
		-artifact_prefix="$dir/crashes/" "$work" "$seeds" > "$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	secs_used=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n 1)
	[ -n "$execs" ] || execs=0
	total=$((total + execs))
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1))
		echo "ok - fuzz $name: $execs executions in ${secs_used:-?} s"
	else
		fail=$((fail + 1))
		echo "not ok - fuzz $name: exit $rc after $execs executions (log $log)"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|artifact_prefix|Test unit written)' "$log" | head -n 8 | sed 's/^/#   /'
	fi
done
echo "fuzz: $pass passed, $fail failed, $total executions"
[ "$fail" -eq 0 ]
