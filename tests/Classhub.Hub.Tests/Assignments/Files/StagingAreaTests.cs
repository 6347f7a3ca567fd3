namespace Classhub.Hub.Assignments.Files.Tests;

/// <summary>Staging is removed when the process that made it is gone, never while it works.</summary>
public sealed class StagingAreaTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("staging-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private AssignmentOptions Options => new(_dir, 1 << 20, 1 << 20);

    [Fact]
    public void RemoveAbandoned_DeadCliClaim_RemovedLiveCliAndHubKeptUntilTheHubStarts()
    {
        using var live = ProcessClaim.Acquire(_dir);
        var dead = ProcessClaim.Acquire(_dir);
        var hub = new StagingArea(Options, ProcessClaim.ForHub());
        var liveFolder = new StagingArea(Options, live).NewFolder();
        var deadFolder = new StagingArea(Options, dead).NewFolder();
        var hubFolder = hub.NewFolder();
        File.WriteAllText(Path.Combine(deadFolder, "half.zip"), "PK");
        var unknown = Directory.CreateDirectory(Path.Combine(hub.Root, "0123456789abcdef0123456789abcdef")).FullName;
        dead.Dispose();

        Assert.Equal(1, hub.RemoveAbandoned(hubStarting: false));
        Assert.False(Directory.Exists(deadFolder));
        Assert.True(Directory.Exists(liveFolder));
        Assert.True(Directory.Exists(hubFolder));
        Assert.True(Directory.Exists(unknown));

        Assert.Equal(2, hub.RemoveAbandoned(hubStarting: true));
        Assert.Equal([liveFolder], Directory.EnumerateFileSystemEntries(hub.Root));
    }

    [Fact]
    public void NewFolder_IsPrivateAndNamedAfterTheClaim()
    {
        var folder = new StagingArea(Options, ProcessClaim.ForHub()).NewFolder();

        Assert.StartsWith(Path.Combine(_dir, "staging", "hub-"), folder, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
    }
}
