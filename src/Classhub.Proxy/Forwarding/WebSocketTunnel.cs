using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Classhub.Proxy.Forwarding;

/// <summary>
/// Proxies a WebSocket to a user's server over a socket of its own, outside YARP: the browser's HTTP/1.1 upgrade or
/// HTTP/2 extended CONNECT (RFC 8441) goes out as an HTTP/1.1 upgrade with the headers <see cref="UserServerTransformer"/>
/// writes, and after the 101 two small loops copy bytes each way. Why: a classroom keeps a socket open per notebook tab
/// all day, and through YARP each one kept its forwarding call, request and response messages, header stores, copy
/// loops and activity timer alive for its whole life (~4.4 KB of ~16 KB of live objects per socket, dotnet-gcdump
/// with 1,000 sockets). Here an idle socket holds the Kestrel connection, the upstream socket, one waiting loop per
/// direction and no buffer: each loop waits with a zero-byte read and rents a buffer only while bytes are moving.
/// Contract: when the server answers with anything but 101 (a refused origin, an unknown kernel), nothing has been
/// written to the client and <paramref name="refused"/> forwards the request the ordinary way, so the server's answer,
/// body framing included, reaches the browser as it would for any request. No idle timeout: a socket lives until either
/// side closes it (a culled or stopped server closes all of its sockets).
/// </summary>
internal sealed partial class WebSocketTunnel(
    HttpTransformer transformer,
    TimeSpan connectTimeout,
    TimeSpan handshakeTimeout,
    Func<HttpContext, string, ValueTask<ForwarderError>> refused,
    ILogger logger)
{
    private const int BufferSize = 4096;

    // Hop-by-hop fields of the server's 101, which Kestrel writes itself (or, over HTTP/2, must not write at all).
    private static readonly HashSet<string> NotCopied = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "Content-Length", "TE", "Trailer",
    };

    /// <summary>A WebSocket handshake: an HTTP/1.1 GET asking to upgrade to <c>websocket</c> without a body, or an HTTP/2 extended CONNECT for <c>websocket</c>.</summary>
    public static bool Takes(HttpContext context)
    {
        if (context.Features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true } connect)
        {
            return string.Equals(connect.Protocol, "websocket", StringComparison.OrdinalIgnoreCase);
        }

        var request = context.Request;
        return context.Features.Get<IHttpUpgradeFeature>()?.IsUpgradableRequest == true
            && HttpMethods.IsGet(request.Method)
            && string.Equals(request.Headers.Upgrade, "websocket", StringComparison.OrdinalIgnoreCase)
            && request.Headers.ContentLength is null
            && !request.Headers.ContainsKey("Transfer-Encoding");
    }

    /// <summary>
    /// Opens the tunnel and relays until the server closes (or either side fails); when the browser closes first, the
    /// server is told (its socket half-closed) and its last frames still reach the browser.
    /// </summary>
    public async ValueTask<ForwarderError> ForwardAsync(HttpContext context, string destinationPrefix)
    {
        var (server, early, error) = await HandshakeAsync(context, destinationPrefix);
        if (server is null)
        {
            return error ?? await refused(context, destinationPrefix);
        }

        using (server)
        {
            var connect = context.Features.Get<IHttpExtendedConnectFeature>();
            Stream client;
            try
            {
                client = connect?.IsExtendedConnect == true ? await connect.AcceptAsync() : await context.Features.Get<IHttpUpgradeFeature>()!.UpgradeAsync();
            }
            catch (Exception e) when (IsConnectionEnd(e))
            {
                return ForwarderError.UpgradeResponseClient; // the browser left while the 101 was on its way
            }

            await using var relayed = client;
            using var stop = new CancellationTokenSource();
            var up = ClientToServerAsync(client, server, stop);
            try
            {
                if (early.Length > 0)
                {
                    await client.WriteAsync(early, stop.Token);
                }

                while (true)
                {
                    _ = await server.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, stop.Token); // waits for bytes without holding a buffer
                    var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
                    try
                    {
                        var read = await server.ReceiveAsync(buffer, SocketFlags.None, stop.Token);
                        if (read == 0)
                        {
                            break;
                        }

                        await client.WriteAsync(buffer.AsMemory(0, read), stop.Token);
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                    }
                }
            }
            catch (Exception e) when (IsConnectionEnd(e))
            {
            }

            await stop.CancelAsync(); // the server side has ended: nothing more can reach the browser
            await up;
        }

        return ForwarderError.None;
    }

    /// <summary>Browser to server; a browser that goes away (reset, abort) ends the server side too.</summary>
    private static async Task ClientToServerAsync(Stream client, Socket server, CancellationTokenSource stop)
    {
        try
        {
            while (true)
            {
                _ = await client.ReadAsync(Memory<byte>.Empty, stop.Token);
                var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
                try
                {
                    var read = await client.ReadAsync(buffer, stop.Token);
                    if (read == 0)
                    {
                        server.Shutdown(SocketShutdown.Send);
                        return;
                    }

                    await WebSocketHandshake.SendAllAsync(server, buffer.AsMemory(0, read), stop.Token);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        catch (Exception e) when (IsConnectionEnd(e))
        {
            await stop.CancelAsync();
        }
    }

    private static bool IsConnectionEnd(Exception e) => e is IOException or SocketException or OperationCanceledException or ObjectDisposedException;

    /// <summary>
    /// The server's 101 and what came with it (the upgrade's response headers already set on the client's response);
    /// no socket and no error when the server answered otherwise; no socket and the error (answered) when it failed.
    /// </summary>
    private async Task<(Socket? Server, byte[] Early, ForwarderError? Error)> HandshakeAsync(HttpContext context, string destinationPrefix)
    {
        var overHttp2 = context.Features.Get<IHttpExtendedConnectFeature>()?.IsExtendedConnect == true;
        Socket? server = null;
        try
        {
            using var handshake = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            handshake.CancelAfter(handshakeTimeout);
            using var request = await UpstreamRequestAsync(context, destinationPrefix, overHttp2, handshake.Token);
            var head = WebSocketHandshake.RequestHead(request);
            server = await WebSocketHandshake.ConnectAsync(request.RequestUri!, connectTimeout, handshake.Token);
            await WebSocketHandshake.SendAllAsync(server, head, handshake.Token);
            var (response, early) = await WebSocketHandshake.ReadResponseHeadAsync(server, handshake.Token);
            if (response.StatusCode != StatusCodes.Status101SwitchingProtocols)
            {
                server.Dispose();
                return (null, [], null);
            }

            if (overHttp2 && Header(response, "Sec-WebSocket-Accept") != WebSocketHandshake.AcceptFor(request.Headers.GetValues("Sec-WebSocket-Key").Single()))
            {
                throw new HttpRequestException(HttpRequestError.InvalidResponse, "The server's Sec-WebSocket-Accept does not match the key sent.");
            }

            CopyResponseHeaders(response, context.Response.Headers, overHttp2);
            if (overHttp2)
            {
                context.Response.StatusCode = StatusCodes.Status200OK;
            }

            return (server, early, null);
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or IOException or OperationCanceledException)
        {
            server?.Dispose();
            var (error, status) = context.RequestAborted.IsCancellationRequested ? (ForwarderError.RequestCanceled, StatusCodes.Status502BadGateway)
                : e is OperationCanceledException ? (ForwarderError.RequestTimedOut, StatusCodes.Status504GatewayTimeout)
                : (ForwarderError.Request, StatusCodes.Status502BadGateway);
            LogHandshakeFailed(logger, error, context.Request.Path, e.Message);
            context.Response.Clear();
            context.Response.StatusCode = status;
            return (null, [], error);
        }
        catch
        {
            server?.Dispose();
            throw;
        }
    }

    private async Task<HttpRequestMessage> UpstreamRequestAsync(HttpContext context, string destinationPrefix, bool overHttp2, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage { Method = HttpMethod.Get, Version = HttpVersion.Version11 };
        try
        {
            // The same headers YARP would send (browser Host, X-Forwarded-*, no hub cookie); it leaves out Connection and Upgrade.
            await transformer.TransformRequestAsync(context, request, destinationPrefix, cancellationToken);
            request.RequestUri ??= RequestUtilities.MakeDestinationAddress(destinationPrefix, context.Request.Path, context.Request.QueryString);
            request.Headers.Remove("Connection");
            request.Headers.Remove("Upgrade");
            request.Headers.TryAddWithoutValidation("Connection", "Upgrade");
            request.Headers.TryAddWithoutValidation("Upgrade", "websocket");
            if (overHttp2)
            {
                // RFC 8441 has no key; the HTTP/1.1 server needs one, and its answer to it is checked before the browser is told 200.
                request.Headers.Remove("Sec-WebSocket-Key");
                request.Headers.TryAddWithoutValidation("Sec-WebSocket-Key", WebSocketHandshake.NewKey());
            }

            return request;
        }
        catch
        {
            request.Dispose();
            throw;
        }
    }

    private static string? Header(ResponseHead response, string name) =>
        response.Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    private static void CopyResponseHeaders(ResponseHead response, IHeaderDictionary headers, bool overHttp2)
    {
        foreach (var (name, value) in response.Headers)
        {
            var http1Only = string.Equals(name, "Upgrade", StringComparison.OrdinalIgnoreCase) || string.Equals(name, "Sec-WebSocket-Accept", StringComparison.OrdinalIgnoreCase);
            if (!NotCopied.Contains(name) && !(overHttp2 && http1Only))
            {
                headers.Append(name, value);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "WebSocket {Path} not forwarded ({Error}): {Reason}")]
    private static partial void LogHandshakeFailed(ILogger logger, ForwarderError error, PathString path, string reason);
}
