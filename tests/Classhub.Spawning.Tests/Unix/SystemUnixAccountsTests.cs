using Classhub.Spawning.LocalProcess;
using Classhub.Spawning.Processes;
using Classhub.Spawning.Unix;
using Classhub.Testing.Hostile;
using Microsoft.Extensions.Logging.Abstractions;

namespace Classhub.Spawning.Tests.Unix;

/// <summary><see cref="SystemUnixAccounts.Find"/>: a home to read, for the file viewer; nothing is created, and never a system account.</summary>
public sealed class SystemUnixAccountsTests
{
    private readonly SystemUnixAccounts _accounts = new(new LocalProcessSpawnerOptions(), new ProcessRunner(), NullLogger<SystemUnixAccounts>.Instance);

    [Fact]
    public async Task Find_AStudentsAccount_ItsHome()
    {
        await using var student = await HostileStudent.CreateAsync("sa");

        var account = _accounts.Find(student.Name);

        Assert.Equal((student.Name, student.Uid, student.Home), (account!.Name, account.Uid, account.Home));
    }

    [Theory]
    [InlineData("root")]
    [InlineData("daemon")]
    [InlineData("nobody-here-xyz")]
    [InlineData("../etc")]
    public void Find_SystemAccountsMissingOnesAndBadNames_Null(string name)
    {
        Assert.Null(_accounts.Find(name));
        Assert.Null(UnixAccounts.FindByName("nobody-here-xyz"));
    }
}
