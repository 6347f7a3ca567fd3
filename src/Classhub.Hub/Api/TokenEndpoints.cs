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

        var (request, problem) = context.Request.ContentLength > 0
            ? await JsonBody.ReadAsync(context, HubJsonContext.Default.TokenRequest)
            : (new TokenRequest(null, null, null), null);
        problem ??= request is null ? null : Problem(request);
        if (problem is not null || request is null)
        {
            await ApiResults.Error(StatusCodes.Status400BadRequest, $"{problem}; send JSON like {{\"note\": \"...\", \"expires_in\": 3600, \"scopes\": [\"read:users\"]}}").ExecuteAsync(context);
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

    /// <summary>The longest lifetime a token can be given; 0 (or none) means it does not expire.</summary>
    internal const long MaxExpiresInSeconds = 10L * 366 * 24 * 3600;

    /// <summary>What is wrong with a request, naming the field; null when it can be honoured.</summary>
    internal static string? Problem(TokenRequest request)
    {
        if (request.ExpiresIn is < 0 or > MaxExpiresInSeconds)
        {
            return $"expires_in: must be a number of seconds between 1 and {MaxExpiresInSeconds} (10 years), or 0 for a token that does not expire; not {request.ExpiresIn}";
        }

        var scopes = request.Scopes ?? [];
        for (var i = 0; i < scopes.Count; i++)
        {
            // JSON null reaches the list although its type says otherwise.
            if (string.IsNullOrWhiteSpace(scopes[i]))
            {
                return $"scopes: item {i + 1} is {(scopes[i] is null ? "null" : "empty")}; each scope is a name such as \"read:users\" or \"self\"";
            }
        }

        return request.Note is { Length: > 1000 } ? "note: must be at most 1000 characters" : null;
    }
}
