#!/usr/bin/env python3
"""The cheap sign-in path alone: one classhub, wrk POSTing the login form with CONNS connections (default 10).
Prints logins/s, latency percentiles and the hub's CPU per sign-in; PERF=1 also records a perf profile to
/tmp/login.data. Usage: [CLASSHUB_BINARY=...] [CONNS=10] python3 bench/login-profile.py"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402

conns = int(os.environ.get("CONNS", "10"))
hub = bench.ClassHub()
hub.start()
try:
    hub.setup_api()
    url, body, headers = hub.login_setup()
    script = os.path.join(hub.dir, "login.lua")
    with open(script, "w") as f:
        f.write('wrk.method = "POST"\nwrk.body = %s\nwrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n' % json.dumps(body))
        for k, v in headers.items():
            f.write('wrk.headers[%s] = %s\n' % (json.dumps(k), json.dumps(v)))
    bench.wrk(url, headers, script=script, conns=conns, seconds=2)  # warm-up
    perf = None
    if os.environ.get("PERF"):
        perf = subprocess.Popen(["perf", "record", "-F", "1999", "-g", "-p", str(hub.proc.pid), "-o", "/tmp/login.data", "--", "sleep", "8"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    c0 = bench.cpu_seconds([hub.proc.pid])
    r = bench.wrk(url, headers, script=script, conns=conns, seconds=8)
    c1 = bench.cpu_seconds([hub.proc.pid])
    print("%.0f logins/s, p50 %.2f ms, p99 %.2f ms, hub CPU per sign-in %.0f µs, non-2xx/3xx %d"
          % (r["rps"], r["p50_ms"], r["p99_ms"], (c1 - c0) * 1e6 / (r["rps"] * 8), r["non2xx3xx"]))
    if perf:
        perf.wait()
finally:
    hub.stop()
