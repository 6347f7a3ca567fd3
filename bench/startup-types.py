#!/usr/bin/env python3
"""Writes src/Classhub/startup.rd.xml: the generic types and array types the dependency-injection container makes at
run time while classhub starts and serves its first pages (Logger<T>, OptionsFactory<T>, IConfigureOptions<T>[] for
an IEnumerable<...>, ...), so that ILC compiles them ahead of time. Why: an instantiation the compiler did not see is
built by Native AOT's type loader at run time, which was ~23% of a cold start's CPU (perf, 12 starts); rooted, the
lookup finds the compiled type (bench/README.md, "start-up types"). Only the framework's types are listed: ILC stops
with "Failed to load type" on a name it cannot find, and a rename in our own code must not break the publish.

Usage: python3 bench/startup-types.py, then ./build.sh publish. It runs the JIT build of classhub (dotnet build) with
bench/tools/StartupTypesHook as a startup hook, which records the container's call sites. Run it again after changing
what the hub registers or resolves at start (a stale list only loses some of its effect), and when a framework update
makes the publish stop with "Failed to load type"."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import HERE, ROOT, free_port, http, wait_http  # noqa: E402

OUT = os.path.join(ROOT, "src", "Classhub", "startup.rd.xml")
FIRST_PAGES = ("/hub/login", "/hub/home", "/hub/api/")


def build(work):
    """The JIT build of classhub, with event sources and startup hooks turned back on in its runtimeconfig."""
    subprocess.run(["dotnet", "build", os.path.join(ROOT, "src", "Classhub"), "-c", "Release", "-v", "q", "-nologo"], check=True)
    app = os.path.join(work, "app")
    shutil.copytree(os.path.join(ROOT, "src", "Classhub", "bin", "Release", "net10.0"), app)
    config_path = os.path.join(app, "classhub.runtimeconfig.json")
    with open(config_path) as f:
        config = json.load(f)
    config["runtimeOptions"]["configProperties"].update({"System.Diagnostics.Tracing.EventSource.IsSupported": True,
                                                         "System.StartupHookProvider.IsSupported": True})
    with open(config_path, "w") as f:
        json.dump(config, f)
    hook = os.path.join(work, "hook")
    subprocess.run(["dotnet", "build", os.path.join(HERE, "tools", "StartupTypesHook"), "-c", "Release", "-v", "q", "-nologo", "-o", hook], check=True)
    return os.path.join(app, "classhub"), os.path.join(hook, "StartupTypesHook.dll")


def record(binary, hook, work):
    """Starts the hub, serves the first pages, stops it; returns the hook's lines."""
    out = os.path.join(work, "types.txt")
    config = os.path.join(work, "classhub.json")
    with open(config, "w") as f:
        json.dump({"spawner": {"command": ["/bin/true"]}, "idle_timeout": 0}, f)
    base = "http://127.0.0.1:%d" % free_port()
    p = subprocess.Popen([binary, "serve", "--urls", base, "--data-dir", os.path.join(work, "state"), "--config", config],
                         stdout=subprocess.DEVNULL, env=dict(os.environ, DOTNET_STARTUP_HOOKS=hook, STARTUP_TYPES_OUT=out))
    try:
        wait_http(base + "/hub/health", proc=p)
        for path in FIRST_PAGES:
            http("GET", base + path)
    finally:
        p.send_signal(signal.SIGTERM)
        p.wait(30)
    with open(out) as f:
        return f.read().splitlines()


def parse(name, i=0):
    """'A`1[B,C`1[D]]' -> ('A`1', [('B', []), ('C`1', [('D', [])])])"""
    m = re.match(r"[^\[\],]+", name[i:])
    head, i = m.group(0).strip(), i + m.end()
    args = []
    if i < len(name) and name[i] == "[" and "`" in head:
        i += 1
        while True:
            arg, i = parse(name, i)
            args.append(arg)
            i += 1
            if name[i - 1] == "]":
                break
    return (head, args), i


def main():
    work = tempfile.mkdtemp(prefix="startup-types-")
    try:
        binary, hook = build(work)
        lines = record(binary, hook, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    assembly = dict(line[2:].split("\t") for line in lines if line.startswith("T "))
    unknown = sorted(n for n, a in assembly.items() if a == "?")
    if unknown:
        sys.exit("startup-types: no loaded assembly defines %s" % ", ".join(unknown))

    def text(tree, qualified):
        head, args = tree
        inner = head + ("[%s]" % ",".join("[%s]" % text(a, True) for a in args) if args else "")
        return inner + ("," + assembly[head] if qualified else "")

    def ours(tree):
        return assembly[tree[0]].startswith("Classhub") or any(ours(a) for a in tree[1])

    by_assembly = {}
    for line in lines:
        if line[:2] in ("G ", "A "):
            tree, _ = parse(line[2:])
            if ours(tree):
                continue  # ILC fails on a type it cannot find: a rename in our code must not break the publish
            by_assembly.setdefault(assembly[tree[0]], set()).add(text(tree, False) + ("[]" if line[0] == "A" else ""))
    xml = ['<?xml version="1.0" encoding="utf-8"?>',
           "<!-- Written by bench/startup-types.py: the types the DI container makes at run time while the hub starts. -->",
           '<Directives xmlns="http://schemas.microsoft.com/netfx/2013/01/metadata">', "  <Application>"]
    for name in sorted(by_assembly):
        xml.append('    <Assembly Name="%s">' % name)
        xml += ['      <Type Name="%s" Dynamic="Required All" />' % t for t in sorted(by_assembly[name])]
        xml.append("    </Assembly>")
    xml += ["  </Application>", "</Directives>"]
    with open(OUT + ".tmp", "w") as f:
        f.write("\n".join(xml) + "\n")
    os.replace(OUT + ".tmp", OUT)
    print("%s: %d types in %d assemblies" % (os.path.relpath(OUT, ROOT), sum(map(len, by_assembly.values())), len(by_assembly)))


main()
