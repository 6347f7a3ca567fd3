using Classhub.Core.Auth;
using Classhub.Core.Courses;
using Classhub.Core.Users;
using Classhub.Hub.Accounts;
using Classhub.Hub.Auth;
using Classhub.Hub.Tests.Accounts;
using Classhub.Storage.Accounts;
using Classhub.Hub.Hosting;
using Classhub.Storage.Courses;
using Classhub.Storage.Database;
using Classhub.Storage.Sessions;
using Classhub.Storage.Users;
using Microsoft.Extensions.Logging.Abstractions;

namespace Classhub.Hub.Tests.Auth;

/// <summary>
/// The fixed pipeline after an external provider: normalise → allowed → session, with the documented rule for
/// unknown users (auth.new_users), against a real SQLite file.
/// </summary>
public sealed class ExternalSignInRulesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("classhub-external-").FullName;
    private readonly HubDatabase _database;
    private readonly UserStore _users;
    private readonly CourseStore _courses;
    private readonly InMemoryAccountDirectory _machine = new();
    private readonly KdfThreads _kdf = new(1);

    public ExternalSignInRulesTests()
    {
        _database = new HubDatabase(Path.Combine(_dir, "classhub.db"));
        _database.Migrate();
        _users = new UserStore(_database, TimeProvider.System);
        _courses = new CourseStore(_database, TimeProvider.System);
    }

    public void Dispose()
    {
        _kdf.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void SignInExternal_KnownUserMixedCaseLogin_NormalisedSession()
    {
        _users.Add("octo-student", admin: false);

        var result = Pipeline(new SignInOptions()).SignInExternal(AuthOutcome.Authenticated("Octo-Student"), "github");

        Assert.NotNull(result.SessionId);
        Assert.Equal("octo-student", result.User!.Name);
    }

    [Fact]
    public void SignInExternal_UnknownUserDefaultRefuse_RefusedAndNotCreated()
    {
        var result = Pipeline(new SignInOptions()).SignInExternal(AuthOutcome.Authenticated("newcomer", "verified e-mail domain school.example"), "oidc");

        Assert.Null(result.SessionId);
        Assert.Contains("this hub has no user 'newcomer'", result.Reason, StringComparison.Ordinal);
        Assert.Null(_users.Find("newcomer"));
    }

    [Fact]
    public void SignInExternal_UnknownUserCreateAllowedButNotAdmitted_Refused()
    {
        var result = Pipeline(new SignInOptions { CreateUnknownUsers = true }).SignInExternal(AuthOutcome.Authenticated("stranger"), "oidc");

        Assert.Null(result.SessionId);
        Assert.Null(_users.Find("stranger"));
    }

    [Fact]
    public void SignInExternal_UnknownUserInAllowList_CreatedAsPlainUser()
    {
        var options = new SignInOptions { CreateUnknownUsers = true, AllowedUsers = new HashSet<string>(["ta1"]) };

        var result = Pipeline(options).SignInExternal(AuthOutcome.Authenticated("TA1@school.example"), "oidc");

        Assert.NotNull(result.SessionId);
        Assert.False(_users.Find("ta1")!.User.IsAdmin);
    }

    [Fact]
    public void SignInExternal_NameBreakingUserNameRules_Refused()
    {
        var result = Pipeline(new SignInOptions { CreateUnknownUsers = true }).SignInExternal(AuthOutcome.Authenticated("root", "GitHub organisation x"), "github");

        Assert.Null(result.SessionId);
        Assert.Contains("reserved", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void SignInExternal_DroppedFromEveryCourse_Refused()
    {
        _courses.Create("cs101", "Intro", null);
        _users.Add("gone", admin: false);
        new RosterStore(_database, TimeProvider.System).Apply("cs101", _ => (0, new RosterWrite([new CourseMember("cs101", "gone", CourseRole.Student, null, null, null, MemberStatus.Dropped)], [])));

        var result = Pipeline(new SignInOptions()).SignInExternal(AuthOutcome.Authenticated("gone"), "github");

        Assert.Null(result.SessionId);
        Assert.Contains("no longer in any course", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignInAsync_LocalNotInMethods_LocalPasswordNotAccepted()
    {
        var hasher = new PasswordHasher(1000);
        _users.Add("carol", admin: false, hasher.Hash("pw"));

        var result = await Pipeline(new SignInOptions { Methods = ["pam"] }, hasher).SignInAsync("carol", "pw", "127.0.0.1", null, default);

        Assert.Null(result.SessionId);
    }

    [Fact]
    public void SignInExternal_UnknownUserWhoseNameIsAnExistingUnixAccount_RefusedSayingWhyAndNotCreated()
    {
        _machine.Add("staffer");
        var options = new SignInOptions { CreateUnknownUsers = true, AllowedUsers = new HashSet<string>(["staffer"]) };

        var result = Pipeline(options, runAsUnixUsers: true).SignInExternal(AuthOutcome.Authenticated("staffer", "verified e-mail domain school.example"), "oidc");

        Assert.Null(result.SessionId);
        Assert.Equal("the hub user 'staffer' cannot be made: a Unix account staffer already exists on this server and classhub did not create it; an admin can link it with 'classhub user link staffer'", result.Reason);
        Assert.Null(_users.Find("staffer"));
    }

    private LoginPipeline Pipeline(SignInOptions signIn, PasswordHasher? hasher = null, bool runAsUnixUsers = false)
    {
        var options = new HubOptions { DataDir = _dir, PublicUrl = new Uri("http://127.0.0.1:8000"), InternalUrl = new Uri("http://127.0.0.1:8000") };
        return new LoginPipeline(
            [new LocalAuthenticator(_users, hasher ?? new PasswordHasher(1000), _kdf)],
            new LoginRateLimiter(options, TimeProvider.System),
            new SignInQueue(1, 100, TimeProvider.System),
            new SignInDevices(),
            _users,
            new SessionStore(_database, TimeProvider.System),
            _courses,
            options,
            new Metrics.HubMetrics(),
            signIn,
            new AccountBinder(new UnixAccountStore(_database, TimeProvider.System), _users, _machine, new AccountOptions(runAsUnixUsers, new AccountRules(), signIn.Methods.Contains("pam")), NullLogger<AccountBinder>.Instance),
            NullLogger<LoginPipeline>.Instance);
    }
}
