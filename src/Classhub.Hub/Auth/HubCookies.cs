using Classhub.Hub.Hosting;
using Microsoft.AspNetCore.Http;

namespace Classhub.Hub.Auth;

/// <summary>The hub's cookies: the session (HttpOnly, SameSite=Lax, Secure under TLS), the CSRF token and the sign-in device cookie.</summary>
internal sealed class HubCookies(HubOptions options)
{
    /// <summary>Every cookie of the hub's is named with this prefix, so the proxy can keep all of them from users' servers.</summary>
    public const string Prefix = "classhub-";

    public const string Session = Prefix + "session";
    public const string Csrf = Prefix + "csrf";
    public const string Device = Prefix + "device";

    public void SetSession(HttpResponse response, string sessionId) =>
        response.Cookies.Append(Session, sessionId, Options(options.SessionLifetime, SameSiteMode.Lax));

    public void ClearSession(HttpResponse response) => response.Cookies.Delete(Session, Options(null, SameSiteMode.Lax));

    public void SetCsrf(HttpResponse response, string token) =>
        response.Cookies.Append(Csrf, token, Options(null, SameSiteMode.Strict));

    /// <summary>Sent only to the sign-in form's POST; kept as long as the limits remember an address the user signed in from.</summary>
    public void SetDevice(HttpResponse response, string value) =>
        response.Cookies.Append(Device, value, Options(options.LoginKnownAddressLifetime, SameSiteMode.Strict, "/hub/login"));

    private CookieOptions Options(TimeSpan? maxAge, SameSiteMode sameSite, string path = "/") => new()
    {
        HttpOnly = true,
        Secure = options.SecureCookies,
        SameSite = sameSite,
        Path = path,
        MaxAge = maxAge,
        IsEssential = true,
    };
}
