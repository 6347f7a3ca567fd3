#!/usr/bin/env python3
"""Profiles classhub's proxy path: starts classhub + an nginx "server", runs wrk through the proxy while
`perf record` samples the classhub process, then prints the top symbols. Usage: python3 bench/profile.py [seconds]"""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402

seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
hub, url = bench.hub_with_web_server()
try:
    print(bench.wrk(url, hub.proxy_headers(), seconds=3))
    data = os.path.join(hub.dir, "perf.data")
    perf = None if os.environ.get("NO_PERF") else subprocess.Popen(["perf", "record", "-F", "999", "-g", "-p", str(hub.proc.pid), "-o", data, "--", "sleep", str(seconds)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stat = None
    if os.environ.get("PERF_STAT"):
        # instructions retired per request: unlike time, hardly moved by other load on the machine
        stat = subprocess.Popen(["perf", "stat", "-x,", "-e", "instructions:u,instructions:k", "-p", str(hub.proc.pid), "--", "sleep", str(seconds)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    c0 = bench.cpu_seconds([hub.proc.pid])
    r = bench.wrk(url, hub.proxy_headers(), seconds=seconds)
    c1 = bench.cpu_seconds([hub.proc.pid])
    requests = r["rps"] * seconds
    print(r, "classhub CPU per request: %.1f us" % ((c1 - c0) * 1e6 / requests))
    if stat is not None:
        for line in stat.communicate()[1].splitlines():
            f = line.split(",")
            if len(f) > 2 and f[0].strip().isdigit():
                print("%s per request: %.0f" % (f[2], int(f[0]) / requests))
    if perf is None:
        sys.exit(0)
    perf.wait()
    out = subprocess.run(["perf", "report", "-i", data, "--no-children", "--sort", os.environ.get("PERF_SORT", "symbol"), "--stdio", "-g", "none", "--percent-limit", os.environ.get("PERF_LIMIT", "0.7")],
                         capture_output=True, text=True).stdout
    print("\n".join(l for l in out.splitlines() if l and not l.startswith("#"))[:int(os.environ.get("PERF_CHARS", "6000"))])
    print("RSS MB", bench.hub_rss_mb(hub))
finally:
    hub.stop()
