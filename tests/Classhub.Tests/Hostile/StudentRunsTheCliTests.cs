using Classhub.EndToEnd.Tests;
using Classhub.Testing.Hostile;

namespace Classhub.Tests.Hostile;

/// <summary>
/// A student on the hub's machine (SSH, a terminal in their server) runs the classhub binary against the hub's data
/// dir: they get one line saying they may not, never a stack trace that shows the hub's insides, and nothing there
/// changes.
/// </summary>
[Collection("hub")]
public sealed class StudentRunsTheCliTests : IDisposable
{
    private readonly HubProcess _hub = HubProcess.Create();

    public void Dispose() => Directory.Delete(_hub.DataDir, recursive: true);

    [Fact]
    public async Task Student_OnTheHubsDataDir_OneLinePermissionDeniedAndNothingChanges()
    {
        Assert.Equal(0, (await _hub.CliAsync("course", "create", "cs101", "--title", "Intro")).ExitCode);
        File.SetUnixFileMode(_hub.DataDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var before = Directory.GetFiles(_hub.DataDir).Select(f => (f, File.GetLastWriteTimeUtc(f))).ToList();
        await using var student = await HostileStudent.CreateAsync();

        var run = await student.RunAsync(HubProcess.Binary, "--data-dir", _hub.DataDir, "course", "create", "evil", "--title", "Mine");

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.Stderr.TrimEnd().Split('\n'));
        Assert.Equal($"classhub course create: permission denied in {_hub.DataDir}; run classhub as root (sudo), or give the folder to the user running it", line);
        Assert.Equal(before, Directory.GetFiles(_hub.DataDir).Select(f => (f, File.GetLastWriteTimeUtc(f))).ToList());
        Assert.DoesNotContain("evil", (await _hub.CliAsync("course", "list")).Stdout, StringComparison.Ordinal);
    }
}
