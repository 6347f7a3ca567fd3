using Classhub.Hub.Proxying;
using Classhub.Proxy.Forwarding;

namespace Classhub.Hosting;

/// <summary>
/// <c>/user/{name}/…</c>: the hub's gate decides (from memory) whether the request may reach the server, the
/// proxy forwards it (HTTP and WebSocket). This is where the two parts meet.
/// </summary>
internal static class UserServerEndpoints
{
    public static readonly PathString Prefix = new("/user");

    public static void Map(WebApplication app)
    {
        var gate = app.Services.GetRequiredService<ProxyGate>();
        var forwarder = app.Services.GetRequiredService<UserServerForwarder>();
        app.Map("/user/{name}/{**rest}", async context =>
        {
            var owner = (string)context.GetRouteValue("name")!;
            if (await gate.AdmitAsync(context, owner) is { } target)
            {
                await forwarder.ForwardAsync(context, target);
            }
        });
        app.Map("/user/{name}", context =>
        {
            context.Response.Redirect($"/user/{Uri.EscapeDataString((string)context.GetRouteValue("name")!)}/{context.Request.QueryString}");
            return Task.CompletedTask;
        });
    }
}
