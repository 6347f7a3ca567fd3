using Classhub.Hub.Auth;

namespace Classhub.Hosting;

/// <summary>
/// Behind trusted reverse proxies (trusted_proxies), the connection's remote address becomes the client the proxies
/// name in X-Forwarded-For (<see cref="TrustedProxies.ClientOf"/>), for everything after it: the sign-in limits, the
/// logs, the X-Forwarded-For the users' servers get. Nothing is added to the pipeline when no proxy is trusted.
/// </summary>
internal static class ForwardedClient
{
    public static void Use(WebApplication app, TrustedProxies proxies)
    {
        if (!proxies.Any)
        {
            return;
        }

        app.Use((context, next) =>
        {
            var connection = context.Connection;
            connection.RemoteIpAddress = proxies.ClientOf(connection.RemoteIpAddress, context.Request.Headers["X-Forwarded-For"]);
            return next(context);
        });
    }
}
