using Classhub.Core.Security;
using Microsoft.AspNetCore.Http;

namespace Classhub.Hub.Auth;

/// <summary>
/// CSRF protection for every state-changing form and for cookie-authenticated API calls: a random token in an
/// HttpOnly, SameSite=Strict cookie must match the <c>_csrf</c> form field (or the <c>X-CSRF-Token</c> header).
/// A cross-site page can neither read the cookie nor make the browser send it.
/// </summary>
internal sealed class Csrf(HubCookies cookies)
{
    public const string FieldName = "_csrf";
    public const string HeaderName = "X-CSRF-Token";

    /// <summary>The token for forms on this response; creates the cookie on first use.</summary>
    public string TokenFor(HttpContext context)
    {
        if (context.Items.TryGetValue(FieldName, out var issued) && issued is string t)
        {
            return t;
        }

        var token = context.Request.Cookies[HubCookies.Csrf];
        if (string.IsNullOrEmpty(token) || token.Length != 64)
        {
            token = Secrets.New();
            cookies.SetCsrf(context.Response, token);
        }

        context.Items[FieldName] = token;
        return token;
    }

    /// <summary>
    /// True when the request carries a token matching its cookie (form field or header), and the browser did not say it
    /// comes from another origin. A sibling host (user_servers.host under the hub's name) is the same site: SameSite
    /// cookies go along, and a script there can set a cookie for the hub's domain, so the token alone would not tell.
    /// Browsers that predate Sec-Fetch-Site (2019-2023) rely on the token alone.
    /// </summary>
    public static bool IsValid(HttpContext context, string? submitted)
    {
        if (context.Request.Headers["Sec-Fetch-Site"].ToString() is "same-site" or "cross-site")
        {
            return false;
        }

        var cookie = context.Request.Cookies[HubCookies.Csrf];
        submitted ??= context.Request.Headers[HeaderName].ToString();
        return !string.IsNullOrEmpty(cookie) && !string.IsNullOrEmpty(submitted) && Secrets.FixedTimeEquals(cookie, submitted);
    }
}
