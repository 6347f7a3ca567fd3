#!/usr/bin/env python3
"""Writes src/Classhub/startup.order: the managed methods classhub runs while it starts (and serves its first pages),
which ILC then lays out first and together (IlcOrderFile). Why: the kernel maps the 64 KB around every page a process
touches in its executable, and start-up touches methods spread over all 8 MB of code, so almost the whole code
segment ended up resident at idle. Packed together they cost ~2.7 MB instead of ~8.7 MB (bench/results).

Usage (root; perf and gcc installed): ./build.sh publish && python3 bench/startup-order.py [starts]
Each run refines the last one's layout, so run it, publish, and run it again until the figures stop falling:
  1. perf samples `starts` start-ups (default 20): methods seen running are surely hot;
  2. one start-up with bench/tools/touched-pages.c preloaded (no fault-around) gives the exact 4 KB pages touched;
     a method on no touched page is surely cold. The rest (on a touched page, never sampled) stay, after the sampled
     ones, and the next run's layout separates them further.
Names that no longer exist after a code change are ignored by ILC; a stale file only loses some of its effect."""
import json
import os
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import HERE, ROOT, free_port, http, wait_http  # noqa: E402

BINARY = os.path.join(ROOT, "artifacts", "publish", "classhub")
SYMBOLS = BINARY + ".dbg"
OUT = os.path.join(ROOT, "src", "Classhub", "startup.order")
STARTS = int(sys.argv[1]) if len(sys.argv) > 1 else 20


def start(prefix=(), env=None):
    """Starts classhub on a fresh state directory and waits for /hub/health; returns (process, base URL)."""
    work = tempfile.mkdtemp(prefix="startup-order-")
    config = os.path.join(work, "classhub.json")
    with open(config, "w") as f:
        json.dump({"spawner": {"command": ["/bin/true"]}, "idle_timeout": 0}, f)
    base = "http://127.0.0.1:%d" % free_port()
    p = subprocess.Popen([*prefix, BINARY, "serve", "--urls", base, "--data-dir", os.path.join(work, "state"), "--config", config],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ, **(env or {})))
    wait_http(base + "/hub/health", proc=p)
    return p, base


def first_pages(base):
    for path in ("/hub/login", "/hub/home", "/hub/api/"):
        http("GET", base + path)


def managed_methods():
    """{address: [names]} of the methods in __managedcode (folded identical bodies share an address), and its end."""
    for line in subprocess.run(["readelf", "-SW", SYMBOLS], capture_output=True, text=True, check=True).stdout.splitlines():
        f = line.replace("[ ", "[").split()
        if len(f) > 5 and f[1] == "__managedcode":
            lo, hi = int(f[3], 16), int(f[3], 16) + int(f[5], 16)
    methods = {}
    for line in subprocess.run(["nm", "-n", "--defined-only", SYMBOLS], capture_output=True, text=True, check=True).stdout.splitlines():
        address, kind, name = line.split(None, 2)
        address = int(address, 16)
        if kind in "tT" and lo <= address < hi and not name.startswith(("__start_", "__stop_")):
            methods.setdefault(address, []).append(name)
    return methods, hi


def sampled_names():
    names = set()
    data = os.path.join(tempfile.mkdtemp(prefix="startup-order-"), "perf.data")
    for _ in range(STARTS):
        p, base = start(["perf", "record", "-q", "-e", "cpu-clock", "-c", "20000", "-o", data, "--"])
        first_pages(base)
        time.sleep(1)
        p.send_signal(2)
        p.wait()
        report = subprocess.run(["perf", "report", "-i", data, "--stdio", "--sort", "sym", "-F", "sym"], capture_output=True, text=True).stdout
        names.update(line.split("[.] ", 1)[1].strip() for line in report.splitlines() if "[.] " in line)
    return names


def touched_pages(p):
    """Offsets (in 4 KB pages from the ELF base) of the executable's pages that p has touched."""
    exe = os.path.realpath(BINARY)
    with open("/proc/%d/maps" % p.pid) as f:
        maps = [m.split() for m in f]
    maps = [(int(m[0].split("-")[0], 16), int(m[0].split("-")[1], 16), int(m[2], 16)) for m in maps if len(m) > 5 and m[5] == exe]
    base = min(lo for lo, _, offset in maps if offset == 0)
    pages = set()
    with open("/proc/%d/pagemap" % p.pid, "rb") as pagemap:
        for lo, hi, _ in maps:
            pagemap.seek(lo // 4096 * 8)
            entries = pagemap.read((hi - lo) // 4096 * 8)
            pages.update((lo - base) // 4096 + i for i in range(len(entries) // 8) if struct.unpack_from("<Q", entries, i * 8)[0] >> 63)
    return pages


def main():
    preload = os.path.join(tempfile.mkdtemp(prefix="startup-order-"), "touched-pages.so")
    subprocess.run(["gcc", "-shared", "-fPIC", "-O2", "-o", preload, os.path.join(HERE, "tools", "touched-pages.c")], check=True)
    methods, end = managed_methods()
    sampled = sampled_names()
    p, base = start(env={"LD_PRELOAD": preload})
    time.sleep(3)  # what the benchmark's idle RSS waits
    at_start = touched_pages(p)
    first_pages(base)
    time.sleep(1)
    later = touched_pages(p) - at_start
    p.terminate()
    p.wait()

    addresses = sorted(methods)
    spans = list(zip(addresses, addresses[1:] + [end]))

    def on(pages):
        return [a for a, b in spans if any(page in pages for page in range(a // 4096, (b - 1) // 4096 + 1))]

    started = on(at_start)
    first = set(started)
    then = [a for a in on(later) if a not in first]
    hot = [a for a in started if any(n in sampled for n in methods[a])]
    hot_set = set(hot)
    order = hot + [a for a in started if a not in hot_set] + then
    with open(OUT + ".tmp", "w") as f:
        f.writelines(n + "\n" for a in order for n in methods[a])
    os.replace(OUT + ".tmp", OUT)
    size = dict(spans)
    print("%s: %d methods (%d sampled, %d more on touched pages, %d for the first pages), %.1f MB of %.1f MB of code; "
          "code pages touched at start: %d" % (os.path.relpath(OUT, ROOT), len(order), len(hot), len(started) - len(hot), len(then),
                                               sum(size[a] - a for a in order) / 1e6, (end - addresses[0]) / 1e6,
                                               sum(1 for page in at_start if addresses[0] // 4096 <= page <= end // 4096)))


main()
