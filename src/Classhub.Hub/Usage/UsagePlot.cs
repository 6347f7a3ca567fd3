using System.Globalization;
using System.Text;

namespace Classhub.Hub.Usage;

/// <summary>
/// The admin page's plot of the last day, drawn on the server as inline SVG (no script, no CDN): running servers
/// (solid line, left scale) and memory in use (dashed line, percent of the machine), with a text summary for
/// screen readers.
/// </summary>
internal static class UsagePlot
{
    private const int Width = 600;
    private const int Height = 160;
    private const int Pad = 24;

    public static string Svg(IReadOnlyList<UsageSample> samples, DateTimeOffset now)
    {
        var last = samples.Count > 0 ? samples[^1] : null;
        var maxServers = Math.Max(1, samples.Count == 0 ? 1 : samples.Max(s => s.RunningServers));
        var summary = last is null
            ? "No samples yet."
            : string.Create(CultureInfo.InvariantCulture, $"Now: {last.RunningServers} servers running, memory {Percent(last):0}% in use; most servers in the last day: {maxServers}.");
        var servers = new StringBuilder();
        var memory = new StringBuilder();
        foreach (var s in samples)
        {
            var x = Pad + (Width - 2 * Pad) * (1 - (now - s.At).TotalSeconds / UsageHistory.Span.TotalSeconds);
            var yServers = Height - Pad - (Height - 2 * Pad) * (double)s.RunningServers / maxServers;
            var yMemory = Height - Pad - (Height - 2 * Pad) * Percent(s) / 100;
            servers.Append(CultureInfo.InvariantCulture, $"{x:0.#},{yServers:0.#} ");
            memory.Append(CultureInfo.InvariantCulture, $"{x:0.#},{yMemory:0.#} ");
        }

        return string.Create(CultureInfo.InvariantCulture, $"""
            <figure class="usage"><svg role="img" aria-label="Usage over the last day" viewBox="0 0 {Width} {Height}" width="100%" preserveAspectRatio="none">
            <title>Usage over the last day</title><desc>{summary}</desc>
            <rect x="{Pad}" y="{Pad}" width="{Width - 2 * Pad}" height="{Height - 2 * Pad}" fill="none" stroke="#d0d7de"/>
            <polyline points="{servers}" fill="none" stroke="#0b5cad" stroke-width="2"/>
            <polyline points="{memory}" fill="none" stroke="#1a7f37" stroke-width="2" stroke-dasharray="6 4"/>
            <text x="{Pad}" y="16" font-size="12" fill="#1b1f24">servers (max {maxServers})</text>
            <text x="{Width - Pad}" y="16" font-size="12" fill="#1b1f24" text-anchor="end">memory % (dashed)</text>
            <text x="{Pad}" y="{Height - 6}" font-size="12" fill="#1b1f24">24 h ago</text>
            <text x="{Width - Pad}" y="{Height - 6}" font-size="12" fill="#1b1f24" text-anchor="end">now</text>
            </svg><figcaption>{summary}</figcaption></figure>
            """);
    }

    private static double Percent(UsageSample s) => s.MemoryTotalBytes > 0 ? 100.0 * s.MemoryUsedBytes / s.MemoryTotalBytes : 0;
}
