using Classhub.Core.Users;
using Classhub.Hub.Accounts;
using Classhub.Storage.Accounts;
using Classhub.Storage.Database;
using Classhub.Storage.Invites;
using Classhub.Storage.Users;
using Microsoft.Extensions.Logging.Abstractions;

namespace Classhub.Hub.Tests.Accounts;

/// <summary>
/// Which Unix account each hub user gets: the decisions of <see cref="AccountBinder"/>, against a real SQLite file and
/// an in-memory machine (real accounts and useradd are exercised by the spawning tests and end to end).
/// </summary>
public sealed class AccountBinderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("classhub-accounts-").FullName;
    private readonly HubDatabase _database;
    private readonly UserStore _users;
    private readonly UnixAccountStore _store;
    private readonly InMemoryAccountDirectory _machine = new();

    public AccountBinderTests()
    {
        _database = new HubDatabase(Path.Combine(_dir, "classhub.db"));
        _database.Migrate();
        _users = new UserStore(_database, TimeProvider.System);
        _store = new UnixAccountStore(_database, TimeProvider.System);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task BindAsync_NameFree_CreatesTheAccountRecordsItAndKeepsUsingIt()
    {
        _users.Add("alice", admin: false);

        var first = await Binder().BindAsync("alice", CancellationToken.None);
        var second = await Binder().BindAsync("alice", CancellationToken.None);

        Assert.True(first.Ok, first.Failure?.ToString());
        Assert.Equal(first.Value, second.Value);
        Assert.Equal(["alice"], _machine.Created);
        var recorded = _store.ForAccount("alice")!;
        Assert.Equal((first.Value.Uid, AccountOrigin.Created), (recorded.Uid!.Value, recorded.Origin));
    }

    [Fact]
    public async Task BindAsync_AccountExistsThatClasshubDidNotCreate_RefusedAndNothingRecorded()
    {
        _machine.Add("carol");
        _users.Add("carol", admin: false);

        var bound = await Binder().BindAsync("carol", CancellationToken.None);

        Assert.Equal("account-exists", bound.Failure!.Reason);
        Assert.Equal("choosing the Unix account of carol: a Unix account carol already exists on this server and classhub did not create it; an admin can link it with 'classhub user link carol'", bound.Failure.UserMessage);
        Assert.Null(_store.ForAccount("carol"));
        Assert.Empty(_machine.Created);
    }

    [Fact]
    public async Task BindAsync_AdministratorsAccountOrSystemAccount_RefusedSayingWhy()
    {
        _machine.Add("boss", groups: "sudo");
        _machine.Add("daemonish", uid: 998);
        _users.Add("boss", admin: false);
        _users.Add("daemonish", admin: false);

        var boss = await Binder().BindAsync("boss", CancellationToken.None);
        var system = await Binder().BindAsync("daemonish", CancellationToken.None);

        Assert.Contains("classhub never runs servers or writes files as it (it is a member of group sudo, which administers the machine)", boss.Failure!.UserMessage, StringComparison.Ordinal);
        Assert.Contains("its uid 998 is outside the range classhub runs servers as (1000-60000", system.Failure!.UserMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BindAsync_CreatedAccountLaterPutInSudo_RefusedEvenThoughClasshubMadeIt()
    {
        _users.Add("dave", admin: false);
        var made = await Binder().BindAsync("dave", CancellationToken.None);
        _machine.Add("dave", uid: made.Value!.Uid, groups: "sudo");

        var bound = await Binder().BindAsync("dave", CancellationToken.None);

        Assert.Equal("account-refused", bound.Failure!.Reason);
    }

    [Fact]
    public async Task BindAsync_AccountDeletedAndMadeAgainWithAnotherUid_Refused()
    {
        _users.Add("erin", admin: false);
        var made = await Binder().BindAsync("erin", CancellationToken.None);
        _machine.Add("erin", uid: made.Value!.Uid + 100);

        var bound = await Binder().BindAsync("erin", CancellationToken.None);

        Assert.Equal("account-replaced", bound.Failure!.Reason);
        Assert.Contains($"has uid {made.Value.Uid + 100}, but classhub recorded uid {made.Value.Uid}", bound.Failure.UserMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BindAsync_CreatedAccountRemovedByAnAdmin_MadeAgain()
    {
        _users.Add("fay", admin: false);
        await Binder().BindAsync("fay", CancellationToken.None);
        _machine.Remove("fay");

        var again = await Binder().BindAsync("fay", CancellationToken.None);

        Assert.True(again.Ok, again.Failure?.ToString());
        Assert.Equal(["fay", "fay"], _machine.Created);
        Assert.Equal(again.Value.Uid, _store.ForAccount("fay")!.Uid);
    }

    [Fact]
    public async Task BindAsync_HubStoppedBetweenUseraddAndRecordingTheUid_FinishedNextTime()
    {
        var user = _users.Add("gus", admin: false)!;
        Assert.True(_store.BeginCreate(user.Id, "gus"));
        var made = _machine.Add("gus");

        var bound = await Binder().BindAsync("gus", CancellationToken.None);

        Assert.True(bound.Ok, bound.Failure?.ToString());
        Assert.Equal(made.Uid, _store.ForAccount("gus")!.Uid);
    }

    [Fact]
    public async Task LinkAsync_ExistingAccount_ServerUsesIt_UnlinkForgetsIt()
    {
        _machine.Add("hank");
        _users.Add("hank", admin: false);

        var linked = await Binder().LinkAsync("hank", null, CancellationToken.None);
        var bound = await Binder().BindAsync("hank", CancellationToken.None);
        var origin = _store.ForAccount("hank")?.Origin;
        var unlinked = await Binder().UnlinkAsync("hank", CancellationToken.None);

        Assert.True(linked.Ok, linked.Failure?.ToString());
        Assert.Equal(linked.Value, bound.Value);
        Assert.Equal(AccountOrigin.Linked, origin);
        Assert.True(unlinked.Value);
        Assert.Null(_store.ForAccount("hank"));
        Assert.Equal("account-exists", (await Binder().BindAsync("hank", CancellationToken.None)).Failure!.Reason);
    }

    [Fact]
    public async Task LinkAsync_AnotherAccountName_UsedForTheUser()
    {
        _machine.Add("i.smith");
        _users.Add("ivy", admin: false);

        Assert.True((await Binder().LinkAsync("ivy", "i.smith", CancellationToken.None)).Ok);

        Assert.Equal("i.smith", (await Binder().BindAsync("ivy", CancellationToken.None)).Value!.Name);
    }

    [Fact]
    public async Task LinkAsync_NotAValidAccountNameOrNoSuchAccount_RefusedSayingWhy()
    {
        _users.Add("uma", admin: false);

        var invalid = await Binder().LinkAsync("uma", "Bad Name", CancellationToken.None);
        var missing = await Binder().LinkAsync("uma", "nosuchaccount", CancellationToken.None);

        Assert.Equal("invalid-unix-user", invalid.Failure!.Reason);
        Assert.Equal("linking hub user uma to the Unix account nosuchaccount: there is no Unix account nosuchaccount; make it first (useradd -m nosuchaccount), or do not link: classhub creates an account for uma when it needs one", missing.Failure!.UserMessage);
    }

    [Fact]
    public async Task LinkAsync_AdministratorsAccount_Refused()
    {
        _machine.Add("root2", groups: "wheel");
        _users.Add("root2", admin: false);

        var linked = await Binder().LinkAsync("root2", null, CancellationToken.None);

        Assert.Equal("account-refused", linked.Failure!.Reason);
        Assert.Contains("member of group wheel", linked.Failure.UserMessage, StringComparison.Ordinal);
        Assert.Null(_store.ForAccount("root2"));
    }

    [Fact]
    public async Task LinkAsync_AccountOfAnotherHubUser_Refused()
    {
        _users.Add("jo", admin: false);
        _users.Add("kim", admin: false);
        await Binder().BindAsync("jo", CancellationToken.None);

        var linked = await Binder().LinkAsync("kim", "jo", CancellationToken.None);

        Assert.Equal("account-taken", linked.Failure!.Reason);
        Assert.Contains("unlink it there first (classhub user unlink jo)", linked.Failure.UserMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LinkByPamAsync_NoHubPassword_AccountBecomesTheUsers_AndInvitesStopWorking()
    {
        _machine.Add("lee");
        var user = _users.Add("lee", admin: false)!;
        var invites = new InviteStore(_database, TimeProvider.System);
        var code = invites.Create(user.Id, TimeSpan.FromDays(1));

        await Binder(pam: true).LinkByPamAsync("lee", CancellationToken.None);

        Assert.Equal(AccountOrigin.Pam, _store.ForUser(user.Id)!.Origin);
        Assert.True((await Binder(pam: true).BindAsync("lee", CancellationToken.None)).Ok);
        Assert.Null(invites.Redeem(code, "hash-of-a-hub-password"));
        Assert.Null(_users.Find("lee")!.PasswordHash);
    }

    [Fact]
    public async Task LinkByPamAsync_HubUserAlsoHasAHubPassword_NotLinked()
    {
        _machine.Add("mo");
        _users.Add("mo", admin: false, passwordHash: "set-through-an-invite");

        await Binder(pam: true).LinkByPamAsync("mo", CancellationToken.None);

        Assert.Null(_store.ForAccount("mo"));
    }

    [Fact]
    public async Task LegacyAccount_HomeMadeAfterTheHubUserBeforeTheUpgrade_AdoptedAndMadePrivate()
    {
        var user = _users.Add("ned", admin: false)!;
        _machine.Add("ned", homeBorn: user.User.CreatedAt.AddMinutes(5));
        Upgraded(at: user.User.CreatedAt.AddDays(1));

        await Binder().ReviewAsync(CancellationToken.None);

        Assert.Equal(AccountOrigin.Adopted, _store.ForAccount("ned")!.Origin);
        Assert.True(_machine.HomeOf("ned").IsPrivate);
        Assert.True((await Binder().BindAsync("ned", CancellationToken.None)).Ok);
    }

    [Theory]
    [InlineData(-5)]
    [InlineData(null)]
    public async Task LegacyAccount_HomeOlderThanTheHubUserOrOfUnknownAge_NotAdopted(int? homeBornMinutesAfterUser)
    {
        var user = _users.Add("ola", admin: false)!;
        _machine.Add("ola", homeBorn: homeBornMinutesAfterUser is { } m ? user.User.CreatedAt.AddMinutes(m) : null);
        Upgraded(at: user.User.CreatedAt.AddDays(1));

        await Binder().ReviewAsync(CancellationToken.None);

        Assert.Null(_store.ForAccount("ola"));
        Assert.False(_machine.HomeOf("ola").IsPrivate);
        Assert.Equal("account-exists", (await Binder().BindAsync("ola", CancellationToken.None)).Failure!.Reason);
    }

    [Fact]
    public async Task ReviewAsync_MakesPrivateTheHomesClasshubMade_NotLinkedOnes()
    {
        _users.Add("pat", admin: false);
        _users.Add("quin", admin: false);
        _machine.Add("quin");
        await Binder().BindAsync("pat", CancellationToken.None);
        await Binder().LinkAsync("quin", null, CancellationToken.None);
        _machine.Add("pat", uid: _store.ForAccount("pat")!.Uid, homeBorn: DateTimeOffset.UtcNow);

        await Binder().ReviewAsync(CancellationToken.None);

        Assert.True(_machine.HomeOf("pat").IsPrivate);
        Assert.False(_machine.HomeOf("quin").IsPrivate);
    }

    [Fact]
    public void CheckName_ExistingAccount_BlocksWithoutPam_WarnsWithPam_NothingForAFreeName()
    {
        _machine.Add("rae");

        Assert.Equal((true, "a Unix account rae already exists on this server and classhub did not create it; an admin can link it with 'classhub user link rae'"), Flip(Binder().CheckName("rae")));
        Assert.False(Binder(pam: true).CheckName("rae")!.Value.Blocks);
        Assert.Null(Binder().CheckName("sam"));
    }

    [Fact]
    public async Task DevelopmentMode_NothingIsBoundOrRefused()
    {
        _machine.Add("tia", groups: "sudo");
        _users.Add("tia", admin: false);

        var disabled = Binder(enabled: false);

        Assert.Null(disabled.CheckName("tia"));
        Assert.Equal("not-root", (await disabled.BindAsync("tia", CancellationToken.None)).Failure!.Reason);
    }

    private static (bool, string) Flip((string Message, bool Blocks)? verdict) => (verdict!.Value.Blocks, verdict.Value.Message);

    [Fact]
    public async Task Find_BoundAccount_ItsHomeWithoutCreatingAnything()
    {
        _users.Add("alice", admin: false);
        var bound = await Binder().BindAsync("alice", CancellationToken.None);

        var found = Binder().Find("alice");

        Assert.NotNull(found);
        Assert.Equal((bound.Value!.Name, bound.Value.Uid, bound.Value.Home), (found.Name, found.Uid, found.Home));
        Assert.Equal(["alice"], _machine.Created);
    }

    [Fact]
    public void Find_UnboundSameNamedOrMissingAccount_NullAndNothingCreatedOrRecorded()
    {
        _machine.Add("carol");
        _users.Add("carol", admin: false);
        _users.Add("dave", admin: false);

        Assert.Null(Binder().Find("carol"));
        Assert.Null(Binder().Find("dave"));
        Assert.Null(Binder().Find("nobody"));
        Assert.Empty(_machine.Created);
        Assert.Null(_store.ForAccount("carol"));
    }

    private AccountBinder Binder(bool pam = false, bool enabled = true) =>
        new(_store, _users, _machine, new AccountOptions(enabled, new AccountRules(), pam), NullLogger<AccountBinder>.Instance);

    private void Upgraded(DateTimeOffset at)
    {
        using var c = _database.Open();
        using var command = c.CreateCommand();
        command.CommandText = "INSERT INTO unix_accounts_since (recorded_from) VALUES ($at)";
        command.Parameters.AddWithValue("$at", at.ToUnixTimeMilliseconds());
        command.ExecuteNonQuery();
    }
}
