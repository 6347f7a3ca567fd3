using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Forwarder;

namespace Classhub.Proxy.Forwarding;

/// <summary>
/// Forwards one request (HTTP or WebSocket upgrade) to a user's server with YARP's forwarder over one shared,
/// pooled, keep-alive connection pool; each WebSocket over a bare socket of its own (<see cref="WebSocketUpgradeHandler"/>).
/// No per-user configuration: the caller passes the target it looked up.
/// </summary>
internal sealed class UserServerForwarder : IDisposable
{
    private readonly IHttpForwarder _forwarder;
    private readonly HttpMessageInvoker _client;
    // Upgrades only, so that plain requests (the hot path) do not pass through one more handler; it shares _client's pool.
    private readonly HttpMessageInvoker _upgradeClient;
    private readonly UserServerTransformer _transformer;
    // The route table hands out the same Uri per running server, so its "http://host:port" is built once, not per request.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<Uri, string> _prefixes = new();
    // Single-user servers speak HTTP/1.1 on loopback; asking for it avoids a version negotiation per request.
    private readonly ForwarderRequestConfig _requestConfig = new()
    {
        ActivityTimeout = TimeSpan.FromMinutes(10),
        Version = HttpVersion.Version11,
        VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
    };

    public UserServerForwarder(IHttpForwarder forwarder, ProxyOptions options)
    {
        _forwarder = forwarder;
        _transformer = new UserServerTransformer(options.HubCookieName);
        var pool = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            EnableMultipleHttp2Connections = true,
            // No distributed tracing on this path: a browser's own traceparent header is still passed through as is.
            ActivityHeadersPropagator = null,
            ConnectTimeout = TimeSpan.FromSeconds(15),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            MaxConnectionsPerServer = int.MaxValue,
        };
        _client = new HttpMessageInvoker(pool, disposeHandler: false);
        _upgradeClient = new HttpMessageInvoker(new WebSocketUpgradeHandler(pool));
    }

    /// <summary>Forwards the request; returns the forwarder's error (None on success). The forwarder answers 502 (504 on timeout) itself when nothing was sent yet.</summary>
    public async ValueTask<ForwarderError> ForwardAsync(HttpContext context, Uri target)
    {
        var prefix = _prefixes.GetValue(target, static t => t.GetLeftPart(UriPartial.Authority));
        return await _forwarder.SendAsync(context, prefix, IsUpgrade(context) ? _upgradeClient : _client, _requestConfig, _transformer);
    }

    /// <summary>An HTTP/1.1 upgrade or an HTTP/2 extended CONNECT (a WebSocket from a browser over TLS): YARP sends either as an HTTP/1.1 upgrade.</summary>
    internal static bool IsUpgrade(HttpContext context) =>
        context.Features.Get<IHttpUpgradeFeature>()?.IsUpgradableRequest == true
        || context.Features.Get<IHttpExtendedConnectFeature>()?.IsExtendedConnect == true;

    public void Dispose()
    {
        _client.Dispose();
        _upgradeClient.Dispose(); // and the pool under it
    }
}

/// <summary>Proxy settings.</summary>
/// <param name="HubCookieName">The hub's session cookie, stripped from every forwarded request.</param>
internal sealed record ProxyOptions(string HubCookieName);
