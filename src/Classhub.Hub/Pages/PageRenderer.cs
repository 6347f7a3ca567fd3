using System.Text;
using Classhub.Hub.Auth;
using Microsoft.AspNetCore.Http;

namespace Classhub.Hub.Pages;

/// <summary>
/// Wraps page bodies in the one layout: plain server-rendered HTML, one stylesheet and small scripts from web/,
/// a navigation bar, a skip link, and the CSRF token for forms (hidden field and meta tag for scripts).
/// </summary>
internal sealed class PageRenderer(Csrf csrf, CallerResolver callers)
{
    private const string DefaultPolicy = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    public string CsrfField(HttpContext context) =>
        $"<input type=\"hidden\" name=\"{Csrf.FieldName}\" value=\"{Html.Attr(csrf.TokenFor(context))}\">";

    /// <param name="contentSecurityPolicy">A stricter policy for a page that shows content from users (the file viewer); the default allows the hub's own scripts.</param>
    public Task Render(HttpContext context, string title, string body, int status = StatusCodes.Status200OK, string? head = null, string? contentSecurityPolicy = null)
    {
        var caller = callers.Resolve(context);
        var page = new StringBuilder(4096);
        page.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<meta name=\"csrf-token\" content=\"").Append(Html.Attr(csrf.TokenFor(context))).Append("\">")
            .Append("<title>").Append(Html.E(title)).Append(" · classhub</title>")
            .Append("<link rel=\"stylesheet\" href=\"/hub/static/classhub.css\">")
            .Append(head)
            .Append("</head><body><a class=\"skip\" href=\"#main\">Skip to content</a>")
            .Append("<header class=\"bar\"><a class=\"brand\" href=\"/hub/home\">classhub</a><nav aria-label=\"Main\">");
        if (caller is not null)
        {
            page.Append("<a href=\"/hub/home\">Home</a>");
            if (caller.IsAdmin)
            {
                page.Append("<a href=\"/hub/admin\">Admin</a>");
            }

            page.Append("<form method=\"post\" action=\"/hub/logout\" class=\"inline\">").Append(CsrfField(context))
                .Append("<button type=\"submit\" class=\"link\">Sign out ").Append(Html.E(caller.Name)).Append("</button></form>");
        }

        page.Append("</nav></header><main id=\"main\">").Append(body).Append("</main></body></html>");
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["X-Frame-Options"] = "DENY";
        context.Response.Headers["Content-Security-Policy"] = contentSecurityPolicy ?? DefaultPolicy;
        return context.Response.WriteAsync(page.ToString());
    }

    public Task Error(HttpContext context, int status, string title, string message) =>
        Render(context, title, $"<section class=\"card\"><h1>{Html.E(title)}</h1><p>{Html.E(message)}</p><p><a class=\"button\" href=\"/hub/home\">Go to your home page</a></p></section>", status);
}
