using Classhub.Core.Users;
using Classhub.Spawning.Processes;
using Classhub.Spawning.Tests.Support;
using Classhub.Spawning.Unix;
using Classhub.Testing.Hostile;
using Microsoft.Extensions.Logging.Abstractions;

namespace Classhub.Spawning.Tests.Unix;

/// <summary>The machine's accounts as classhub makes and reads them: real useradd, real homes; these tests run as root.</summary>
public sealed class SystemAccountDirectoryTests : IDisposable
{
    private readonly TestUnixUser _user = new();
    private readonly List<string> _paths = [];

    public void Dispose()
    {
        _user.Dispose();
        foreach (var path in _paths)
        {
            if (new FileInfo(path).LinkTarget is not null)
            {
                File.Delete(path);
            }
            else if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
    }

    [Fact]
    public async Task CreateAsync_NewName_HomeIsPrivateFromTheStartAndUidInRange()
    {
        var created = await Accounts().CreateAsync(_user.Name, CancellationToken.None);

        Assert.True(created.Ok, created.Failure?.ToString());
        Assert.InRange(created.Value.Uid, AccountRules.DefaultMinUid, AccountRules.DefaultMaxUid);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(created.Value.Home));
        var home = Accounts().Home(created.Value);
        Assert.True(home.Ok, home.Failure?.ToString());
        Assert.True(home.Value.IsPrivate);
        Assert.NotNull(home.Value.CreatedAt);
    }

    [Fact]
    public async Task CreateAsync_NameTaken_FailsAndLeavesTheAccountAlone()
    {
        await using var existing = await HostileStudent.CreateAsync("dup", homeMode: "0755");

        var created = await Accounts().CreateAsync(existing.Name, CancellationToken.None);

        Assert.Equal("account-exists", created.Failure!.Reason);
        Assert.Equal(existing.Uid, UnixAccounts.FindByName(existing.Name)!.Uid);
        Assert.Equal("755", Mode(existing.Home));
    }

    [Fact]
    public async Task CreateAsync_UserAddFails_FailureWithItsError()
    {
        var directory = new SystemAccountDirectory(new AccountDirectoryOptions { UserAddArguments = ["--gid", "no-such-group-xyz"] }, new AccountRules(), new ProcessRunner(), NullLogger<SystemAccountDirectory>.Instance);

        var created = await directory.CreateAsync(_user.Name, CancellationToken.None);

        Assert.Equal("useradd-failed", created.Failure!.Reason);
        Assert.Contains("no-such-group-xyz", created.Failure.UserMessage, StringComparison.Ordinal);
        Assert.Null(UnixAccounts.FindByName(_user.Name));
    }

    [Fact]
    public async Task MakeHomePrivate_WorldReadableHome_Becomes0700()
    {
        await using var student = await HostileStudent.CreateAsync("wide", homeMode: "0755");
        var account = Accounts().Find(student.Name)!;

        var fixedHome = Accounts().MakeHomePrivate(account);

        Assert.True(fixedHome.Ok, fixedHome.Failure?.ToString());
        Assert.Equal("700", Mode(student.Home));
        var cat = await student.RunAsync("/usr/bin/stat", "-c", "%U", student.Home);
        Assert.Equal(student.Name, cat.Stdout.Trim());
    }

    [Fact]
    public async Task MakeHomePrivate_HomeIsASymlinkToAFolderOfRoots_RefusedAndTheFolderUntouched()
    {
        await using var student = await HostileStudent.CreateAsync("lnk");
        var victim = Directory.CreateTempSubdirectory("classhub-home-victim-").FullName;
        File.SetUnixFileMode(victim, (UnixFileMode)0b111_101_101);
        var link = Path.Combine(Path.GetTempPath(), "classhub-home-link-" + student.Name);
        File.CreateSymbolicLink(link, victim);
        _paths.AddRange([link, victim]);
        Assert.True((await HostileStudent.RunAsRootAsync("/usr/sbin/usermod", "-d", link, student.Name)).Succeeded);
        var account = Accounts().Find(student.Name)!;

        var result = Accounts().MakeHomePrivate(account);

        Assert.False(result.Ok);
        Assert.Contains("is a symlink or not a folder; classhub does not follow it", result.Failure!.UserMessage, StringComparison.Ordinal);
        Assert.Equal("755", Mode(victim));
    }

    [Fact]
    public async Task MakeHomePrivate_HomeOwnedBySomeoneElse_LeftAlone()
    {
        await using var student = await HostileStudent.CreateAsync("own", homeMode: "0755");
        Assert.True((await HostileStudent.RunAsRootAsync("/bin/chown", "root", student.Home)).Succeeded);

        var result = Accounts().MakeHomePrivate(Accounts().Find(student.Name)!);

        Assert.Equal("home-not-owned", result.Failure!.Reason);
        Assert.Equal("755", Mode(student.Home));
    }

    [Fact]
    public async Task Find_AccountInSudo_ListsItsGroupsByName()
    {
        await using var admin = await HostileStudent.CreateAsync("grp");
        Assert.True((await HostileStudent.RunAsRootAsync("/usr/sbin/usermod", "-aG", "sudo", admin.Name)).Succeeded);

        var account = Accounts().Find(admin.Name)!;

        Assert.Contains(account.Groups, g => g.Name == "sudo");
        Assert.Contains(account.Groups, g => g.Id == admin.Gid);
        Assert.Contains("member of group sudo", new AccountRules().Problem(account), StringComparison.Ordinal);
    }

    private static SystemAccountDirectory Accounts() =>
        new(new AccountDirectoryOptions(), new AccountRules(), new ProcessRunner(), NullLogger<SystemAccountDirectory>.Instance);

    private static string Mode(string path) => Convert.ToString((int)File.GetUnixFileMode(path), 8);
}
