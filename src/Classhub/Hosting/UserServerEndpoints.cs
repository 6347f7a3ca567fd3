using Classhub.Hub.Proxying;
using Classhub.Proxy.Forwarding;

namespace Classhub.Hosting;

/// <summary>
/// <c>/user/{name}/…</c>: the hub's gate decides (from memory) whether the request may reach the server, the
/// proxy forwards it (HTTP and WebSocket). This is where the two parts meet. A middleware in front of routing, not a
/// route: every proxied request would otherwise pay for the route matcher first; the hub's own URLs are routed after it.
/// </summary>
internal static class UserServerEndpoints
{
    public static readonly PathString Prefix = new("/user");

    public static void Use(WebApplication app)
    {
        var gate = app.Services.GetRequiredService<ProxyGate>();
        var forwarder = app.Services.GetRequiredService<UserServerForwarder>();
        app.Use(async (context, next) =>
        {
            switch (Parse(context.Request.Path))
            {
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
