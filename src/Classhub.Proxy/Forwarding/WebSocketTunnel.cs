using System.Buffers;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections.Features;
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
/// side closes it (a culled or stopped server closes all of its sockets; TCP keep-alive finds browsers that vanished).
/// </summary>
internal sealed partial class WebSocketTunnel(
    HttpTransformer transformer,
    TimeSpan connectTimeout,
    TimeSpan handshakeTimeout,
    Func<HttpContext, string, ValueTask<ForwarderError>> refused,
    ILogger logger)
{
    private const int BufferSize = 4096;

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
        var connect = context.Features.Get<IHttpExtendedConnectFeature>();
        var overHttp2 = connect?.IsExtendedConnect == true;
        var (server, early, error) = await HandshakeAsync(context, destinationPrefix, overHttp2);
        if (server is null)
        {
            return error ?? await refused(context, destinationPrefix);
        }

        using (server)
        {
            Stream client;
            try
            {
                client = overHttp2 ? await connect!.AcceptAsync() : await context.Features.Get<IHttpUpgradeFeature>()!.UpgradeAsync();
            }
            catch (Exception e) when (IsConnectionEnd(e))
            {
                return ForwarderError.UpgradeResponseClient; // the browser left while the 101 was on its way
            }

            await using var relayed = client;
            ProbeWhenIdle(context);
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

    /// <summary>
    /// A browser that goes away without closing (a tablet put to sleep, a laptop leaving the Wi-Fi) is noticed by TCP
    /// within ~2 minutes of silence (60 s, then 3 unanswered probes 20 s apart): the tunnel has no idle timeout of its
    /// own, and an idle socket to a browser that is gone would otherwise stay open until the server next writes to it.
    /// </summary>
    private static void ProbeWhenIdle(HttpContext context)
    {
        if (context.Features.Get<IConnectionSocketFeature>()?.Socket is not { ProtocolType: ProtocolType.Tcp } socket)
        {
            return;
        }

        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, 60);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, 20);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 3);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The browser's connection is already gone: the relay finds out on its first read.
        }
    }

    private static bool IsConnectionEnd(Exception e) => e is IOException or SocketException or OperationCanceledException or ObjectDisposedException;
}
