#!/usr/bin/env python3
"""Takes a spawn burst apart: for the servers' own start-up (started directly, as in bench.py) and for a classhub
burst, when each server's process appeared, when it began to listen and when it was seen ready (classhub: in the
API), as seconds after the burst began (first / median / last of the 20), plus the hub's CPU during the burst.
Usage: python3 bench/spawn-timeline.py [repetitions]"""
import os
import pwd
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402


def listening_uids(uids):
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            next(f)
            for line in f:
                fields = line.split()
                if fields[3] == "0A" and int(fields[7]) in uids:
                    found.add(int(fields[7]))
    return found


def watch(uids, stop, appeared, listening):
    while not stop.is_set():
        now = time.time()
        for pid in os.listdir("/proc"):
            if pid.isdigit():
                try:
                    uid = os.stat("/proc/" + pid).st_uid
                except OSError:
                    continue
                if uid in uids:
                    appeared.setdefault(uid, now)
        for uid in listening_uids(uids):
            listening.setdefault(uid, now)
        time.sleep(0.005)


def timeline(label, start, wait_ready, cpu_pid=None):
    uids = {pwd.getpwnam(n).pw_uid: n for n in bench.NB_USERS}
    appeared, listening, ready = {}, {}, {}
    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(set(uids), stop, appeared, listening))
    watcher.start()
    cpu0 = bench.cpu_seconds([cpu_pid]) if cpu_pid else 0
    t0 = time.time()
    start()
    wait_ready(ready)
    total = max(ready.values()) - t0  # the direct servers are stopped inside wait_ready: not part of the burst
    stop.set()
    watcher.join()

    def spread(times):
        v = sorted(t - t0 for t in times)
        return "%5.2f %5.2f %5.2f" % (v[0], v[len(v) // 2], v[-1]) if v else "-"
    lag = sorted(ready[n] - listening[u] for u, n in uids.items() if u in listening and n in ready)
    cpu = " | hub CPU %.2f s" % (bench.cpu_seconds([cpu_pid]) - cpu0) if cpu_pid else ""
    print("%-9s all ready %5.2f s | process %s | listening %s | ready %s | ready-listening median %.3f s%s"
          % (label, total, spread(appeared.values()), spread(listening.values()), spread(ready.values()), lag[len(lag) // 2], cpu), flush=True)


def direct(hub):
    def wait_ready(ready):
        bench.singleuser_baseline(hub.base + "/hub/api", on_ready=lambda n: ready.__setitem__(n, time.time()))
    timeline("direct", lambda: None, wait_ready)


def burst(hub):
    def wait_ready(ready):
        pending = set(bench.NB_USERS)
        while pending:
            now_ready = bench.ready_names(hub)
            for n in now_ready & pending:
                ready[n] = time.time()
            pending -= now_ready
            time.sleep(0.05)
    timeline("classhub", lambda: threading.Thread(target=bench.spawn_all, args=(hub, bench.NB_USERS)).start(), wait_ready, hub.proc.pid)
    bench.stop_servers(hub, bench.NB_USERS)


bench.ensure_unix_users()
hub = bench.ClassHub()
hub.start()
try:
    hub.setup_api()
    for name in bench.NB_USERS:
        hub.add_user(name)
    for _ in range(int(sys.argv[1]) if len(sys.argv) > 1 else 2):
        bench.wait_quiet("own start-up")
        direct(hub)
        bench.wait_quiet("classhub burst")
        burst(hub)
finally:
    hub.stop()
