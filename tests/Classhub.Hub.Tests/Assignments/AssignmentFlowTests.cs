using Classhub.Core.Courses;
using Classhub.Hub.Assignments.Files;
using Classhub.Hub.Assignments.Grades;
using Classhub.Storage.Assignments;
using Classhub.Storage.Courses;
using Classhub.Storage.Database;
using Classhub.Storage.Users;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Classhub.Hub.Assignments.Tests;

/// <summary>Publisher, delivery, submissions and grades against a real SQLite file, with development homes (no root).</summary>
public sealed class AssignmentFlowTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("classhub-assign-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly UserStore _users;
    private readonly CourseStore _courses;
    private readonly AssignmentStore _assignments;
    private readonly AssignmentOptions _options;
    private readonly DevHomeAccounts _homes;
    private readonly HubDatabase _database;
    private readonly ProcessClaim _claim = ProcessClaim.ForHub();

    public AssignmentFlowTests()
    {
        var database = _database = new HubDatabase(Path.Combine(_dir, "classhub.db"));
        database.Migrate();
        _users = new UserStore(database, _time);
        _courses = new CourseStore(database, _time);
        _assignments = new AssignmentStore(database, _time);
        _options = new AssignmentOptions(_dir, 1 << 20, 1 << 20);
        _homes = new DevHomeAccounts(_dir);
        _courses.Create("cs101", "Intro", null);
        new RosterStore(database, _time).Apply("cs101", _ => (0, new RosterWrite(
            [Member("alice", "A"), Member("bob", "B"), Member("carol", null, "=cmd|' /C calc'!A0")],
            [])));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task PushDeliverSubmit_DevHomes_FilesInDataDirAndLateMarked()
    {
        var source = Directory.CreateDirectory(Path.Combine(_dir, "src")).FullName;
        File.WriteAllText(Path.Combine(source, "a.ipynb"), "v1");
        var published = Publisher().Publish(new PushRequest("cs101", "hw1", source, false, "A", _time.GetUtcNow().AddDays(1), null, "test"));
        Assert.True(published.Ok, published.Failure?.UserMessage);

        var outcomes = await Delivery().DeliverAsync("cs101", "hw1", null, CancellationToken.None);

        Assert.Equal(["alice"], outcomes.Select(o => o.UserName));
        Assert.Equal("v1", File.ReadAllText(Path.Combine(_homes.HomesFolder, "alice", "cs101", "hw1", "a.ipynb")));
        Assert.False(Directory.Exists(Path.Combine(_homes.HomesFolder, "bob", "cs101")));

        var taker = new SubmissionTaker(_assignments, _courses, _users, _homes, _options, _time);
        var onTime = await taker.SubmitAsync("cs101", "hw1", "alice", CancellationToken.None);
        _time.Advance(TimeSpan.FromDays(2));
        var late = await taker.SubmitAsync("cs101", "hw1", "alice", CancellationToken.None);
        var notHis = await taker.SubmitAsync("cs101", "hw1", "bob", CancellationToken.None);

        Assert.False(onTime.Value!.Late);
        Assert.True(late.Value!.Late);
        Assert.Equal("not-found", notHis.Failure?.Reason);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(late.Value.Folder));
        var status = _assignments.Status("cs101", "hw1").Single(s => s.UserName == "alice");
        Assert.Equal(2, status.Submissions);
        Assert.True(status.Late);
    }

    [Fact]
    public void GradesExportImport_CanvasShape_RoundTripsAndNeutralisesFormulas()
    {
        _assignments.AddRelease("cs101", "hw1", null, null, null, null, "test", 1, 1, _ => { });
        var book = new GradeBook(_assignments, _courses, _users);
        var imported = book.Import("cs101", "Student,ID,SIS User ID,SIS Login ID,Section,hw1 (4711),Final Score\n    Points Possible,,,,,10,\nAlice,,,alice,A,9.5,95\n");
        Assert.True(imported.Ok, imported.Failure?.UserMessage);
        Assert.Equal(1, imported.Value!.Grades);
        Assert.Equal(["Final Score"], imported.Value.IgnoredColumns);

        var writer = new StringWriter();
        book.Export("cs101", writer);
        var lines = writer.ToString().Split("\r\n");
        Assert.Equal("Student,ID,SIS User ID,SIS Login ID,Section,hw1", lines[0]);
        Assert.Contains("Student alice,,,alice,A,9.5", lines, StringComparer.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("'=cmd", StringComparison.Ordinal) || l.StartsWith("\"'=cmd", StringComparison.Ordinal));

        var refused = book.Import("cs101", "SIS Login ID,hw1\nalice,7\nmallory,3\n");
        Assert.Contains("line 3", refused.Failure!.UserMessage, StringComparison.Ordinal);
        Assert.Equal("9.5", _assignments.Grades("cs101").Single().Score);
    }

    private AssignmentPublisher Publisher() => new(_assignments, _courses, _options, new StagingArea(_options, _claim), _claim);

    private AssignmentDelivery Delivery() => new(_assignments, new DeliveryTaskStore(_database, _time), _courses, _users, _homes, _options, _claim, NullLogger<AssignmentDelivery>.Instance);

    private static CourseMember Member(string name, string? section, string? display = null) =>
        new("cs101", name, CourseRole.Student, display ?? $"Student {name}", null, section, MemberStatus.Active);
}
