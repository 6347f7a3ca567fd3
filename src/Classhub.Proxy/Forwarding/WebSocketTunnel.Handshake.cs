using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Classhub.Proxy.Forwarding;

/// <summary>The tunnel's handshake with the user's server, up to its 101.</summary>
internal sealed partial class WebSocketTunnel
{
    // Hop-by-hop fields of the server's 101, which Kestrel writes itself (or, over HTTP/2, must not write at all).
    private static readonly HashSet<string> NotCopied = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "Content-Length", "TE", "Trailer",
    };

    /// <summary>
    /// The server's 101 and what came with it (the upgrade's response headers already set on the client's response);
    /// no socket and no error when the server answered otherwise; no socket and the error (answered) when it failed.
    /// </summary>
    private async Task<(Socket? Server, byte[] Early, ForwarderError? Error)> HandshakeAsync(HttpContext context, string destinationPrefix, HttpTransformer transformer, bool overHttp2)
    {
        Socket? server = null;
        try
        {
            using var handshake = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            handshake.CancelAfter(handshakeTimeout);
            using var request = await UpstreamRequestAsync(context, destinationPrefix, transformer, overHttp2, handshake.Token);
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

    private static async Task<HttpRequestMessage> UpstreamRequestAsync(HttpContext context, string destinationPrefix, HttpTransformer transformer, bool overHttp2, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage { Method = HttpMethod.Get, Version = HttpVersion.Version11 };
        try
        {
            // The same headers YARP would send (browser Host, X-Forwarded-*, no hub credential); it leaves out Connection and Upgrade.
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
