using System.Collections.Concurrent;
using Classhub.Core.Security;
using Classhub.Hub.Auth;
using Classhub.Hub.Hosting;
using Classhub.Hub.Pages;
using Classhub.Hub.StudentFiles;
using Classhub.Storage.Tokens;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Classhub.Hub.UserOrigin;

/// <summary>
/// Signs a browser in on a user-server host, which never sees the hub's session cookie (the hub's cookies are
/// host-only), in three hops, like an OAuth authorization-code flow:
/// <list type="number">
/// <item>the user-server host, finding no credential on a page request, keeps a random state in a cookie of its own and
/// sends the browser to the hub (<c>/hub/user-origin/sign-in?next=…&amp;state=…</c>);</item>
/// <item>the hub, where the browser is signed in, checks that the caller may use that server (<see cref="ServerAccess"/>)
/// and sends the browser back with a one-time code, valid for two minutes, bound to the caller, that host and the state;</item>
/// <item>the user-server host (<see cref="UserServerOrigin.SignedInPath"/>) takes the code once, only with the same state in
/// its cookie (so nobody can sign another person's browser in as themselves), and sets its cookie
/// (<see cref="UserServerOrigin.Cookie"/>): a token that can do nothing but use servers, revoked when the hub session signs out.</item>
/// </list>
/// </summary>
internal sealed class OriginSignIn(
    UserServerOrigin origin,
    CallerResolver callers,
    ServerAccess access,
    TokenStore tokens,
    HubOptions options,
    PageRenderer pages,
    StudentFilesEndpoints files,
    TimeProvider time)
{
    private const string StateCookie = "classhub-user-state";
    private const string BeginPath = "/hub/user-origin/sign-in";
    private static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<string, PendingSignIn> _codes = new(StringComparer.Ordinal);

    public static void Map(IEndpointRouteBuilder app)
    {
        var e = app.ServiceProvider.GetRequiredService<OriginSignIn>();
        app.MapGet(BeginPath, e.Begin);
    }

    /// <summary>Step 1, on a user-server host: a page request without a credential goes to the hub to get one.</summary>
    public void SendToHub(HttpContext context)
    {
        var state = Secrets.New();
        context.Response.Cookies.Append(StateCookie, state, Cookie(UserServerOrigin.SignedInPath, CodeLifetime));
        context.Response.Headers.CacheControl = "no-store";
        var next = context.Request.Path + context.Request.QueryString;
        context.Response.Redirect($"{origin.HubOrigin}{BeginPath}?next={Uri.EscapeDataString(next)}&state={state}");
    }

    /// <summary>Step 3, on a user-server host: the code from the hub becomes this host's sign-in cookie.</summary>
    public async Task CompleteAsync(HttpContext context)
    {
        var code = context.Request.Query["code"].ToString();
        var state = context.Request.Query["state"].ToString();
        var remembered = context.Request.Cookies[StateCookie] ?? "";
        context.Response.Cookies.Delete(StateCookie, Cookie(UserServerOrigin.SignedInPath, null));
        if (!_codes.TryRemove(code, out var pending) || pending.Expires < time.GetUtcNow() || state.Length == 0
            || !Secrets.FixedTimeEquals(remembered, state) || !Secrets.FixedTimeEquals(pending.State, state)
            || !string.Equals(pending.Host, context.Request.Host.Value, StringComparison.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync($"This sign-in link is not valid, or it expired. Open the server again from the hub: {origin.HubOrigin}/hub/home\n");
            return;
        }

        IReadOnlyList<string> scopes = pending.Admin && options.AdminAccess ? [Scopes.AccessServers] : [$"{Scopes.AccessServers}!user={pending.Name}"];
        var (token, _) = tokens.Create(pending.UserId, TokenKind.OAuth, scopes, "signed in on the user-server host", options.SessionLifetime, ClientId(pending.SessionKey));
        context.Response.Cookies.Append(UserServerOrigin.Cookie, token, Cookie("/", options.SessionLifetime));
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Redirect(pending.Next);
    }

    /// <summary>Ends the user-server sign-ins that came from a hub session, when it signs out.</summary>
    public void SignOut(string sessionId) => tokens.DeleteForClient(ClientId(Secrets.Hash(sessionId)));

    /// <summary>Step 2, on the hub: a signed-in caller who may use the server gets a one-time code for its host.</summary>
    private Task Begin(HttpContext context)
    {
        var caller = callers.Resolve(context);
        if (caller is null)
        {
            context.Response.Redirect("/hub/login?next=" + Uri.EscapeDataString(context.Request.Path + context.Request.QueryString));
            return Task.CompletedTask;
        }

        var next = LocalRedirect.Safe(context.Request.Query["next"], "");
        var state = context.Request.Query["state"].ToString();
        var owner = OwnerIn(next);
        if (owner is null || state.Length != 64 || !state.All(char.IsAsciiHexDigitLower))
        {
            return pages.Error(context, StatusCodes.Status400BadRequest, "Sign-in link not valid", "This server sign-in request is not valid. Open the server again from your home page.");
        }

        if (!access.Allows(caller, owner))
        {
            return files.RefuseLiveServer(context, caller, owner) ?? pages.Error(context, StatusCodes.Status403Forbidden, "Not your server", "This server belongs to someone else.");
        }

        if (origin.OriginOf(owner) is not { } target)
        {
            return pages.Error(context, StatusCodes.Status400BadRequest, "No host for this server", $"The name {owner} cannot be a host name (it has a dot), so its server has no host of its own; ask the admin to set user_servers.host to one name for all servers.");
        }

        Forget(time.GetUtcNow());
        var code = Secrets.New();
        var sessionKey = caller.SessionId is { } session ? Secrets.Hash(session) : Secrets.Hash($"token-{caller.TokenId}");
        _codes[code] = new PendingSignIn(caller.UserId, caller.Name, caller.IsAdmin, new Uri(target).Authority, next, state, sessionKey, time.GetUtcNow() + CodeLifetime);
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Redirect($"{target}{UserServerOrigin.SignedInPath}?code={code}&state={state}");
        return Task.CompletedTask;
    }

    /// <summary>The owner in a <c>/user/NAME/…</c> path, or null.</summary>
    private static string? OwnerIn(string path)
    {
        if (!path.StartsWith("/user/", StringComparison.Ordinal))
        {
            return null;
        }

        var end = path.IndexOfAny(['/', '?', '#'], 6);
        return end <= 6 ? null : path[6..end];
    }

    private static string ClientId(string sessionKey) => "classhub-user-origin-" + sessionKey[..32];

    private void Forget(DateTimeOffset now)
    {
        foreach (var (code, pending) in _codes)
        {
            if (pending.Expires < now)
            {
                _codes.TryRemove(code, out _);
            }
        }
    }

    private CookieOptions Cookie(string path, TimeSpan? maxAge) => new()
    {
        HttpOnly = true,
        Secure = options.SecureCookies,
        SameSite = SameSiteMode.Lax,
        Path = path,
        MaxAge = maxAge,
        IsEssential = true,
    };

    private sealed record PendingSignIn(long UserId, string Name, bool Admin, string Host, string Next, string State, string SessionKey, DateTimeOffset Expires);
}
