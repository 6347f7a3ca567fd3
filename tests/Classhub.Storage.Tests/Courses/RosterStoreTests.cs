using Classhub.Core.Courses;
using Classhub.Storage.Courses;
using Classhub.Storage.Sessions;
using Classhub.Storage.Users;

namespace Classhub.Storage.Tests.Courses;

public sealed class RosterStoreTests : IDisposable
{
    private readonly TempDatabase _db = new();
    private readonly CourseStore _courses;
    private readonly RosterStore _rosters;

    public RosterStoreTests()
    {
        _courses = new CourseStore(_db.Database, TimeProvider.System);
        _rosters = new RosterStore(_db.Database, TimeProvider.System);
        Assert.True(_courses.Create("cs101", "Intro to CS", "2025-fall"));
    }

    public void Dispose() => _db.Dispose();

    private static CourseMember Student(string name, string? section = null, MemberStatus status = MemberStatus.Active) =>
        new("cs101", name, CourseRole.Student, name.ToUpperInvariant(), $"{name}@uni.example", section, status);

    private void Write(IReadOnlyList<CourseMember> upserts, IReadOnlyList<string>? drops = null) =>
        _rosters.Apply("cs101", _ => (0, new RosterWrite(upserts, drops ?? [])));

    [Fact]
    public void Apply_NewUserNames_CreatesUsersWithoutPasswordsAndMembers()
    {
        Write([Student("alice", "A"), Student("bob")]);

        var members = _courses.Members("cs101");
        Assert.Equal(["alice", "bob"], members.Select(m => m.UserName));
        Assert.Equal(Student("alice", "A"), members[0]);
        var users = new UserStore(_db.Database, TimeProvider.System);
        Assert.Null(users.Find("alice")!.PasswordHash);
        Assert.False(users.Find("alice")!.User.IsAdmin);
    }

    [Fact]
    public void Apply_PlanReturnsNoWrite_ChangesNothing()
    {
        var seen = _rosters.Apply("cs101", current => (current.Count, (RosterWrite?)null));

        Assert.Equal(0, seen);
        Assert.Empty(_courses.Members("cs101"));
        Assert.Empty(new UserStore(_db.Database, TimeProvider.System).List());
    }

    [Fact]
    public void Apply_FailsMidway_PreviousRosterAndUsersIntact()
    {
        Write([Student("alice", "A"), Student("bob", "A")]);
        var before = _courses.Members("cs101");
        var usersBefore = new UserStore(_db.Database, TimeProvider.System).List().Select(u => u.Name).ToList();

        _rosters.FailAfterRowsForTest = 500;
        var big = Enumerable.Range(0, 1000).Select(i => Student($"s{i:D4}", "B")).Append(Student("alice", "CHANGED")).ToList();
        Assert.Throws<InvalidOperationException>(() => Write(big, ["bob"]));

        Assert.Equal(before, _courses.Members("cs101"));
        Assert.Equal(usersBefore, new UserStore(_db.Database, TimeProvider.System).List().Select(u => u.Name));
        using var c = _db.Database.Open();
        using var check = c.CreateCommand();
        check.CommandText = "PRAGMA integrity_check";
        Assert.Equal("ok", check.ExecuteScalar());
    }

    [Fact]
    public void Apply_DropOnlyCourse_DeletesSessionsOfUserDroppedEverywhere()
    {
        Write([Student("alice"), Student("bob")]);
        Assert.True(_courses.Create("cs102", "Data", null));
        _rosters.Apply("cs102", _ => (0, new RosterWrite([Student("bob") with { CourseId = "cs102" }], [])));
        var users = new UserStore(_db.Database, TimeProvider.System);
        var sessions = new SessionStore(_db.Database, TimeProvider.System);
        var aliceSession = sessions.Create(users.Find("alice")!.Id, TimeSpan.FromHours(1));
        var bobSession = sessions.Create(users.Find("bob")!.Id, TimeSpan.FromHours(1));

        Write([], ["alice", "bob"]);

        Assert.Null(sessions.FindUserId(aliceSession));
        Assert.NotNull(sessions.FindUserId(bobSession));
        Assert.True(_courses.IsDroppedEverywhere(users.Find("alice")!.Id));
        Assert.False(_courses.IsDroppedEverywhere(users.Find("bob")!.Id));
        Assert.Equal(["alice"], _courses.DroppedEverywhere());
    }

    [Fact]
    public void IsDroppedEverywhere_UserInNoCourse_False()
    {
        var users = new UserStore(_db.Database, TimeProvider.System);
        var carol = users.Add("carol", false)!;

        Assert.False(_courses.IsDroppedEverywhere(carol.Id));
    }

    [Fact]
    public void Apply_ExistingUser_EnrollsWithoutTouchingAccount()
    {
        var users = new UserStore(_db.Database, TimeProvider.System);
        users.Add("alice", admin: false, passwordHash: "hash");

        Write([Student("alice")]);

        Assert.Equal("hash", users.Find("alice")!.PasswordHash);
        Assert.Single(_courses.Members("cs101"));
    }
}
