namespace Classhub.Core.Routing;

/// <summary>
/// Where each user's server is reached. The proxy reads it on every request, so lookups are lock-free dictionary
/// reads; writes happen only when a server starts or stops. Contract: <see cref="Set"/> replaces any route for the
/// user; <see cref="Remove"/> of an absent route is a no-op; readers never see a half-written route.
/// </summary>
public interface IRouteTable
{
    bool TryGet(string userName, out Uri target);

    void Set(string userName, Uri target);

    void Remove(string userName);

    IReadOnlyDictionary<string, Uri> Snapshot();
}
