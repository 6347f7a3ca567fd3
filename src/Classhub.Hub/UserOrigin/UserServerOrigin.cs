using Classhub.Hub.Hosting;
using Microsoft.AspNetCore.Http;

namespace Classhub.Hub.UserOrigin;

/// <summary>
/// Where users' servers are served from when <c>user_servers.host</c> is set: their own origin (same scheme and port as
/// the hub's public URL, another host). Off (<see cref="Enabled"/> false) by default: servers are then at
/// <c>/user/NAME/</c> on the hub's own origin.
/// </summary>
internal sealed class UserServerOrigin(HubOptions options)
{
    /// <summary>The name of the cookie that says who is signed in on a user-server host (host-only there; the proxy strips it).</summary>
    public const string Cookie = "classhub-user";

    /// <summary>Where a user-server host sends a browser back after the hub signed it in (a path outside /hub/ and /user/).</summary>
    public const string SignedInPath = "/_classhub/signed-in";

    private readonly UserServerHost? _host = UserServerHost.Parse(options.UserServersHost);

    public bool Enabled => _host is not null;

    /// <summary>The hub's own origin, e.g. https://hub.example.edu.</summary>
    public string HubOrigin { get; } = options.PublicUrl.GetLeftPart(UriPartial.Authority);

    /// <summary>See <see cref="UserServerHost.OwnerOf"/>; null when the feature is off.</summary>
    public string? OwnerOfHost(HostString host) => _host?.OwnerOf(host);

    /// <summary>The origin of <paramref name="owner"/>'s server, e.g. https://users.hub.example.edu; null when the feature is off or the name cannot be a host label.</summary>
    public string? OriginOf(string owner)
    {
        if (_host is null || (_host.PerUser && owner.Contains('.', StringComparison.Ordinal)))
        {
            return null;
        }

        return new UriBuilder(options.PublicUrl.Scheme, _host.HostFor(owner), options.PublicUrl.IsDefaultPort ? -1 : options.PublicUrl.Port).Uri.GetLeftPart(UriPartial.Authority);
    }

    /// <summary>Whether a request on a host that serves <paramref name="hostOwner"/> (see <see cref="OwnerOfHost"/>) may reach <paramref name="owner"/>'s server.</summary>
    public static bool Serves(string hostOwner, string owner) => hostOwner.Length == 0 || string.Equals(hostOwner, owner, StringComparison.OrdinalIgnoreCase);
}
