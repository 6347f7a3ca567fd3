using System.Security.Cryptography;
using Classhub.Spawning.Processes;
using Classhub.Spawning.Unix;

namespace Classhub.Spawning.Tests.Support;

/// <summary>A unique Unix user name for one test (the spawner creates the account); deleted with its home at the end.</summary>
internal sealed class TestUnixUser : IDisposable
{
    public TestUnixUser()
    {
        Name = "cht" + RandomNumberGenerator.GetInt32(100_000, 1_000_000);
    }

    public string Name { get; }

    public void Dispose()
    {
        if (UnixAccounts.FindByName(Name) is not null)
        {
            new ProcessRunner().RunAsync("/usr/sbin/userdel", ["-f", "-r", Name], CancellationToken.None).GetAwaiter().GetResult();
        }
    }
}
