#!/usr/bin/env bash
# The package test: a fresh Debian bookworm with systemd as PID 1 (a debootstrapped tree booted with
# systemd-nspawn --ephemeral, so every run starts from the same pristine tree), where it
#   installs the .deb with apt, waits for classhub.service active and /hub/health 200, signs a user in, starts
#   their server as a transient unit with limits, upgrades to a rebuilt package while that server keeps running,
#   and purges, leaving none of the package's files (but the student's account and home).
#   packaging/tests/install-test.sh OLD.deb NEW.deb
# Prints "RESULT key=value" lines (timings, sizes) and "PASS"/"FAIL: why"; exit 0 only when every check passed.
# Needs root, debootstrap and systemd-container. The tree is cached in $CLASSHUB_TEST_CACHE
# (default /var/cache/classhub-test); building it takes about a minute once.
# What nspawn cannot show: the container's cgroup controllers are read-only, so MemoryMax is set on the unit
# (checked) but not enforced.
set -euo pipefail
OLD_DEB=$(realpath "$1")
NEW_DEB=$(realpath "$2")
CACHE=${CLASSHUB_TEST_CACHE:-/var/cache/classhub-test}
# Bump the suffix when the tree's contents change.
TREE=$CACHE/bookworm-1
STUDENT=student1
PAM_USER=unixstudent1
PASSWORD=correct-horse-battery
started=$(date +%s.%N)

since() { awk -v a="$(date +%s.%N)" -v b="$1" 'BEGIN { printf "%.1f", a - b }'; }
say() { echo "== [$(since "$started")s] $*"; }
fail() { echo "FAIL: $*"; exit 1; }
result() { echo "RESULT $1=$2"; }

mirror() {
  sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1 | grep . \
    || echo "http://deb.debian.org/debian"
}

# The pristine tree: minbase + systemd, with the package lists and the .debs of classhub's dependencies and
# recommends already downloaded (not installed), so apt inside the container installs them without the network.
prepare_tree() {
  [ -f "$TREE/.classhub-tree-complete" ] && return 0
  mkdir -p "$CACHE"
  # Another run may be building it right now: wait for it instead of building the same tree twice.
  exec 9>"$CACHE/.lock"
  flock 9
  if [ -f "$TREE/.classhub-tree-complete" ]; then flock -u 9; return 0; fi
  say "building the Debian tree $TREE (once)"
  local tmp=$TREE.partial
  rm -rf "$tmp"
  debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,libpam-systemd,ca-certificates,python3,passwd,procps \
    bookworm "$tmp" "$(mirror)" >"$CACHE/debootstrap.log" 2>&1 || { tail -20 "$CACHE/debootstrap.log"; fail "debootstrap failed"; }
  cp /etc/resolv.conf "$tmp/etc/resolv.conf"
  chroot "$tmp" apt-get update -q >/dev/null
  chroot "$tmp" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --download-only libssl3 jupyterhub python3-ipykernel >/dev/null
  rm -f "$tmp/etc/resolv.conf"
  echo classhub-test > "$tmp/etc/hostname"
  : > "$tmp/etc/machine-id"
  touch "$tmp/.classhub-tree-complete"
  rm -rf "$TREE"
  mv "$tmp" "$TREE"
  flock -u 9
}

W=$(mktemp -d /tmp/classhub-install-test.XXXXXX)
NSPAWN=""
LEADER=""
cleanup() {
  if [ -n "$LEADER" ] && kill -0 "$LEADER" 2>/dev/null; then
    nsenter -t "$LEADER" -a systemctl poweroff >/dev/null 2>&1 || true
  fi
  if [ -n "$NSPAWN" ]; then
    for _ in $(seq 1 100); do kill -0 "$NSPAWN" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$NSPAWN" 2>/dev/null && kill -KILL "$NSPAWN" 2>/dev/null || true
    wait "$NSPAWN" 2>/dev/null || true
  fi
  rm -rf "$W"
}
trap cleanup EXIT

prepare_tree

cp "$OLD_DEB" "$W/old.deb"
cp "$NEW_DEB" "$W/new.deb"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
HUB=http://127.0.0.1:$PORT

say "booting the container (port $PORT)"
# No --private-network: apt and the test's curl share the host network, so the hub gets a port free on the host.
systemd-nspawn -q -b -D "$TREE" --ephemeral --register=no --keep-unit --console=pipe \
  --bind-ro="$W:/srv/test" </dev/null >"$W/console.log" 2>&1 &
NSPAWN=$!
for _ in $(seq 1 200); do
  LEADER=$(pgrep -P "$NSPAWN" -x systemd || true)
  [ -n "$LEADER" ] && break
  sleep 0.1
done
[ -n "$LEADER" ] || { cat "$W/console.log"; fail "the container did not boot"; }
in_ct() { nsenter -t "$LEADER" -a "$@"; }
for _ in $(seq 1 300); do
  state=$(in_ct systemctl is-system-running 2>/dev/null || true)
  case "$state" in running|degraded) break ;; esac
  sleep 0.1
done
say "container up: $state"

# Throwaway container: dpkg need not fsync every file, and man-db need not re-index ~360 packages' pages (what
# Debian's container images do too). It changes how fast packages unpack, not what is installed.
in_ct sh -c "echo force-unsafe-io > /etc/dpkg/dpkg.cfg.d/classhub-test-unsafe-io"
in_ct sh -c "echo 'man-db man-db/auto-update boolean false' | debconf-set-selections"

# The listen URL for this run, before the first start. (Until the config file carries "urls", a drop-in is
# the administrator's way to change the command line.)
in_ct mkdir -p /etc/systemd/system/classhub.service.d
in_ct sh -c "printf '[Service]\nExecStart=\nExecStart=/usr/bin/classhub serve --urls $HUB\n' > /etc/systemd/system/classhub.service.d/test-port.conf"

health() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$HUB/hub/health" || true; }
wait_health() {
  for _ in $(seq 1 600); do
    [ "$(health)" = 200 ] && return 0
    sleep 0.1
  done
  curl -s --max-time 5 "$HUB/hub/health" || true
  in_ct systemctl status classhub --no-pager -l | tail -20 || true
  in_ct journalctl -u classhub --no-pager | tail -30 || true
  fail "/hub/health did not answer 200 within 60 s"
}

# --- install -------------------------------------------------------------------------------------------
say "apt-get install ./$(basename "$OLD_DEB")"
t0=$(date +%s.%N)
in_ct env DEBIAN_FRONTEND=noninteractive apt-get install -y -q /srv/test/old.deb >"$W/apt-install.log" 2>&1 \
  || { tail -30 "$W/apt-install.log"; fail "apt-get install failed"; }
t1=$(date +%s.%N)
wait_health
t2=$(date +%s.%N)
result apt_install_seconds "$(awk -v a="$t1" -v b="$t0" 'BEGIN { printf "%.1f", a - b }')"
result install_to_health_200_seconds "$(awk -v a="$t2" -v b="$t0" 'BEGIN { printf "%.1f", a - b }')"
result apt_end_to_health_200_seconds "$(awk -v a="$t2" -v b="$t1" 'BEGIN { printf "%.1f", a - b }')"
result installed_size_kib "$(in_ct dpkg-query -W -f='${Installed-Size}' classhub)"
result installed_packages "$(grep -c '^Setting up' "$W/apt-install.log")"
[ "$(in_ct systemctl is-active classhub)" = active ] || fail "classhub.service is not active after install"
[ "$(in_ct systemctl is-enabled classhub)" = enabled ] || fail "classhub.service is not enabled after install"
[ "$(in_ct stat -c %a /var/lib/classhub)" = 700 ] || fail "/var/lib/classhub is not mode 0700"
curl -s "$HUB/hub/health" | grep -q '"systemd: ' || fail "the hub does not use the systemd spawner: $(curl -s "$HUB/hub/health")"
say "installed; classhub.service active, /hub/health 200, spawner systemd"
in_ct systemd-analyze security classhub --no-pager > "$W/security.txt" 2>&1 || true
grep '✗' "$W/security.txt" | sed 's/^/   exposed: /' | cut -c1-140
result systemd_analyze_security "\"$(grep -o 'Overall exposure level for classhub.service: .*' "$W/security.txt" | sed 's/.*: //')\""

# --- configuration: the limits every server gets, checked by ExecStartPre on the restart --------------------
in_ct systemctl show classhub -p ExecStartPre --value | grep -q 'config check' || fail "classhub.service has no ExecStartPre=classhub config check"
in_ct classhub config check >/dev/null || fail "classhub config check fails on the packaged default file"
in_ct classhub config set spawner.memory_limit 1G >/dev/null || fail "classhub config set spawner.memory_limit failed"
in_ct classhub config set spawner.tasks_limit 256 >/dev/null || fail "classhub config set spawner.tasks_limit failed"
in_ct systemctl restart classhub || fail "classhub.service did not restart with the new limits"
wait_health
say "configured spawner.memory_limit=1G, spawner.tasks_limit=256; hub restarted"

# --- sign in and start a server ------------------------------------------------------------------------
echo "$PASSWORD" | in_ct classhub user add "$STUDENT" --password-stdin >/dev/null || fail "classhub user add failed"
jar=$W/cookies
csrf=$(curl -s -c "$jar" -b "$jar" "$HUB/hub/login" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -1)
[ -n "$csrf" ] || fail "no _csrf field on /hub/login"
code=$(curl -s -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" --data-urlencode "username=$STUDENT" \
  --data-urlencode "password=$PASSWORD" --data-urlencode "_csrf=$csrf" --data-urlencode "next=/hub/home" "$HUB/hub/login")
case "$code" in 302|303) ;; *) fail "sign-in answered $code, expected a redirect" ;; esac
curl -s -b "$jar" "$HUB/hub/home" | grep -q "$STUDENT" || fail "signed in, but /hub/home does not greet $STUDENT"
say "signed in as $STUDENT"

# --- PAM: a Unix account signs in with its own password through the packaged /etc/pam.d/classhub ----------
in_ct grep -q '^@include common-auth' /etc/pam.d/classhub || fail "/etc/pam.d/classhub is missing or does not include common-auth"
in_ct useradd --create-home --shell /bin/sh "$PAM_USER" || fail "useradd $PAM_USER failed"
printf '%s:%s\n' "$PAM_USER" "$PASSWORD" | in_ct chpasswd || fail "chpasswd for $PAM_USER failed"
in_ct classhub user add "$PAM_USER" >/dev/null || fail "classhub user add $PAM_USER failed"
in_ct classhub config set auth.methods '["local", "pam"]' >/dev/null || fail "classhub config set auth.methods failed"
in_ct systemctl restart classhub || fail "classhub.service did not restart with PAM sign-in"
wait_health
pam_jar=$W/pam-cookies
csrf=$(curl -s -c "$pam_jar" -b "$pam_jar" "$HUB/hub/login" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -1)
code=$(curl -s -o /dev/null -w '%{http_code}' -c "$pam_jar" -b "$pam_jar" --data-urlencode "username=$PAM_USER" \
  --data-urlencode "password=$PASSWORD" --data-urlencode "_csrf=$csrf" --data-urlencode "next=/hub/home" "$HUB/hub/login")
case "$code" in 302|303) ;; *) fail "PAM sign-in of $PAM_USER answered $code, expected a redirect" ;; esac
curl -s -b "$pam_jar" "$HUB/hub/home" | grep -q "$PAM_USER" || fail "PAM sign-in: /hub/home does not greet $PAM_USER"
in_ct journalctl -u classhub --no-pager | grep -q "$PAM_USER.*pam" || fail "the journal does not say $PAM_USER signed in with pam"
say "signed in as $PAM_USER with the Unix password (auth.methods local, pam; PAM service classhub)"

token=$(in_ct classhub token create "$STUDENT" | tail -1)
auth="Authorization: token $token"
code=$(curl -s -o "$W/start.json" -w '%{http_code}' -X POST -H "$auth" "$HUB/hub/api/users/$STUDENT/server")
case "$code" in 201|202) ;; *) cat "$W/start.json"; fail "starting the server answered $code" ;; esac
unit=classhub-server-$STUDENT.service
show() { in_ct systemctl show "$unit" -p "$1" --value; }
wait_server() {
  for _ in $(seq 1 900); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' -H "$auth" "$HUB/user/$STUDENT/api/status")" = 200 ] && return 0
    sleep 0.1
  done
  curl -s -H "$auth" "$HUB/hub/api/users/$STUDENT/server/progress" | tail -5; in_ct journalctl -u "$unit" --no-pager | tail -20
  fail "the server did not answer through the proxy"
}
wait_server
say "server answers at /user/$STUDENT/ through the hub"

# --- the account and its datasets, as systemd runs them ------------------------------------------------
home=/home/$STUDENT
student_uid=$(in_ct id -u "$STUDENT")
[ "$(in_ct awk '/^Uid:/ { print $2 }' "/proc/$(show MainPID)/status")" = "$student_uid" ] || fail "the server of $unit does not run as $STUDENT"
[ "$(in_ct stat -c %a "$home")" = 700 ] || fail "$home is mode $(in_ct stat -c %a "$home"), not 0700"
in_ct grep " $home/datasets " "/proc/$(show MainPID)/mountinfo" | grep -q ' ro,nosuid,nodev' \
  || fail "~/datasets is not a read-only, nosuid, nodev mount in the server's namespace"
say "$STUDENT's home is 0700; ~/datasets is mounted ro,nosuid,nodev in the server's own namespace"

# --- hostile: the student swaps ~/datasets for a symlink to /etc; the unit follows nothing --------------
code=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE -H "$auth" "$HUB/hub/api/users/$STUDENT/server")
case "$code" in 202|204) ;; *) fail "stopping the server answered $code" ;; esac
for _ in $(seq 1 200); do [ "$(show ActiveState)" = active ] || break; sleep 0.1; done
in_ct setpriv --reuid="$student_uid" --regid="$student_uid" --init-groups sh -c "rmdir $home/datasets && ln -s /etc $home/datasets" \
  || fail "the student could not replace ~/datasets with a symlink"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "$auth" "$HUB/hub/api/users/$STUDENT/server")
for _ in $(seq 1 600); do
  in_ct grep -q "$home/datasets is a symlink or not a folder; not mounting datasets there" "/var/lib/classhub/logs/$STUDENT.log" && break
  sleep 0.1
done
in_ct grep -q "$home/datasets is a symlink or not a folder; not mounting datasets there" "/var/lib/classhub/logs/$STUDENT.log" \
  || fail "with ~/datasets a symlink to /etc, the server's log does not say the mount was refused"
[ "$(in_ct stat -c '%U %a' /etc)" = "root 755" ] || fail "/etc is now $(in_ct stat -c '%U %a' /etc)"
for _ in $(seq 1 300); do
  curl -s -H "$auth" "$HUB/hub/api/users/$STUDENT" | grep -q '"servers":{}' && break
  sleep 0.1
done
curl -s -H "$auth" "$HUB/hub/api/users/$STUDENT" | grep -q '"servers":{}' || fail "the refused start did not end"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "$auth" "$HUB/user/$STUDENT/api/status")" != 200 ] || fail "a server started over a symlinked ~/datasets"
in_ct rm "$home/datasets"
code=$(curl -s -o "$W/start.json" -w '%{http_code}' -X POST -H "$auth" "$HUB/hub/api/users/$STUDENT/server")
case "$code" in 201|202) ;; *) cat "$W/start.json"; fail "starting the server again answered $code" ;; esac
wait_server
say "a symlinked ~/datasets (to /etc) was refused by the unit's mount step, /etc untouched; the server started again without it"

[ "$(show ActiveState)" = active ] || fail "$unit is not active"
memory=$(show MemoryMax)
result server_memory_max "$memory"
result server_tasks_max "$(show TasksMax)"
[ "$memory" = 1073741824 ] || fail "$unit has MemoryMax=$memory, expected spawner.memory_limit 1G (1073741824)"
[ "$(show TasksMax)" = 256 ] || fail "$unit has TasksMax=$(show TasksMax), expected spawner.tasks_limit 256"
cgroup=$(show ControlGroup)
case "$cgroup" in /system.slice/$unit) ;; *) fail "$unit is in cgroup $cgroup, expected its own under system.slice" ;; esac
# No secret in the unit's properties or command line: the environment is in a 0600 file.
in_ct systemctl show "$unit" > "$W/unit-properties.txt"
grep -qF "$token" "$W/unit-properties.txt" && fail "the API token appears in the unit's properties"
grep -q 'JUPYTERHUB_API_TOKEN' "$W/unit-properties.txt" && fail "JUPYTERHUB_API_TOKEN appears in the unit's properties"
envfile=/run/classhub/env/$STUDENT.env
[ "$(in_ct stat -c '%a %U' "$envfile")" = "600 root" ] || fail "$envfile is not 0600 root"
server_pid=$(show MainPID)
in_ct sh -c "tr '\0' ' ' < /proc/$server_pid/cmdline" | grep -q -- '--port=' || fail "unexpected server command line"
in_ct test -s "/var/lib/classhub/logs/$STUDENT.log" || fail "the server log /var/lib/classhub/logs/$STUDENT.log is empty"
say "$unit: active, server uid $student_uid ($STUDENT), MemoryMax=$memory (set; nspawn does not enforce it), MainPID $server_pid"

# --- upgrade while the server runs ---------------------------------------------------------------------
hub_pid=$(in_ct systemctl show classhub -p MainPID --value)
say "apt-get install ./$(basename "$NEW_DEB") (upgrade)"
u0=$(date +%s.%N)
in_ct env DEBIAN_FRONTEND=noninteractive apt-get install -y -q /srv/test/new.deb >"$W/apt-upgrade.log" 2>&1 \
  || { tail -30 "$W/apt-upgrade.log"; fail "the upgrade failed"; }
wait_health
result upgrade_to_health_200_seconds "$(since "$u0")"
new_version=$(in_ct dpkg-query -W -f='${Version}' classhub)
[ "$new_version" = "$(dpkg-deb -f "$NEW_DEB" Version)" ] || fail "version after upgrade is $new_version"
[ "$(in_ct systemctl show classhub -p MainPID --value)" != "$hub_pid" ] || fail "the hub was not restarted by the upgrade"
[ "$(show MainPID)" = "$server_pid" ] || fail "the server's MainPID changed across the upgrade ($server_pid -> $(show MainPID))"
[ "$(show ActiveState)" = active ] || fail "$unit is not active after the upgrade"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "$auth" "$HUB/user/$STUDENT/api/status")" = 200 ] \
  || fail "the server is not reachable through the restarted hub"
in_ct journalctl -u classhub --no-pager | grep -q "re-attached to the running server of $STUDENT" || fail "the new hub did not log re-attaching"
say "upgraded to $new_version: hub restarted (pid $hub_pid -> $(in_ct systemctl show classhub -p MainPID --value)), server kept pid $server_pid and answers"

# --- purge ---------------------------------------------------------------------------------------------
in_ct dpkg -L classhub > "$W/files.txt"
say "apt-get purge classhub"
in_ct env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q classhub >"$W/apt-purge.log" 2>&1 \
  || { tail -30 "$W/apt-purge.log"; fail "purge failed"; }
grep -q "made for students" "$W/apt-purge.log" && grep -q "^  $STUDENT uid [0-9]* home /home/$STUDENT" "$W/apt-purge.log" \
  || { cat "$W/apt-purge.log"; fail "purge did not list $STUDENT among the students' accounts it kept"; }
left=""
while read -r f; do
  case "$f" in /.|/etc|/etc/pam.d|/usr|/usr/bin|/usr/share|/usr/share/doc|/usr/share/man|/usr/share/man/man1|/lib|/lib/systemd|/lib/systemd/system|/usr/share/lintian|/usr/share/lintian/overrides) continue ;; esac
  in_ct test -e "$f" && left="$left $f"
done < "$W/files.txt"
for f in /etc/classhub /var/lib/classhub /run/classhub /etc/systemd/system/multi-user.target.wants/classhub.service \
         /var/lib/systemd/deb-systemd-helper-enabled/classhub.service.dsh-also; do
  in_ct test -e "$f" && left="$left $f"
done
[ -z "$left" ] || fail "purge left:$left"
in_ct systemctl is-active classhub >/dev/null 2>&1 && fail "classhub.service still active after purge"
in_ct systemctl is-active "$unit" >/dev/null 2>&1 && fail "$unit still active after removal"
in_ct id "$STUDENT" >/dev/null || fail "purge removed the student's Unix account"
in_ct test -d "/home/$STUDENT" || fail "purge removed the student's home"
say "purged: no package file left; $STUDENT and /home/$STUDENT kept"
grep -A3 "made for students" "$W/apt-purge.log" | sed 's/^/   purge said: /'

result total_seconds "$(since "$started")"
echo PASS
