#!/usr/bin/env python3
"""GET URL every INTERVAL seconds, each on a new TCP connection (as a new visitor, a load balancer's check or a new
proxied connection would), until SIGTERM; then prints one JSON line: [[t_start, latency_s, status], ...].
A process of its own so that the client threads of a sign-in burst never delay the probe.
Usage: python3 bench/health-probe.py URL [INTERVAL_S]"""
import http.client
import json
import signal
import sys
import time
import urllib.parse

url = urllib.parse.urlsplit(sys.argv[1])
interval = float(sys.argv[2]) if len(sys.argv) > 2 else 0.05
samples = []
running = True


def done(*_):
    global running
    running = False


signal.signal(signal.SIGTERM, done)
print("ready", flush=True)
while running:
    t0 = time.time()
    status = 0
    try:
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
        conn.request("GET", url.path)
        response = conn.getresponse()
        response.read()
        status = response.status
        conn.close()
    except OSError:
        pass
    samples.append([round(t0, 4), round(time.time() - t0, 5), status])
    time.sleep(max(0.0, interval - (time.time() - t0)))
print(json.dumps(samples), flush=True)
