using System.Collections.Concurrent;
using Classhub.Core.Routing;

namespace Classhub.Proxy.Routing;

/// <summary>The in-memory route table: one lock-free dictionary read per proxied request.</summary>
internal sealed class RouteTable : IRouteTable
{
    private readonly ConcurrentDictionary<string, Uri> _routes = new(StringComparer.Ordinal);

    public bool TryGet(string userName, out Uri target) => _routes.TryGetValue(userName, out target!);

    public void Set(string userName, Uri target) => _routes[userName] = target;

    public void Remove(string userName) => _routes.TryRemove(userName, out _);

    public IReadOnlyDictionary<string, Uri> Snapshot() => new Dictionary<string, Uri>(_routes, StringComparer.Ordinal);
}
