#!/usr/bin/env python3
"""Cold start of one or more classhub binaries, alternated: exec of `classhub serve` on a fresh state directory to
the first 200 from /hub/health, N starts each (default 7). Usage: python3 bench/cold-start.py BINARY [BINARY ...] [-n N]"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

args = sys.argv[1:]
n = 7
if "-n" in args:
    i = args.index("-n")
    n = int(args[i + 1])
    del args[i:i + 2]
args = [os.path.abspath(b) for b in args]  # started from /, like the systemd unit
times = {b: [] for b in args}
work = tempfile.mkdtemp(prefix="classhub-cold-")
config = os.path.join(work, "classhub.json")
with open(config, "w") as f:
    f.write('{"idle_timeout": 0}')
try:
    for _ in range(n):
        for binary in args:
            state = os.path.join(work, "state")
            shutil.rmtree(state, ignore_errors=True)
            t0 = time.time()
            p = subprocess.Popen([binary, "serve", "--urls", "http://127.0.0.1:18556", "--data-dir", state, "--config", config],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=os.environ.get("CWD", "/"))
            while True:
                try:
                    urllib.request.urlopen("http://127.0.0.1:18556/hub/health", timeout=1)
                    break
                except OSError:
                    time.sleep(0.002)
            times[binary].append(time.time() - t0)
            p.terminate()
            p.wait()
finally:
    shutil.rmtree(work, ignore_errors=True)
for binary, ts in times.items():
    print("%s: median %.1f ms (min %.1f, max %.1f) over %d starts" % (binary, statistics.median(ts) * 1e3, min(ts) * 1e3, max(ts) * 1e3, len(ts)))
