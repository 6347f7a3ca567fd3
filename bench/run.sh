#!/usr/bin/env bash
# Side-by-side benchmark: classhub vs Debian's JupyterHub 3 + configurable-http-proxy (see bench/README.md).
#   bench/run.sh                       full run; writes bench/results/<date>-<host>.{json,md}
#   BENCH_ONLY=proxy,ws bench/run.sh   some steps only (cold, proxy, login, ws, spawn, signin)
#   BENCH_SYSTEMS=classhub bench/run.sh  one system only
# Needs root (it creates the bench Unix users both hubs spawn servers as).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
PACKAGES=(jupyterhub nginx-light wrk procps util-linux passwd)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing Debian packages: ${missing[*]}" >&2
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ -z "${CLASSHUB_BINARY:-}" ] && [ ! -x "$ROOT/artifacts/classhub" ]; then
  ./build.sh publish
fi
echo "==> building bench/tools/WsBench and bench/tools/YarpForwarder (Native AOT)" >&2
dotnet build bench/tools/WsBench/WsBench.csproj -c Release -nologo -v:q -o bench/.build/wsbench >/dev/null
dotnet publish bench/tools/YarpForwarder/YarpForwarder.csproj -c Release -nologo -v:q -o bench/.build/yarp-forwarder >/dev/null
chmod -R a+rX bench
# The command as given, with the BENCH_* settings it ran under (they decide which steps and how many runs).
settings=$(env | { grep -E '^BENCH_(ONLY|REPS|COLD_RUNS|SUFFIX|SIGNIN_[A-Z]+)=' || true; } | sort | tr '\n' ' ')
export BENCH_COMMAND="${BENCH_COMMAND:-${settings}bench/run.sh${*:+ $*}}"
exec python3 bench/bench.py "$@"
