using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Classhub.Proxy.Forwarding;

/// <summary>
/// Forwards one request to a user's server: HTTP with YARP's forwarder over one shared, pooled, keep-alive connection
/// pool; each WebSocket through a tunnel of its own (<see cref="WebSocketTunnel"/>). No per-user configuration: the
/// caller passes the target it looked up.
/// </summary>
internal sealed class UserServerForwarder : IDisposable
{
    private readonly IHttpForwarder _forwarder;
    private readonly HttpMessageInvoker _client;
    // One transformer per credential rule: chosen per request, so the rule costs no state on the request.
    private readonly UserServerTransformer _stripping;
    private readonly UserServerTransformer _forOwner;
    private readonly WebSocketTunnel _tunnel;
    // The route table hands out the same Uri per running server, so its "http://host:port" is built once, not per request.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<Uri, string> _prefixes = new();
    // Single-user servers speak HTTP/1.1 on loopback; asking for it avoids a version negotiation per request.
    private readonly ForwarderRequestConfig _requestConfig = new()
    {
        ActivityTimeout = TimeSpan.FromMinutes(10),
        Version = HttpVersion.Version11,
        VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
    };

    public UserServerForwarder(IHttpForwarder forwarder, ProxyOptions options, ILogger<UserServerForwarder> logger)
    {
        _forwarder = forwarder;
        _stripping = new UserServerTransformer(options, forwardCallersToken: false);
        _forOwner = new UserServerTransformer(options, forwardCallersToken: true);
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
        _client = new HttpMessageInvoker(pool);
        _tunnel = new WebSocketTunnel(pool.ConnectTimeout, _requestConfig.ActivityTimeout!.Value, Forward, logger);
    }

    /// <summary>
    /// Forwards the request; returns the forwarder's error (None on success). The forwarder answers 502 (504 on timeout)
    /// itself when nothing was sent yet. Hub cookies never reach the server; the caller's token (Authorization header,
    /// <c>token</c> query parameter) does only when <paramref name="callerOwnsServer"/>.
    /// </summary>
    public ValueTask<ForwarderError> ForwardAsync(HttpContext context, Uri target, bool callerOwnsServer = false)
    {
        var prefix = _prefixes.GetValue(target, static t => t.GetLeftPart(UriPartial.Authority));
        var transformer = callerOwnsServer ? _forOwner : _stripping;
        return WebSocketTunnel.Takes(context) ? _tunnel.ForwardAsync(context, prefix, transformer) : Forward(context, prefix, transformer);
    }

    private ValueTask<ForwarderError> Forward(HttpContext context, string prefix, HttpTransformer transformer) => _forwarder.SendAsync(context, prefix, _client, _requestConfig, transformer);

    public void Dispose() => _client.Dispose();
}

/// <summary>Proxy settings.</summary>
/// <param name="HubCookiePrefix">What the names of the hub's cookies start with (any case); every such cookie is stripped from every forwarded request.</param>
internal sealed record ProxyOptions(string HubCookiePrefix);
