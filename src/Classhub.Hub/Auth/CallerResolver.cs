using System.Collections.Concurrent;
using Classhub.Hub.Changes;
using Classhub.Storage.Courses;
using Classhub.Storage.Sessions;
using Classhub.Storage.Tokens;
using Classhub.Storage.Users;
using Microsoft.AspNetCore.Http;

namespace Classhub.Hub.Auth;

/// <summary>
/// Identifies the caller of a request from its session cookie or token (<c>Authorization: token|bearer …</c> or
/// <c>?token=</c>). Answers come from memory after the first lookup, because the proxy asks on every request;
/// the caches are dropped whenever the database changes (<see cref="ChangeWatcher"/>), so a disabled user or a
/// deleted token stops working within a second even when the change came from the CLI.
/// </summary>
internal sealed class CallerResolver
{
    private readonly SessionStore _sessions;
    private readonly TokenStore _tokens;
    private readonly UserStore _users;
    private readonly CourseStore _courses;
    private readonly bool _adminAccess;
    private readonly ConcurrentDictionary<string, Caller> _bySession = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Caller> _byToken = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Caller>.AlternateLookup<ReadOnlySpan<char>> _byTokenBySpan;

    public CallerResolver(SessionStore sessions, TokenStore tokens, UserStore users, CourseStore courses, ChangeWatcher changes, Hosting.HubOptions options)
    {
        _adminAccess = options.AdminAccess;
        _courses = courses;
        _sessions = sessions;
        _tokens = tokens;
        _users = users;
        _byTokenBySpan = _byToken.GetAlternateLookup<ReadOnlySpan<char>>();
        changes.Changed += Invalidate;
    }

    public void Invalidate()
    {
        _bySession.Clear();
        _byToken.Clear();
    }

    /// <summary>The caller, or null when the request carries no valid credentials.</summary>
    public Caller? Resolve(HttpContext context)
    {
        if (context.Items.TryGetValue(typeof(Caller), out var cached))
        {
            return cached as Caller;
        }

        var caller = Identify(context.Request);
        context.Items[typeof(Caller)] = caller;
        return caller;
    }

    /// <summary>
    /// The caller, not kept on the request: for the proxy, which asks once per request. Keeping it would give every
    /// proxied request an Items dictionary (~230 bytes), held for the whole life of a proxied WebSocket.
    /// </summary>
    public Caller? Identify(HttpRequest request)
    {
        var header = TokenInHeader(request.Headers.Authorization.ToString());
        var caller = !header.IsEmpty ? FromToken(header)
            : request.Query["token"].ToString() is { Length: > 0 } q ? FromToken(q) : null;
        if (caller is null && request.Cookies[HubCookies.Session] is { Length: > 0 } sessionId)
        {
            caller = FromSession(sessionId);
        }

        return caller;
    }

    /// <summary>
    /// The caller on a user-server host (see UserOrigin), where the hub's session cookie is never sent: a token in the
    /// request, else the host's own sign-in cookie <paramref name="cookie"/> (a token that can only use servers).
    /// </summary>
    public Caller? IdentifyOnUserHost(HttpRequest request, string cookie)
    {
        var header = TokenInHeader(request.Headers.Authorization.ToString());
        return !header.IsEmpty ? FromToken(header)
            : request.Query["token"].ToString() is { Length: > 0 } q ? FromToken(q)
            : request.Cookies[cookie] is { Length: > 0 } signedIn ? FromToken(signedIn)
            : null;
    }

    /// <summary>True when the request presented a token (valid or not).</summary>
    public static bool HasToken(HttpRequest request) => TokenOf(request) is not null;

    // Only hits are cached: caching misses would let random guesses fill memory.
    public Caller? FromSession(string sessionId) => Cached(_bySession, sessionId, id =>
    {
        var userId = _sessions.FindUserId(id);
        var user = userId is null ? null : _users.FindById(userId.Value);
        return user is null || !MaySignIn(user)
            ? null
            : new Caller(user.Id, user.Name, user.User.IsAdmin, Scopes.ForUser(user.Name, user.User.IsAdmin, _adminAccess), id, null);
    });

    /// <summary>The proxy's path: a cache hit needs no string for the token.</summary>
    private Caller? FromToken(ReadOnlySpan<char> token) =>
        _byTokenBySpan.TryGetValue(token, out var hit) ? hit : FromToken(token.ToString());

    public Caller? FromToken(string token) => Cached(_byToken, token, t =>
    {
        var stored = _tokens.Find(t);
        var user = stored is null ? null : _users.FindById(stored.UserId);
        if (stored is null || user is null || !MaySignIn(user))
        {
            return null;
        }

        var scopes = stored.Scopes.Contains(Scopes.Inherit) ? Scopes.ForUser(user.Name, user.User.IsAdmin, _adminAccess) : stored.Scopes;
        return new Caller(user.Id, user.Name, user.User.IsAdmin, scopes, null, stored.Id);
    });

    /// <summary>The id of an enabled user, or null.</summary>
    public long? UserIdOf(string name) => _users.Find(name) is { User.IsDisabled: false } user ? user.Id : null;

    /// <summary>Enabled, and not dropped from every course they were in (admins always may).</summary>
    private bool MaySignIn(StoredUser user) =>
        !user.User.IsDisabled && (user.User.IsAdmin || !_courses.IsDroppedEverywhere(user.Id));

    private static Caller? Cached(ConcurrentDictionary<string, Caller> cache, string key, Func<string, Caller?> load)
    {
        if (cache.TryGetValue(key, out var hit))
        {
            return hit;
        }

        var caller = load(key);
        if (caller is not null)
        {
            cache[key] = caller;
        }

        return caller;
    }

    private static string? TokenOf(HttpRequest request)
    {
        var header = TokenInHeader(request.Headers.Authorization.ToString());
        if (!header.IsEmpty)
        {
            return header.ToString();
        }

        return request.Query["token"].ToString() is { Length: > 0 } q ? q : null;
    }

    /// <summary>The token of an <c>Authorization: token|bearer …</c> header, or empty.</summary>
    private static ReadOnlySpan<char> TokenInHeader(string header)
    {
        foreach (var scheme in (ReadOnlySpan<string>)["token ", "bearer "])
        {
            if (header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                return header.AsSpan(scheme.Length).Trim();
            }
        }

        return [];
    }
}
