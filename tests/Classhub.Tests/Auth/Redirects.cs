using System.Net;

namespace Classhub.Auth.Tests;

/// <summary>Follows redirects across sites (hub → provider → hub) with one cookie-keeping client, like a browser.</summary>
public static class Redirects
{
    /// <summary>GETs <paramref name="start"/> and follows Location headers; stops early at a URL starting with <paramref name="stopAt"/> (not requested).</summary>
    public static async Task<(HttpResponseMessage Last, string Body, List<Uri> Hops)> FollowAsync(HttpClient client, Uri start, string? stopAt = null)
    {
        var hops = new List<Uri>();
        var url = start;
        for (var i = 0; i < 20; i++)
        {
            hops.Add(url);
            if (stopAt is not null && url.ToString().StartsWith(stopAt, StringComparison.Ordinal))
            {
                return (new HttpResponseMessage(HttpStatusCode.OK), "", hops);
            }

            var response = await client.GetAsync(url);
            var body = await response.Content.ReadAsStringAsync();
            if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location)
            {
                url = new Uri(url, location);
                response.Dispose();
                continue;
            }

            return (response, body, hops);
        }

        throw new InvalidOperationException($"too many redirects from {start}: {string.Join(" → ", hops)}");
    }

    public static Dictionary<string, string> Query(Uri url) =>
        url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => p.Length > 1 ? Uri.UnescapeDataString(p[1].Replace('+', ' ')) : "", StringComparer.Ordinal);
}
