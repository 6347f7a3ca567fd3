using Classhub.Core.Routing;
using Classhub.Hub.Api;
using Classhub.Hub.Auth;
using Classhub.Hub.Metrics;
using Classhub.Hub.Pages;
using Classhub.Hub.Servers;
using Microsoft.AspNetCore.Http;

namespace Classhub.Hub.Proxying;

/// <summary>
/// Decides, from memory, whether a request for <c>/user/{owner}/…</c> may reach that user's server: only the
/// owner, or someone holding <c>access:servers</c> on it (an admin), with a session or a token. Everyone else
/// gets no response from the server at all. A server that is not running sends people to its spawn page.
/// </summary>
internal sealed class ProxyGate(CallerResolver callers, IRouteTable routes, ServerManager servers, PageRenderer pages, HubMetrics metrics)
{
    /// <summary>The server to forward to, or null after writing the answer (sign in, forbidden, not running).</summary>
    public async ValueTask<Uri?> AdmitAsync(HttpContext context, string owner)
    {
        var caller = callers.Identify(context.Request);
        if (caller is null || !caller.Can(Scopes.AccessServers, owner))
        {
            metrics.Denied();
        }

        var isApi = context.Request.Path.Value?.Contains("/api/", StringComparison.Ordinal) == true || !HttpMethods.IsGet(context.Request.Method);
        if (caller is null)
        {
            if (CallerResolver.HasToken(context.Request) || isApi)
            {
                await ApiResults.Unauthorized().ExecuteAsync(context);
            }
            else
            {
                context.Response.Redirect("/hub/login?next=" + Uri.EscapeDataString(context.Request.Path + context.Request.QueryString));
            }

            return null;
        }

        if (!caller.Can(Scopes.AccessServers, owner))
        {
            await (isApi
                ? ApiResults.Forbidden($"access the server of {owner}").ExecuteAsync(context)
                : pages.Error(context, StatusCodes.Status403Forbidden, "Not your server", "This server belongs to someone else."));
            return null;
        }

        if (routes.TryGet(owner, out var target))
        {
            servers.Touch(owner);
            metrics.Proxied();
            return target;
        }

        if (isApi)
        {
            await ApiResults.Error(StatusCodes.Status424FailedDependency, $"the server of {owner} is not running").ExecuteAsync(context);
        }
        else
        {
            context.Response.Redirect($"/hub/spawn/{Uri.EscapeDataString(owner)}?next={Uri.EscapeDataString(context.Request.Path + context.Request.QueryString)}");
        }

        return null;
    }
}
