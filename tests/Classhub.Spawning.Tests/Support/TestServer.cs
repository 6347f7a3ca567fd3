namespace Classhub.Spawning.Tests.Support;

/// <summary>
/// A real little HTTP server standing in for jupyterhub-singleuser: takes <c>--ip=</c>/<c>--port=</c>, prints its
/// environment to stdout and a marker to stderr, writes a file to $HOME when TEST_WRITE_HOME=1, and behaves as
/// TEST_MODE says (serve, exit3, ignore-term, grandchild). Lives in a world-readable temp folder so any Unix user
/// can run it; the folder also holds a root-only folder for logs.
/// </summary>
internal sealed class TestServer : IDisposable
{
    private const string Script = """
        import http.server, json, os, signal, subprocess, sys
        ip, port = None, None
        for a in sys.argv[1:]:
            if a.startswith("--ip="):
                ip = a[5:]
            elif a.startswith("--port="):
                port = int(a[7:])
        mode = os.environ.get("TEST_MODE", "serve")
        print("env " + json.dumps(dict(os.environ), sort_keys=True), flush=True)
        print("stderr-marker", file=sys.stderr, flush=True)
        if os.environ.get("TEST_WRITE_HOME") == "1":
            with open(os.path.join(os.environ["HOME"], "server-was-here"), "w") as f:
                f.write(str(os.getpid()))
        if mode == "exit3":
            sys.exit(3)
        if mode == "ignore-term":
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if mode == "grandchild":
            child = subprocess.Popen(["/bin/sleep", "1000"])
            print("grandchild " + str(child.pid), flush=True)

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = ("hello from " + os.environ.get("USER", "?")).encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        http.server.HTTPServer((ip, port), Handler).serve_forever()
        """;

    public TestServer()
    {
        Folder = Directory.CreateTempSubdirectory("chs-").FullName;
        File.SetUnixFileMode(Folder, (UnixFileMode)0b111_101_101);
        ScriptPath = Path.Combine(Folder, "server.py");
        File.WriteAllText(ScriptPath, Script);
        File.SetUnixFileMode(ScriptPath, (UnixFileMode)0b110_100_100);
        LogFolder = Path.Combine(Folder, "logs");
        Directory.CreateDirectory(LogFolder, (UnixFileMode)0b111_000_000);
    }

    public string Folder { get; }

    public string ScriptPath { get; }

    public string LogFolder { get; }

    public string LogPath(string user) => Path.Combine(LogFolder, user + ".log");

    public IReadOnlyList<string> Command => ["/usr/bin/python3", ScriptPath];

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
