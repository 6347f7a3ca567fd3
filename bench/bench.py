#!/usr/bin/env python3
"""classhub vs JupyterHub 3 + configurable-http-proxy, side by side in one run on one machine.

Run through bench/run.sh (which installs what is missing and builds the tools). Every figure is repeated
(BENCH_REPS, default 3) and reported as min/median/max; before every step the harness waits for a quiet
machine (CPUs less than BENCH_QUIET_CPU % busy over a second, default 10) for at most BENCH_QUIET_TIMEOUT seconds, then
goes on and marks the figure "noisy". The load averages seen before every repetition are kept with the figure.
"""
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CLASSHUB = os.environ.get("CLASSHUB_BINARY", os.path.join(ROOT, "artifacts", "classhub"))
BACKEND = os.path.join(HERE, "backend.sh")
WSBENCH = os.path.join(HERE, ".build", "wsbench", "wsbench")
CHP = shutil.which("configurable-http-proxy") or "/usr/bin/configurable-http-proxy"
REPS = int(os.environ.get("BENCH_REPS", "3"))
COLD_RUNS = int(os.environ.get("BENCH_COLD_RUNS", "5"))
QUIET_CPU = float(os.environ.get("BENCH_QUIET_CPU", "10"))  # % of all CPUs busy over 1 s, before every repetition
QUIET_TIMEOUT = float(os.environ.get("BENCH_QUIET_TIMEOUT", "60"))
WRK_SECONDS = int(os.environ.get("BENCH_WRK_SECONDS", "10"))
CONNS = int(os.environ.get("BENCH_CONNS", "50"))
WS_COUNT = int(os.environ.get("BENCH_WS", "1000"))
WS_SECONDS = int(os.environ.get("BENCH_WS_SECONDS", "10"))
SERVERS = int(os.environ.get("BENCH_SERVERS", "20"))
RATE = int(os.environ.get("BENCH_RATE", "5000"))  # offered load (req/s) for latency "at the same load"
ONLY = set(filter(None, os.environ.get("BENCH_ONLY", "").split(",")))  # e.g. "proxy,login" for a partial run
SIGNIN_STUDENTS = int(os.environ.get("BENCH_SIGNIN_STUDENTS", "300"))
SIGNIN_REPS = int(os.environ.get("BENCH_SIGNIN_REPS", os.environ.get("BENCH_REPS", "3")))
SIGNIN_THINK = float(os.environ.get("BENCH_SIGNIN_THINK", "2"))  # seconds a student takes to retype after a wrong password
SYSTEMS = [s for s in os.environ.get("BENCH_SYSTEMS", "jupyterhub,classhub").split(",") if s]
WORK = tempfile.mkdtemp(prefix="classhub-bench-")
RESULTS = []


def log(*a):
    print("[bench %s]" % time.strftime("%H:%M:%S"), *a, file=sys.stderr, flush=True)


def want(step):
    return not ONLY or step in ONLY


# ---------------------------------------------------------------- machine state

def loadavg():
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]


def cpu_busy(seconds=1.0):
    def snap():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return sum(v), v[3] + v[4]
    t0, i0 = snap()
    time.sleep(seconds)
    t1, i1 = snap()
    return round(100.0 * (1 - (i1 - i0) / max(1, t1 - t0)), 1)


def wait_quiet(label):
    """Waits (at most QUIET_TIMEOUT s) until the CPUs were less than QUIET_CPU % busy over the last second; returns
    what the machine looked like. CPU use, not the load average: the load average trails a burst by minutes."""
    start = time.time()
    busy = cpu_busy(1.0)
    while busy >= QUIET_CPU and time.time() - start < QUIET_TIMEOUT:
        busy = cpu_busy(1.0)
    la = loadavg()
    state = {"load": la, "cpu_busy_pct": busy, "waited_s": round(time.time() - start, 1), "noisy": busy >= QUIET_CPU}
    log("%s: cpu busy %s%%, load %s, waited %ss%s" % (label, busy, la, state["waited_s"], " (NOISY)" if state["noisy"] else ""))
    return state


# ---------------------------------------------------------------- processes

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kb(pid, field="VmRSS"):
    """VmRSS, or its parts: RssAnon (private memory) and RssFile (pages of mapped files: executables, libraries)."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def children(pid):
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                stat = f.read()
            ppid = int(stat[stat.rindex(")") + 2:].split()[1])
            if ppid == pid:
                out.append(int(d))
        except (OSError, ValueError):
            pass
    return out


def cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def pids_of_uids(uids):
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                if os.stat("/proc/" + d).st_uid in uids:
                    out.append(int(d))
            except OSError:
                pass
    return out


def http(method, url, headers=None, body=None, timeout=10):
    req = urllib.request.Request(url, method=method, headers=headers or {}, data=body)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except (urllib.error.URLError, OSError):
        return 0, b""


def wait_http(url, timeout=60, ok=(200,), proc=None):
    end = time.time() + timeout
    while time.time() < end:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError("process exited with %s while waiting for %s" % (proc.returncode, url))
        status, _ = http("GET", url, timeout=2)
        if status in ok:
            return True
        time.sleep(0.003)
    raise RuntimeError("timed out waiting for %s" % url)


def stop(proc, timeout=15):
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# ---------------------------------------------------------------- bench users (Unix accounts, same for both hubs)

WEB_USER = "webu"
WS_USERS = ["wsu%02d" % i for i in range(SERVERS)]
NB_USERS = ["jsu%02d" % i for i in range(SERVERS)]
LOGIN_USER = "loginu"
ALL_USERS = [WEB_USER] + WS_USERS + NB_USERS


def ensure_unix_users():
    for u in ALL_USERS:
        try:
            pwd.getpwnam(u)
        except KeyError:
            subprocess.run(["useradd", "--create-home", "--shell", "/bin/sh", u], check=True)


def bench_uids():
    return {pwd.getpwnam(u).pw_uid for u in ALL_USERS}


def kill_bench_servers():
    """Ends the servers the hubs started for bench users (classhub leaves servers running by design)."""
    for pid in pids_of_uids(bench_uids()):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    time.sleep(0.5)


# ---------------------------------------------------------------- the two systems

class ClassHub:
    name = "classhub"

    def __init__(self, extra_config=None):
        self.proc = None
        self.extra_config = extra_config or {}

    def start(self):
        self.dir = tempfile.mkdtemp(prefix="classhub-", dir=WORK)
        self.port = free_port()
        self.base = "http://127.0.0.1:%d" % self.port
        self.config = os.path.join(self.dir, "classhub.json")
        with open(self.config, "w") as f:
            json.dump(dict({"spawner": {"command": [BACKEND]}, "idle_timeout": 0, "start_timeout": 300}, **self.extra_config), f)
        return self.launch()

    def restart(self):
        """The same state directory, a new process (in-memory state such as the sign-in limits starts afresh)."""
        stop(self.proc)
        return self.launch()

    def launch(self):
        self.log = open(os.path.join(self.dir, "serve.log"), "a")
        t0 = time.time()
        self.proc = subprocess.Popen([CLASSHUB, "serve", "--urls", self.base, "--data-dir", os.path.join(self.dir, "state"), "--config", self.config],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        wait_http(self.base + "/hub/health", proc=self.proc)
        return time.time() - t0

    def processes(self):
        return [self.proc.pid]

    def cli(self, *args, stdin=None, env=None):
        e = dict(os.environ, **(env or {}))
        r = subprocess.run([CLASSHUB, "--data-dir", os.path.join(self.dir, "state"), *args], input=stdin, capture_output=True, text=True, env=e)
        if r.returncode != 0:
            raise RuntimeError("classhub %s: %s" % (" ".join(args), r.stderr))
        return r.stdout

    def setup_api(self):
        self.cli("user", "add", "benchadmin", "--admin")
        self.token = self.cli("token", "create", "benchadmin").strip().splitlines()[-1].strip()
        self.auth = {"Authorization": "token " + self.token}

    def add_user(self, name):
        status, body = http("POST", "%s/hub/api/users/%s" % (self.base, name), self.auth)
        if status not in (200, 201, 409):
            raise RuntimeError("classhub: adding %s: %s %s" % (name, status, body[:200]))

    def login_setup(self):
        self.cli("user", "add", LOGIN_USER, "--password-stdin", stdin="bench-password\n", env={"CLASSHUB_BENCH_PASSWORD_ITERATIONS": "1"})
        csrf = secrets.token_hex(32)
        body = "_csrf=%s&username=%s&password=bench-password&next=%%2Fhub%%2Fhome" % (csrf, LOGIN_USER)
        return self.base + "/hub/login", body, {"Cookie": "classhub-csrf=" + csrf}

    def proxy_headers(self):
        return {"Authorization": "token " + getattr(self, "owner_token", self.token)}

    def owner_setup(self, name):
        """Proxy requests carry the owner's own token (a student's scopes), checked by the hub on every request."""
        self.owner_token = self.cli("token", "create", name).strip().splitlines()[-1].strip()

    def proxy_processes(self):
        return [self.proc.pid]

    def ws_headers(self):
        """The WebSockets go to 20 users' servers: an admin token (access:servers on all) opens them all."""
        return {"Authorization": "token " + self.token}

    def stop(self):
        for u in ALL_USERS:
            http("DELETE", "%s/hub/api/users/%s/server" % (self.base, u), self.auth, timeout=5) if hasattr(self, "auth") else None
        stop(self.proc)
        kill_bench_servers()


class JupyterHubCHP:
    name = "jupyterhub"

    def __init__(self, pam_service=None):
        self.proc = None
        self.pam_service = pam_service  # PAMAuthenticator with this PAM service instead of DummyAuthenticator

    def start(self):
        self.dir = tempfile.mkdtemp(prefix="jupyterhub-", dir=WORK)
        os.chmod(self.dir, 0o755)
        self.port = free_port()
        self.api_port = free_port()
        self.hub_port = free_port()
        self.base = "http://127.0.0.1:%d" % self.port
        self.token = secrets.token_hex(32)
        cfg = os.path.join(self.dir, "jupyterhub_config.py")
        with open(cfg, "w") as f:
            f.write("""
c = get_config()
c.JupyterHub.bind_url = %(base)r
c.JupyterHub.hub_bind_url = 'http://127.0.0.1:%(hub_port)d'
c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:%(api_port)d'
c.ConfigurableHTTPProxy.command = [%(chp)r]
c.ConfigurableHTTPProxy.pid_file = %(dir)r + '/proxy.pid'
c.JupyterHub.db_url = 'sqlite:///' + %(dir)r + '/jupyterhub.sqlite'
c.JupyterHub.cookie_secret_file = %(dir)r + '/cookie_secret'
c.JupyterHub.authenticator_class = 'jupyterhub.auth.DummyAuthenticator'
c.JupyterHub.spawner_class = 'jupyterhub.spawner.LocalProcessSpawner'
c.Spawner.cmd = [%(backend)r]
c.Spawner.start_timeout = 300
c.Spawner.http_timeout = 300
c.JupyterHub.concurrent_spawn_limit = 0
c.JupyterHub.active_server_limit = 0
c.JupyterHub.cleanup_servers = True
c.JupyterHub.log_level = 'WARN'
c.JupyterHub.services = [{'name': 'bench', 'api_token': %(token)r}]
%(pam)s
c.JupyterHub.load_roles = [{'name': 'bench', 'scopes': ['admin:users', 'admin:servers', 'access:servers', 'read:users'], 'services': ['bench']}]
""" % dict(base=self.base, hub_port=self.hub_port, api_port=self.api_port, chp=CHP, dir=self.dir, backend=BACKEND, token=self.token,
           pam="" if not self.pam_service else "c.JupyterHub.authenticator_class = 'jupyterhub.auth.PAMAuthenticator'\nc.PAMAuthenticator.service = %r" % self.pam_service))
        env = dict(os.environ, NODE_PATH="/usr/share/nodejs:/usr/lib/nodejs", CONFIGPROXY_AUTH_TOKEN=secrets.token_hex(32))
        self.log = open(os.path.join(self.dir, "jupyterhub.log"), "w")
        t0 = time.time()
        self.proc = subprocess.Popen(["jupyterhub", "-f", cfg], cwd=self.dir, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        wait_http(self.base + "/hub/health", timeout=120, proc=self.proc)
        self.auth = {"Authorization": "token " + self.token}
        return time.time() - t0

    def processes(self):
        procs = [self.proc.pid]
        for c in children(self.proc.pid):
            if "configurable-http-proxy" in cmdline(c):
                procs.append(c)
        return procs

    def setup_api(self):
        pass

    def add_user(self, name):
        status, body = http("POST", "%s/hub/api/users/%s" % (self.base, name), self.auth)
        if status not in (200, 201, 409):
            raise RuntimeError("jupyterhub: adding %s: %s %s" % (name, status, body[:200]))

    def login_setup(self):
        # DummyAuthenticator: any password; no KDF at all. JupyterHub 3.0's login form has no XSRF field.
        body = "username=%s&password=bench-password" % LOGIN_USER
        return self.base + "/hub/login?next=%2Fhub%2Fhome", body, {}

    def owner_setup(self, name):
        pass

    def proxy_processes(self):
        return [p for p in self.processes() if p != self.proc.pid]

    def ws_headers(self):
        return {}

    def proxy_headers(self):
        return {}  # CHP forwards without any check; the single-user server would check (nginx here does not)

    def stop(self):
        stop(self.proc, timeout=60)
        kill_bench_servers()


# shared by both (JupyterHub-compatible REST API)
def spawn(sysm, name):
    status, body = http("POST", "%s/hub/api/users/%s/server" % (sysm.base, name), sysm.auth, timeout=60)
    if status not in (201, 202):
        raise RuntimeError("%s: spawning %s: %s %s" % (sysm.name, name, status, body[:300]))


def spawn_all(sysm, names):
    """POSTs every spawn at once, one thread each: both hubs hold a POST open until the server is ready or a
    slow-spawn timeout passes (JupyterHub: 10 s), so POSTs sent one after the other would not be a burst."""
    import threading
    errors = []

    def one(n):
        try:
            spawn(sysm, n)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)
    threads = [threading.Thread(target=one, args=(n,)) for n in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def ready_names(sysm):
    """One request per poll for every pending server (JupyterHub's ?state=ready): polling each user separately
    would put 20 requests per tick on the hub while the servers it is timing compete for the same cores."""
    status, body = http("GET", "%s/hub/api/users?state=ready" % sysm.base, sysm.auth)
    if status != 200:
        return set()
    return {u["name"] for u in json.loads(body) if u.get("server") and not u.get("pending")}


def wait_ready(sysm, names, timeout=300):
    pending = set(names)
    end = time.time() + timeout
    while pending and time.time() < end:
        pending -= ready_names(sysm)
        if pending:
            time.sleep(0.05)
    if pending:
        raise RuntimeError("%s: servers not ready after %ss: %s" % (sysm.name, timeout, sorted(pending)))


def stop_servers(sysm, names):
    for n in names:
        http("DELETE", "%s/hub/api/users/%s/server" % (sysm.base, n), sysm.auth, timeout=60)
    end = time.time() + 60
    while time.time() < end and set(names) & ready_names(sysm):
        time.sleep(0.2)
    uids = {pwd.getpwnam(n).pw_uid for n in names}
    end = time.time() + 20
    while time.time() < end and pids_of_uids(uids):
        time.sleep(0.2)


def hub_with_web_server():
    """A started classhub with WEB_USER's nginx "server" running and the owner's token set: where every proxy-only
    script (ab.py, profile.py, proxy-counters.py) begins. Returns (hub, url of the small file through the proxy)."""
    ensure_unix_users()
    hub = ClassHub()
    hub.start()
    try:
        hub.setup_api()
        hub.add_user(WEB_USER)
        spawn(hub, WEB_USER)
        wait_ready(hub, [WEB_USER])
        hub.owner_setup(WEB_USER)
    except BaseException:
        hub.stop()
        raise
    return hub, "%s/user/%s/small.html" % (hub.base, WEB_USER)


# ---------------------------------------------------------------- measurements

def record(metric, system, unit, values, states, extra=None):
    values = [round(v, 4) for v in values]
    r = {"metric": metric, "system": system, "unit": unit, "values": values,
         "min": min(values), "median": statistics.median(values), "max": max(values),
         "machine": states, "noisy": any(s["noisy"] for s in states)}
    if extra:
        r.update(extra)
    RESULTS.append(r)
    log("%s [%s]: median %s %s (min %s, max %s)%s" % (metric, system, r["median"], unit, r["min"], r["max"], " NOISY" if r["noisy"] else ""))
    save_partial()
    return r


def parse_duration_ms(s):
    m = re.match(r"([\d.]+)(us|ms|s|m)$", s)
    v, u = float(m.group(1)), m.group(2)
    return v * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[u]


def wrk(url, headers=None, script=None, conns=CONNS, seconds=WRK_SECONDS):
    cmd = ["wrk", "-t2", "-c%d" % conns, "-d%ds" % seconds, "--latency", "--timeout", "10s"]
    for k, v in (headers or {}).items():
        cmd += ["-H", "%s: %s" % (k, v)]
    if script:
        cmd += ["-s", script]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = parse_duration_ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    p50 = parse_duration_ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errs = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p99_ms": p99, "p50_ms": p50, "non2xx3xx": int(bad.group(1)) if bad else 0,
            "socket_errors": errs.group(1) if errs else ""}


def cpu_seconds(pids):
    """utime + stime of the processes, in seconds (robust to a noisy machine, unlike req/s)."""
    total = 0
    for pid in pids:
        try:
            with open("/proc/%d/stat" % pid) as f:
                stat = f.read()
            fields = stat[stat.rindex(")") + 2:].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            pass
    return total / os.sysconf("SC_CLK_TCK")


def hub_rss_mb(sysm, pids=None):
    return sum(rss_kb(p) for p in (pids or sysm.processes())) / 1024.0


def rss_sampled_mb(sysm, pids=None, n=3):
    vals = []
    for _ in range(n):
        vals.append(hub_rss_mb(sysm, pids))
        time.sleep(0.3)
    return statistics.median(vals)


def measure_cold_start(cls):
    times, rss, anon, states = [], [], [], []
    for i in range(COLD_RUNS):
        states.append(wait_quiet("%s cold start %d" % (cls.name, i + 1)))
        sysm = cls()
        try:
            times.append(sysm.start())
            time.sleep(3)  # let start-up work settle before reading the idle RSS
            rss.append(hub_rss_mb(sysm))
            anon.append(sum(rss_kb(p, "RssAnon") for p in sysm.processes()) / 1024.0)
        finally:
            sysm.stop()
    record("cold start to /hub/health 200", cls.name, "s", times, states)
    record("idle RSS after start (hub + proxy processes)", cls.name, "MB", rss, states)
    record("idle private memory after start (RssAnon, hub + proxy processes)", cls.name, "MB", anon, states)


def pacing_script():
    """A wrk script that makes the CONNS connections together offer about RATE req/s: after each response a
    connection pauses CONNS/RATE s. Latency "at the same load" needs the same offered load for every target: at
    saturation a slower target is simply queued longer, by construction."""
    path = os.path.join(WORK, "paced.lua")
    with open(path, "w") as f:
        f.write("-- each of %d connections: one request, then a %.3f ms pause (about %d req/s offered in all)\n" % (CONNS, 1000.0 * CONNS / RATE, RATE))
        f.write("function delay()\n  return %.3f\nend\n" % (1000.0 * CONNS / RATE))
    return path


def measure_direct_and_proxy(sysm, direct_url, direct_pid, references):
    """Per repetition, interleaved: nginx direct, through the system's proxy, through each reference proxy;
    each at saturation (closed loop, CONNS connections) and at a fixed offered load (RATE req/s)."""
    targets = [("direct (measured in the %s phase)" % sysm.name, direct_url, {}, [direct_pid]),
               (sysm.name, "%s/user/%s/small.html" % (sysm.base, WEB_USER), sysm.proxy_headers(), sysm.proxy_processes())]
    targets += [("%s (measured in the %s phase)" % (ref.label, sysm.name), ref.url, {}, ref.pids()) for ref in references]
    paced = pacing_script()
    runs = {t[0]: {"sat": [], "fixed": [], "states": []} for t in targets}
    for i in range(REPS):
        for who, url, headers, pids in targets:
            runs[who]["states"].append(wait_quiet("%s rep %d" % (who, i + 1)))
            c0 = cpu_seconds(pids)
            r = wrk(url, headers)
            r["cpu_us"] = (cpu_seconds(pids) - c0) * 1e6 / max(1, r["rps"] * WRK_SECONDS)
            runs[who]["sat"].append(r)
            runs[who]["fixed"].append(wrk(url, headers, script=paced))
    for who, _, _, _ in targets:
        sat, fixed, states = runs[who]["sat"], runs[who]["fixed"], runs[who]["states"]
        extra = {"non2xx3xx": [r["non2xx3xx"] for r in sat + fixed], "socket_errors": [r["socket_errors"] for r in sat + fixed], "phase": sysm.name}
        record("proxy throughput to nginx (small file, keep-alive, %d conns)" % CONNS, who, "req/s", [r["rps"] for r in sat], states, extra)
        record("latency p99 at saturation", who, "ms", [r["p99_ms"] for r in sat], states, extra)
        record("latency p50 at saturation", who, "ms", [r["p50_ms"] for r in sat], states, extra)
        record("CPU per request in the proxy process (nginx itself for direct)", who, "µs", [r["cpu_us"] for r in sat], states, extra)
        record("offered load achieved (paced at %d req/s)" % RATE, who, "req/s", [r["rps"] for r in fixed], states, extra)
        record("latency p99 at a fixed offered load", who, "ms", [r["p99_ms"] for r in fixed], states, extra)
        record("latency p50 at a fixed offered load", who, "ms", [r["p50_ms"] for r in fixed], states, extra)


class ReferenceProxy:
    """nginx as a reverse proxy (2 workers, upstream keep-alive) in front of the direct nginx: what a mature C proxy
    reaches on the same cores, i.e. how far below "direct" any proxy lands on this machine."""
    label = "nginx reverse proxy"
    phase = None  # measured in every system's phase

    def __init__(self, upstream_port):
        self.dir = tempfile.mkdtemp(prefix="nginx-proxy-", dir=WORK)
        self.port = free_port()
        self.url = "http://127.0.0.1:%d/user/%s/small.html" % (self.port, WEB_USER)
        with open(os.path.join(HERE, "nginx-proxy.conf.in")) as f:
            conf = f.read().replace("@DIR@", self.dir).replace("@PORT@", str(self.port)).replace("@UPSTREAM@", "127.0.0.1:%d" % upstream_port)
        path = os.path.join(self.dir, "nginx.conf")
        with open(path, "w") as f:
            f.write(conf)
        self.proc = subprocess.Popen(["/usr/sbin/nginx", "-p", self.dir, "-c", path, "-e", os.path.join(self.dir, "error.log")], start_new_session=True)
        wait_http(self.url, proc=self.proc)

    def pids(self):
        return [self.proc.pid] + children(self.proc.pid)

    def stop(self):
        stop(self.proc)


class YarpForwarder:
    """tools/YarpForwarder: Kestrel + YARP's forwarder with classhub's runtime settings and nothing of the hub, in front
    of the direct nginx. Measured in the classhub phase only: it splits classhub's figures into what the stack it is
    built on reaches on this machine and what the hub (gate, token check, its own tuning) adds or saves."""
    label = "YARP forwarder alone"
    phase = "classhub"
    BINARY = os.path.join(HERE, ".build", "yarp-forwarder", "yarp-forwarder")

    def __init__(self, upstream_port):
        self.port = free_port()
        self.url = "http://127.0.0.1:%d/user/%s/small.html" % (self.port, WEB_USER)
        self.proc = subprocess.Popen([self.BINARY, "http://127.0.0.1:%d" % self.port, "http://127.0.0.1:%d" % upstream_port],
                                     stdout=subprocess.DEVNULL, start_new_session=True)
        wait_http(self.url, proc=self.proc)

    def pids(self):
        return [self.proc.pid]

    def stop(self):
        stop(self.proc)


def measure_login(sysm):
    url, body, headers = sysm.login_setup()
    script = os.path.join(sysm.dir, "login.lua")
    with open(script, "w") as f:
        f.write('wrk.method = "POST"\nwrk.body = %s\nwrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n' % json.dumps(body))
        for k, v in headers.items():
            f.write('wrk.headers[%s] = %s\n' % (json.dumps(k), json.dumps(v)))
    # one request by hand first: it must be a redirect that sets a session cookie
    status, _ = http_no_redirect("POST", url, dict(headers, **{"Content-Type": "application/x-www-form-urlencoded"}), body.encode())
    if status != 302:
        raise RuntimeError("%s: login answered %s, not 302" % (sysm.name, status))
    runs, states = [], []
    for i in range(REPS):
        states.append(wait_quiet("%s login rep %d" % (sysm.name, i + 1)))
        runs.append(wrk(url, headers, script=script, conns=10))
    record("login throughput, cheap auth path (POST -> session + 302)", sysm.name, "logins/s", [r["rps"] for r in runs], states,
           {"non2xx3xx": [r["non2xx3xx"] for r in runs], "conns": 10})


# ---------------------------------------------------------------- sign-in burst

SIGNIN_USERS = ["bsi%03d" % i for i in range(SIGNIN_STUDENTS)]
SIGNIN_PAM_SERVICE = "login"  # JupyterHub's default PAM service; both hubs use it in the PAM comparison


def signin_password(name):
    return "Pw-%s-%s" % (name, "k7Qz")


def signin_mistakes(i):
    """Every fifth student (20%) mistypes first: every tenth twice, the others once."""
    return 2 if i % 10 == 0 else 1 if i % 5 == 0 else 0


def ensure_signin_accounts():
    """SIGNIN_STUDENTS Unix accounts with real password hashes (chpasswd: Debian's PAM stack hashes with yescrypt)."""
    missing = []
    for u in SIGNIN_USERS:
        try:
            pwd.getpwnam(u)
        except KeyError:
            missing.append(u)
    for u in missing:
        subprocess.run(["useradd", "--no-create-home", "--no-user-group", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", u], check=True)
    lines = "".join("%s:%s\n" % (u, signin_password(u)) for u in SIGNIN_USERS)
    subprocess.run(["chpasswd"], input=lines, text=True, check=True)


def remove_signin_accounts():
    for u in SIGNIN_USERS:
        subprocess.run(["userdel", u], capture_output=True)


def signin_request(sysm, name, password):
    """One sign-in POST on a new connection; returns (status, Retry-After seconds or None)."""
    import http.client
    if sysm.name == "jupyterhub":
        path, headers = "/hub/login?next=%2Fhub%2Fhome", {}
        body = urllib.parse.urlencode({"username": name, "password": password})
    else:
        csrf = secrets.token_hex(32)
        path, headers = "/hub/login", {"Cookie": "classhub-csrf=" + csrf}
        body = urllib.parse.urlencode({"_csrf": csrf, "username": name, "password": password, "next": "/hub/home"})
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn = http.client.HTTPConnection("127.0.0.1", sysm.port, timeout=SIGNIN_GIVE_UP)
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        retry = response.getheader("Retry-After")
        return response.status, float(retry) if retry else None
    except OSError:
        return 0, None
    finally:
        conn.close()


SIGNIN_GIVE_UP = 900


def signin_burst(sysm):
    """All students at once (one thread each, released together, all from 127.0.0.1: one address, as behind a
    school's NAT). A mistyping student sends a wrong password, waits SIGNIN_THINK s (retyping), and tries again; a
    refused right password (429/503) waits its Retry-After and tries again. Returns per-student seconds until in
    (None: never), the refused right passwords, and the burst's start and end (epoch seconds)."""
    import threading
    n = len(SIGNIN_USERS)
    done_at = [None] * n
    refused = [0] * n
    wrong_status = {}
    barrier = threading.Barrier(n + 1)
    lock = threading.Lock()

    def student(i, name):
        barrier.wait()
        give_up = time.time() + SIGNIN_GIVE_UP
        for _ in range(signin_mistakes(i)):
            status, _ = signin_request(sysm, name, signin_password(name) + "x")
            with lock:
                wrong_status[status] = wrong_status.get(status, 0) + 1
            time.sleep(SIGNIN_THINK)
        while time.time() < give_up:
            status, retry = signin_request(sysm, name, signin_password(name))
            if status == 302:
                done_at[i] = time.time()
                return
            refused[i] += 1
            time.sleep(min(retry or 5.0, 60.0))

    threads = [threading.Thread(target=student, args=(i, u), daemon=True) for i, u in enumerate(SIGNIN_USERS)]
    for t in threads:
        t.start()
    barrier.wait()
    t0 = time.time()
    for t in threads:
        t.join()
    t1 = max([d for d in done_at if d is not None] or [time.time()])
    return [None if d is None else d - t0 for d in done_at], sum(refused), wrong_status, t0, t1


def start_probe(sysm):
    p = subprocess.Popen([sys.executable, os.path.join(HERE, "health-probe.py"), sysm.base + "/hub/health", "0.05"], stdout=subprocess.PIPE, text=True)
    p.stdout.readline()
    return p


def stop_probe(p):
    p.send_signal(signal.SIGTERM)
    out = p.stdout.read()
    p.wait()
    return json.loads(out.strip().splitlines()[-1])


def percentile(values, q):
    v = sorted(values)
    return v[min(len(v) - 1, max(0, int(round(q / 100.0 * len(v) + 0.5)) - 1))] if v else float("nan")


def measure_signin_burst(setups):
    """The setups take turns, repetition by repetition (machine drift hits all alike): per repetition a fresh hub
    process, an idle /hub/health baseline (5 s), then the burst with the probe running throughout."""
    figures = {label: {"p50": [], "p95": [], "in": [], "refused": [], "h50": [], "h99": [], "hmax": [], "idle99": [], "states": [], "wrong": []} for label, _ in setups}
    for i in range(SIGNIN_REPS):
        for label, sysm in setups:
            if isinstance(sysm, ClassHub):
                sysm.restart()
            f = figures[label]
            f["states"].append(wait_quiet("%s sign-in burst rep %d" % (label, i + 1)))
            probe = start_probe(sysm)
            time.sleep(5)
            idle = stop_probe(probe)
            probe = start_probe(sysm)
            times, refused, wrong, t0, t1 = signin_burst(sysm)
            samples = stop_probe(probe)
            during = [lat for (ts, lat, st) in samples if t0 <= ts <= t1]
            got_in = [t for t in times if t is not None]
            f["p50"].append(percentile(got_in, 50))
            f["p95"].append(percentile(got_in, 95))
            f["in"].append(len(got_in))
            f["refused"].append(refused)
            f["wrong"].append(wrong)
            f["h50"].append(1000 * percentile(during, 50))
            f["h99"].append(1000 * percentile(during, 99))
            f["hmax"].append(1000 * max(during or [float("nan")]))
            f["idle99"].append(1000 * percentile([lat for (_, lat, _) in idle], 99))
            log("%s burst: %d/%d in, p50 %.1f s, p95 %.1f s, last %.1f s; %d right passwords refused; wrong-password answers %s; "
                "/hub/health during it (%d probes): p50 %.1f ms, p99 %.1f ms, max %.1f ms (idle p99 %.1f ms)"
                % (label, len(got_in), len(times), f["p50"][-1], f["p95"][-1], t1 - t0, refused, wrong, len(during), f["h50"][-1], f["h99"][-1], f["hmax"][-1], f["idle99"][-1]))
    for label, _ in setups:
        f = figures[label]
        extra = {"students": SIGNIN_STUDENTS, "mistyping": sum(1 for i in range(SIGNIN_STUDENTS) if signin_mistakes(i)), "think_s": SIGNIN_THINK, "wrong_password_answers": f["wrong"]}
        record("sign-in burst: time for the class to be in, p50", label, "s", f["p50"], f["states"], extra)
        record("sign-in burst: time for the class to be in, p95", label, "s", f["p95"], f["states"], extra)
        record("sign-in burst: students signed in", label, "students", f["in"], f["states"], extra)
        record("sign-in burst: right passwords refused (429/503)", label, "answers", f["refused"], f["states"], extra)
        record("sign-in burst: /hub/health latency during the burst, p50", label, "ms", f["h50"], f["states"], extra)
        record("sign-in burst: /hub/health latency during the burst, p99", label, "ms", f["h99"], f["states"], extra)
        record("sign-in burst: /hub/health latency during the burst, max", label, "ms", f["hmax"], f["states"], extra)
        record("sign-in burst: /hub/health latency idle, p99", label, "ms", f["idle99"], f["states"], extra)


def measure_signin(classes):
    """JupyterHub 3's PAMAuthenticator and classhub's "pam" method check the same /etc/shadow hashes through the same
    PAM service; classhub's own passwords (PBKDF2-SHA256, 600,000 iterations) are a third setup with no JupyterHub 3
    counterpart."""
    ensure_signin_accounts()
    setups = []
    try:
        for cls in classes:
            if cls is JupyterHubCHP:
                jh = JupyterHubCHP(pam_service=SIGNIN_PAM_SERVICE)
                setups.append(("jupyterhub", jh))
                jh.start()
                for u in SIGNIN_USERS:
                    jh.add_user(u)
            else:
                pam = ClassHub({"auth": {"methods": ["pam"], "pam": {"service": SIGNIN_PAM_SERVICE}}})
                setups.append(("classhub", pam))
                pam.start()
                pam.setup_api()
                for u in SIGNIN_USERS:
                    pam.add_user(u)
                local = ClassHub()
                setups.append(("classhub (own passwords)", local))
                local.start()
                log("adding %d classhub users with PBKDF2-SHA256 hashes of 600,000 iterations (two at a time)" % len(SIGNIN_USERS))
                import concurrent.futures
                with concurrent.futures.ThreadPoolExecutor(2) as pool:
                    list(pool.map(lambda u: local.cli("user", "add", u, "--password-stdin", stdin=signin_password(u) + "\n"), SIGNIN_USERS))
        measure_signin_burst(setups)
    finally:
        for _, sysm in setups:
            sysm.stop()
        if not os.environ.get("BENCH_KEEP_USERS"):
            remove_signin_accounts()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None


def http_no_redirect(method, url, headers, body):
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, method=method, headers=headers, data=body), timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def singleuser_baseline(hub_api, on_ready=None):
    """The servers' own start-up: SERVERS jupyterhub-singleuser started at once directly (no hub), until all answer
    (on_ready(name) as each one does, in start order)."""
    procs = []
    t0 = time.time()
    for n in NB_USERS:
        pw = pwd.getpwnam(n)
        port = free_port()
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": pw.pw_dir, "USER": n, "JUPYTERHUB_USER": n,
               "JUPYTERHUB_API_TOKEN": secrets.token_hex(16), "JUPYTERHUB_API_URL": hub_api, "JUPYTERHUB_CLIENT_ID": "jupyterhub-user-" + n,
               "JUPYTERHUB_SERVICE_PREFIX": "/user/%s/" % n, "JUPYTERHUB_BASE_URL": "/", "JUPYTERHUB_HOST": "",
               "JUPYTERHUB_OAUTH_CALLBACK_URL": "/user/%s/oauth_callback" % n, "JUPYTERHUB_SERVICE_URL": "http://127.0.0.1:%d/user/%s/" % (port, n)}
        p = subprocess.Popen(["setpriv", "--reuid=%d" % pw.pw_uid, "--regid=%d" % pw.pw_gid, "--init-groups", "--", BACKEND, "--ip=127.0.0.1", "--port=%d" % port],
                             env=env, cwd=pw.pw_dir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        procs.append((n, p, "http://127.0.0.1:%d/user/%s/api" % (port, n)))
    try:
        for n, p, url in procs:
            wait_http(url, timeout=300, ok=(200,), proc=p)
            if on_ready:
                on_ready(n)
        return time.time() - t0
    finally:
        for _, p, _ in procs:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except OSError:
                pass
        for _, p, _ in procs:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)


def retried(label, step, attempts=3):
    """A repetition whose server died on its own (seen once in 60: a jupyterhub-singleuser exiting 1 at start) is run
    again, and the log says so, rather than losing the whole run."""
    for attempt in range(1, attempts + 1):
        try:
            return step()
        except RuntimeError as e:
            if attempt == attempts:
                raise
            log("%s: %s; again (attempt %d of %d)" % (label, e, attempt + 1, attempts))
            kill_bench_servers()


def measure_spawn_bursts(classes):
    """The systems take turns, repetition by repetition, each burst right after its own start-up baseline: the
    machine's speed drifts by tens of percent over minutes here, so bursts measured in separate phases compared the
    drift as much as the hubs. Both hubs are up for the whole step (the idle one costs nothing measurable)."""
    systems = []
    try:
        for cls in classes:
            sysm = cls()
            systems.append(sysm)
            log("starting %s for the spawn burst" % cls.name)
            sysm.start()
            sysm.setup_api()
            for n in NB_USERS:
                sysm.add_user(n)
        figures = {s.name: ([], [], [], []) for s in systems}
        for i in range(REPS):
            for sysm in systems:
                runs, base, states, bstates = figures[sysm.name]
                bstates.append(wait_quiet("singleuser own start-up rep %d (before %s)" % (i + 1, sysm.name)))
                base.append(retried("singleuser own start-up rep %d" % (i + 1), lambda: singleuser_baseline(sysm.base + "/hub/api")))
                states.append(wait_quiet("%s spawn burst rep %d" % (sysm.name, i + 1)))
                t0 = time.time()
                spawn_all(sysm, NB_USERS)
                wait_ready(sysm, NB_USERS)
                runs.append(time.time() - t0)
                stop_servers(sysm, NB_USERS)
        for sysm in systems:
            runs, base, states, bstates = figures[sysm.name]
            record("spawn burst: %d jupyterhub-singleuser at once, all ready" % SERVERS, sysm.name, "s", runs, states)
            record("spawn burst: %d jupyterhub-singleuser started directly (servers' own start-up)" % SERVERS, "direct (measured in the %s phase)" % sysm.name, "s", base, bstates, {"phase": sysm.name})
    finally:
        for sysm in systems:
            sysm.stop()


def measure_websockets(cls):
    """Every repetition in a fresh hub: per-socket memory read off a process that has already served other steps
    mostly measures how much of its earlier heap it reuses."""
    idle20, with_ws, alive, states, per_ws, per_ws_early = [], [], [], [], [], []
    for i in range(REPS):
        sysm = cls()
        try:
            sysm.start()
            sysm.setup_api()
            for n in WS_USERS:
                sysm.add_user(n)
            spawn_all(sysm, WS_USERS)
            wait_ready(sysm, WS_USERS)
            time.sleep(2)
            ws_base = sysm.base.replace("http://", "ws://")
            urls = ["--url=%s/user/%s/echo" % (ws_base, n) for n in WS_USERS]
            hdrs = ["--header=%s: %s" % kv for kv in sysm.ws_headers().items()]
            states.append(wait_quiet("%s websockets rep %d" % (sysm.name, i + 1)))
            before = rss_sampled_mb(sysm)
            before_proxy = rss_sampled_mb(sysm, sysm.proxy_processes())
            p = subprocess.Popen([WSBENCH, "hold", "--count=%d" % WS_COUNT, "--seconds=%d" % WS_SECONDS] + urls + hdrs, stdout=subprocess.PIPE, text=True)
            first = p.stdout.readline()
            opened_at = time.time()
            # Twice while the sockets are held: soon after opening, and in the steady state a class's open notebooks
            # sit in for the rest of the lesson (the per-socket target is read off the second).
            time.sleep(max(0.0, WS_SECONDS / 2.0 - 1.8))
            early_proxy = rss_sampled_mb(sysm, sysm.proxy_processes())
            time.sleep(max(0.0, opened_at + WS_SECONDS - 3.0 - time.time()))
            during = rss_sampled_mb(sysm)
            during_proxy = rss_sampled_mb(sysm, sysm.proxy_processes())
            result = json.loads(p.stdout.readline())
            p.wait()
            log("%s websockets: %s; %s" % (sysm.name, first.strip(), result))
            idle20.append(before)
            with_ws.append(during)
            per_ws.append((during_proxy - before_proxy) * 1024.0 / max(1, result["opened"]))
            per_ws_early.append((early_proxy - before_proxy) * 1024.0 / max(1, result["opened"]))
            alive.append(result["alive"])
            stop_servers(sysm, WS_USERS)
        finally:
            sysm.stop()
    record("RSS with %d running servers (hub + proxy)" % SERVERS, cls.name, "MB", idle20, states)
    record("RSS with %d running servers and %d open WebSockets (hub + proxy)" % (SERVERS, WS_COUNT), cls.name, "MB", with_ws, states)
    record("RSS per open WebSocket (proxy process: CHP / classhub)", cls.name, "KB", per_ws, states)
    record("RSS per open WebSocket ~%.0f s after opening" % (WS_SECONDS / 2.0 - 1.8), cls.name, "KB", per_ws_early, states)
    record("%d WebSockets held %d s through the proxy: alive" % (WS_COUNT, WS_SECONDS), cls.name, "sockets", alive, states)


def run_system(cls, direct_url, direct_pid, references):
    if want("cold"):
        measure_cold_start(cls)
    sysm = cls()
    try:
        log("starting %s for the load steps" % cls.name)
        sysm.start()
        sysm.setup_api()
        if want("proxy"):
            sysm.add_user(WEB_USER)
            spawn(sysm, WEB_USER)
            wait_ready(sysm, [WEB_USER])
            sysm.owner_setup(WEB_USER)
            wait_http("%s/user/%s/small.html" % (sysm.base, WEB_USER)) if not sysm.proxy_headers() else None
            measure_direct_and_proxy(sysm, direct_url, direct_pid, [r for r in references if r.phase in (None, cls.name)])
        if want("login"):
            measure_login(sysm)
    finally:
        sysm.stop()
    if want("ws"):
        measure_websockets(cls)


# ---------------------------------------------------------------- report

def med(metric, system):
    for r in RESULTS:
        if r["metric"].startswith(metric) and r["system"] == system:
            return r
    return None


def save_partial():
    os.makedirs(os.path.join(HERE, "results", "tmp"), exist_ok=True)
    with open(os.path.join(HERE, "results", "tmp", "partial.json"), "w") as f:
        json.dump(RESULTS, f, indent=1)


def fmt(r):
    if r is None:
        return "-"
    m = r["median"]
    s = ("%.0f" % m) if abs(m) >= 100 else ("%.2f" % m) if abs(m) >= 1 else ("%.3f" % m)
    return "%s %s (%s–%s)%s" % (s, r["unit"], _short(r["min"]), _short(r["max"]), " ⚠noisy" if r["noisy"] else "")


def _short(v):
    return ("%.0f" % v) if abs(v) >= 100 else ("%.2f" % v) if abs(v) >= 1 else ("%.3f" % v)


def ratio(a, b):
    return (a["median"] / b["median"]) if a and b and b["median"] else None


def paired(system, direct):
    """Each burst repetition divided by the own start-up measured just before it: the machine's speed drifts by
    tens of percent over minutes here (own start-up 17 s in one phase of a run, 22 s in the next), and a ratio of
    medians mixes that drift in. Median (min-max) of the per-repetition ratios."""
    if not system or not direct or len(system["values"]) != len(direct["values"]):
        return "-"
    r = sorted(a / b for a, b in zip(system["values"], direct["values"]))
    return "%.3f× (%.3f–%.3f)" % (statistics.median(r), r[0], r[-1])


def report(meta):
    rows = []
    thr = "proxy throughput"
    jd = med(thr, "direct (measured in the jupyterhub phase)")
    cd = med(thr, "direct (measured in the classhub phase)")
    j, c = med(thr, "jupyterhub"), med(thr, "classhub")

    def add(metric, jr, cr, dr, rat, target):
        rows.append((metric, fmt(jr), fmt(cr), rat, fmt(dr) if dr else "", target))

    def rtxt(x, fmtstr="%.2f×"):
        return (fmtstr % x) if x is not None else "-"

    nref = med(thr, "nginx reverse proxy (measured in the classhub phase)")
    add("proxy throughput to nginx (607 B file, keep-alive, %d conns)" % CONNS, j, c, cd,
        "classhub/CHP %s; classhub/direct %s; CHP/direct %s" % (rtxt(ratio(c, j)), rtxt(ratio(c, cd)), rtxt(ratio(j, jd))),
        "classhub ≥ 0.8× direct and ≥ 10× CHP")
    add("— reference: nginx as the reverse proxy (2 workers, upstream keep-alive)", None, nref, cd,
        "nginx proxy/direct %s; classhub/nginx proxy %s" % (rtxt(ratio(nref, cd)), rtxt(ratio(c, nref))), "(what a mature C proxy reaches here)")
    yref = med(thr, "YARP forwarder alone (measured in the classhub phase)")
    add("— reference: YARP's forwarder alone (Kestrel + YARP + SocketsHttpHandler, classhub's runtime settings, no hub)", None, yref, cd,
        "YARP alone/direct %s; classhub/YARP alone %s" % (rtxt(ratio(yref, cd)), rtxt(ratio(c, yref))), "(what classhub's stack reaches here)")
    fixed = "latency p99 at a fixed offered load"
    jf, cf, cdf = med(fixed, "jupyterhub"), med(fixed, "classhub"), med(fixed, "direct (measured in the classhub phase)")
    nf = med(fixed, "nginx reverse proxy (measured in the classhub phase)")
    yf = med(fixed, "YARP forwarder alone (measured in the classhub phase)")

    def over(x):
        return ("%+.2f ms" % (x["median"] - cdf["median"])) if x and cdf else "-"
    add("latency p99 at the same offered load (%d conns paced to ~%d req/s)" % (CONNS, RATE), jf, cf, cdf,
        "classhub − direct = %s; nginx proxy − direct = %s; YARP alone − direct = %s" % (over(cf), over(nf), over(yf)), "≤ direct + 1 ms")
    add("latency p50 at the same offered load", med("latency p50 at a fixed", "jupyterhub"), med("latency p50 at a fixed", "classhub"),
        med("latency p50 at a fixed", "direct (measured in the classhub phase)"), "", "")
    add("offered load achieved (paced)", med("offered load achieved", "jupyterhub"), med("offered load achieved", "classhub"),
        med("offered load achieved", "direct (measured in the classhub phase)"), "", "")
    jp, cp = med("latency p99 at saturation", "jupyterhub"), med("latency p99 at saturation", "classhub")
    cdp = med("latency p99 at saturation", "direct (measured in the classhub phase)")
    add("latency p99 at saturation (closed loop, %d conns)" % CONNS, jp, cp, cdp,
        "classhub − direct = %s" % (("%+.2f ms" % (cp["median"] - cdp["median"])) if cp and cdp else "-"), "(queueing: each target at its own maximum rate)")
    jcpu, ccpu = med("CPU per request", "jupyterhub"), med("CPU per request", "classhub")
    nrefcpu = med("CPU per request", "nginx reverse proxy (measured in the classhub phase)")
    add("CPU per proxied request (proxy process; direct: nginx)", jcpu, ccpu, med("CPU per request", "direct (measured in the classhub phase)"),
        "classhub/CHP %s; nginx proxy: %s; YARP alone: %s" % (rtxt(ratio(ccpu, jcpu), "%.3f×"), fmt(nrefcpu),
                                                            fmt(med("CPU per request", "YARP forwarder alone (measured in the classhub phase)"))), "(explains throughput)")
    ji, ci = med("idle RSS", "jupyterhub"), med("idle RSS", "classhub")
    add("idle RSS after start (hub + proxy)", ji, ci, None, "classhub/JH+CHP %s" % rtxt(ratio(ci, ji), "%.3f×"), "≤ 0.2×")
    ja_, ca_ = med("idle private memory", "jupyterhub"), med("idle private memory", "classhub")
    add("— of which private (RssAnon; the rest is mapped executable/library files)", ja_, ca_, None, "classhub/JH+CHP %s" % rtxt(ratio(ca_, ja_), "%.3f×"), "")
    add("RSS with %d running servers" % SERVERS, med("RSS with %d running servers (" % SERVERS, "jupyterhub"), med("RSS with %d running servers (" % SERVERS, "classhub"), None, "", "report")
    add("RSS with %d servers + %d WebSockets" % (SERVERS, WS_COUNT), med("RSS with %d running servers and" % SERVERS, "jupyterhub"), med("RSS with %d running servers and" % SERVERS, "classhub"), None, "", "report")
    jw, cw = med("RSS per open WebSocket (", "jupyterhub"), med("RSS per open WebSocket (", "classhub")
    add("RSS per open WebSocket (~%.0f s after opening, steady)" % (WS_SECONDS - 3.0), jw, cw, None, "classhub/CHP %s" % rtxt(ratio(cw, jw)), "≤ 0.5×")
    jwe, cwe = med("RSS per open WebSocket ~", "jupyterhub"), med("RSS per open WebSocket ~", "classhub")
    add("— the same ~%.0f s after opening" % (WS_SECONDS / 2.0 - 1.8), jwe, cwe, None, "classhub/CHP %s" % rtxt(ratio(cwe, jwe)), "")
    jc, cc = med("cold start", "jupyterhub"), med("cold start", "classhub")
    add("cold start → /hub/health 200", jc, cc, None, "classhub/JH %s" % rtxt(ratio(cc, jc), "%.3f×"), "≤ 0.05× (1/20)")
    jl, cl = med("login throughput", "jupyterhub"), med("login throughput", "classhub")
    add("login throughput, cheap auth path", jl, cl, None, "classhub/JH %s" % rtxt(ratio(cl, jl), "%.1f×"), "≥ 10×")
    js, cs = med("spawn burst: %d jupyterhub-singleuser at once" % SERVERS, "jupyterhub"), med("spawn burst: %d jupyterhub-singleuser at once" % SERVERS, "classhub")
    bs = med("spawn burst: %d jupyterhub-singleuser started directly" % SERVERS, "direct (measured in the classhub phase)")
    jbs = med("spawn burst: %d jupyterhub-singleuser started directly" % SERVERS, "direct (measured in the jupyterhub phase)")
    add("spawn burst: %d jupyterhub-singleuser, all ready" % SERVERS, js, cs, bs,
        "classhub/own start-up %s (paired by repetition: %s; JupyterHub the same way: %s); classhub/JH %s"
        % (rtxt(ratio(cs, bs), "%.3f×"), paired(cs, bs), paired(js, jbs), rtxt(ratio(cs, js), "%.3f×")), "≤ 1.05× own start-up, ≤ 1× JH")
    ja, ca = med("%d WebSockets held" % WS_COUNT, "jupyterhub"), med("%d WebSockets held" % WS_COUNT, "classhub")
    add("%d WebSockets held %d s through the proxy (alive)" % (WS_COUNT, WS_SECONDS), ja, ca, None, "", "%d/%d" % (WS_COUNT, WS_COUNT))

    sb = "sign-in burst: "
    if med(sb, "classhub") or med(sb, "jupyterhub") or med(sb, "classhub (own passwords)"):
        label = "sign-in burst: %d students at once from one address, every fifth mistyping first" % SIGNIN_STUDENTS
        for setup, title in (("classhub", "PAM, the same hashes"), ("classhub (own passwords)", "classhub's own passwords, PBKDF2-SHA256 600k; JupyterHub 3 has none")):
            jr = med(sb + "time for the class to be in, p50", "jupyterhub") if setup == "classhub" else None
            j95 = med(sb + "time for the class to be in, p95", "jupyterhub") if setup == "classhub" else None
            c50, c95 = med(sb + "time for the class to be in, p50", setup), med(sb + "time for the class to be in, p95", setup)
            if not c50 and not jr:
                continue
            add("%s (%s): time for the class to be in, p50" % (label, title), jr, c50, None, "classhub/JH %s" % rtxt(ratio(c50, jr), "%.3f×") if jr else "", "(report)")
            add("— the same, p95", j95, c95, None, "classhub/JH %s" % rtxt(ratio(c95, j95), "%.3f×") if j95 else "", "(report)")
            add("— students signed in", med(sb + "students signed in", "jupyterhub") if jr else None, med(sb + "students signed in", setup), None, "", "%d/%d" % (SIGNIN_STUDENTS, SIGNIN_STUDENTS))
            add("— right passwords refused (429/503)", med(sb + "right passwords refused", "jupyterhub") if jr else None, med(sb + "right passwords refused", setup), None, "", "0")
            jh99, ch99 = (med(sb + "/hub/health latency during the burst, p99", "jupyterhub") if jr else None), med(sb + "/hub/health latency during the burst, p99", setup)
            add("— /hub/health latency during the burst, p99 (a new connection every 50 ms); direct = idle", jh99, ch99, med(sb + "/hub/health latency idle, p99", setup),
                "classhub/JH %s" % rtxt(ratio(ch99, jh99), "%.3f×") if jh99 else "", "≤ 100 ms")
            add("— /hub/health latency during the burst, max", med(sb + "/hub/health latency during the burst, max", "jupyterhub") if jr else None,
                med(sb + "/hub/health latency during the burst, max", setup), None, "", "")

    lines = ["# classhub vs JupyterHub 3 + configurable-http-proxy — %s on %s" % (meta["date"], meta["host"]), "",
             "Command: `%s`  " % meta["command"],
             "Machine: %s cores, %s; load average at start %s, at end %s.  " % (meta["cpus"], meta["kernel"], meta["load_start"], meta["load_end"]),
             "Versions: %s.  " % meta["versions"],
             "Each cell: median (min–max) of %d repetitions (cold start: %d runs); ⚠noisy = the CPUs were ≥ %.0f%% busy in the second before a repetition began (the harness waited up to %ss for a quiet machine, then went on). Every repetition's CPU use and load averages are in the JSON." % (meta.get("reps", REPS), COLD_RUNS, meta.get("quiet_cpu_pct", QUIET_CPU), int(meta.get("quiet_timeout_s", QUIET_TIMEOUT))),
             "",
             "| metric | JupyterHub + CHP | classhub | ratio | direct (no proxy) | target |",
             "| --- | --- | --- | --- | --- | --- |"]
    for row in rows:
        lines.append("| " + " | ".join(row) + " |")
    lines += ["", "Notes:", "",
              "- Debian's configurable-http-proxy is 4.5.3, which has no upstream keep-alive (added in CHP 4.6): every proxied request opens a new connection to the backend. The target is against what Debian ships.",
              "- JupyterHub + CHP forwards /user/NAME/ with no check at all (the single-user server checks auth); classhub checks the caller's token on every proxied request (from memory). The classhub figures include that check.",
              "- \"direct\" is the same nginx config (1 worker, keep-alive) without a proxy, measured interleaved with each system's repetitions; the table's direct column is the classhub phase's. The reference row is nginx itself as the reverse proxy (2 workers, keep-alive to the same upstream), interleaved the same way: the proxy every classhub figure should be read against. The second reference row is `tools/YarpForwarder`: Kestrel + YARP's forwarder + SocketsHttpHandler published and run with classhub's runtime settings (Native AOT, inline socket continuations, the same handler and request settings) and nothing of the hub, measured in the classhub phase: what the stack classhub is built on reaches here, so classhub − YARP alone is what the hub itself adds.",
              "- Latency \"at the same offered load\": every target gets the same %d connections, each pausing %.0f ms after every response (wrk's delay(); about %d req/s in all, a load every target but CHP can carry), so p99 compares the time a request spends in each proxy, not how long a queue forms when each is driven to its own maximum (the saturation rows)." % (CONNS, 1000.0 * CONNS / RATE, RATE),
              "- Login: JupyterHub's DummyAuthenticator (no password hashing at all) vs classhub's local authenticator with a user added under CLASSHUB_BENCH_PASSWORD_ITERATIONS=1 (a benchmark-only setting read by `classhub user add` only), CSRF cookie + field included. Both answer 302 with a new session cookie.",
              "- Spawn burst: JupyterHub's LocalProcessSpawner and classhub's local-process spawner, both as root starting servers as the same pre-created Unix users; \"own start-up\" starts the same %d servers directly with setpriv, no hub. The two hubs take turns repetition by repetition (own start-up, JupyterHub burst, own start-up, classhub burst, ...), both running throughout, so machine drift hits both alike." % SERVERS,
              "- RSS: VmRSS of the hub process (+ the CHP node process for JupyterHub), from /proc/PID/status, median of 3 samples 0.3 s apart. Per-WebSocket cost = (proxy process RSS while %d sockets are open − before) / sockets opened; the proxy process is CHP for JupyterHub (its hub is not on the WebSocket path) and the one classhub process. Sampled twice in the %d s hold: ~%.0f s after the last socket opened (the only sample before 2026-12-03 15:00) and ~%.0f s after, the steady state the target is read against; classhub gives back its handshakes' garbage in between, once traffic is light (`QuietCompaction`)." % (WS_COUNT, WS_SECONDS, WS_SECONDS / 2.0 - 1.8, WS_SECONDS - 3.0),
              "- CPU per request = (utime+stime of the proxy process during the wrk run) / requests served: unlike req/s it hardly depends on what else the machine is doing.",
              "- Sign-in burst: %d Unix accounts with their own passwords (set with chpasswd: yescrypt, Debian's default), all students released at once from 127.0.0.1 (one address, as a school behind NAT), one thread and a new connection per request. Every fifth student first sends a wrong password (every tenth twice) and retypes for %.0f s; a refused right password (429/503) waits its Retry-After and tries again (given up after %d s). \"Class in\": seconds from the release until a student's right password was answered with the 302 and a session. The PAM rows compare like with like: JupyterHub 3's PAMAuthenticator and classhub's \"pam\" method, both with PAM service \"%s\" (JupyterHub's default) over the same /etc/shadow hashes; JupyterHub runs PAM on a one-thread executor and keeps pam_faildelay's 3 s after a wrong password, classhub runs PAM on its KDF threads (one per CPU) with PAM's fail delay off (its own limits throttle failures). DummyAuthenticator (the login row's) checks no password, so a burst would measure nothing; SharedPasswordAuthenticator is JupyterHub 5. The \"own passwords\" rows are classhub's default (local passwords, PBKDF2-SHA256 with 600,000 iterations), which JupyterHub 3 has no counterpart for. /hub/health is probed from a separate process every 50 ms on a new connection through each system's public port (CHP for JupyterHub); \"direct\" is the same probe for 5 s before the burst." % (SIGNIN_STUDENTS, SIGNIN_THINK, SIGNIN_GIVE_UP, SIGNIN_PAM_SERVICE)]
    return "\n".join(lines) + "\n"


def versions():
    def out(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip().splitlines()[0]
        except Exception:  # noqa: BLE001 - a version string is informational only
            return "?"
    chp = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "node-configurable-http-proxy"], capture_output=True, text=True).stdout
    jh = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "jupyterhub"], capture_output=True, text=True).stdout
    return "JupyterHub %s (Debian), configurable-http-proxy %s (Debian), node %s, nginx %s, %s" % (
        jh, chp, out(["node", "--version"]), subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip().split("/")[-1], out(["wrk", "--version"]).split(" Copyright")[0])


def merge(files):
    """BENCH_MERGE=a.json,b.json: one report from several runs; a later file's figures replace the same metric+system."""
    meta, merged = None, {}
    for path in files:
        with open(path) as f:
            data = json.load(f)
        meta = meta or data["meta"]
        meta.setdefault("merged", []).append({"file": os.path.basename(path), "command": data["meta"]["command"], "time": data["meta"]["time"]})
        for r in data["results"]:
            merged[(r["metric"], r["system"])] = dict(r, source=os.path.basename(path))
    RESULTS.extend(merged.values())
    meta["command"] = " + ".join(m["command"] for m in meta["merged"])
    return meta


def main():
    if os.environ.get("BENCH_MERGE"):
        meta = merge(os.environ["BENCH_MERGE"].split(","))
        stem = os.path.join(HERE, "results", "%s-%s%s" % (meta["date"], meta["host"], os.environ.get("BENCH_SUFFIX", "")))
        with open(stem + ".json", "w") as f:
            json.dump({"meta": meta, "results": RESULTS}, f, indent=1)
        md = report(meta)
        with open(stem + ".md", "w") as f:
            f.write(md)
        print(md)
        return
    meta = {"date": time.strftime("%Y-%m-%d"), "time": time.strftime("%H:%M:%S"), "host": socket.gethostname(), "cpus": os.cpu_count(),
            "kernel": os.uname().release, "load_start": loadavg(), "command": os.environ.get("BENCH_COMMAND", "bench/run.sh"),
            "versions": versions(), "reps": REPS, "quiet_cpu_pct": QUIET_CPU, "quiet_timeout_s": QUIET_TIMEOUT,
            "systems": SYSTEMS, "only": sorted(ONLY)}
    log("work dir %s; %s" % (WORK, meta["versions"]))
    ensure_unix_users()
    kill_bench_servers()
    # the no-proxy baseline: the same nginx config, started directly
    dport = free_port()
    direct = subprocess.Popen([BACKEND, "--ip=127.0.0.1", "--port=%d" % dport], env=dict(os.environ, JUPYTERHUB_USER="webdirect"), start_new_session=True)
    try:
        direct_url = "http://127.0.0.1:%d/user/%s/small.html" % (dport, WEB_USER)
        wait_http(direct_url)
        references = [ReferenceProxy(dport)]
        try:
            if want("proxy") and YarpForwarder.phase in SYSTEMS:
                references.append(YarpForwarder(dport))
            classes = [{"jupyterhub": JupyterHubCHP, "classhub": ClassHub}[s] for s in SYSTEMS]
            for cls in classes:
                run_system(cls, direct_url, direct.pid, references)
            if want("spawn"):
                measure_spawn_bursts(classes)
            if want("signin"):
                measure_signin(classes)
        finally:
            for reference in references:
                reference.stop()
    finally:
        stop(direct)
    meta["load_end"] = loadavg()
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    stem = os.path.join(HERE, "results", "%s-%s%s" % (meta["date"], meta["host"], os.environ.get("BENCH_SUFFIX", "")))
    with open(stem + ".json", "w") as f:
        json.dump({"meta": meta, "results": RESULTS}, f, indent=1)
    md = report(meta)
    with open(stem + ".md", "w") as f:
        f.write(md)
    print(md)
    log("wrote %s.json and %s.md" % (stem, stem))
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
