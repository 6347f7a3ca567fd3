using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Classhub.Proxy.Forwarding;

/// <summary>
/// Shapes a request for a user's server: keeps the browser's Host (Jupyter checks a WebSocket's Origin against
/// it, as it does behind configurable-http-proxy), adds X-Forwarded-*, and removes the hub's credentials, because a
/// server runs its owner's code: every hub cookie (<see cref="ProxyOptions.HubCookiePrefix"/>) and the CSRF header
/// always; the caller's <c>Authorization</c> header and <c>token</c> query parameter unless
/// <paramref name="forwardCallersToken"/> (the caller is the server's owner, whose own token their own server may
/// check, as JupyterHub's API clients expect). Requests with nothing to remove are not rewritten.
/// </summary>
internal sealed class UserServerTransformer(ProxyOptions options, bool forwardCallersToken) : HttpTransformer
{
    private const string CsrfHeader = "X-CSRF-Token";

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        var request = httpContext.Request;
        proxyRequest.Headers.Host = request.Host.Value;
        proxyRequest.Headers.Remove("X-Forwarded-For");
        proxyRequest.Headers.Remove("X-Forwarded-Proto");
        proxyRequest.Headers.Remove("X-Forwarded-Host");
        if (httpContext.Connection.RemoteIpAddress is { } remote)
        {
            proxyRequest.Headers.TryAddWithoutValidation("X-Forwarded-For", remote.ToString());
        }

        proxyRequest.Headers.TryAddWithoutValidation("X-Forwarded-Proto", request.Scheme);
        proxyRequest.Headers.TryAddWithoutValidation("X-Forwarded-Host", request.Host.Value);
        StripHubCredentials(request, proxyRequest, destinationPrefix);
    }

    private void StripHubCredentials(HttpRequest request, HttpRequestMessage proxyRequest, string destinationPrefix)
    {
        if (!forwardCallersToken)
        {
            if (request.Headers.Authorization.Count > 0)
            {
                proxyRequest.Headers.Authorization = null;
            }

            if (HubCredentials.HasToken(request.QueryString.Value))
            {
                // Otherwise the forwarder builds the address from the request's own query after this transform.
                proxyRequest.RequestUri = RequestUtilities.MakeDestinationAddress(destinationPrefix, request.Path, HubCredentials.WithoutToken(request.QueryString.Value!));
            }
        }

        if (request.Headers.ContainsKey(CsrfHeader))
        {
            proxyRequest.Headers.Remove(CsrfHeader);
        }

        if (HubCredentials.MayHaveHubCookie(request.Headers.Cookie, options.HubCookiePrefix))
        {
            var kept = HubCredentials.WithoutHubCookies(request.Headers.Cookie, options.HubCookiePrefix);
            proxyRequest.Headers.Remove("Cookie");
            if (kept.Length > 0)
            {
                proxyRequest.Headers.TryAddWithoutValidation("Cookie", kept);
            }
        }
    }
}
