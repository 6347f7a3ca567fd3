using Classhub.Core.Courses;
using Classhub.Hub.Auth;
using Classhub.Hub.Hosting;
using Classhub.Storage.Accounts;
using Classhub.Storage.Courses;
using Classhub.Storage.Database;
using Classhub.Storage.Sessions;
using Classhub.Storage.Users;
using Microsoft.Extensions.Logging.Abstractions;

namespace Classhub.Hub.Tests.Auth;

/// <summary>Sign-in of students dropped from their courses, against a real SQLite file.</summary>
public sealed class LoginPipelineCourseTests : IDisposable
{
    private const string Password = "correct horse";
    private readonly string _dir = Directory.CreateTempSubdirectory("classhub-login-").FullName;
    private readonly UserStore _users;
    private readonly CourseStore _courses;
    private readonly RosterStore _rosters;
    private readonly LoginPipeline _pipeline;
    private readonly KdfThreads _kdf = new(1);

    public LoginPipelineCourseTests()
    {
        var database = new HubDatabase(Path.Combine(_dir, "classhub.db"));
        database.Migrate();
        var time = TimeProvider.System;
        _users = new UserStore(database, time);
        _courses = new CourseStore(database, time);
        _rosters = new RosterStore(database, time);
        var options = new HubOptions { DataDir = _dir, PublicUrl = new Uri("http://127.0.0.1:8000"), InternalUrl = new Uri("http://127.0.0.1:8000") };
        var hasher = new PasswordHasher(1000);
        _pipeline = new LoginPipeline(
            [new LocalAuthenticator(_users, hasher, _kdf)],
            new LoginRateLimiter(options, time),
            new SignInQueue(1, 100, time),
            new SignInDevices(),
            _users,
            new SessionStore(database, time),
            _courses,
            options,
            new Metrics.HubMetrics(),
            new SignInOptions(),
            new global::Classhub.Hub.Accounts.AccountBinder(new UnixAccountStore(database, time), _users, new Tests.Accounts.InMemoryAccountDirectory(), new global::Classhub.Hub.Accounts.AccountOptions(false, new Core.Users.AccountRules(), false), NullLogger<global::Classhub.Hub.Accounts.AccountBinder>.Instance),
            NullLogger<LoginPipeline>.Instance);
        _courses.Create("cs101", "Intro", null);
        _courses.Create("cs102", "Data", null);
        foreach (var (name, admin) in new[] { ("alice", false), ("bob", false), ("carol", false), ("root_admin", true) })
        {
            _users.Add(name, admin, hasher.Hash(Password));
        }
    }

    public void Dispose()
    {
        _kdf.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private void Enroll(string course, string user, MemberStatus status) =>
        _rosters.Apply(course, _ => (0, new RosterWrite([new CourseMember(course, user, CourseRole.Student, null, null, null, status)], [])));

    private Task<LoginResult> SignIn(string name) => _pipeline.SignInAsync(name, Password, "127.0.0.1", null, CancellationToken.None);

    [Fact]
    public async Task SignIn_DroppedFromOnlyCourse_Rejected()
    {
        Enroll("cs101", "alice", MemberStatus.Dropped);

        Assert.Null((await SignIn("alice")).SessionId);
    }

    [Fact]
    public async Task SignIn_DroppedInOneActiveInAnother_Allowed()
    {
        Enroll("cs101", "bob", MemberStatus.Dropped);
        Enroll("cs102", "bob", MemberStatus.Active);

        Assert.NotNull((await SignIn("bob")).SessionId);
    }

    [Fact]
    public async Task SignIn_InNoCourse_Allowed()
    {
        Assert.NotNull((await SignIn("carol")).SessionId);
    }

    [Fact]
    public async Task SignIn_AdminDroppedEverywhere_Allowed()
    {
        Enroll("cs101", "root_admin", MemberStatus.Dropped);

        Assert.NotNull((await SignIn("root_admin")).SessionId);
    }
}
