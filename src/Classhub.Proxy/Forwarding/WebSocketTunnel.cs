using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Classhub.Proxy.Forwarding;

/// <summary>
/// Proxies a WebSocket to a user's server over a socket of its own, outside YARP: the browser's HTTP/1.1 upgrade or
/// HTTP/2 extended CONNECT (RFC 8441) goes out as an HTTP/1.1 upgrade with the headers <see cref="UserServerTransformer"/>
/// writes, and after the 101 <see cref="WebSocketRelay"/> copies bytes each way. Why: a classroom keeps a socket open per
/// notebook tab all day, and through YARP each one kept its forwarding call, request and response messages, header
/// stores, copy loops and activity timer alive for its whole life (~4.4 KB of ~16 KB of live objects per socket,
/// dotnet-gcdump with 1,000 sockets). Here an idle socket holds the browser's connection (over HTTP/1.1 without
/// Kestrel's HTTP layer, see <see cref="ConnectionHandoff"/>), the upstream socket and one waiting loop per direction.
/// Contract: when the server answers with anything but 101 (a refused origin, an unknown kernel), nothing has been
/// written to the client and <paramref name="refused"/> forwards the request the ordinary way, so the server's answer,
/// body framing included, reaches the browser as it would for any request. No idle timeout: a socket lives until either
/// side closes it (a culled or stopped server closes all of its sockets; TCP keep-alive finds browsers that vanished).
/// </summary>
internal sealed partial class WebSocketTunnel(
    TimeSpan connectTimeout,
    TimeSpan handshakeTimeout,
    Func<HttpContext, string, HttpTransformer, ValueTask<ForwarderError>> refused,
    ILogger logger)
{
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

    /// <summary>Opens the tunnel and relays (<see cref="WebSocketRelay"/>), on the HTTP layer's upgraded stream or, where the connection allows it, after handing the connection off.</summary>
    /// <param name="transformer">Shapes the handshake sent to the server, as it shapes an ordinary request (and the refused one, forwarded again).</param>
    public async ValueTask<ForwarderError> ForwardAsync(HttpContext context, string destinationPrefix, HttpTransformer transformer)
    {
        var connect = context.Features.Get<IHttpExtendedConnectFeature>();
        var overHttp2 = connect?.IsExtendedConnect == true;
        var (server, early, error) = await HandshakeAsync(context, destinationPrefix, transformer, overHttp2);
        if (server is null)
        {
            return error ?? await refused(context, destinationPrefix, transformer);
        }

        ProbeWhenIdle(context);
        if (!overHttp2 && context.Features.Get<ConnectionHandoff>() is { } handoff)
        {
            return await HandOffAsync(context, handoff, server, early);
        }

        using (server)
        {
            Stream client;
            try
            {
                client = overHttp2 ? await connect!.AcceptAsync() : await context.Features.Get<IHttpUpgradeFeature>()!.UpgradeAsync();
            }
            catch (Exception e) when (WebSocketRelay.IsConnectionEnd(e))
            {
                return ForwarderError.UpgradeResponseClient; // the browser left while the 101 was on its way
            }

            await using var relayed = client;
            var browser = new StreamPipes(
                PipeReader.Create(client, new StreamPipeReaderOptions(bufferSize: WebSocketRelay.BufferSize, leaveOpen: true, useZeroByteReads: true)),
                PipeWriter.Create(client, new StreamPipeWriterOptions(leaveOpen: true)));
            try
            {
                await browser.Output.WriteAsync(early);
                await WebSocketRelay.RunAsync(browser, server, context.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested ?? default);
            }
            catch (Exception e) when (WebSocketRelay.IsConnectionEnd(e))
            {
                // The browser left before the server's first frames reached it (the relay handles its own ends).
            }
            finally
            {
                await browser.Input.CompleteAsync();
                await browser.Output.CompleteAsync();
            }
        }

        return ForwarderError.None;
    }

    /// <summary>
    /// Writes the 101 (and what the server sent with it) on the browser's transport and takes the connection away from
    /// the HTTP layer (<see cref="ConnectionHandoff"/>): the relay goes on after this request has ended.
    /// </summary>
    private static async ValueTask<ForwarderError> HandOffAsync(HttpContext context, ConnectionHandoff handoff, Socket server, byte[] early)
    {
        try
        {
            var output = handoff.BrowserTransport.Output;
            output.Write(SwitchingProtocolsHead(context.Response.Headers));
            output.Write(early);
            await output.FlushAsync(context.RequestAborted);
        }
        catch (Exception e) when (WebSocketRelay.IsConnectionEnd(e))
        {
            server.Dispose();
            return ForwarderError.UpgradeResponseClient;
        }

        handoff.HandOff(async (browser, stopping) =>
        {
            using (server)
            {
                await WebSocketRelay.RunAsync(browser, server, stopping);
            }
        });
        return ForwarderError.None;
    }

    private static byte[] SwitchingProtocolsHead(IHeaderDictionary headers)
    {
        // What Kestrel writes for an upgrade; the values passed Kestrel's header validation when they were set.
        var head = new StringBuilder("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n");
        foreach (var (name, values) in headers)
        {
            foreach (var value in values)
            {
                head.Append(name).Append(": ").Append(value).Append("\r\n");
            }
        }

        return Encoding.ASCII.GetBytes(head.Append("\r\n").ToString());
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

    private sealed record StreamPipes(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
