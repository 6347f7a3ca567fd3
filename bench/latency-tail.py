#!/usr/bin/env python3
"""The latency distribution behind the report's p99 row: direct nginx, classhub, YARP's forwarder alone
(tools/YarpForwarder) and nginx as the proxy, alternated, at the main bench's paced load (CONNS connections offering
about RATE req/s), with p50/p90/p99/p99.9/max and each proxy's CPU per request.
Usage: [REPS=3] [SPIN=1] python3 bench/latency-tail.py
SPIN=1 keeps both vCPUs busy with two SCHED_IDLE spinners (they yield to any other task at once): how much of each
figure is waking an idle virtual CPU, which on this VM costs every hop of a request."""
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402

REPS = int(os.environ.get("REPS", "3"))
SCRIPT = os.path.join(bench.WORK, "latency-tail.lua")
with open(SCRIPT, "w") as f:
    f.write("function delay()\n  return %.3f\nend\n" % (1000.0 * bench.CONNS / bench.RATE))
    f.write("""function done(summary, latency, requests)
  io.write(string.format("TAIL %.3f %.3f %.3f %.3f %.3f\\n", latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency:percentile(99.9) / 1000, latency.max / 1000))
end
""")


def run(url, headers, pids):
    cmd = ["wrk", "-t2", "-c%d" % bench.CONNS, "-d%ds" % bench.WRK_SECONDS, "-s", SCRIPT]
    for k, v in headers.items():
        cmd += ["-H", "%s: %s" % (k, v)]
    c0 = bench.cpu_seconds(pids)
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    cpu = bench.cpu_seconds(pids) - c0
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50, p90, p99, p999, top = (float(x) for x in re.search(r"TAIL (.*)", out).group(1).split())
    return "%6.0f req/s  p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f ms  %5.1f µs CPU/request" % (
        rps, p50, p90, p99, p999, top, cpu * 1e6 / max(1.0, rps * bench.WRK_SECONDS))


bench.ensure_unix_users()
dport = bench.free_port()
direct = subprocess.Popen([bench.BACKEND, "--ip=127.0.0.1", "--port=%d" % dport], env=dict(os.environ, JUPYTERHUB_USER="webdirect"), start_new_session=True)
spinners = []
try:
    bench.wait_http("http://127.0.0.1:%d/user/%s/small.html" % (dport, bench.WEB_USER))
    refs = [bench.ReferenceProxy(dport), bench.YarpForwarder(dport)]
    hub, url = bench.hub_with_web_server()
    try:
        targets = [("direct", "http://127.0.0.1:%d/user/%s/small.html" % (dport, bench.WEB_USER), {}, [direct.pid]),
                   ("classhub", url, hub.proxy_headers(), [hub.proc.pid])]
        targets += [(r.label, r.url, {}, r.pids()) for r in refs]
        if os.environ.get("SPIN"):
            spinners = [subprocess.Popen(["chrt", "--idle", "0", "sh", "-c", "while :; do :; done"]) for _ in range(2)]
        for i in range(REPS):
            for name, u, h, pids in targets:
                if not spinners:
                    bench.wait_quiet(name)
                print("rep %d  %-20s %s" % (i + 1, name, run(u, h, pids)), flush=True)
    finally:
        for s in spinners:
            s.kill()
        hub.stop()
        for r in refs:
            r.stop()
finally:
    bench.stop(direct)
