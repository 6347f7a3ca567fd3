using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Classhub.Acme.Challenges;

internal static class Http01ChallengeEndpoints
{
    public const string Pattern = "/.well-known/acme-challenge/{token}";

    /// <summary>
    /// Serves pending http-01 key authorizations as text/plain (RFC 8555 section 8.3); 404 for unknown tokens.
    /// Map it on the plain-HTTP (:80) listener, before the redirect to https.
    /// </summary>
    public static IEndpointConventionBuilder MapAcmeHttp01Challenges(this IEndpointRouteBuilder endpoints, Http01ChallengeStore store)
    {
        RequestDelegate handler = context => Answer(context, store);
        return endpoints.MapGet(Pattern, handler);
    }

    private static Task Answer(HttpContext context, Http01ChallengeStore store)
    {
        if (context.Request.RouteValues["token"] is not string token || !store.TryGet(token, out var keyAuthorization))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }
        context.Response.ContentType = "text/plain";
        return context.Response.WriteAsync(keyAuthorization);
    }
}
