using System.Globalization;
using Classhub.Hub.Auth;
using Classhub.Storage.Sessions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Classhub.Hub.Pages;

/// <summary>Sign in and sign out.</summary>
internal sealed class LoginEndpoints(LoginPipeline login, PageRenderer pages, FormGuard forms, HubCookies cookies, SessionStore sessions, CallerResolver callers, ExternalLoginEndpoints external, SignInOptions signIn, UserOrigin.OriginSignIn userHostSignIns)
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var e = app.ServiceProvider.GetRequiredService<LoginEndpoints>();
        app.MapGet("/hub/login", e.Show);
        app.MapPost("/hub/login", e.Submit);
        app.MapGet("/hub/logout", e.ConfirmLogout);
        app.MapPost("/hub/logout", e.Logout);
    }

    private Task Show(HttpContext context)
    {
        var next = LocalRedirect.Safe(context.Request.Query["next"]);
        if (callers.Resolve(context) is not null)
        {
            context.Response.Redirect(next);
            return Task.CompletedTask;
        }

        return Form(context, next, null, "", StatusCodes.Status200OK);
    }

    private async Task Submit(HttpContext context)
    {
        var form = await forms.ReadAsync(context);
        if (form is null)
        {
            return;
        }

        var next = LocalRedirect.Safe(form["next"]);
        var name = form["username"].ToString();
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        LoginResult result;
        try
        {
            result = await login.SignInAsync(name, form["password"].ToString(), address, context.Request.Cookies[HubCookies.Device], context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The browser went away while its sign-in waited for a password check: nobody to answer.
            return;
        }

        if (result.RetryAfter is { } wait)
        {
            var seconds = (int)Math.Ceiling(wait.TotalSeconds);
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            var (message, status) = result.IsBusy
                ? ($"Many people are signing in right now. Try again in {seconds} seconds.", StatusCodes.Status503ServiceUnavailable)
                : ($"Too many failed sign-ins. Try again in {seconds} seconds.", StatusCodes.Status429TooManyRequests);
            await Form(context, next, message, name, status);
            return;
        }

        if (result.SessionId is null)
        {
            await Form(context, next, "Invalid user name or password.", name, StatusCodes.Status401Unauthorized);
            return;
        }

        cookies.SetSession(context.Response, result.SessionId);
        if (result.DeviceCookie is { } device)
        {
            cookies.SetDevice(context.Response, device);
        }

        context.Response.Redirect(next);
    }

    private Task ConfirmLogout(HttpContext context) =>
        pages.Render(context, "Sign out", $"<section class=\"card\"><h1>Sign out</h1><form method=\"post\" action=\"/hub/logout\">{pages.CsrfField(context)}<button type=\"submit\">Sign out</button></form></section>");

    private async Task Logout(HttpContext context)
    {
        if (await forms.ReadAsync(context) is null)
        {
            return;
        }

        if (context.Request.Cookies[HubCookies.Session] is { Length: > 0 } id)
        {
            sessions.Delete(id);
            userHostSignIns.SignOut(id);
            callers.Invalidate();
        }

        cookies.ClearSession(context.Response);
        context.Response.Redirect("/hub/login");
    }

    private Task Form(HttpContext context, string next, string? error, string name, int status)
    {
        var alert = error is null ? "" : $"<p class=\"error\" role=\"alert\">{Html.E(error)}</p>";
        var buttons = string.Concat(external.Enabled.Select(a =>
            $"<p><a class=\"button\" href=\"/hub/oauth/{Html.Attr(a.Id)}/start?next={Uri.EscapeDataString(next)}\">{Html.E(a.ButtonText)}</a></p>"));
        var form = !signIn.LocalForm ? "" : $"""
              <form method="post" action="/hub/login">
                {pages.CsrfField(context)}
                <input type="hidden" name="next" value="{Html.Attr(next)}">
                <label for="username">User name</label>
                <input id="username" name="username" autocomplete="username" autocapitalize="none" autocorrect="off" spellcheck="false" required value="{Html.Attr(name)}">
                <label for="password">Password</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required>
                <button type="submit">Sign in</button>
              </form>
            """;
        var hint = signIn.Methods.Contains("local") ? "<p class=\"hint\">First time here? Use the invite link your instructor sent you.</p>" : "";
        var body = $"""
            <section class="card narrow">
              <h1>Sign in</h1>
              {alert}
              {buttons}
              {form}
              {hint}
            </section>
            """;
        return pages.Render(context, "Sign in", body, status);
    }
}
