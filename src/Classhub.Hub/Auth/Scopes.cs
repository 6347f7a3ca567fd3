namespace Classhub.Hub.Auth;

/// <summary>
/// JupyterHub's scope names, with its filters (<c>scope!user=NAME</c>, <c>scope!server=NAME/</c>), so single-user
/// servers and JupyterHub clients read classhub's answers the way they read JupyterHub's.
/// </summary>
internal static class Scopes
{
    public const string AccessServers = "access:servers";
    public const string Servers = "servers";
    public const string ReadUsers = "read:users";
    public const string AdminUsers = "admin:users";
    public const string Tokens = "tokens";
    public const string UsersActivity = "users:activity";
    public const string ReadHub = "read:hub";

    /// <summary>Setting where a starting server listens; held only by that server's own token, never by people.</summary>
    public const string ServerAddress = "server:address";

    /// <summary>Held by a token that carries whatever its owner may do.</summary>
    public const string Inherit = "inherit";

    private static readonly string[] AdminScopes = ["admin-ui", AdminUsers, "admin:servers", AccessServers, Servers, ReadUsers, "list:users", Tokens, UsersActivity, ReadHub, "read:servers", "groups"];

    /// <summary>
    /// What a signed-in person may do: everything for an admin, their own things otherwise. Using someone else's live
    /// server (<see cref="AccessServers"/>) is not among an admin's powers unless <paramref name="adminAccess"/>
    /// (JupyterHub's <c>admin_access</c>): a student's server runs the student's code, and its pages run the student's
    /// scripts in the browser of whoever opens it.
    /// </summary>
    public static IReadOnlyList<string> ForUser(string name, bool admin, bool adminAccess) => admin
        ? adminAccess ? AdminScopes : [.. AdminScopes.Where(s => s != AccessServers), $"{AccessServers}!user={name}"]
        : [$"{AccessServers}!user={name}", $"{Servers}!user={name}", $"{ReadUsers}!user={name}", $"{Tokens}!user={name}", $"{UsersActivity}!user={name}", $"read:servers!user={name}"];

    /// <summary>A server's own token: report activity, and be the OAuth client secret for its owner's server.</summary>
    public static IReadOnlyList<string> ForServer(string name) => [$"{UsersActivity}!user={name}", $"{AccessServers}!server={name}/", $"{ServerAddress}!user={name}"];

    /// <summary>What a single-user server asks for and checks (JUPYTERHUB_OAUTH_ACCESS_SCOPES).</summary>
    public static IReadOnlyList<string> AccessTo(string owner) => [$"{AccessServers}!server={owner}/", $"{AccessServers}!user={owner}"];

    /// <summary>True when <paramref name="held"/> grants <paramref name="scope"/> on <paramref name="owner"/>'s things.</summary>
    public static bool Allows(IReadOnlyCollection<string> held, string scope, string owner)
    {
        // Asked on every proxied request: compared piecewise so that no filter string is built per check.
        foreach (var h in held)
        {
            if (Grants(h, scope, owner))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when <paramref name="held"/> is <c>scope</c>, <c>scope!user=OWNER</c> or <c>scope!server=OWNER/</c>.</summary>
    private static bool Grants(string held, string scope, string owner)
    {
        if (!held.StartsWith(scope, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = held.AsSpan(scope.Length);
        if (rest.IsEmpty)
        {
            return true;
        }

        if (rest.StartsWith("!user=", StringComparison.Ordinal))
        {
            return rest[6..].SequenceEqual(owner);
        }

        return rest.StartsWith("!server=", StringComparison.Ordinal) && rest.EndsWith("/", StringComparison.Ordinal) && rest[8..^1].SequenceEqual(owner);
    }

    public static bool AllowsAny(IReadOnlyCollection<string> held, string scope) =>
        held.Any(h => h == scope || h.StartsWith(scope + "!", StringComparison.Ordinal));
}
