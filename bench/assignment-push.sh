#!/bin/sh
# Times `classhub assignment push` of a generated assignment (FILES files of 1 MB; default 50 = 50 MB) to STUDENTS
# real Unix users (default 200), against `cp -a` of the same folder into each of their homes (the physical limit of
# a naive copy). Budget: push <= 1.2 x cp -a. Needs root (real users are created with useradd and removed at the end).
# Usage: sudo bench/assignment-push.sh [path/to/classhub]   (default: $CLASSHUB_BINARY, else artifacts/classhub)
set -eu
bin=$(realpath "${1:-${CLASSHUB_BINARY:-artifacts/classhub}}")
students=${STUDENTS:-200}
files=${FILES:-50}
[ "$(id -u)" = 0 ] || { echo "run as root (it creates $students Unix users)" >&2; exit 2; }
dir=$(mktemp -d /var/tmp/assign-bench.XXXXXX)
prefix=bp$(head -c 3 /dev/urandom | od -An -tx1 | tr -d ' \n')
cleanup() {
  for i in $(seq 1 "$students"); do userdel -r -f "$prefix$i" >/dev/null 2>&1 || true; done
  rm -rf "$dir"
}
trap cleanup EXIT

mkdir -p "$dir/hw1/data"
for i in $(seq 1 "$files"); do head -c 1048576 /dev/urandom > "$dir/hw1/data/part$i.bin"; done
echo '# Bench assignment' > "$dir/hw1/README.md"
echo "username,name,email" > "$dir/roster.csv"
for i in $(seq 1 "$students"); do
  useradd -m -s /bin/bash "$prefix$i"
  echo "$prefix$i,Student $i,$prefix$i@uni.example" >> "$dir/roster.csv"
done
"$bin" --data-dir "$dir/state" course create bench --title Bench >/dev/null
"$bin" --data-dir "$dir/state" roster import bench "$dir/roster.csv" >/dev/null
now() { date +%s.%N; }

sync
t0=$(now)
for i in $(seq 1 "$students"); do mkdir -p "/home/$prefix$i/cpa"; cp -a "$dir/hw1" "/home/$prefix$i/cpa/hw1"; done
sync
t1=$(now)
for i in $(seq 1 "$students"); do rm -rf "/home/$prefix$i/cpa"; done

sync
t2=$(now)
"$bin" --data-dir "$dir/state" assignment push bench "$dir/hw1" --name hw1 > "$dir/push.log"
sync
t3=$(now)
tail -1 "$dir/push.log"

# Re-push with nothing changed: every file is compared (hashed) and left alone.
t4=$(now)
"$bin" --data-dir "$dir/state" assignment push bench "$dir/hw1" --name hw1 > "$dir/repush.log"
t5=$(now)

cp_s=$(echo "$t1 - $t0" | bc)
push_s=$(echo "$t3 - $t2" | bc)
echo "students: $students, files: $files x 1 MB, $(df -T /home | awk 'NR==2 {print $2}') file system, $(nproc) cores"
printf 'cp -a (sequential, + sync):           %.2f s\n' "$cp_s"
printf 'classhub assignment push (+ sync):    %.2f s\n' "$push_s"
printf 'ratio push / cp -a:                   %.2f (budget 1.20)\n' "$(echo "$push_s / $cp_s" | bc -l)"
printf 're-push, nothing changed:             %.2f s\n' "$(echo "$t5 - $t4" | bc)"
owner=$(stat -c %U "/home/${prefix}1/bench/hw1/data/part1.bin")
echo "owner of a delivered file: $owner (expected ${prefix}1)"
