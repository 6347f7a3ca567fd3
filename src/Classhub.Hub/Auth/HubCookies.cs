using Classhub.Hub.Hosting;
using Microsoft.AspNetCore.Http;

namespace Classhub.Hub.Auth;

/// <summary>The hub's cookies: the session (HttpOnly, SameSite=Lax, Secure under TLS) and the CSRF token.</summary>
internal sealed class HubCookies(HubOptions options)
{
    /// <summary>Every cookie of the hub's is named with this prefix, so the proxy can keep all of them from users' servers.</summary>
    public const string Prefix = "classhub-";

    public const string Session = Prefix + "session";
    public const string Csrf = Prefix + "csrf";

    public void SetSession(HttpResponse response, string sessionId) =>
        response.Cookies.Append(Session, sessionId, Options(options.SessionLifetime, SameSiteMode.Lax));

    public void ClearSession(HttpResponse response) => response.Cookies.Delete(Session, Options(null, SameSiteMode.Lax));

    public void SetCsrf(HttpResponse response, string token) =>
        response.Cookies.Append(Csrf, token, Options(null, SameSiteMode.Strict));

    private CookieOptions Options(TimeSpan? maxAge, SameSiteMode sameSite) => new()
    {
        HttpOnly = true,
        Secure = options.SecureCookies,
        SameSite = sameSite,
        Path = "/",
        MaxAge = maxAge,
        IsEssential = true,
    };
}
