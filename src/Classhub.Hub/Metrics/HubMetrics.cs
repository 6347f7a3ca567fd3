namespace Classhub.Hub.Metrics;

/// <summary>Counters the hub keeps in memory for <c>/hub/metrics</c>; increments are lock-free (the proxy path counts too).</summary>
internal sealed class HubMetrics
{
    private long _proxiedRequests;
    private long _proxyDenied;
    private long _loginSuccess;
    private long _loginFailure;
    private long _loginLimited;
    private long _loginBusy;
    private long _spawnSuccess;
    private long _spawnFailure;
    private long _spawnMillisTotal;

    public long ProxiedRequests => Interlocked.Read(ref _proxiedRequests);

    public long ProxyDenied => Interlocked.Read(ref _proxyDenied);

    public long LoginSuccess => Interlocked.Read(ref _loginSuccess);

    public long LoginFailure => Interlocked.Read(ref _loginFailure);

    public long LoginLimited => Interlocked.Read(ref _loginLimited);

    public long LoginBusyCount => Interlocked.Read(ref _loginBusy);

    public long SpawnSuccess => Interlocked.Read(ref _spawnSuccess);

    public long SpawnFailure => Interlocked.Read(ref _spawnFailure);

    public double SpawnSecondsTotal => Interlocked.Read(ref _spawnMillisTotal) / 1000.0;

    public void Proxied() => Interlocked.Increment(ref _proxiedRequests);

    public void Denied() => Interlocked.Increment(ref _proxyDenied);

    public void Login(bool success, bool limited)
    {
        if (limited)
        {
            Interlocked.Increment(ref _loginLimited);
        }
        else if (success)
        {
            Interlocked.Increment(ref _loginSuccess);
        }
        else
        {
            Interlocked.Increment(ref _loginFailure);
        }
    }

    /// <summary>A sign-in turned away because too many were already waiting for a password check (503).</summary>
    public void LoginBusy() => Interlocked.Increment(ref _loginBusy);

    public void Spawned(bool success, TimeSpan took)
    {
        Interlocked.Increment(ref success ? ref _spawnSuccess : ref _spawnFailure);
        Interlocked.Add(ref _spawnMillisTotal, (long)took.TotalMilliseconds);
    }
}
