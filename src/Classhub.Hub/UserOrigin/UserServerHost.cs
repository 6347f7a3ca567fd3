using Microsoft.AspNetCore.Http;

namespace Classhub.Hub.UserOrigin;

/// <summary>
/// The host name users' servers are served from (<c>user_servers.host</c>): one name for all of them
/// (<c>users.hub.example.edu</c>), or one per user (<c>{user}.users.hub.example.edu</c>, the <c>{user}</c> label being the
/// user's name). Either way not the hub's host, so the hub's cookies (host-only) never reach a server's pages and the
/// servers' scripts cannot read the hub's pages.
/// </summary>
internal sealed class UserServerHost
{
    public const string UserLabel = "{user}";

    private readonly string _suffix;

    private UserServerHost(string text)
    {
        PerUser = text.StartsWith(UserLabel + ".", StringComparison.Ordinal);
        _suffix = PerUser ? text[UserLabel.Length..] : text;
    }

    /// <summary>One host per user (a pattern with <c>{user}</c>).</summary>
    public bool PerUser { get; }

    /// <summary>The configured text as a host, or null when it is empty (the feature is off); call <see cref="Problem"/> first.</summary>
    public static UserServerHost? Parse(string text) => text.Length == 0 ? null : new UserServerHost(text.ToLowerInvariant());

    /// <summary>What is wrong with the configured text, or null.</summary>
    public static string? Problem(string text)
    {
        if (text.Length == 0)
        {
            return null;
        }

        var rest = text.StartsWith(UserLabel + ".", StringComparison.Ordinal) ? text[(UserLabel.Length + 1)..] : text;
        if (rest.Contains('{', StringComparison.Ordinal) || rest.Contains('}', StringComparison.Ordinal))
        {
            return $"'{text}' may use {UserLabel} only as its whole first label, like \"{UserLabel}.users.hub.example.edu\"";
        }

        return Uri.CheckHostName(rest) == UriHostNameType.Dns
            ? null
            : $"'{text}' is not a host name (write the name only, without scheme, port or path, e.g. \"users.hub.example.edu\")";
    }

    /// <summary>The host of <paramref name="owner"/>'s server.</summary>
    public string HostFor(string owner) => PerUser ? owner.ToLowerInvariant() + _suffix : _suffix;

    /// <summary>
    /// Whether <paramref name="host"/> is a user-server host: null when it is not (it is the hub's, or anything else);
    /// "" when it serves every user; the owner's name when it is one user's (per-user hosts).
    /// </summary>
    public string? OwnerOf(HostString host)
    {
        var name = host.Host;
        if (!PerUser)
        {
            return string.Equals(name, _suffix, StringComparison.OrdinalIgnoreCase) ? "" : null;
        }

        return name.Length > _suffix.Length && name.EndsWith(_suffix, StringComparison.OrdinalIgnoreCase) && name.AsSpan(0, name.Length - _suffix.Length).IndexOf('.') < 0
            ? name[..^_suffix.Length].ToLowerInvariant()
            : null;
    }
}
