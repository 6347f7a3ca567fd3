using System.Globalization;

namespace Classhub.Acme.Renewal;

/// <summary>Parses RFC 3339 timestamps as CAs send them, including more fraction digits than .NET keeps.</summary>
internal static class Rfc3339
{
    public static bool TryParse(string text, out DateTimeOffset value)
    {
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot >= 0)
        {
            var end = dot + 1;
            while (end < text.Length && char.IsAsciiDigit(text[end]))
            {
                end++;
            }
            var digits = Math.Min(end - dot - 1, 7);
            text = text[..(dot + 1 + digits)] + text[end..];
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
    }
}
