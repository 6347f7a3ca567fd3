using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Classhub.Proxy.Forwarding.Tests;

/// <summary>
/// Real Kestrel on both sides: a "user server" that reports what it received and echoes WebSocket messages, and a
/// front app that forwards every request to it through <see cref="UserServerForwarder"/>.
/// </summary>
public sealed class UserServerForwarderTests : IClassFixture<UserServerForwarderTests.Servers>
{
    private const string HubCookiePrefix = "classhub-";
    private readonly Servers _servers;

    public UserServerForwarderTests(Servers servers) => _servers = servers;

    [Fact]
    public async Task ForwardAsync_PostWithBody_ReachesServerWithPathQueryAndBody()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _servers.Front + "user/alice/api/contents?type=notebook")
        {
            Content = new StringContent("{\"name\":\"Untitled.ipynb\"}", Encoding.UTF8, "application/json"),
        };

        var seen = await _servers.SendAsync(request);

        Assert.Equal("POST", seen["method"]);
        Assert.Equal("/user/alice/api/contents", seen["path"]);
        Assert.Equal("?type=notebook", seen["query"]);
        Assert.Equal("{\"name\":\"Untitled.ipynb\"}", seen["body"]);
    }

    [Fact]
    public async Task ForwardAsync_BrowserHost_IsPreserved()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _servers.Front + "user/alice/tree");
        request.Headers.Host = "hub.example.edu";

        var seen = await _servers.SendAsync(request);

        Assert.Equal("hub.example.edu", seen["host"]);
        Assert.Equal("hub.example.edu", seen["x-forwarded-host"]);
    }

    [Fact]
    public async Task ForwardAsync_HubSessionCookie_IsStrippedAndOtherCookiesPass()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _servers.Front + "user/alice/tree");
        request.Headers.TryAddWithoutValidation("Cookie", "_xsrf=2|abc; classhub-session=hub-secret-value; jupyterhub-user-alice=ok");

        var seen = await _servers.SendAsync(request);

        Assert.Equal("_xsrf=2|abc; jupyterhub-user-alice=ok", seen["cookie"]);
        Assert.DoesNotContain("hub-secret-value", seen["cookie"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForwardAsync_OnlyHubCookie_SendsNoCookieHeader()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _servers.Front + "user/alice/tree");
        request.Headers.TryAddWithoutValidation("Cookie", "classhub-session=hub-secret-value");

        var seen = await _servers.SendAsync(request);

        Assert.Equal("", seen["cookie"]);
    }

    [Theory]
    [InlineData("?token=hub-secret-value", "")]
    [InlineData("?a=1&token=hub-secret-value&b=2", "?a=1&b=2")]
    [InlineData("?TOKEN=hub-secret-value&a=1", "?a=1")]
    [InlineData("?%74oken=hub-secret-value&a=1", "?a=1")]
    [InlineData("?a=1&to%6Ben=hub-secret-value", "?a=1")]
    [InlineData("?token&a=token", "?a=token")]
    [InlineData("?tokens=1&my_token=2", "?tokens=1&my_token=2")]
    public async Task ForwardAsync_TokenQueryParameter_NeverReachesTheServer(string query, string expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _servers.Front + "user/alice/api/contents" + query);

        var seen = await _servers.SendAsync(request);

        Assert.Equal(expected, seen["query"]);
        Assert.Equal("/user/alice/api/contents", seen["path"]);
    }

    [Fact]
    public async Task ForwardAsync_HubCredentials_AuthorizationEveryHubCookieAndTheCsrfHeader_AreStripped()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _servers.Front + "user/alice/api/contents?type=notebook")
        {
            Content = new StringContent("{}", Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "token hub-secret-value");
        request.Headers.TryAddWithoutValidation("X-CSRF-Token", "hub-csrf-value");
        request.Headers.TryAddWithoutValidation("Cookie", "_xsrf=2|abc; classhub-csrf=hub-csrf-value; CLASSHUB-Session=hub-secret-value; classhub-anything=x; jupyterhub-user-alice=ok");

        var seen = await _servers.SendAsync(request);

        Assert.Equal("", seen["authorization"]);
        Assert.Equal("", seen["x-csrf-token"]);
        Assert.Equal("_xsrf=2|abc; jupyterhub-user-alice=ok", seen["cookie"]);
        Assert.Equal("?type=notebook", seen["query"]);
        Assert.Equal("{}", seen["body"]);
    }

    [Fact]
    public async Task ForwardAsync_WebSocket_HubCredentialsAreStrippedFromTheHandshake()
    {
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Cookie", "classhub-csrf=hub-csrf-value; _xsrf=x9; classhub-session=hub-secret-value");
        socket.Options.SetRequestHeader("Authorization", "token hub-secret-value");
        var front = new UriBuilder(_servers.Front) { Scheme = "ws", Path = "/user/alice/api/kernels/k9/creds", Query = "session_id=s1&token=hub-secret-value" }.Uri;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        await socket.ConnectAsync(front, timeout.Token);
        var hello = await ReceiveText(socket, timeout.Token);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);

        Assert.Equal("authorization= query=?session_id=s1 cookie=_xsrf=x9", hello);
    }

    [Fact]
    public async Task ForwardAsync_CallerOwnsTheServer_TheirTokenPasses_HubCookiesStillDoNot()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _servers.Front + "owner/user/alice/api/status?token=alices-own");
        request.Headers.TryAddWithoutValidation("Authorization", "token alices-own");
        request.Headers.TryAddWithoutValidation("Cookie", "classhub-session=hub-secret-value; _xsrf=x");

        var seen = await _servers.SendAsync(request);

        Assert.Equal("token alices-own", seen["authorization"]);
        Assert.Equal("?token=alices-own", seen["query"]);
        Assert.Equal("_xsrf=x", seen["cookie"]);
    }

    [Fact]
    public async Task ForwardAsync_SpoofedForwardedHeaders_AreReplacedWithTheRealClient()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _servers.Front + "user/alice/tree");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "203.0.113.9");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "https");

        var seen = await _servers.SendAsync(request);

        Assert.Equal("127.0.0.1", seen["x-forwarded-for"]);
        Assert.Equal("http", seen["x-forwarded-proto"]);
    }

    [Fact]
    public async Task ForwardAsync_WebSocket_MessageRoundTripsWithoutHubCookie()
    {
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Cookie", "classhub-session=hub-secret-value; _xsrf=x1");
        var front = new UriBuilder(_servers.Front) { Scheme = "ws", Path = "/user/alice/api/kernels/k1/channels" }.Uri;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        await socket.ConnectAsync(front, timeout.Token);
        var hello = await ReceiveText(socket, timeout.Token);
        await socket.SendAsync(Encoding.UTF8.GetBytes("{\"msg_type\":\"kernel_info_request\"}"), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
        var echo = await ReceiveText(socket, timeout.Token);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);

        Assert.Equal("cookie=_xsrf=x1 path=/user/alice/api/kernels/k1/channels", hello);
        Assert.Equal("{\"msg_type\":\"kernel_info_request\"}", echo);
    }

    [Fact]
    public async Task ForwardAsync_WebSocketOverHttp2_MessageRoundTripsAsAnHttp11UpgradeToTheServer()
    {
        using var socket = Http2WebSocket();
        socket.Options.SetRequestHeader("Cookie", "classhub-session=hub-secret-value; _xsrf=x2");
        using var invoker = new HttpMessageInvoker(new SocketsHttpHandler());
        var front = new UriBuilder(_servers.FrontHttp2) { Scheme = "ws", Path = "/user/alice/api/kernels/k2/channels" }.Uri;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        await socket.ConnectAsync(front, invoker, timeout.Token);
        var hello = await ReceiveText(socket, timeout.Token);
        await socket.SendAsync(Encoding.UTF8.GetBytes("over h2"), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
        var echo = await ReceiveText(socket, timeout.Token);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);

        Assert.Equal(HttpStatusCode.OK, socket.HttpStatusCode); // RFC 8441: 200, not 101
        Assert.Equal("cookie=_xsrf=x2 path=/user/alice/api/kernels/k2/channels", hello);
        Assert.Equal("over h2", echo);
    }

    [Fact]
    public async Task ForwardAsync_WebSocketOverHttp2RefusedByServer_PassesItsStatus()
    {
        using var socket = Http2WebSocket();
        using var invoker = new HttpMessageInvoker(new SocketsHttpHandler());
        var front = new UriBuilder(_servers.FrontHttp2) { Scheme = "ws", Path = "/user/alice/api/kernels/gone/channels" }.Uri;

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(front, invoker, CancellationToken.None));

        Assert.Equal(HttpStatusCode.NotFound, socket.HttpStatusCode);
    }

    [Fact]
    public async Task ForwardAsync_ServerClosesTheWebSocket_TheBrowserGetsItsCloseFrame()
    {
        using var socket = new ClientWebSocket();
        var front = new UriBuilder(_servers.Front) { Scheme = "ws", Path = "/user/alice/api/kernels/k3/bye" }.Uri;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        await socket.ConnectAsync(front, timeout.Token);
        var result = await socket.ReceiveAsync(new byte[64], timeout.Token);

        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, socket.CloseStatus);
        Assert.Equal("kernel shut down", socket.CloseStatusDescription);
    }

    [Fact]
    public async Task ForwardAsync_BrowserVanishes_TheServersSocketEndsToo()
    {
        var socket = new ClientWebSocket();
        var front = new UriBuilder(_servers.Front) { Scheme = "ws", Path = "/user/alice/api/kernels/k4/watched" }.Uri;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync(front, timeout.Token);
        Assert.Equal("hello", await ReceiveText(socket, timeout.Token));

        socket.Abort(); // a tablet closing its lid: the connection just goes
        socket.Dispose();
        var ended = await _servers.WatchedSocketEnded.Task.WaitAsync(timeout.Token);

        Assert.Equal(nameof(WebSocketError.ConnectionClosedPrematurely), ended);
    }

    [Fact]
    public async Task ForwardAsync_WebSocket_ProbesTheBrowsersConnectionWhenIdle()
    {
        var browserPort = 0;
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (connect, cancellationToken) =>
            {
                var tcp = new Socket(SocketType.Stream, ProtocolType.Tcp);
                await tcp.ConnectAsync(connect.DnsEndPoint, cancellationToken);
                browserPort = ((IPEndPoint)tcp.LocalEndPoint!).Port;
                return new NetworkStream(tcp, ownsSocket: true);
            },
        };
        using var invoker = new HttpMessageInvoker(handler);
        using var socket = new ClientWebSocket();
        var front = new UriBuilder(_servers.Front) { Scheme = "ws", Path = "/user/alice/api/kernels/k5/channels" }.Uri;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync(front, invoker, timeout.Token);
        await ReceiveText(socket, timeout.Token);

        // The hub's end of the browser's connection, in the kernel's table: timer 02 is TCP keep-alive (01, retransmit,
        // while the greeting's ACK is still on its way).
        var timer = "";
        for (var i = 0; i < 40 && !timer.StartsWith("02:", StringComparison.Ordinal); i++)
        {
            await Task.Delay(i == 0 ? 0 : 50, timeout.Token);
            timer = File.ReadLines("/proc/net/tcp").Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Single(f => f[1].EndsWith($":{_servers.Front.Port:X4}", StringComparison.Ordinal) && f[2].EndsWith($":{browserPort:X4}", StringComparison.Ordinal))[5];
        }

        Assert.StartsWith("02:", timer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForwardAsync_WebSocketRefusedByServer_PassesItsStatusAndBody()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _servers.Front + "user/alice/api/kernels/gone/channels");
        request.Headers.TryAddWithoutValidation("Connection", "Upgrade");
        request.Headers.TryAddWithoutValidation("Upgrade", "websocket");
        request.Headers.TryAddWithoutValidation("Sec-WebSocket-Version", "13");
        request.Headers.TryAddWithoutValidation("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");

        using var response = await _servers.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("no kernel gone", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ForwardAsync_WebSocketFramesSentWithThe101_ReachTheClientFirst()
    {
        using var socket = new ClientWebSocket();
        var front = new UriBuilder(_servers.Front) { Scheme = "ws", Path = "/raw/user/alice/api/events/subscribe" }.Uri;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        await socket.ConnectAsync(front, timeout.Token);
        var early = await ReceiveText(socket, timeout.Token);
        await socket.SendAsync(Encoding.UTF8.GetBytes("ping"), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
        var echoed = await _servers.RawServerReceived.Task.WaitAsync(timeout.Token);

        Assert.Equal("sent with the 101", early);
        Assert.Equal("ping", echoed);
        Assert.StartsWith("GET /user/alice/api/events/subscribe HTTP/1.1\r\nHost: ", _servers.RawServerRequestHead, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForwardAsync_WebSocketToServerNotListening_Answers502()
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        var front = new UriBuilder(_servers.Front) { Scheme = "ws", Path = "/dead/user/bob/api/kernels/k1/channels" }.Uri;

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(front, CancellationToken.None));

        Assert.Equal(HttpStatusCode.BadGateway, socket.HttpStatusCode);
        Assert.NotEqual(ForwarderError.None, _servers.LastDeadError);
    }

    [Theory]
    [InlineData("GET", "websocket", true, false, true)]
    [InlineData("GET", "WebSocket", true, false, true)]
    [InlineData("GET", "h2c", true, false, false)]
    [InlineData("POST", "websocket", true, false, false)]
    [InlineData("GET", "websocket", false, false, false)]
    [InlineData("CONNECT", "", false, true, true)]
    [InlineData("GET", "", false, false, false)]
    public void Takes_WebSocketUpgradeOrExtendedConnect_Only(string method, string upgrade, bool upgradable, bool extendedConnect, bool expected)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Headers.Upgrade = upgrade;
        context.Features.Set<IHttpUpgradeFeature>(new Upgrade(upgradable));
        context.Features.Set<IHttpExtendedConnectFeature>(new ExtendedConnect(extendedConnect));

        Assert.Equal(expected, WebSocketTunnel.Takes(context));
    }

    [Fact]
    public async Task ForwardAsync_ServerNotListening_Answers502()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _servers.Front + "dead/user/bob/tree");

        using var response = await _servers.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.NotEqual(ForwarderError.None, _servers.LastDeadError);
    }

    private sealed record Upgrade(bool IsUpgradableRequest) : IHttpUpgradeFeature
    {
        public Task<Stream> UpgradeAsync() => throw new InvalidOperationException("not used");
    }

    private sealed record ExtendedConnect(bool IsExtendedConnect) : IHttpExtendedConnectFeature
    {
        public string? Protocol => IsExtendedConnect ? "websocket" : null;

        public ValueTask<Stream> AcceptAsync() => throw new InvalidOperationException("not used");
    }

    /// <summary>A WebSocket client that speaks HTTP/2 only (h2c, prior knowledge), as the HTTP/2-only front expects.</summary>
    private static ClientWebSocket Http2WebSocket()
    {
        var socket = new ClientWebSocket();
        socket.Options.HttpVersion = HttpVersion.Version20;
        socket.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        socket.Options.CollectHttpResponseDetails = true;
        return socket;
    }

    private static async Task<string> ReceiveText(WebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        using var message = new MemoryStream();
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, cancellationToken);
            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);

        return Encoding.UTF8.GetString(message.ToArray());
    }

    /// <summary>The two Kestrel apps, started once for the class.</summary>
    public sealed class Servers : IAsyncLifetime
    {
        private WebApplication? _backend;
        private WebApplication? _front;
        private WebApplication? _frontWithoutHandoff;
        private WebApplication? _frontTls;
        private WebApplication? _frontHttp2;
        private UserServerForwarder? _forwarder;
        private TcpListener? _raw;
        private Uri _backendUri = null!;

        public Uri Front { get; private set; } = null!;

        public Uri FrontHttp2 { get; private set; } = null!;

        public Uri FrontWithoutHandoff { get; private set; } = null!;

        public Uri FrontTls { get; private set; } = null!;

        /// <summary>The HTTP layer (its feature collection) of each request to a path with <c>/held/</c>, weakly: whether it outlives the request.</summary>
        public System.Collections.Concurrent.ConcurrentQueue<WeakReference> HttpLayers { get; } = new();

        public HttpClient Client { get; } = new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false });

        public ForwarderError LastDeadError { get; private set; }

        /// <summary>The payload of the first frame the raw WebSocket server received.</summary>
        public TaskCompletionSource<string> RawServerReceived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string RawServerRequestHead { get; private set; } = "";

        /// <summary>How the server's end of the watched WebSocket ended.</summary>
        public TaskCompletionSource<string> WatchedSocketEnded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<Dictionary<string, string>> SendAsync(HttpRequestMessage request)
        {
            using var response = await Client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
            return text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split('=', 2))
                .ToDictionary(kv => kv[0], kv => Uri.UnescapeDataString(kv[1]), StringComparer.Ordinal);
        }

        public async Task InitializeAsync()
        {
            _backend = Quiet(WebApplication.CreateSlimBuilder());
            _backend.UseWebSockets();
            _backend.Run(Echo);
            await _backend.StartAsync();
            var backendUri = _backendUri = new Uri(_backend.Urls.Single());

            var deadUri = new Uri($"http://127.0.0.1:{UnusedPort()}/");
            _raw = new TcpListener(IPAddress.Loopback, 0);
            _raw.Start();
            var rawUri = new Uri($"http://127.0.0.1:{((IPEndPoint)_raw.LocalEndpoint).Port}/");
            _ = ServeRawWebSocketAsync(_raw);

            // The front as the hub listens: connections that may carry a WebSocket are handed off after the 101.
            _front = await StartFrontAsync(o => o.Use(ConnectionHandoff.Middleware), context => Forward(context, backendUri, deadUri, rawUri));
            _forwarder = new UserServerForwarder(_front.Services.GetRequiredService<IHttpForwarder>(), new ProxyOptions(HubCookiePrefix), Microsoft.Extensions.Logging.Abstractions.NullLogger<UserServerForwarder>.Instance);
            Front = new Uri(_front.Urls.Single());

            // The same forwarding without the hand-off: the tunnel relays on the HTTP layer's upgraded stream.
            _frontWithoutHandoff = await StartFrontAsync(_ => { }, context => Forward(context, backendUri, deadUri, rawUri));
            FrontWithoutHandoff = new Uri(_frontWithoutHandoff.Urls.Single());

            // Behind TLS, as on a real server: the hand-off sits inside it and sees HTTP.
            using var key = System.Security.Cryptography.RSA.Create(2048);
            var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=127.0.0.1", key, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
            var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            _frontTls = await StartFrontAsync(o => o.UseHttps(certificate).Use(ConnectionHandoff.Middleware), context => Forward(context, backendUri, deadUri, rawUri));
            FrontTls = new Uri(_frontTls.Urls.Single());

            // The same forwarding behind an HTTP/2-only listener (h2c): browsers over TLS send WebSockets as extended CONNECT.
            _frontHttp2 = await StartFrontAsync(o => o.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2, context => Forward(context, backendUri, deadUri, rawUri));
            FrontHttp2 = new Uri(_frontHttp2.Urls.Single());
        }

        /// <summary>One more front forwarding to the echo server, with or without the hand-off, for a test of its own to stop.</summary>
        public Task<WebApplication> StartForwardingFrontAsync(bool handoff) =>
            StartFrontAsync(handoff ? o => o.Use(ConnectionHandoff.Middleware) : _ => { }, async context => await _forwarder!.ForwardAsync(context, _backendUri));

        private static async Task<WebApplication> StartFrontAsync(Action<Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions> listen, RequestDelegate forward)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Services.AddHttpForwarder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen));
            var front = builder.Build();
            front.Run(forward);
            await front.StartAsync();
            return front;
        }

        private async Task Forward(HttpContext context, Uri backendUri, Uri deadUri, Uri rawUri)
        {
            if (context.Request.Path.StartsWithSegments("/dead", out var rest))
            {
                context.Request.Path = rest;
                LastDeadError = await _forwarder!.ForwardAsync(context, deadUri);
                return;
            }

            if (context.Request.Path.StartsWithSegments("/raw", out var rawRest))
            {
                context.Request.Path = rawRest;
                await _forwarder!.ForwardAsync(context, rawUri);
                return;
            }

            if (context.Request.Path.StartsWithSegments("/owner", out var ownerRest))
            {
                context.Request.Path = ownerRest;
                await _forwarder!.ForwardAsync(context, backendUri, callerOwnsServer: true);
                return;
            }

            if (context.Request.Path.Value!.Contains("/held/", StringComparison.Ordinal))
            {
                HttpLayers.Enqueue(new WeakReference(context.Features));
            }

            await _forwarder!.ForwardAsync(context, backendUri);
        }

        public async Task DisposeAsync()
        {
            Client.Dispose();
            if (_front is not null)
            {
                await _front.DisposeAsync();
            }

            foreach (var other in new[] { _frontWithoutHandoff, _frontTls, _frontHttp2 })
            {
                if (other is not null)
                {
                    await other.DisposeAsync();
                }
            }

            _forwarder?.Dispose();
            _raw?.Stop();
            if (_backend is not null)
            {
                await _backend.DisposeAsync();
            }
        }

        private static WebApplication Quiet(WebApplicationBuilder builder)
        {
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            return builder.Build();
        }

        /// <summary>Reports what arrived, one <c>key=escaped value</c> per line; WebSockets get a greeting, then an echo.</summary>
        private async Task Echo(HttpContext context)
        {
            var request = context.Request;
            if (context.WebSockets.IsWebSocketRequest && request.Path.Value!.Contains("/gone/", StringComparison.Ordinal))
            {
                // A refusal the way a single-user server answers one: a status and a body without a length (chunked).
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                await context.Response.WriteAsync("no kernel ");
                await context.Response.Body.FlushAsync();
                await context.Response.WriteAsync("gone");
                return;
            }

            if (context.WebSockets.IsWebSocketRequest && request.Path.Value!.EndsWith("/watched", StringComparison.Ordinal))
            {
                using var watched = await context.WebSockets.AcceptWebSocketAsync();
                await watched.SendAsync("hello"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, context.RequestAborted);
                try
                {
                    await watched.ReceiveAsync(new byte[64], CancellationToken.None);
                    WatchedSocketEnded.TrySetResult("closed");
                }
                catch (WebSocketException e)
                {
                    WatchedSocketEnded.TrySetResult(e.WebSocketErrorCode.ToString());
                }

                return;
            }

            if (context.WebSockets.IsWebSocketRequest && request.Path.Value!.EndsWith("/bye", StringComparison.Ordinal))
            {
                using var closing = await context.WebSockets.AcceptWebSocketAsync();
                await closing.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, "kernel shut down", context.RequestAborted);
                return;
            }

            if (context.WebSockets.IsWebSocketRequest && request.Path.Value!.EndsWith("/creds", StringComparison.Ordinal))
            {
                using var creds = await context.WebSockets.AcceptWebSocketAsync();
                var seen = Encoding.UTF8.GetBytes($"authorization={request.Headers.Authorization} query={request.QueryString} cookie={request.Headers.Cookie}");
                await creds.SendAsync(seen, WebSocketMessageType.Text, endOfMessage: true, context.RequestAborted);
                await creds.ReceiveAsync(new byte[64], context.RequestAborted);
                await creds.CloseAsync(WebSocketCloseStatus.NormalClosure, null, context.RequestAborted);
                return;
            }

            if (context.WebSockets.IsWebSocketRequest)
            {
                using var socket = await context.WebSockets.AcceptWebSocketAsync();
                var hello = Encoding.UTF8.GetBytes($"cookie={request.Headers.Cookie} path={request.Path}");
                await socket.SendAsync(hello, WebSocketMessageType.Text, endOfMessage: true, context.RequestAborted);
                var buffer = new byte[4096];
                while (true)
                {
                    var result = await socket.ReceiveAsync(buffer, context.RequestAborted);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, context.RequestAborted);
                        return;
                    }

                    await socket.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage, context.RequestAborted);
                }
            }

            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            var lines = new Dictionary<string, string>
            {
                ["method"] = request.Method,
                ["path"] = request.Path.Value ?? "",
                ["query"] = request.QueryString.Value ?? "",
                ["host"] = request.Headers.Host.ToString(),
                ["cookie"] = string.Join("|", request.Headers.Cookie.ToArray()),
                ["x-forwarded-for"] = request.Headers["X-Forwarded-For"].ToString(),
                ["x-forwarded-proto"] = request.Headers["X-Forwarded-Proto"].ToString(),
                ["x-forwarded-host"] = request.Headers["X-Forwarded-Host"].ToString(),
                ["authorization"] = request.Headers.Authorization.ToString(),
                ["x-csrf-token"] = request.Headers["X-CSRF-Token"].ToString(),
                ["body"] = body,
            };
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync(string.Concat(lines.Select(kv => $"{kv.Key}={Uri.EscapeDataString(kv.Value)}\n")));
        }

        /// <summary>
        /// A WebSocket server on a bare socket that writes its 101 and its first frame in one send (as a server may):
        /// the bytes after the response head must reach the client before anything read later.
        /// </summary>
        private async Task ServeRawWebSocketAsync(TcpListener listener)
        {
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var head = new List<byte>();
            var one = new byte[1];
            while (!head.TakeLast(4).SequenceEqual("\r\n\r\n"u8.ToArray()) && await stream.ReadAsync(one) == 1)
            {
                head.Add(one[0]);
            }

            RawServerRequestHead = Encoding.Latin1.GetString(head.ToArray());
            var key = RawServerRequestHead.Split("\r\n").Single(l => l.StartsWith("Sec-WebSocket-Key:", StringComparison.OrdinalIgnoreCase))[18..].Trim();
#pragma warning disable CA5350 // RFC 6455 defines Sec-WebSocket-Accept with SHA-1; it is not used for security here
            var accept = Convert.ToBase64String(System.Security.Cryptography.SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
#pragma warning restore CA5350
            var text = Encoding.UTF8.GetBytes("sent with the 101");
            var reply = Encoding.ASCII.GetBytes($"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n")
                .Concat(new byte[] { 0x81, (byte)text.Length }).Concat(text).ToArray();
            await stream.WriteAsync(reply);

            // The client's frame: FIN+text, masked length, 4-byte mask, masked payload.
            var frame = new byte[2];
            await stream.ReadExactlyAsync(frame);
            var payload = new byte[(frame[1] & 0x7f) + 4];
            await stream.ReadExactlyAsync(payload);
            RawServerReceived.TrySetResult(Encoding.UTF8.GetString(payload.Skip(4).Select((b, i) => (byte)(b ^ payload[i % 4])).ToArray()));
        }

        private static int UnusedPort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
