using Classhub.Core.Courses;
using Classhub.Storage.Courses;
using Classhub.Storage.Tests.Courses;
using Classhub.Storage.Users;
using Microsoft.Extensions.Time.Testing;

namespace Classhub.Storage.Assignments.Tests;

/// <summary>Delivery work is written with the release and closed with each student's delivery, in their transactions.</summary>
public sealed class DeliveryTaskStoreTests : IDisposable
{
    private readonly TempDatabase _db = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly AssignmentStore _store;
    private readonly DeliveryTaskStore _tasks;
    private readonly long _alice;
    private readonly long _bob;
    private readonly long _carol;

    public DeliveryTaskStoreTests()
    {
        new CourseStore(_db.Database, _time).Create("cs101", "Intro", null);
        new RosterStore(_db.Database, _time).Apply("cs101", _ => (0, new RosterWrite(
            [Member("alice", "A", MemberStatus.Active), Member("bob", "B", MemberStatus.Active), Member("carol", "A", MemberStatus.Dropped)],
            [])));
        var users = new UserStore(_db.Database, _time);
        (_alice, _bob, _carol) = (users.Find("alice")!.Id, users.Find("bob")!.Id, users.Find("carol")!.Id);
        _store = new AssignmentStore(_db.Database, _time);
        _tasks = new DeliveryTaskStore(_db.Database, _time);
    }

    public void Dispose() => _db.Dispose();

    [Fact]
    public void AddRelease_QueuesTheActiveStudentsItIsFor_OwnedByThePusher()
    {
        _store.AddRelease("cs101", "hw1", "a", null, null, null, "t", 1, 1, _ => { }, "cli-token");

        var pending = _tasks.Pending("cli-token");
        Assert.Equal([("alice", 1)], pending.Select(t => (t.UserName, t.Release)));
        Assert.Empty(_tasks.Pending("hub"));
        Assert.Equal(["cli-token"], _tasks.PendingOwners());
        var progress = Assert.Single(_tasks.Progress("cs101", "hw1", 1));
        Assert.Equal((1, 1, 0, 1), (progress.Release, progress.Total, progress.Delivered, progress.Waiting));
    }

    [Fact]
    public void AddRelease_PublishThrows_NoReleaseAndNoWork()
    {
        Assert.Throws<IOException>(() => _store.AddRelease("cs101", "hw1", null, null, null, null, "t", 1, 1, _ => throw new IOException("disk full"), "cli-token"));

        Assert.Empty(_tasks.Pending("cli-token"));
        Assert.Empty(_tasks.PendingOwners());
    }

    [Fact]
    public void RecordDelivery_ClosesTheTask_OlderOpenWorkIsSuperseded()
    {
        _store.AddRelease("cs101", "hw1", null, null, null, null, "t", 1, 1, _ => { }, "hub");
        _store.RecordDelivery("cs101", "hw1", _alice, 1, new Dictionary<string, string>(), []);
        _store.AddRelease("cs101", "hw1", null, null, null, null, "t", 1, 1, _ => { }, "hub");
        _store.RecordDeliveryError("cs101", "hw1", _alice, 2, "delivering to alice: ~/cs101 is a link");

        var latest = _tasks.Progress("cs101", "hw1", 2);
        var two = Assert.Single(latest);
        Assert.Equal((2, 2, 0, 1), (two.Release, two.Total, two.Delivered, two.Waiting));
        Assert.Equal([("alice", "delivering to alice: ~/cs101 is a link")], two.Failures.Select(f => (f.UserName, f.Error)));
        Assert.False(two.Finished);
        Assert.Equal(["bob"], _tasks.Pending("hub").Select(t => t.UserName));

        // Release 3 supersedes release 2's open work (bob waiting, alice failed); bob's delivery of it closes his task.
        _store.AddRelease("cs101", "hw1", null, null, null, null, "t", 1, 1, _ => { }, "hub");
        _store.RecordDelivery("cs101", "hw1", _bob, 3, new Dictionary<string, string>(), []);
        var three = Assert.Single(_tasks.Progress("cs101", "hw1", 3));
        Assert.Equal((3, 2, 1, 1, 0), (three.Release, three.Total, three.Delivered, three.Waiting, three.Failed));
        Assert.Equal(["alice"], _tasks.Pending("hub").Select(t => t.UserName));
    }

    [Fact]
    public void Reassign_DeadOwnersWork_MovesOnlyPendingTasksOfThatOwner()
    {
        _store.AddRelease("cs101", "hw1", null, null, null, null, "t", 1, 1, _ => { }, "dead");
        _store.AddRelease("cs101", "hw2", null, null, null, null, "t", 1, 1, _ => { }, "alive");
        _store.RecordDelivery("cs101", "hw1", _alice, 1, new Dictionary<string, string>(), []);

        Assert.Equal(1, _tasks.Reassign("dead", "hub"));

        Assert.Equal([("hw1", "bob")], _tasks.Pending("hub").Select(t => (t.Name, t.UserName)));
        Assert.Equal(2, _tasks.Pending("alive").Count);
    }

    [Fact]
    public void Idle_OpenWorkOrARecentFailure_NotQueuedAgainUntilTheRetryTime()
    {
        _store.AddRelease("cs101", "hw1", null, null, null, null, "t", 1, 1, _ => { }, "hub");
        _store.RecordDeliveryError("cs101", "hw1", _alice, 1, "no home");
        _time.Advance(TimeSpan.FromMinutes(1));

        Assert.Empty(_tasks.Idle("cs101", "hw1", [_alice, _bob], _time.GetUtcNow().AddMinutes(-5)));
        Assert.Equal([_carol], _tasks.Idle("cs101", "hw1", [_alice, _bob, _carol], _time.GetUtcNow().AddMinutes(-5)));
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal([_alice], _tasks.Idle("cs101", "hw1", [_alice, _bob], _time.GetUtcNow().AddMinutes(-5)));

        Assert.Equal(1, _tasks.Queue("cs101", "hw1", 1, [_alice], "hub"));
        Assert.Equal(["alice", "bob"], _tasks.Pending("hub").Select(t => t.UserName));
    }

    [Fact]
    public void Withdraw_StudentLeft_TaskClosedWithoutDelivery()
    {
        _store.AddRelease("cs101", "hw1", null, null, null, null, "t", 1, 1, _ => { }, "hub");

        _tasks.Withdraw("cs101", "hw1", _bob);

        Assert.Equal(["alice"], _tasks.Pending("hub").Select(t => t.UserName));
        Assert.Equal(1, Assert.Single(_tasks.Progress("cs101", "hw1", 1)).MovedOn);
    }

    private static CourseMember Member(string name, string section, MemberStatus status) =>
        new("cs101", name, CourseRole.Student, null, null, section, status);
}
