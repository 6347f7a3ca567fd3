using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Classhub.Proxy.Forwarding;

/// <summary>
/// Shapes a request for a user's server: keeps the browser's Host (Jupyter checks a WebSocket's Origin against
/// it, as it does behind configurable-http-proxy), adds X-Forwarded-*, and removes the hub's own session cookie
/// so that no server, not even the one an admin visits, ever sees a hub credential.
/// </summary>
internal sealed class UserServerTransformer(string hubCookieName) : HttpTransformer
{
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

        if (proxyRequest.Headers.TryGetValues("Cookie", out var cookies))
        {
            var kept = CookieFilter.Without(cookies, hubCookieName);
            proxyRequest.Headers.Remove("Cookie");
            if (kept.Length > 0)
            {
                proxyRequest.Headers.TryAddWithoutValidation("Cookie", kept);
            }
        }
    }
}
