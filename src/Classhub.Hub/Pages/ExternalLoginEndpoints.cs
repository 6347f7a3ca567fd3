using System.Security.Cryptography;
using Classhub.Core.Auth;
using Classhub.Hub.Auth;
using Classhub.Hub.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Classhub.Hub.Pages;

/// <summary>
/// Sign-in at another site: /hub/oauth/{provider}/start sends the browser to the provider, /hub/oauth/{provider}/callback
/// takes it back, checks the attempt belongs to this browser (a cookie holding the state), lets the authenticator
/// check the answer, then runs the fixed pipeline.
/// </summary>
internal sealed class ExternalLoginEndpoints(
    IEnumerable<IExternalAuthenticator> authenticators,
    SignInOptions signIn,
    ExternalAttemptStore attempts,
    LoginPipeline login,
    PageRenderer pages,
    HubCookies cookies,
    HubOptions options)
{
    public const string AttemptCookie = "classhub-oauth-state";

    public static void Map(IEndpointRouteBuilder app)
    {
        var e = app.ServiceProvider.GetRequiredService<ExternalLoginEndpoints>();
        app.MapGet("/hub/oauth/{provider}/start", e.Start);
        app.MapGet("/hub/oauth/{provider}/callback", e.Callback);
    }

    /// <summary>The enabled external providers, in config order, for the login page's buttons.</summary>
    public IEnumerable<IExternalAuthenticator> Enabled =>
        signIn.Methods.Select(m => authenticators.FirstOrDefault(a => a.Id == m)).OfType<IExternalAuthenticator>();

    private async Task Start(HttpContext context)
    {
        var provider = Find(context);
        if (provider is null)
        {
            await Refuse(context, "this sign-in method is not enabled on this hub", StatusCodes.Status404NotFound);
            return;
        }

        var start = await provider.BeginAsync(CallbackUrl(provider), context.RequestAborted);
        if (start.Problem is not null)
        {
            await Refuse(context, start.Problem, StatusCodes.Status502BadGateway);
            return;
        }

        var next = LocalRedirect.Safe(context.Request.Query["next"]);
        if (!attempts.Add(provider.Id, start.Attempt!, next))
        {
            await Refuse(context, "too many sign-ins in progress; try again in a few minutes", StatusCodes.Status503ServiceUnavailable);
            return;
        }

        // Lax: the provider's redirect back is a top-level GET from another site.
        context.Response.Cookies.Append(AttemptCookie, start.Attempt!.State, new CookieOptions
        {
            HttpOnly = true,
            Secure = options.SecureCookies,
            SameSite = SameSiteMode.Lax,
            Path = "/hub/oauth/",
            MaxAge = ExternalAttemptStore.Lifetime,
            IsEssential = true,
        });
        context.Response.Redirect(start.RedirectTo!.ToString());
    }

    private async Task Callback(HttpContext context)
    {
        var provider = Find(context);
        if (provider is null)
        {
            await Refuse(context, "this sign-in method is not enabled on this hub", StatusCodes.Status404NotFound);
            return;
        }

        var state = context.Request.Query["state"].ToString();
        var cookie = context.Request.Cookies[AttemptCookie] ?? "";
        context.Response.Cookies.Delete(AttemptCookie, new CookieOptions { Path = "/hub/oauth/", Secure = options.SecureCookies, HttpOnly = true });
        if (state.Length == 0 || !FixedTimeEquals(state, cookie) || attempts.Take(provider.Id, state) is not { } pending)
        {
            await Refuse(context, "this sign-in link is unknown, expired or was started in another browser; start again", StatusCodes.Status400BadRequest);
            return;
        }

        var query = context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        var outcome = await provider.CompleteAsync(query, pending.Attempt, context.RequestAborted);
        var result = login.SignInExternal(outcome, provider.Id);
        if (result.SessionId is null)
        {
            await Refuse(context, result.Reason ?? "sign-in refused", StatusCodes.Status403Forbidden);
            return;
        }

        cookies.SetSession(context.Response, result.SessionId);
        context.Response.Redirect(pending.Next);
    }

    private IExternalAuthenticator? Find(HttpContext context)
    {
        var id = context.Request.RouteValues["provider"] as string;
        return Enabled.FirstOrDefault(a => a.Id == id);
    }

    private Uri CallbackUrl(IExternalAuthenticator provider) => new(options.PublicUrl, $"/hub/oauth/{provider.Id}/callback");

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(a), System.Text.Encoding.UTF8.GetBytes(b));

    private Task Refuse(HttpContext context, string reason, int status) =>
        pages.Render(context, "Sign-in failed", $"""
            <section class="card narrow">
              <h1>Sign-in failed</h1>
              <p class="error" role="alert">Sign-in failed: {Html.E(reason)}.</p>
              <p><a href="/hub/login">Back to the sign-in page</a></p>
            </section>
            """, status);
}
