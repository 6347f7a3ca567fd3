using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Classhub.EndToEnd.Tests;

/// <summary>
/// One HTTP/1.1 request over a raw socket that stops sending its body as soon as the answer begins (or the hub closes
/// the connection): how a request whose body the hub refuses early (over a limit, or never read) still gets its answer
/// read, where HttpClient reports only the broken pipe of the unsent rest.
/// </summary>
internal static class RawHttp
{
    /// <summary>The answer's status, head and body (as far as it came before the connection closed).</summary>
    public static async Task<(int Status, string Head, string Body)> SendAsync(int port, string method, string path, IEnumerable<(string Name, string Value)> headers, byte[] body)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        var stream = tcp.GetStream();
        var request = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\n");
        foreach (var (name, value) in headers)
        {
            request.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }

        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.Append("\r\n").ToString()));
        using var overall = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var answer = new MemoryStream();
        var reading = ReadToEndAsync(stream, answer, overall.Token);
        try
        {
            for (var sent = 0; sent < body.Length && !reading.IsCompleted && answer.Length == 0; sent += 64 * 1024)
            {
                await stream.WriteAsync(body.AsMemory(sent, Math.Min(64 * 1024, body.Length - sent)), overall.Token);
            }
        }
        catch (IOException)
        {
            // The hub answered and closed while the body was on its way: its answer is what counts.
        }

        await reading;
        var bytes = answer.ToArray();
        var cut = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        var head = Encoding.ASCII.GetString(bytes, 0, cut < 0 ? bytes.Length : cut);
        var status = head.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) ? int.Parse(head.AsSpan(9, 3), CultureInfo.InvariantCulture) : 0;
        var data = cut < 0 ? [] : bytes[(cut + 4)..];
        var chunked = head.Contains("\r\nTransfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase);
        return (status, head, Encoding.UTF8.GetString(chunked ? Unchunk(data) : data));
    }

    /// <summary>The data of a chunked body (RFC 9112 §7.1), as far as it came.</summary>
    private static byte[] Unchunk(byte[] chunked)
    {
        var data = new MemoryStream();
        var at = 0;
        while (at < chunked.Length)
        {
            var end = chunked.AsSpan(at).IndexOf("\r\n"u8);
            if (end < 0 || !int.TryParse(Encoding.ASCII.GetString(chunked, at, end).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var size) || size == 0)
            {
                break;
            }

            var from = at + end + 2;
            data.Write(chunked, from, Math.Min(size, chunked.Length - from));
            at = from + size + 2;
        }

        return data.ToArray();
    }

    private static async Task ReadToEndAsync(NetworkStream stream, MemoryStream into, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                into.Write(buffer, 0, n);
            }
        }
        catch (IOException)
        {
            // Reset after the answer: what came is the answer.
        }
    }
}
