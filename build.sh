#!/usr/bin/env bash
# classhub's one entry point for building, running, testing, packaging and benchmarking.
#   ./build.sh run       build and start the hub on the embedded default (classhub serve --dev)
#   ./build.sh test      install what the tests need (apt), build everything, run every test
#   ./build.sh publish   make the one-file Native-AOT binary artifacts/classhub
#   ./build.sh deb       make the Debian package artifacts/classhub_<version>_amd64.deb (publishes first;
#                        CLASSHUB_DEB_VERSION overrides packaging/VERSION, e.g. for the upgrade test)
#   ./build.sh build     compile the solution (Release)
#   ./build.sh bench     run the side-by-side benchmarks (bench/run.sh)
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
ARTIFACTS=$ROOT/artifacts
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Debian packages needed to build the AOT binary (clang links it, libsqlite3-dev provides the static SQLite).
BUILD_PACKAGES=(clang zlib1g-dev libsqlite3-dev)
# Debian packages the hub spawns at run time (jupyterhub brings jupyterhub-singleuser and the notebook server).
RUN_PACKAGES=(jupyterhub python3-ipykernel)
# Debian packages the tests use on top of those.
TEST_PACKAGES=(procps util-linux passwd pebble chromium nodejs python3-venv slurmctld slurmd slurm-client munge)
# Debian packages to build the .deb, and to test it (lintian; a debootstrapped Debian booted with systemd-nspawn).
DEB_PACKAGES=(dpkg-dev xz-utils)
DEB_TEST_PACKAGES=(lintian debootstrap systemd-container curl)

log() { printf '==> %s\n' "$*" >&2; }

ensure_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

build() { dotnet build Appliance.sln -c Release -nologo -v:q "$@"; }

publish() {
  ensure_packages "${BUILD_PACKAGES[@]}"
  log "publishing the Native-AOT binary to artifacts/classhub"
  dotnet publish src/Classhub/Classhub.csproj -c Release -r linux-x64 -nologo -v:q -o "$ARTIFACTS/publish"
  mkdir -p "$ARTIFACTS"
  cp "$ARTIFACTS/publish/classhub" "$ARTIFACTS/classhub"
  ls -l "$ARTIFACTS/classhub" >&2
}

# Builds the .deb from packaging/ around the published binary; prints its path.
deb() {
  ensure_packages "${DEB_PACKAGES[@]}"
  [ -x "$ARTIFACTS/classhub" ] && [ "${CLASSHUB_DEB_NO_PUBLISH:-}" = 1 ] || publish
  log "building the Debian package"
  bash packaging/build-deb.sh "$ARTIFACTS/classhub" "$ARTIFACTS"
}

# The package test (tests/Classhub.Tests/Packaging) installs this .deb, then upgrades to a rebuild of it with a
# higher version; both are built from the binary just published.
package_for_tests() {
  rm -f "$ARTIFACTS"/classhub_*.deb
  CLASSHUB_DEB_NO_PUBLISH=1 deb >/dev/null
  CLASSHUB_DEB_NO_PUBLISH=1 CLASSHUB_DEB_VERSION="$(tr -d '[:space:]' < packaging/VERSION)+upgradetest1" deb >/dev/null
  ls -l "$ARTIFACTS"/classhub_*.deb >&2
}

run() {
  ensure_packages "${BUILD_PACKAGES[@]}" "${RUN_PACKAGES[@]}"
  publish
  exec "$ARTIFACTS/classhub" serve --dev "$@"
}

# Sums the TRX files of one run into the closing line CI reads: "N passed, N failed[, N skipped]".
summarize() {
  local dir=$1 passed=0 failed=0 total=0
  for f in "$dir"/*.trx; do
    [ -e "$f" ] || continue
    local counters
    counters=$(grep -o '<Counters [^>]*>' "$f" | head -1)
    local t p fl
    t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")
    p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
    fl=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
    total=$((total + ${t:-0})); passed=$((passed + ${p:-0})); failed=$((failed + ${fl:-0}))
  done
  # The failed tests again, a line each, right above the summary: a CI log is often read from its end.
  [ "$failed" -eq 0 ] || python3 - "$dir"/*.trx <<'PY'
import sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
for trx in sys.argv[1:]:
    for r in ET.parse(trx).getroot().iterfind(".//t:UnitTestResult[@outcome='Failed']", ns):
        message = r.findtext(".//t:ErrorInfo/t:Message", default="", namespaces=ns).strip().splitlines()
        print("FAILED %s: %s" % (r.get("testName"), message[0][:300] if message else "(no message)"))
PY
  local skipped=$((total - passed - failed))
  if [ "$skipped" -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
  else
    echo "$passed passed, $failed failed"
  fi
  [ "$failed" -eq 0 ] && [ "$total" -gt 0 ]
}

# npm packages the tests use (axe-core for the accessibility check, ...): every package.json under tests/.
ensure_npm() {
  # Debian's npm only when no node/npm is there (a machine may already have NodeSource's nodejs, which bundles npm).
  command -v npm >/dev/null || ensure_packages nodejs npm
  local manifest
  while IFS= read -r manifest; do
    local dir; dir=$(dirname "$manifest")
    if [ ! -d "$dir/node_modules" ]; then
      log "installing npm packages in $dir"
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    fi
  done < <(find tests -name package.json -not -path '*/node_modules/*' -not -path '*/bin/*' -not -path '*/obj/*')
}

test_all() {
  ensure_packages "${BUILD_PACKAGES[@]}" "${RUN_PACKAGES[@]}" "${TEST_PACKAGES[@]}" "${DEB_PACKAGES[@]}" "${DEB_TEST_PACKAGES[@]}"
  ensure_npm
  publish
  package_for_tests
  export CLASSHUB_BINARY="$ARTIFACTS/classhub"
  local results="$ARTIFACTS/test-results"
  rm -rf "$results"; mkdir -p "$results"
  build
  local rc=0
  dotnet test Appliance.sln -c Release --no-build -nologo \
    --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" "$@" || rc=$?
  summarize "$results" || rc=1
  return $rc
}

case "${1:-}" in
  run) shift; run "$@" ;;
  test) shift; test_all "$@" ;;
  publish) publish ;;
  deb) deb ;;
  build) shift; build "$@" ;;
  deps) ensure_packages "${BUILD_PACKAGES[@]}" "${RUN_PACKAGES[@]}" "${TEST_PACKAGES[@]}" "${DEB_PACKAGES[@]}" "${DEB_TEST_PACKAGES[@]}" ;;
  bench) shift; exec bash bench/run.sh "$@" ;;
  *) sed -n '2,10p' "$0"; exit 2 ;;
esac
