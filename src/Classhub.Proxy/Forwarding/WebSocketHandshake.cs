using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Classhub.Proxy.Forwarding;

/// <summary>The upstream half of a WebSocket handshake, on a bare socket: request head out, response head in.</summary>
internal static class WebSocketHandshake
{
    private const int MaxResponseHead = 64 * 1024;

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

    /// <summary>A fresh <c>Sec-WebSocket-Key</c> (RFC 6455 §4.1), for a WebSocket that reached the hub over HTTP/2 and carries none.</summary>
    internal static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));

    /// <summary>The <c>Sec-WebSocket-Accept</c> a server must answer <paramref name="key"/> with (RFC 6455 §4.2.2).</summary>
    internal static string AcceptFor(string key)
    {
#pragma warning disable CA5350 // RFC 6455 defines the accept value with SHA-1; it proves the server speaks WebSocket, nothing more
        return Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
#pragma warning restore CA5350
    }

    /// <summary>Connects to the server in <paramref name="uri"/>; a refusal or a timeout is an <see cref="HttpRequestException"/> (a connection error).</summary>
    internal static async Task<Socket> ConnectAsync(Uri uri, TimeSpan connectTimeout, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(connectTimeout);
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

    internal static async Task SendAllAsync(Socket socket, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        while (!bytes.IsEmpty)
        {
            bytes = bytes[await socket.SendAsync(bytes, SocketFlags.None, cancellationToken)..];
        }
    }

    /// <summary>The response head, and whatever arrived after it (the server may write its first frames at once).</summary>
    internal static async Task<(ResponseHead Head, byte[] Early)> ReadResponseHeadAsync(Socket socket, CancellationToken cancellationToken)
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
}
