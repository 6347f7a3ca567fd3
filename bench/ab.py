#!/usr/bin/env python3
"""Before/after for a classhub change: two binaries, alternated rep by rep on the same machine, measuring the proxy
(wrk through classhub to nginx: req/s, p99, CPU per request) and the cheap login path.
Usage: python3 bench/ab.py BEFORE_BINARY AFTER_BINARY [reps]   (writes bench/results/<date>-<host>-ab.{json,md})"""
import json
import os
import socket
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402

before, after = sys.argv[1], sys.argv[2]
reps = int(sys.argv[3]) if len(sys.argv) > 3 else 3
bench.ensure_unix_users()
rows = {"before": [], "after": []}


def one(label, binary):
    bench.CLASSHUB = binary
    hub, url = bench.hub_with_web_server()
    try:
        state = bench.wait_quiet("%s proxy" % label)
        c0 = bench.cpu_seconds([hub.proc.pid])
        proxy = bench.wrk(url, hub.proxy_headers())
        proxy["cpu_us"] = (bench.cpu_seconds([hub.proc.pid]) - c0) * 1e6 / max(1, proxy["rps"] * bench.WRK_SECONDS)
        login_url, body, headers = hub.login_setup()
        script = os.path.join(hub.dir, "login.lua")
        with open(script, "w") as f:
            f.write('wrk.method = "POST"\nwrk.body = %s\nwrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n' % json.dumps(body))
            for k, v in headers.items():
                f.write("wrk.headers[%s] = %s\n" % (json.dumps(k), json.dumps(v)))
        lstate = bench.wait_quiet("%s login" % label)
        login = bench.wrk(login_url, headers, script=script, conns=10)
        row = {"proxy_rps": proxy["rps"], "proxy_p99_ms": proxy["p99_ms"], "proxy_cpu_us": proxy["cpu_us"], "login_rps": login["rps"],
               "login_non2xx3xx": login["non2xx3xx"], "machine": [state, lstate]}
        bench.log(label, {k: v for k, v in row.items() if k != "machine"})
        rows[label].append(row)
    finally:
        hub.stop()


for i in range(reps):
    one("before", before)
    one("after", after)

summary = {}
for label, rs in rows.items():
    summary[label] = {k: {"min": min(r[k] for r in rs), "median": statistics.median(r[k] for r in rs), "max": max(r[k] for r in rs)}
                      for k in ("proxy_rps", "proxy_p99_ms", "proxy_cpu_us", "login_rps")}
stem = os.path.join(bench.HERE, "results", "%s-%s-ab" % (time.strftime("%Y-%m-%d"), socket.gethostname()))
with open(stem + ".json", "w") as f:
    json.dump({"before": before, "after": after, "reps": reps, "rows": rows, "summary": summary}, f, indent=1)
lines = ["| figure (median, min–max of %d alternated reps) | before | after |" % reps, "| --- | --- | --- |"]
for k, unit in (("proxy_rps", "req/s"), ("proxy_p99_ms", "ms"), ("proxy_cpu_us", "µs"), ("login_rps", "logins/s")):
    cell = lambda s: "%.1f %s (%.1f–%.1f)" % (s[k]["median"], unit, s[k]["min"], s[k]["max"])  # noqa: E731
    lines.append("| %s | %s | %s |" % (k, cell(summary["before"]), cell(summary["after"])))
with open(stem + ".md", "w") as f:
    f.write("\n".join(lines) + "\n")
print("\n".join(lines))
