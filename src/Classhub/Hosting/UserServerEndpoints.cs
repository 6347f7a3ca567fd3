using Classhub.Hub.Proxying;
using Classhub.Hub.UserOrigin;
using Classhub.Proxy.Forwarding;

namespace Classhub.Hosting;

/// <summary>
/// <c>/user/{name}/…</c>: the hub's gate decides (from memory) whether the request may reach the server, the
/// proxy forwards it (HTTP and WebSocket). This is where the two parts meet. A middleware in front of routing, not a
/// route: every proxied request would otherwise pay for the route matcher first; the hub's own URLs are routed after it.
/// With user_servers.host (<see cref="UserServerOrigin"/>) servers are served only on their own host, which serves
/// nothing else of the hub's (but its sign-in step and ACME challenges; Jupyter's links to the hub's home and sign-out
/// pages are redirected to the hub's host), and <c>/user/…</c> on the hub's host redirects there.
/// </summary>
internal static class UserServerEndpoints
{
    public static readonly PathString Prefix = new("/user");

    public static void Use(WebApplication app)
    {
        var gate = app.Services.GetRequiredService<ProxyGate>();
        var forwarder = app.Services.GetRequiredService<UserServerForwarder>();
        var origin = app.Services.GetRequiredService<UserServerOrigin>();
        var signIn = app.Services.GetRequiredService<OriginSignIn>();
        app.Use(async (context, next) =>
        {
            if (origin.Enabled && origin.OwnerOfHost(context.Request.Host) is { } hostOwner)
            {
                await UserHostAsync(context, next, hostOwner);
                return;
            }

            switch (Parse(context.Request.Path))
            {
                case (string owner, _) when origin.Enabled:
                    // Never on the hub's host: a server's pages there would run its owner's scripts with the hub's cookies.
                    context.Response.Redirect(origin.OriginOf(owner) is { } elsewhere ? elsewhere + context.Request.Path + context.Request.QueryString : "/hub/home");
                    break;
                case (string owner, true):
                    if (await gate.AdmitAsync(context, owner) is { } admitted)
                    {
                        await forwarder.ForwardAsync(context, admitted.Target, callerOwnsServer: admitted.ByOwner);
                    }

                    break;
                case (string owner, false):
                    context.Response.Redirect($"/user/{Uri.EscapeDataString(owner)}/{context.Request.QueryString}");
                    break;
                default:
                    await next(context);
                    break;
            }
        });
        app.UseRouting();

        async Task UserHostAsync(HttpContext context, RequestDelegate next, string hostOwner)
        {
            var path = context.Request.Path;
            switch (Parse(path))
            {
                case (string owner, true) when UserServerOrigin.Serves(hostOwner, owner):
                    if (await gate.AdmitAsync(context, owner, onUserHost: true) is { } admitted)
                    {
                        await forwarder.ForwardAsync(context, admitted.Target, callerOwnsServer: admitted.ByOwner);
                    }

                    return;
                case (string owner, false) when UserServerOrigin.Serves(hostOwner, owner):
                    context.Response.Redirect($"/user/{Uri.EscapeDataString(owner)}/{context.Request.QueryString}");
                    return;
            }

            if (path.Equals(UserServerOrigin.SignedInPath, StringComparison.Ordinal))
            {
                await signIn.CompleteAsync(context);
            }
            else if (path.StartsWithSegments("/.well-known/acme-challenge", StringComparison.Ordinal))
            {
                await next(context); // the certificate names this host too
            }
            else if (HttpMethods.IsGet(context.Request.Method) && (path.Equals("/hub/home", StringComparison.Ordinal) || path.Equals("/hub/logout", StringComparison.Ordinal)))
            {
                // Jupyter's "Control Panel" and "Logout" links are relative to the host they are on: send the browser to the
                // hub's host (a navigation; nothing of the hub is served here, and neither page acts on a GET).
                context.Response.Redirect(origin.HubOrigin + path);
            }
            else
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync($"This host serves users' servers only. The hub is at {origin.HubOrigin}/hub/home\n");
            }
        }
    }

    /// <summary>The server's owner in <c>/user/{name}/…</c> (<c>WithinServer</c>: a path below it follows), or null for any other path.</summary>
    internal static (string? Owner, bool WithinServer) Parse(PathString path)
    {
        if (!path.StartsWithSegments(Prefix, out var rest) || rest.Value is not { Length: > 1 } tail)
        {
            return (null, false);
        }

        var slash = tail.IndexOf('/', 1);
        return slash switch
        {
            < 0 => (tail[1..], false),
            1 => (null, false),
            _ => (tail[1..slash], true),
        };
    }
}
