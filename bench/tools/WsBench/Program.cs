// wsbench: the WebSocket side of bench/.
//   wsbench echo --port=N [--ip=A]        a WebSocket echo server (any path); plain GETs answer 200 "ok"
//   wsbench hold --count=N --seconds=S --url=ws://... [--url=...] [--header="Name: value"]
//       opens N WebSockets round-robin over the URLs, prints "opened K" when all attempts are done, then
//       sends one small message per socket per second for S seconds and expects each echoed back;
//       prints one JSON line: {"requested":N,"opened":K,"alive":A,"errors":{...}}.
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;

var mode = args.Length > 0 ? args[0] : "";
string Arg(string name, string fallback) => args.Where(a => a.StartsWith($"--{name}=", StringComparison.Ordinal)).Select(a => a[(name.Length + 3)..]).LastOrDefault() ?? Next(name) ?? fallback;
string? Next(string name) { var i = Array.IndexOf(args, $"--{name}"); return i >= 0 && i + 1 < args.Length ? args[i + 1] : null; }
List<string> All(string name) => args.Where(a => a.StartsWith($"--{name}=", StringComparison.Ordinal)).Select(a => a[(name.Length + 3)..]).ToList();

if (mode == "echo")
{
    var port = int.Parse(Arg("port", "0"));
    var ip = Arg("ip", "127.0.0.1");
    if (ip is "" or "0.0.0.0" or "localhost") { ip = "127.0.0.1"; }
    var builder = WebApplication.CreateSlimBuilder();
    builder.Logging.ClearProviders();
    builder.WebHost.ConfigureKestrel(k => { k.Listen(System.Net.IPAddress.Parse(ip), port); k.Limits.MaxConcurrentConnections = null; k.Limits.MaxConcurrentUpgradedConnections = null; });
    var app = builder.Build();
    app.UseWebSockets();
    app.Run(async context =>
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await context.Response.WriteAsync("ok");
            return;
        }

        using var ws = await context.WebSockets.AcceptWebSocketAsync();
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var r = await ws.ReceiveAsync(buffer, CancellationToken.None);
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    return;
                }

                await ws.SendAsync(buffer.AsMemory(0, r.Count), r.MessageType, r.EndOfMessage, CancellationToken.None);
            }
        }
        catch (Exception) when (!context.RequestAborted.IsCancellationRequested)
        {
        }
        catch (OperationCanceledException)
        {
        }
    });
    await app.RunAsync();
    return 0;
}

if (mode == "hold")
{
    var count = int.Parse(Arg("count", "1000"));
    var seconds = int.Parse(Arg("seconds", "10"));
    var urls = All("url").Select(u => new Uri(u)).ToList();
    var headers = All("header").Select(h => (h[..h.IndexOf(':')].Trim(), h[(h.IndexOf(':') + 1)..].Trim())).ToList();
    var errors = new ConcurrentDictionary<string, int>();
    void Error(Exception e) => errors.AddOrUpdate(e.GetType().Name + ": " + (e.InnerException?.Message ?? e.Message), 1, (_, n) => n + 1);
    var sockets = new ClientWebSocket?[count];
    using var gate = new SemaphoreSlim(64);
    var invoker = new HttpMessageInvoker(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = int.MaxValue, PooledConnectionLifetime = TimeSpan.Zero });
    await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
    {
        await gate.WaitAsync();
        try
        {
            var ws = new ClientWebSocket();
            foreach (var (n, v) in headers) { ws.Options.SetRequestHeader(n, v); }
            ws.Options.KeepAliveInterval = TimeSpan.Zero;
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await ws.ConnectAsync(urls[i % urls.Count], cts.Token);
            sockets[i] = ws;
        }
        catch (Exception e) { Error(e); }
        finally { gate.Release(); }
    }));
    var opened = sockets.Count(s => s is not null);
    Console.WriteLine($"opened {opened}");
    Console.Out.Flush();
    var alive = new bool[count];
    for (var i = 0; i < count; i++) { alive[i] = sockets[i] is not null; }
    var payload = Encoding.UTF8.GetBytes("ping-classhub-bench");
    var end = DateTime.UtcNow.AddSeconds(seconds);
    do
    {
        var round = DateTime.UtcNow;
        await Task.WhenAll(Enumerable.Range(0, count).Where(i => alive[i]).Select(async i =>
        {
            var ws = sockets[i]!;
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await ws.SendAsync(payload, WebSocketMessageType.Text, true, cts.Token);
                var buf = new byte[64];
                var r = await ws.ReceiveAsync(buf, cts.Token);
                if (r.Count != payload.Length) { throw new InvalidDataException("echo mismatch"); }
            }
            catch (Exception e) { alive[i] = false; Error(e); }
        }));
        var wait = TimeSpan.FromSeconds(1) - (DateTime.UtcNow - round);
        if (wait > TimeSpan.Zero) { await Task.Delay(wait); }
    }
    while (DateTime.UtcNow < end);
    var aliveCount = alive.Count(a => a);
    var err = string.Join(",", errors.Select(kv => $"\"{kv.Key.Replace("\\", "/").Replace("\"", "'")}\":{kv.Value}"));
    Console.WriteLine($"{{\"requested\":{count},\"opened\":{opened},\"alive\":{aliveCount},\"errors\":{{{err}}}}}");
    foreach (var s in sockets)
    {
        try { s?.Abort(); } catch (Exception) { }
    }

    return 0;
}

Console.Error.WriteLine("usage: wsbench echo --port=N | wsbench hold --count=N --seconds=S --url=ws://...");
return 2;
