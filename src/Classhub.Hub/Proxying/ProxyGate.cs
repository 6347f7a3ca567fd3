using Classhub.Core.Routing;
using Classhub.Hub.Api;
using Classhub.Hub.Auth;
using Classhub.Hub.Metrics;
using Classhub.Hub.Pages;
using Classhub.Hub.Servers;
using Classhub.Hub.StudentFiles;
using Classhub.Hub.UserOrigin;
using Microsoft.AspNetCore.Http;

namespace Classhub.Hub.Proxying;

/// <summary>Where an admitted request goes, and whether it is the server's owner who asks (then their own token may go with it).</summary>
internal readonly record struct Admission(Uri Target, bool ByOwner);

/// <summary>
/// Decides, from memory, whether a request for <c>/user/{owner}/…</c> may reach that user's server: only when
/// <see cref="ServerAccess"/> allows it (the owner, with a session or a token). Everyone else gets no response from the
/// server at all; staff who may look at the owner's files are sent to the file viewer instead. A server that is not
/// running sends people to its spawn page.
/// </summary>
internal sealed class ProxyGate(CallerResolver callers, ServerAccess access, IRouteTable routes, ServerManager servers, PageRenderer pages, StudentFilesEndpoints files, UserServerOrigin origin, OriginSignIn signIn, HubMetrics metrics)
{
    /// <summary>
    /// Where to forward, or null after writing the answer (sign in, forbidden, not running). <paramref name="onUserHost"/>:
    /// the request came to a user-server host (user_servers.host), where callers sign in through <see cref="OriginSignIn"/>
    /// and the hub's own pages are never shown.
    /// </summary>
    public async ValueTask<Admission?> AdmitAsync(HttpContext context, string owner, bool onUserHost = false)
    {
        var caller = onUserHost ? callers.IdentifyOnUserHost(context.Request, UserServerOrigin.Cookie) : callers.Identify(context.Request);
        var allowed = caller is not null && access.Allows(caller, owner);
        if (!allowed)
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
            else if (onUserHost)
            {
                signIn.SendToHub(context);
            }
            else
            {
                context.Response.Redirect("/hub/login?next=" + Uri.EscapeDataString(context.Request.Path + context.Request.QueryString));
            }

            return null;
        }

        if (!allowed && onUserHost)
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync($"Not your server. Staff look at students' files at {origin.HubOrigin}/hub/users/{Uri.EscapeDataString(owner)}/files/\n");
            return null;
        }

        if (!allowed)
        {
            await (isApi
                ? ApiResults.Forbidden($"access the server of {owner} (staff look at students' files at /hub/users/{owner}/files/)").ExecuteAsync(context)
                : files.RefuseLiveServer(context, caller, owner) ?? pages.Error(context, StatusCodes.Status403Forbidden, "Not your server", "This server belongs to someone else."));
            return null;
        }

        if (routes.TryGet(owner, out var target))
        {
            servers.Touch(owner);
            metrics.Proxied();
            return new Admission(target, string.Equals(caller.Name, owner, StringComparison.Ordinal));
        }

        if (isApi)
        {
            await ApiResults.Error(StatusCodes.Status424FailedDependency, $"the server of {owner} is not running").ExecuteAsync(context);
        }
        else
        {
            context.Response.Redirect($"{(onUserHost ? origin.HubOrigin : "")}/hub/spawn/{Uri.EscapeDataString(owner)}?next={Uri.EscapeDataString(context.Request.Path + context.Request.QueryString)}");
        }

        return null;
    }
}
