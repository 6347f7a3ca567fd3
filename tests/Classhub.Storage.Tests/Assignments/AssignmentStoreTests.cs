using Classhub.Core.Courses;
using Classhub.Storage.Assignments;
using Classhub.Storage.Courses;
using Classhub.Storage.Tests.Courses;
using Classhub.Storage.Users;

namespace Classhub.Storage.Assignments.Tests;

public sealed class AssignmentStoreTests : IDisposable
{
    private readonly TempDatabase _db = new();
    private readonly AssignmentStore _store;
    private readonly long _alice;

    public AssignmentStoreTests()
    {
        var time = TimeProvider.System;
        new CourseStore(_db.Database, time).Create("cs101", "Intro", null);
        new RosterStore(_db.Database, time).Apply("cs101", _ => (0, new RosterWrite(
            [new CourseMember("cs101", "alice", CourseRole.Student, null, null, "A", MemberStatus.Active), new CourseMember("cs101", "bob", CourseRole.Student, null, null, "B", MemberStatus.Dropped)],
            [])));
        _alice = new UserStore(_db.Database, time).Find("alice")!.Id;
        _store = new AssignmentStore(_db.Database, time);
    }

    public void Dispose() => _db.Dispose();

    [Fact]
    public void AddRelease_Twice_NumbersReleasesAndKeepsSettingsNotGiven()
    {
        var due = new DateTimeOffset(2026, 12, 1, 22, 59, 0, TimeSpan.Zero);
        var first = _store.AddRelease("cs101", "hw1", "A", due, true, "# r1", "t", 1, 10, _ => { });
        var second = _store.AddRelease("cs101", "hw1", null, null, null, "# r2", "t", 2, 20, _ => { });

        var assignment = _store.Find("cs101", "hw1")!;
        Assert.Equal((1, 2), (first, second));
        Assert.Equal(2, assignment.LatestRelease);
        Assert.Equal("A", assignment.Section);
        Assert.Equal(due, assignment.DueAt);
        Assert.True(assignment.RefuseLate);
        Assert.Equal("# r2", assignment.Readme);
    }

    [Fact]
    public void AddRelease_PublishThrows_NoReleaseRecorded()
    {
        Assert.Throws<IOException>(() => _store.AddRelease("cs101", "hw1", null, null, null, null, "t", 1, 1, _ => throw new IOException("disk full")));

        Assert.Null(_store.Find("cs101", "hw1"));
    }

    [Fact]
    public void RecordDelivery_ThenStatus_ShowsReleaseConflictsAndOnlyActiveStudents()
    {
        _store.AddRelease("cs101", "hw1", null, null, null, null, "t", 1, 1, _ => { });
        _store.RecordDelivery("cs101", "hw1", _alice, 1, new Dictionary<string, string> { ["a.ipynb"] = "h1" }, []);
        _store.RecordDelivery("cs101", "hw1", _alice, 2, new Dictionary<string, string> { ["a.ipynb"] = "h1" }, ["a.ipynb → a (release 2).ipynb"]);

        var status = Assert.Single(_store.Status("cs101", "hw1"));
        Assert.Equal("alice", status.UserName);
        Assert.Equal(2, status.Release);
        Assert.Equal(["a.ipynb → a (release 2).ipynb"], status.Conflicts);
        Assert.Equal("h1", _store.DeliveredFiles("cs101", "hw1", _alice)["a.ipynb"]);
    }

    [Fact]
    public void DeleteSubmission_Older_LatestAndCountFollow()
    {
        _store.AddRelease("cs101", "hw1", null, null, null, null, "t", 1, 1, _ => { });
        var at = new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);
        var first = _store.AddSubmission("cs101", "hw1", _alice, at, false, 1, 10, "/data/s1");
        var second = _store.AddSubmission("cs101", "hw1", _alice, at.AddHours(1), true, 1, 20, "/data/s2");

        _store.DeleteSubmission(first.Id);
        _store.DeleteSubmission(first.Id);

        Assert.Equal([second.Id], _store.Submissions("cs101", "hw1", "alice").Select(s => s.Id));
        Assert.Equal(second.Id, Assert.Single(_store.LatestSubmissions("cs101", "hw1")).Id);
        var status = Assert.Single(_store.Status("cs101", "hw1"));
        Assert.Equal(1, status.Submissions);
        Assert.True(status.Late);
    }
}
