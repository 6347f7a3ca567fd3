using Classhub.Hub.Hosting;
using Microsoft.AspNetCore.Http;

namespace Classhub.Hub.Auth;

/// <summary>The hub's cookies: the session (HttpOnly, SameSite=Lax, Secure under TLS) and the CSRF token.</summary>
internal sealed class HubCookies(HubOptions options)
{
    public const string Session = "classhub-session";
    public const string Csrf = "classhub-csrf";

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
