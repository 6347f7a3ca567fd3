using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace Classhub.Proxy.Forwarding.Tests;

/// <summary>The WebSocket hand-off from Kestrel's HTTP layer, on the real fronts of <see cref="UserServerForwarderTests.Servers"/>.</summary>
public sealed class ConnectionHandoffTests : IClassFixture<UserServerForwarderTests.Servers>
{
    private readonly UserServerForwarderTests.Servers _servers;

    public ConnectionHandoffTests(UserServerForwarderTests.Servers servers) => _servers = servers;

    [Theory]
    [InlineData("handoff")]
    [InlineData("tls")]
    [InlineData("without handoff")]
    public async Task WebSocket_RoundTripsOnEveryFront(string front)
    {
        using var socket = WebSocketFor(front);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        await socket.ConnectAsync(Url(front, "/user/alice/api/kernels/r1/channels"), timeout.Token);
        var hello = await ReceiveText(socket, timeout.Token);
        await socket.SendAsync("{\"msg_type\":\"execute_request\"}"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
        var echo = await ReceiveText(socket, timeout.Token);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);

        Assert.Equal("cookie=_xsrf=x1 path=/user/alice/api/kernels/r1/channels", hello);
        Assert.Equal("{\"msg_type\":\"execute_request\"}", echo);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
    }

    [Theory]
    [InlineData("handoff", true)]
    [InlineData("tls", true)]
    [InlineData("without handoff", false)] // why the hand-off exists: Kestrel keeps an upgraded request's HTTP layer for the socket's life
    public async Task WebSocket_OpenSocket_KeepsTheHttpLayerOnlyWithoutTheHandoff(string front, bool released)
    {
        using var socket = WebSocketFor(front);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync(Url(front, "/user/alice/api/kernels/held/channels"), timeout.Token);
        await ReceiveText(socket, timeout.Token);
        Assert.True(_servers.HttpLayers.TryDequeue(out var httpLayer));

        for (var i = 0; i < 20 && httpLayer.IsAlive; i++)
        {
            await Task.Delay(100, timeout.Token); // the HTTP layer ends asynchronously after the hand-off
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        await socket.SendAsync("still there"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
        Assert.Equal("still there", await ReceiveText(socket, timeout.Token));
        Assert.Equal(released, !httpLayer.IsAlive);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task StoppingTheFront_ClosesOpenWebSocketsAtOnce(bool handoff)
    {
        await using var front = await _servers.StartForwardingFrontAsync(handoff);
        using var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await socket.ConnectAsync(new UriBuilder(front.Urls.Single()) { Scheme = "ws", Path = "/user/alice/api/kernels/s1/channels" }.Uri, timeout.Token);
        await ReceiveText(socket, timeout.Token);

        var stopping = System.Diagnostics.Stopwatch.StartNew();
        await front.StopAsync(timeout.Token); // the host waits up to 30 s for connections that stay open
        var ended = await Record.ExceptionAsync(() => socket.ReceiveAsync(new byte[64], timeout.Token));

        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(10), $"stopped after {stopping.Elapsed}");
        Assert.IsType<WebSocketException>(ended);
    }

    [Fact]
    public async Task RefusedWebSocket_TheConnectionGoesOnServingRequests()
    {
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1, UseCookies = false });
        using var upgrade = new HttpRequestMessage(HttpMethod.Get, _servers.Front + "user/alice/api/kernels/gone/channels");
        upgrade.Headers.TryAddWithoutValidation("Connection", "Upgrade");
        upgrade.Headers.TryAddWithoutValidation("Upgrade", "websocket");
        upgrade.Headers.TryAddWithoutValidation("Sec-WebSocket-Version", "13");
        upgrade.Headers.TryAddWithoutValidation("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");

        using var refused = await client.SendAsync(upgrade);
        var refusal = await refused.Content.ReadAsStringAsync();
        var next = await client.GetStringAsync(_servers.Front + "user/alice/tree?after=refusal");

        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal("no kernel gone", refusal);
        Assert.Contains("query=%3Fafter%3Drefusal", next, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SilentConnection_IsServedWhenItSpeaksAfterThePeekGaveUp()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _servers.Front.Port);
        var stream = tcp.GetStream();

        await Task.Delay(TimeSpan.FromSeconds(5.5)); // longer than the hand-off waits for a first request
        await stream.WriteAsync("GET /user/alice/tree HTTP/1.1\r\nHost: hub.example.edu\r\nConnection: close\r\n\r\n"u8.ToArray());
        using var reader = new StreamReader(stream, Encoding.Latin1);
        var response = await reader.ReadToEndAsync();

        Assert.StartsWith("HTTP/1.1 200 ", response, StringComparison.Ordinal);
        Assert.Contains("host=hub.example.edu", response, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nUpgrade: websocket\r\n", true)]
    [InlineData("GET / HTTP/1.1\r\nUpgrade: WebSocket\r\n", true)]
    [InlineData("GET / HTTP/1.1\r\nUpgrade: websock", false)]
    public void ContainsIgnoringCase_FindsTheWordInAnyCase(string head, bool found) =>
        Assert.Equal(found, ConnectionHandoff.ContainsIgnoringCase(Encoding.ASCII.GetBytes(head), "websocket"u8));

    private Uri Url(string front, string path)
    {
        var (origin, scheme) = front switch
        {
            "handoff" => (_servers.Front, "ws"),
            "tls" => (_servers.FrontTls, "wss"),
            _ => (_servers.FrontWithoutHandoff, "ws"),
        };
        return new UriBuilder(origin) { Scheme = scheme, Path = path }.Uri;
    }

    private static ClientWebSocket WebSocketFor(string front)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Cookie", "classhub-session=hub-secret-value; _xsrf=x1");
        if (front == "tls")
        {
            socket.Options.RemoteCertificateValidationCallback = (_, _, _, _) => true; // the fixture's own self-signed certificate
        }

        return socket;
    }

    private static async Task<string> ReceiveText(WebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        var result = await socket.ReceiveAsync(buffer, cancellationToken);
        Assert.True(result.EndOfMessage);
        return Encoding.UTF8.GetString(buffer, 0, result.Count);
    }
}
