namespace Classhub.Hosting;

/// <summary>Turns the --urls value into the addresses Kestrel binds and the loopback URL servers use to reach the hub.</summary>
internal static class ListenAddress
{
    /// <summary>Null with a problem message when the value is not usable.</summary>
    public static (IReadOnlyList<Uri>? Urls, string? Problem) Parse(string value)
    {
        var urls = new List<Uri>();
        foreach (var part in value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var normalized = part.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
            if (!Uri.TryCreate(normalized, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || url.IsDefaultPort && !part.Contains(':', StringComparison.Ordinal))
            {
                return (null, $"--urls: '{part}' is not a URL like http://127.0.0.1:8000");
            }

            urls.Add(url);
        }

        return urls.Count == 0 ? (null, "--urls: give at least one URL, e.g. http://127.0.0.1:8000") : (urls, null);
    }

    /// <summary>The hub's own API as single-user servers on this machine reach it.</summary>
    public static Uri Internal(Uri listen)
    {
        var host = listen.Host is "0.0.0.0" or "[::]" or "::" ? "127.0.0.1" : listen.Host;
        return new UriBuilder(listen) { Host = host, Path = "/" }.Uri;
    }
}
