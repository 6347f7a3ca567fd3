using System.Net;
using System.Net.Sockets;

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

    /// <summary>
    /// The addresses to bind for <paramref name="url"/>: its IP, loopback for localhost, else every address the host
    /// name resolves to (a name in /etc/hosts or DNS). Null with a problem when the name does not resolve.
    /// </summary>
    public static (IReadOnlyList<IPEndPoint>? Endpoints, string? Problem) Resolve(Uri url, Func<string, IPAddress[]> resolve)
    {
        var host = url.Host.Trim('[', ']');
        if (host is "localhost")
        {
            return ([new IPEndPoint(IPAddress.Loopback, url.Port)], null);
        }

        if (IPAddress.TryParse(host, out var address))
        {
            return ([new IPEndPoint(address, url.Port)], null);
        }

        IPAddress[] addresses;
        try
        {
            addresses = resolve(host);
        }
        catch (SocketException e)
        {
            return (null, $"cannot listen on {url.GetLeftPart(UriPartial.Authority)}: the host name '{host}' does not resolve ({e.SocketErrorCode}); use an IP address of this machine (http://0.0.0.0:{url.Port} listens on all of them) or a name in /etc/hosts");
        }

        var endpoints = addresses.Distinct().Select(a => new IPEndPoint(a, url.Port)).ToList();
        return endpoints.Count == 0
            ? (null, $"cannot listen on {url.GetLeftPart(UriPartial.Authority)}: the host name '{host}' has no addresses; use an IP address of this machine (http://0.0.0.0:{url.Port} listens on all of them)")
            : (endpoints, null);
    }

    /// <summary>The hub's own API as single-user servers on this machine reach it.</summary>
    public static Uri Internal(Uri listen)
    {
        var host = listen.Host is "0.0.0.0" or "[::]" or "::" ? "127.0.0.1" : listen.Host;
        return new UriBuilder(listen) { Host = host, Path = "/" }.Uri;
    }
}
