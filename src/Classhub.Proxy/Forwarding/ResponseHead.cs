using System.Text;

namespace Classhub.Proxy.Forwarding;

/// <summary>The status line and header fields of an HTTP/1.1 response, as read off a raw connection.</summary>
internal sealed record ResponseHead(int StatusCode, string ReasonPhrase, IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    /// <summary>Where the head ends in <paramref name="buffer"/> (just after the empty line), or -1 if it has not all arrived.</summary>
    public static int EndOf(ReadOnlySpan<byte> buffer)
    {
        var end = buffer.IndexOf("\r\n\r\n"u8);
        return end < 0 ? -1 : end + 4;
    }

    /// <summary>Parses a complete head (as delimited by <see cref="EndOf"/>); null if it is not a well-formed HTTP/1.x response head.</summary>
    public static ResponseHead? Parse(ReadOnlySpan<byte> head)
    {
        var text = Encoding.Latin1.GetString(head);
        var lines = text.Split("\r\n");
        var status = lines[0].Split(' ', 3);
        if (status.Length < 2 || !status[0].StartsWith("HTTP/1.", StringComparison.Ordinal) || status[1].Length != 3
            || !int.TryParse(status[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var code))
        {
            return null;
        }

        var headers = new List<KeyValuePair<string, string>>();
        foreach (var line in lines.AsSpan(1))
        {
            if (line.Length == 0)
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            // A line folded onto the previous one (obsolete), or a name with spaces, is refused as a whole (RFC 9112 §5).
            if (colon <= 0 || line[0] is ' ' or '\t' || line.AsSpan(0, colon).ContainsAny(' ', '\t'))
            {
                return null;
            }

            headers.Add(new(line[..colon], line[(colon + 1)..].Trim(' ', '\t')));
        }

        return new ResponseHead(code, status.Length > 2 ? status[2] : "", headers);
    }
}
