using System.Text.Json;
using Classhub.Hub.Api;
using Classhub.Hub.Auth;
using Classhub.Hub.Hosting;

namespace Classhub.Hub.Servers;

/// <summary>
/// The environment JupyterHub gives a single-user server (DESIGN.md §3), so Debian's unmodified
/// <c>jupyterhub-singleuser</c> finds its hub, its OAuth client and its URL prefix. The spawner adds
/// <c>JUPYTERHUB_SERVICE_URL</c> once it knows the port.
/// </summary>
internal static class ServerEnvironment
{
    public static string ClientId(string userName) => $"jupyterhub-user-{userName}";

    public static string CallbackPath(string userName) => $"/user/{userName}/oauth_callback";

    /// <summary>
    /// Where the hub sends a browser back after the server's OAuth sign-in: the path on the hub's own host, or, with
    /// user_servers.host, the absolute URL on the server's own host (as JupyterHub's subdomain_host does).
    /// </summary>
    public static string CallbackUrl(string userName, HubOptions options) =>
        new UserOrigin.UserServerOrigin(options).OriginOf(userName) is { } origin ? origin + CallbackPath(userName) : CallbackPath(userName);

    public static Dictionary<string, string> For(string userName, string serverToken, HubOptions options)
    {
        var api = new Uri(options.InternalUrl, "hub/api").ToString();
        var accessScopes = JsonSerializer.Serialize(Scopes.AccessTo(userName).ToArray(), HubJsonContext.Default.StringArray);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["JUPYTERHUB_API_TOKEN"] = serverToken,
            ["JPY_API_TOKEN"] = serverToken,
            ["JUPYTERHUB_CLIENT_ID"] = ClientId(userName),
            ["JUPYTERHUB_API_URL"] = api,
            ["JUPYTERHUB_ACTIVITY_URL"] = $"{api}/users/{userName}/activity",
            ["JUPYTERHUB_BASE_URL"] = "/",
            // With user_servers.host the server is not on the hub's host: its sign-in and login links must name the hub's.
            ["JUPYTERHUB_HOST"] = new UserOrigin.UserServerOrigin(options) is { Enabled: true } origin ? origin.HubOrigin : "",
            ["JUPYTERHUB_USER"] = userName,
            ["JUPYTERHUB_SERVER_NAME"] = "",
            ["JUPYTERHUB_SERVICE_PREFIX"] = $"/user/{userName}/",
            ["JUPYTERHUB_OAUTH_CALLBACK_URL"] = CallbackUrl(userName, options),
            ["JUPYTERHUB_OAUTH_SCOPES"] = accessScopes,
            ["JUPYTERHUB_OAUTH_ACCESS_SCOPES"] = accessScopes,
            ["JUPYTERHUB_OAUTH_CLIENT_ALLOWED_SCOPES"] = "[]",
        };
        if (options.AdminAccess)
        {
            // Read only by servers that predate scopes; unset means off (any non-empty value, even "0", means on).
            environment["JUPYTERHUB_ADMIN_ACCESS"] = "1";
        }

        return environment;
    }
}
