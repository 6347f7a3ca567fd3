#!/bin/sh
# Times `classhub roster import` of a generated 10,000-row roster with the AOT binary (budget: <= 1 s).
# Usage: bench/roster-import.sh [path/to/classhub]   (default: $CLASSHUB_BINARY, else artifacts/classhub)
set -eu
bin=${1:-${CLASSHUB_BINARY:-artifacts/classhub}}
rows=${ROWS:-10000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
awk -v n="$rows" 'BEGIN { print "username,name,email,section"; for (i = 0; i < n; i++) printf "s%05d,Student %d,s%05d@uni.example,S%d\n", i, i, i, i % 7 }' > "$dir/roster.csv"
"$bin" --data-dir "$dir/state" course create bench --title Bench >/dev/null
now() { date +%s.%N; }
t0=$(now); "$bin" --data-dir "$dir/state" roster import bench "$dir/roster.csv" --json > "$dir/first.json"; t1=$(now)
t2=$(now); "$bin" --data-dir "$dir/state" roster import bench "$dir/roster.csv" --json > "$dir/again.json"; t3=$(now)
# Second file: every row's section changed, so all 10,000 are updated.
sed 's/,S\([0-9]\)$/,T\1/' "$dir/roster.csv" > "$dir/changed.csv"
t4=$(now); "$bin" --data-dir "$dir/state" roster import bench "$dir/changed.csv" --json > "$dir/changed.json"; t5=$(now)
count() { grep -c "\"$1\"" "$dir/$2" || true; }
echo "rows: $rows ($(wc -c < "$dir/roster.csv") bytes)"
printf 'first import (all added):     %.3f s\n' "$(echo "$t1 - $t0" | bc)"
printf 're-import (all unchanged):   %.3f s\n' "$(echo "$t3 - $t2" | bc)"
printf 're-import (all updated):     %.3f s\n' "$(echo "$t5 - $t4" | bc)"
"$bin" --data-dir "$dir/state" roster list bench --json | grep -c '"username"' | sed 's/^/members after: /'
