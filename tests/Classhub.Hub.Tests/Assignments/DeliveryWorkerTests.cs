using Classhub.Hub.Assignments.Files;
using Microsoft.Extensions.Logging.Abstractions;

namespace Classhub.Hub.Assignments.Tests;

/// <summary>
/// The hub's delivery rounds, with real Unix students: work a dead process left is taken over and finished, late
/// joiners get the latest release, and what killed processes left in the data dir is removed as the hub starts.
/// </summary>
public sealed class DeliveryWorkerTests
{
    [Fact]
    public async Task Round_PushOfAKilledCliCommand_TakenOverAndDeliveredToEveryone()
    {
        await using var room = HostileClassroom.Create();
        var students = new[] { await room.EnrolAsync(), await room.EnrolAsync(), await room.EnrolAsync() };
        var cli = ProcessClaim.Acquire(room.DataDir);
        var source = Directory.CreateTempSubdirectory("push-").FullName;
        File.WriteAllText(Path.Combine(source, "analysis.ipynb"), "v1");
        var published = new AssignmentPublisher(room.Assignments, room.Courses, room.Options, new StagingArea(room.Options, cli), cli)
            .Publish(new PushRequest("cs101", "hw1", source, false, null, null, null, "cli:test"));
        Assert.True(published.Ok, published.Failure?.UserMessage);
        var leftStaging = new StagingArea(room.Options, cli).NewFolder();
        Assert.Equal(3, room.Tasks.Pending(cli.Token).Count);

        // The command dies before delivering anyone (its claim is released, as the kernel does for a killed process).
        cli.Dispose();
        await Worker(room).RoundAsync(CancellationToken.None);

        foreach (var student in students)
        {
            Assert.Equal("v1", File.ReadAllText(Path.Combine(student.Home, "cs101", "hw1", "analysis.ipynb")));
        }

        var progress = Assert.Single(room.Tasks.Progress("cs101", "hw1", 1));
        Assert.Equal((3, 3, 0), (progress.Total, progress.Delivered, progress.Waiting));
        Assert.False(Directory.Exists(leftStaging), "the killed command's staging was left");
        Directory.Delete(source, recursive: true);
    }

    [Fact]
    public async Task Round_ALiveCliCommandsWork_LeftToIt()
    {
        await using var room = HostileClassroom.Create();
        var student = await room.EnrolAsync();
        using var cli = ProcessClaim.Acquire(room.DataDir);
        var source = Directory.CreateTempSubdirectory("push-").FullName;
        File.WriteAllText(Path.Combine(source, "analysis.ipynb"), "v1");
        Assert.True(new AssignmentPublisher(room.Assignments, room.Courses, room.Options, new StagingArea(room.Options, cli), cli)
            .Publish(new PushRequest("cs101", "hw1", source, false, null, null, null, "cli:test")).Ok);
        var working = new StagingArea(room.Options, cli).NewFolder();

        await Worker(room).RoundAsync(CancellationToken.None);

        Assert.False(File.Exists(Path.Combine(student.Home, "cs101", "hw1", "analysis.ipynb")), "the hub delivered work a live command owns");
        Assert.Single(room.Tasks.Pending(cli.Token));
        Assert.True(Directory.Exists(working));
        Directory.Delete(source, recursive: true);
    }

    [Fact]
    public async Task Round_StudentJoinedAfterThePush_GetsTheLatestRelease()
    {
        await using var room = HostileClassroom.Create();
        await room.EnrolAsync();
        await room.PushAndDeliverAsync("hw1", ("analysis.ipynb", "v1"));
        await room.PushAndDeliverAsync("hw1", ("analysis.ipynb", "v2"));
        var late = await room.EnrolAsync();

        await Worker(room).RoundAsync(CancellationToken.None);

        Assert.Equal("v2", File.ReadAllText(Path.Combine(late.Home, "cs101", "hw1", "analysis.ipynb")));
        Assert.Equal(2, room.Assignments.Status("cs101", "hw1").Single(s => s.UserName == late.Name).Release);
    }

    [Fact]
    public async Task Round_AReleaseThatCannotBeRead_ItsStudentsFailWithWhyAndOtherWorkGoesOn()
    {
        await using var room = HostileClassroom.Create();
        var student = await room.EnrolAsync();
        await room.PushAndDeliverAsync("hw1", ("analysis.ipynb", "v1"));
        await room.PushAndDeliverAsync("hw2", ("lab.ipynb", "v1"));
        var claim = room.Claim;
        var source = Directory.CreateTempSubdirectory("push-").FullName;
        File.WriteAllText(Path.Combine(source, "analysis.ipynb"), "v2");
        File.WriteAllText(Path.Combine(source, "lab.ipynb"), "v2");
        var publisher = new AssignmentPublisher(room.Assignments, room.Courses, room.Options, new StagingArea(room.Options, claim), claim);
        Assert.True(publisher.Publish(new PushRequest("cs101", "hw1", source, false, null, null, null, "t")).Ok);
        Assert.True(publisher.Publish(new PushRequest("cs101", "hw2", source, false, null, null, null, "t")).Ok);
        Directory.Delete(room.Options.ReleaseFolder("cs101", "hw1", 2), recursive: true);

        await Worker(room).RoundAsync(CancellationToken.None);

        var failure = Assert.Single(Assert.Single(room.Tasks.Progress("cs101", "hw1", 2)).Failures);
        Assert.Equal(student.Name, failure.UserName);
        Assert.Contains("reading the release", failure.Error, StringComparison.Ordinal);
        Assert.Equal("v2", File.ReadAllText(Path.Combine(student.Home, "cs101", "hw2", "lab.ipynb")));
        Directory.Delete(source, recursive: true);
    }

    [Fact]
    public async Task StartAsync_LeftoversOfKilledProcesses_RemovedBeforeAnyWork()
    {
        await using var room = HostileClassroom.Create();
        var hubStaging = new StagingArea(room.Options, ProcessClaim.ForHub()).NewFolder();
        var download = Path.Combine(room.DataDir, "downloads", "0123.zip");
        Directory.CreateDirectory(Path.GetDirectoryName(download)!);
        File.WriteAllText(download, "PK");
        var submission = Directory.CreateDirectory(Path.Combine(room.DataDir, "submissions", "cs101", "hw1", "alice", ".staging-0123")).FullName;
        var roster = Path.Combine(room.DataDir, "uploads", "roster-cs101-" + new string('a', 32) + ".csv");
        var oldUpload = Path.Combine(room.DataDir, "uploads", new string('b', 32) + ".zip");
        Directory.CreateDirectory(Path.GetDirectoryName(roster)!);
        File.WriteAllText(roster, "username\nalice\n");
        File.WriteAllText(oldUpload, "PK");
        var oldStaging = Directory.CreateDirectory(Path.Combine(room.Options.AssignmentFolder("cs101", "hw1"), "staging-0123")).FullName;

        using var stopping = new CancellationTokenSource();
        var worker = Worker(room);
        await worker.StartAsync(stopping.Token);
        await stopping.CancelAsync();
        await worker.StopAsync(CancellationToken.None);

        Assert.False(Directory.Exists(hubStaging));
        Assert.False(File.Exists(download));
        Assert.False(Directory.Exists(submission));
        Assert.False(File.Exists(oldUpload));
        Assert.False(Directory.Exists(oldStaging));
        Assert.True(File.Exists(roster), "a roster preview waiting for its confirmation was removed");
    }

    private static DeliveryWorker Worker(HostileClassroom room) =>
        new(room.Assignments, room.Tasks, room.Courses, room.Users, room.Delivery(), room.Options, new StagingArea(room.Options, room.Claim), room.Time, NullLogger<DeliveryWorker>.Instance);
}
