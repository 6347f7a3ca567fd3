using System.IO.Compression;
using Classhub.Hub.Assignments.Files;
using Classhub.Storage.Assignments;
using Classhub.Storage.Courses;
using Classhub.Storage.Database;

namespace Classhub.Hub.Assignments.Tests;

public sealed class AssignmentPublisherTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("classhub-publish-").FullName;
    private readonly AssignmentStore _assignments;
    private readonly CourseStore _courses;

    public AssignmentPublisherTests()
    {
        var database = new HubDatabase(Path.Combine(_dir, "classhub.db"));
        database.Migrate();
        _assignments = new AssignmentStore(database, TimeProvider.System);
        _courses = new CourseStore(database, TimeProvider.System);
        _courses.Create("cs101", "Intro", null);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>A refused push (an escaping entry, a duplicate entry, a file that is also a folder) leaves no trace.</summary>
    [Theory]
    [InlineData("../evil.txt", "unsafe-entry")]
    [InlineData("good.txt", "conflicting-entries")]
    [InlineData("good.txt/b.txt", "conflicting-entries")]
    public void Publish_RefusedZip_NoAssignmentFolderNoStagingNoRelease(string second, string reason)
    {
        var options = new AssignmentOptions(Path.Combine(_dir, "data"), 1 << 20, 1 << 20);
        var zip = Path.Combine(_dir, "push.zip");
        using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
        {
            foreach (var name in (string[])["good.txt", second])
            {
                using var writer = new StreamWriter(archive.CreateEntry(name).Open());
                writer.Write(name);
            }
        }

        var claim = ProcessClaim.ForHub();
        var result = new AssignmentPublisher(_assignments, _courses, options, new StagingArea(options, claim), claim).Publish(new PushRequest("cs101", "hw1", zip, true, null, null, null, "test"));

        Assert.Equal(reason, result.Failure?.Reason);
        Assert.Null(_assignments.Find("cs101", "hw1"));
        Assert.False(Directory.Exists(options.AssignmentFolder("cs101", "hw1")), "a refused push left the assignment's folder");
        Assert.Empty(Directory.Exists(options.DataDir) ? Directory.EnumerateFiles(options.DataDir, "*", SearchOption.AllDirectories) : []);
    }
}
