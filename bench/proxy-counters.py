#!/usr/bin/env python3
"""One classhub in front of one nginx "server": wrk through the proxy at the paced load of the main bench
(BENCH_RATE) and at saturation, with the proxy's CPU split (user/system) and context switches per request from
/proc. Usage: [CLASSHUB_BINARY=...] python3 bench/proxy-counters.py"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402


def counters(pid):
    with open("/proc/%d/stat" % pid) as f:
        stat = f.read()
    fields = stat[stat.rindex(")") + 2:].split()
    tick = os.sysconf("SC_CLK_TCK")
    voluntary = involuntary = 0
    for task in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/status" % (pid, task)) as f:
                for line in f:
                    if line.startswith("voluntary_ctxt"):
                        voluntary += int(line.split()[1])
                    elif line.startswith("nonvoluntary_ctxt"):
                        involuntary += int(line.split()[1])
        except OSError:
            pass
    return int(fields[11]) / tick, int(fields[12]) / tick, voluntary, involuntary


hub, url = bench.hub_with_web_server()
try:
    for label, script in (("paced ~%d req/s" % bench.RATE, bench.pacing_script()), ("saturation", None)):
        bench.wrk(url, hub.proxy_headers(), script=script, seconds=2)
        before = counters(hub.proc.pid)
        r = bench.wrk(url, hub.proxy_headers(), script=script, seconds=8)
        after = counters(hub.proc.pid)
        n = r["rps"] * 8
        d = [(a - b) / n for a, b in zip(after, before)]
        print("%-18s %6.0f req/s  p50 %.2f ms  p99 %.2f ms  user %.1f µs  sys %.1f µs  switches %.2f voluntary, %.2f involuntary per request"
              % (label, r["rps"], r["p50_ms"], r["p99_ms"], d[0] * 1e6, d[1] * 1e6, d[2], d[3]))
finally:
    hub.stop()
