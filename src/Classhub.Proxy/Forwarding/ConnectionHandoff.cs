using System.IO.Pipelines;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;

namespace Classhub.Proxy.Forwarding;

/// <summary>
/// Lets <see cref="WebSocketTunnel"/> take a browser's HTTP/1.1 connection away from Kestrel's HTTP layer once the
/// user's server has answered 101, and relay on the bare transport. Why: the HTTP layer registers for the connection's
/// heartbeat and never unregisters, so its whole HTTP connection (Http1Connection, header stores, output producer,
/// HttpContext, timeout control, the request's state machines: ~5 KB) stays reachable for as long as the socket lives,
/// all day for a notebook tab. A connection whose first request may be a WebSocket handshake (a GET naming
/// <c>websocket</c>) is therefore served by the HTTP layer through a stand-in (<see cref="ConnectionHandoff"/>) with a
/// transport and a heartbeat of its own; on hand-off the stand-in writes nothing more for the HTTP layer, tells it
/// the browser is done (so it ends normally), forgets its heartbeat handlers, and the relay continues on the real
/// transport. Every other connection goes to the HTTP layer untouched. Contract: <see cref="HandOff"/> is called from
/// the request being served, after the 101 has been written to <see cref="Transport"/>'s writer underneath
/// (<see cref="BrowserTransport"/>), and at most once.
/// </summary>
internal sealed class ConnectionHandoff : ConnectionContext, IConnectionLifetimeFeature
{
    private static readonly byte[] Get = "GET "u8.ToArray();
    private static readonly byte[] WebSocket = "websocket"u8.ToArray();
    private static readonly TimeSpan PeekTimeout = TimeSpan.FromSeconds(5);

    private readonly ConnectionContext _browser;
    private readonly HandoffPipe _pipe;
    private readonly HeartbeatRelay _heartbeat = new();
    private Func<IDuplexPipe, CancellationToken, Task>? _relay;

    private ConnectionHandoff(ConnectionContext browser)
    {
        _browser = browser;
        _pipe = new HandoffPipe(browser.Transport);
        Features = new FeatureCollection(browser.Features);
        Features.Set<IConnectionHeartbeatFeature>(_heartbeat);
        Features.Set<IConnectionLifetimeFeature>(this);
        Features.Set(this);
        browser.Features.Get<IConnectionHeartbeatFeature>()?.OnHeartbeat(static relay => ((HeartbeatRelay)relay).Tick(), _heartbeat);
    }

    /// <summary>Kestrel connection middleware (<c>ListenOptions.Use</c>): put it inside TLS, so it sees HTTP.</summary>
    public static Func<ConnectionDelegate, ConnectionDelegate> Middleware { get; } = next => connection => ServeAsync(connection, next);

    /// <summary>The browser's own transport, under the stand-in's: where the tunnel writes the 101.</summary>
    public IDuplexPipe BrowserTransport => _browser.Transport;

    public override IDuplexPipe Transport { get => _pipe; set => throw new NotSupportedException("The hand-off's transport is fixed."); }

    public override IFeatureCollection Features { get; }

    public override string ConnectionId { get => _browser.ConnectionId; set => _browser.ConnectionId = value; }

    public override IDictionary<object, object?> Items { get => _browser.Items; set => _browser.Items = value; }

    public override EndPoint? LocalEndPoint { get => _browser.LocalEndPoint; set => _browser.LocalEndPoint = value; }

    public override EndPoint? RemoteEndPoint { get => _browser.RemoteEndPoint; set => _browser.RemoteEndPoint = value; }

    public override CancellationToken ConnectionClosed { get => _browser.ConnectionClosed; set => _browser.ConnectionClosed = value; }

    /// <summary>
    /// Takes the connection away from the HTTP layer; <paramref name="relay"/> runs on the browser's transport once the
    /// HTTP layer has let go, with a token that fires when Kestrel asks the connection to close (the hub stopping).
    /// </summary>
    public void HandOff(Func<IDuplexPipe, CancellationToken, Task> relay)
    {
        _relay = relay;
        _pipe.Detach();
        _heartbeat.Stop();
    }

    /// <summary>The HTTP layer aborts the browser's connection only while it still serves it.</summary>
    public override void Abort(ConnectionAbortedException abortReason)
    {
        if (_relay is null)
        {
            _browser.Abort(abortReason);
        }
    }

    private static async Task ServeAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        if (!await MayUpgradeAsync(connection.Transport.Input))
        {
            await next(connection);
            return;
        }

        var handoff = new ConnectionHandoff(connection);
        await next(handoff);
        if (handoff._relay is { } relay)
        {
            await relay(connection.Transport, connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested ?? default);
        }
    }

    /// <summary>Whether the first bytes are a GET naming <c>websocket</c>; reads without consuming, so the HTTP layer parses the same bytes.</summary>
    /// Waits at most <see cref="PeekTimeout"/> for them: a client that sends nothing is left to the HTTP layer's own timeouts.
    private static async ValueTask<bool> MayUpgradeAsync(PipeReader input)
    {
        try
        {
            if (input.TryRead(out var ready))
            {
                return Peeked(input, ready); // the request is already here: no timer for this connection
            }

            using var timeout = new CancellationTokenSource(PeekTimeout);
            return Peeked(input, await input.ReadAsync(timeout.Token));
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
            return false; // nothing yet, or the browser is gone: the HTTP layer finds out the same way
        }
    }

    private static bool Peeked(PipeReader input, ReadResult result)
    {
        var head = result.Buffer.FirstSpan;
        var may = head.StartsWith(Get) && ContainsIgnoringCase(head, WebSocket);
        input.AdvanceTo(result.Buffer.Start);
        return may;
    }

    internal static bool ContainsIgnoringCase(ReadOnlySpan<byte> text, ReadOnlySpan<byte> lowercase)
    {
        for (var i = 0; i + lowercase.Length <= text.Length; i++)
        {
            if (Ascii.EqualsIgnoreCase(text.Slice(i, lowercase.Length), lowercase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The stand-in's heartbeat: passes the browser connection's ticks to the HTTP layer's handlers until the hand-off, then holds none.</summary>
    private sealed class HeartbeatRelay : IConnectionHeartbeatFeature
    {
        private readonly Lock _lock = new();
        private List<(Action<object> Action, object State)>? _handlers = [];

        public void OnHeartbeat(Action<object> action, object state)
        {
            lock (_lock)
            {
                _handlers?.Add((action, state));
            }
        }

        public void Tick()
        {
            lock (_lock)
            {
                foreach (var (action, state) in _handlers ?? [])
                {
                    action(state);
                }
            }
        }

        public void Stop()
        {
            lock (_lock)
            {
                _handlers = null;
            }
        }
    }
}
