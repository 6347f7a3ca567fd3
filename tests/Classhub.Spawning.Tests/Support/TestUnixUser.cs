using System.Security.Cryptography;
using Classhub.Core.Users;
using Classhub.Spawning.Processes;
using Classhub.Spawning.Unix;
using Microsoft.Extensions.Logging.Abstractions;

namespace Classhub.Spawning.Tests.Support;

/// <summary>
/// A unique Unix user name for one test; <see cref="Create"/> makes the account the way classhub does
/// (<see cref="SystemAccountDirectory"/>: useradd, home 0700). Deleted with its home at the end.
/// </summary>
internal sealed class TestUnixUser : IDisposable
{
    public TestUnixUser()
    {
        Name = "cht" + RandomNumberGenerator.GetInt32(100_000, 1_000_000);
    }

    public string Name { get; }

    /// <summary>The account, made now with classhub's own account directory.</summary>
    public UnixAccount Create()
    {
        var directory = new SystemAccountDirectory(new AccountDirectoryOptions(), new AccountRules(), new ProcessRunner(), NullLogger<SystemAccountDirectory>.Instance);
        var made = directory.CreateAsync(Name, CancellationToken.None).GetAwaiter().GetResult();
        Assert.True(made.Ok, made.Failure?.ToString());
        return UnixAccounts.FindByName(Name)!;
    }

    public void Dispose()
    {
        if (UnixAccounts.FindByName(Name) is not null)
        {
            new ProcessRunner().RunAsync("/usr/sbin/userdel", ["-f", "-r", Name], CancellationToken.None).GetAwaiter().GetResult();
        }
    }
}
