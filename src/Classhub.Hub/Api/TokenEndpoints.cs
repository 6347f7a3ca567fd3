using Classhub.Hub.Auth;
using Classhub.Storage.Tokens;
using Classhub.Storage.Users;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Classhub.Hub.Api;

/// <summary><c>POST /hub/api/users/{name}/tokens</c>: a new API token, shown once.</summary>
internal sealed class TokenEndpoints(ApiCaller api, UserStore users, TokenStore tokens, Hosting.HubOptions options)
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var e = app.ServiceProvider.GetRequiredService<TokenEndpoints>();
        app.MapPost("/hub/api/users/{name}/tokens", e.Create);
    }

    private async Task Create(HttpContext context)
    {
        var (caller, name, error) = api.RequireOnUser(context, Scopes.Tokens, static name => $"create tokens for {name}");
        if (caller is null)
        {
            await error!.ExecuteAsync(context);
            return;
        }

        var user = users.Find(name);
        if (user is null)
        {
            await ApiResults.NotFound($"user {name}").ExecuteAsync(context);
            return;
        }

        var request = context.Request.ContentLength > 0
            ? await JsonBody.ReadAsync(context, HubJsonContext.Default.TokenRequest)
            : new TokenRequest(null, null, null);
        if (request is null || request.ExpiresIn is < 0)
        {
            await ApiResults.Error(StatusCodes.Status400BadRequest, "the body must be JSON like {\"note\": \"...\", \"expires_in\": 3600}").ExecuteAsync(context);
            return;
        }

        // A token can hold at most what its owner may do: by default it inherits, named scopes must be held by the owner.
        var ownerScopes = Scopes.ForUser(user.Name, user.User.IsAdmin, options.AdminAccess);
        // JupyterHub's "self" role scope means the same as inheriting.
        var scopes = request.Scopes is { Count: > 0 } asked ? [.. asked.Select(s => s == "self" ? Scopes.Inherit : s)] : new List<string> { Scopes.Inherit };
        var notHeld = scopes.Where(s => s != Scopes.Inherit && !ownerScopes.Contains(s) && !ownerScopes.Any(o => s.StartsWith(o + "!", StringComparison.Ordinal))).ToList();
        if (notHeld.Count > 0)
        {
            await ApiResults.Error(StatusCodes.Status403Forbidden, $"{name} does not hold the scopes {string.Join(", ", notHeld)}").ExecuteAsync(context);
            return;
        }

        var expires = request.ExpiresIn is { } seconds and > 0 ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
        var (token, stored) = tokens.Create(user.Id, TokenKind.Api, scopes, request.Note, expires);
        var model = new TokenModel(token, $"a{stored.Id}", "api_token", user.Name, stored.Note, stored.Scopes, stored.CreatedAt, stored.ExpiresAt);
        await Results.Json(model, HubJsonContext.Default.TokenModel, statusCode: StatusCodes.Status201Created).ExecuteAsync(context);
    }
}
