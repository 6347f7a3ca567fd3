using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Classhub.Proxy.Forwarding;

/// <summary>
/// Sends a WebSocket upgrade request (HTTP/1.1 GET with <c>Upgrade: websocket</c>, no body) over a socket of its own
/// and, on <c>101</c>, hands the forwarder a stream over that bare socket; every other request goes to the inner
/// handler. Why: SocketsHttpHandler keeps an upgraded connection's 4 KB read and 4 KB write buffers, its pool entry
/// and its response objects for as long as the WebSocket is open (~9 KB of every proxied socket's ~25 KB, measured
/// with dotnet-gcdump; a classroom keeps a socket open per notebook tab all day). An answer other than 101 (a refused
/// origin, an unknown kernel) is dropped and the request sent again through the inner handler, which reads any
/// response body framing correctly: the request is a GET without a body, and the server just refused it.
/// </summary>
internal sealed class WebSocketUpgradeHandler(SocketsHttpHandler inner) : DelegatingHandler(inner)
{
    private const int MaxResponseHead = 64 * 1024;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!IsWebSocketUpgrade(request))
        {
            return await base.SendAsync(request, cancellationToken);
        }

        var head = RequestHead(request); // throws before anything is sent if a header cannot be written as is
        var socket = await ConnectAsync(request.RequestUri!, inner.ConnectTimeout, cancellationToken);
        try
        {
            await SendAllAsync(socket, head, cancellationToken);
            var (response, early) = await ReadResponseHeadAsync(socket, cancellationToken);
            if (response.StatusCode != 101)
            {
                socket.Dispose();
                return await base.SendAsync(request, cancellationToken);
            }

            var message = new HttpResponseMessage(HttpStatusCode.SwitchingProtocols)
            {
                ReasonPhrase = response.ReasonPhrase,
                RequestMessage = request,
                Version = HttpVersion.Version11,
                Content = new UpgradedContent(new UpgradedConnectionStream(socket, early)),
            };
            foreach (var (name, value) in response.Headers)
            {
                if (!message.Headers.TryAddWithoutValidation(name, value))
                {
                    message.Content.Headers.TryAddWithoutValidation(name, value);
                }
            }

            return message;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    internal static bool IsWebSocketUpgrade(HttpRequestMessage request) =>
        request.Method == HttpMethod.Get && request.Content is null && request.Version == HttpVersion.Version11
        && request.RequestUri is { Scheme: "http" }
        && request.Headers.NonValidated.TryGetValues("Upgrade", out var upgrade) && upgrade.Count == 1
        && string.Equals(upgrade.ToString(), "websocket", StringComparison.OrdinalIgnoreCase);

    /// <summary>The request line and header fields, each value on a line of its own; refuses what would change the framing.</summary>
    internal static byte[] RequestHead(HttpRequestMessage request)
    {
        var uri = request.RequestUri!;
        var text = new StringBuilder().Append("GET ").Append(uri.PathAndQuery).Append(" HTTP/1.1\r\n");
        text.Append("Host: ").Append(request.Headers.Host ?? uri.Authority).Append("\r\n");
        foreach (var (name, values) in request.Headers.NonValidated)
        {
            if (string.Equals(name, "Host", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (var value in values)
            {
                if (value.AsSpan().ContainsAny('\r', '\n', '\0'))
                {
                    throw new HttpRequestException($"The request header '{name}' contains a line break; not forwarded.");
                }

                text.Append(name).Append(": ").Append(value).Append("\r\n");
            }
        }

        return Encoding.Latin1.GetBytes(text.Append("\r\n").ToString());
    }

    private static async Task<Socket> ConnectAsync(Uri uri, TimeSpan connectTimeout, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(connectTimeout); // the pool's own connect timeout
        var addresses = IPAddress.TryParse(uri.IdnHost, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(uri.IdnHost, timeout.Token);
        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, uri.Port), timeout.Token);
                return socket;
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                socket.Dispose();
                throw new HttpRequestException(HttpRequestError.ConnectionError, $"Could not connect to {uri.Authority} within {connectTimeout.TotalSeconds:0} s.");
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw new HttpRequestException(HttpRequestError.ConnectionError, $"Could not connect to {uri.Authority}: {last?.Message ?? "no address"}", last);
    }

    private static async Task SendAllAsync(Socket socket, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        while (!bytes.IsEmpty)
        {
            bytes = bytes[await socket.SendAsync(bytes, SocketFlags.None, cancellationToken)..];
        }
    }

    /// <summary>The response head, and whatever arrived after it (the server may write its first frames at once).</summary>
    private static async Task<(ResponseHead Head, byte[] Early)> ReadResponseHeadAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            var filled = 0;
            while (true)
            {
                if (filled == buffer.Length)
                {
                    if (buffer.Length >= MaxResponseHead)
                    {
                        throw new HttpRequestException(HttpRequestError.InvalidResponse, $"The server's response head is longer than {MaxResponseHead} bytes.");
                    }

                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, cancellationToken);
                if (read == 0)
                {
                    throw new HttpRequestException(HttpRequestError.ResponseEnded, "The server closed the connection before it answered.");
                }

                filled += read;
                var end = ResponseHead.EndOf(buffer.AsSpan(0, filled));
                if (end >= 0)
                {
                    var head = ResponseHead.Parse(buffer.AsSpan(0, end))
                        ?? throw new HttpRequestException(HttpRequestError.InvalidResponse, "The server's response head is not well-formed HTTP/1.1.");
                    return (head, buffer.AsSpan(end, filled - end).ToArray());
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The upgraded connection as the response's content: read and written by the forwarder's two copy loops.</summary>
    private sealed class UpgradedContent(Stream connection) : HttpContent
    {
        protected override Task<Stream> CreateContentReadStreamAsync() => Task.FromResult(connection);

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => connection.CopyToAsync(stream);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                connection.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
