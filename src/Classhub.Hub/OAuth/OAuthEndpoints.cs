using Classhub.Core.Security;
using Classhub.Hub.Api;
using Classhub.Hub.Auth;
using Classhub.Hub.Hosting;
using Classhub.Hub.Pages;
using Classhub.Storage.OAuth;
using Classhub.Storage.Tokens;
using Classhub.Storage.Users;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace Classhub.Hub.OAuth;

/// <summary>
/// The hub as the OAuth2 provider single-user servers expect (authorization-code flow): a signed-in person who
/// may use a server is sent back to it with a one-time code, which the server trades for an access token using
/// its own token as the client secret.
/// </summary>
internal sealed class OAuthEndpoints(CallerResolver callers, ServerAccess access, OAuthStore oauth, TokenStore tokens, UserStore users, PageRenderer pages, StudentFiles.StudentFilesEndpoints files)
{
    private static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromDays(14);

    public static void Map(IEndpointRouteBuilder app)
    {
        var e = app.ServiceProvider.GetRequiredService<OAuthEndpoints>();
        app.MapGet("/hub/api/oauth2/authorize", e.Authorize);
        app.MapPost("/hub/api/oauth2/token", e.Token);
    }

    private Task Authorize(HttpContext context)
    {
        var query = context.Request.Query;
        var caller = callers.Resolve(context);
        if (caller is null)
        {
            var next = context.Request.Path + context.Request.QueryString;
            context.Response.Redirect("/hub/login?next=" + Uri.EscapeDataString(next));
            return Task.CompletedTask;
        }

        var client = oauth.FindClient(query["client_id"].ToString());
        var redirect = query["redirect_uri"].ToString();
        if (client is null || redirect != client.RedirectUri || query["response_type"] != "code")
        {
            return pages.Error(context, StatusCodes.Status400BadRequest, "Sign-in link not valid", "This server sign-in request is not valid or has expired. Open your server again from your home page.");
        }

        var owner = users.FindById(client.UserId);
        if (owner is null || !access.Allows(caller, owner.Name))
        {
            return (owner is null ? null : files.RefuseLiveServer(context, caller, owner.Name))
                ?? pages.Error(context, StatusCodes.Status403Forbidden, "Not your server", "You are signed in as someone who may not use this server.");
        }

        var code = oauth.CreateCode(client.ClientId, caller.UserId, redirect, client.Scopes, CodeLifetime);
        var parameters = new Dictionary<string, string?> { ["code"] = code };
        if (query["state"].ToString() is { Length: > 0 } state)
        {
            parameters["state"] = state;
        }

        context.Response.Redirect(QueryHelpers.AddQueryString(redirect, parameters));
        return Task.CompletedTask;
    }

    private async Task Token(HttpContext context)
    {
        if (!context.Request.HasFormContentType)
        {
            await ApiResults.Error(StatusCodes.Status400BadRequest, "expected an application/x-www-form-urlencoded body").ExecuteAsync(context);
            return;
        }

        var (form, problem) = await FormBody.ReadAsync(context);
        if (form is null)
        {
            // A multipart body without its boundary or cut short, or more than 1,024 fields.
            await ApiResults.Error(StatusCodes.Status400BadRequest, $"{problem}; the token request is application/x-www-form-urlencoded with client_id, client_secret, grant_type, code and redirect_uri").ExecuteAsync(context);
            return;
        }

        var clientId = form["client_id"].ToString();
        var client = oauth.FindClient(clientId);
        if (client is null || !Secrets.FixedTimeEquals(client.SecretHash, Secrets.Hash(form["client_secret"].ToString())))
        {
            await ApiResults.Error(StatusCodes.Status403Forbidden, "invalid client").ExecuteAsync(context);
            return;
        }

        if (form["grant_type"] != "authorization_code")
        {
            await ApiResults.Error(StatusCodes.Status400BadRequest, "unsupported grant_type; use authorization_code").ExecuteAsync(context);
            return;
        }

        var code = oauth.RedeemCode(form["code"].ToString(), clientId);
        if (code is null || code.RedirectUri != form["redirect_uri"].ToString())
        {
            await ApiResults.Error(StatusCodes.Status400BadRequest, "invalid or expired code").ExecuteAsync(context);
            return;
        }

        var (token, _) = tokens.Create(code.UserId, TokenKind.OAuth, code.Scopes, "oauth access", AccessTokenLifetime, clientId);
        var response = new OAuthTokenResponse(token, "Bearer", string.Join(' ', code.Scopes));
        context.Response.Headers.CacheControl = "no-store";
        await Results.Json(response, HubJsonContext.Default.OAuthTokenResponse).ExecuteAsync(context);
    }
}
