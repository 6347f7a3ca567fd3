using Classhub.Core.Results;
using Classhub.Core.Users;

namespace Classhub.Hub.Tests.Accounts;

/// <summary>
/// A machine's accounts in memory, for unit tests of the hub's account binding: accounts with their groups, and homes
/// whose owner, mode and birth time the test sets. <see cref="CreateAsync"/> adds an account (uids from 2000, home
/// 0700 born now) unless the name is taken, as useradd would.
/// </summary>
internal sealed class InMemoryAccountDirectory : IAccountDirectory
{
    private readonly Dictionary<string, SystemAccount> _accounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HomeInfo> _homes = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _lock = new(1, 1);
    private uint _nextUid = 2000;

    /// <summary>Names <see cref="CreateAsync"/> made, in order.</summary>
    public List<string> Created { get; } = [];

    /// <summary>Adds an account as if someone had made it (useradd, LDAP); its home is 0755, born when said (or unknown).</summary>
    public SystemAccount Add(string name, uint? uid = null, DateTimeOffset? homeBorn = null, params string[] groups)
    {
        var id = uid ?? _nextUid++;
        var account = new SystemAccount(name, id, id, $"/home/{name}", [new SystemGroup(id, name), .. groups.Select((g, i) => new SystemGroup(27u + (uint)i, g))]);
        _accounts[name] = account;
        _homes[name] = new HomeInfo(id, 0x1ED, homeBorn);
        return account;
    }

    public void Remove(string name)
    {
        _accounts.Remove(name);
        _homes.Remove(name);
    }

    public HomeInfo HomeOf(string name) => _homes[name];

    public SystemAccount? Find(string name) => _accounts.GetValueOrDefault(name);

    public Task<Result<SystemAccount>> CreateAsync(string name, CancellationToken cancellationToken)
    {
        if (_accounts.ContainsKey(name))
        {
            return Task.FromResult<Result<SystemAccount>>(Failure.Of("account-exists", $"creating {name}: taken"));
        }

        var account = Add(name, homeBorn: DateTimeOffset.UtcNow);
        _homes[name] = _homes[name] with { Mode = 0x1C0 };
        Created.Add(name);
        return Task.FromResult(Result<SystemAccount>.Success(account));
    }

    public async Task<IDisposable> LockAsync(CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        return new Releaser(_lock);
    }

    public Result<HomeInfo> Home(SystemAccount account) =>
        _homes.TryGetValue(account.Name, out var home) ? Result<HomeInfo>.Success(home) : Failure.Of("home-missing", $"no home for {account.Name}");

    public Result<HomeInfo> MakeHomePrivate(SystemAccount account)
    {
        if (!_homes.TryGetValue(account.Name, out var home))
        {
            return Failure.Of("home-missing", $"no home for {account.Name}");
        }

        _homes[account.Name] = home with { Mode = home.Mode & ~0x3Fu };
        return Result<HomeInfo>.Success(_homes[account.Name]);
    }

    private sealed class Releaser(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }
}
