using Classhub.Core.Routing;
using Classhub.Proxy.Forwarding;
using Classhub.Proxy.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Classhub.Proxy;

internal static class ProxyServiceCollectionExtensions
{
    /// <summary>Registers the route table and the forwarder.</summary>
    public static IServiceCollection AddUserServerProxy(this IServiceCollection services, ProxyOptions options)
    {
        services.AddHttpForwarder();
        services.AddSingleton(options);
        services.AddSingleton<IRouteTable, RouteTable>();
        services.AddSingleton<UserServerForwarder>();
        return services;
    }
}
