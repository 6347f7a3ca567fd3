using System.Globalization;
using Classhub.Core.Servers;
using Classhub.EndToEnd.Tests;
using Classhub.Spawning.Datasets;
using Classhub.Spawning.LocalProcess;
using Classhub.Testing.Hostile;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Classhub.Tests.Hostile;

/// <summary>
/// A student racing the root step that puts the datasets at <c>~/datasets</c> when their server starts (local-process
/// spawner, with the AOT binary as its helper). From outside their server (SSH, cron) they wait with inotify for
/// <c>~/datasets</c> to appear and swap it for a symlink to a root-owned folder, then keep swapping. Root must never
/// chown that folder, nor mount anything over it or anywhere outside the student's home in the server's namespace.
/// </summary>
public sealed class DatasetMountRaceTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Rounds = 40;
    private const string Marker = "classhub-dataset-race-server";

    private readonly string _tree = Directory.CreateTempSubdirectory("classhub-race-tree-").FullName;
    private readonly string _victim = Directory.CreateTempSubdirectory("classhub-race-victim-").FullName;
    private readonly string _logs = Directory.CreateTempSubdirectory("classhub-race-logs-").FullName;
    private HostileStudent _student = null!;

    public async Task InitializeAsync()
    {
        _student = await HostileStudent.CreateAsync("dsr");
        File.SetUnixFileMode(_victim, (UnixFileMode)0b111_101_101);
        await File.WriteAllTextAsync(Path.Combine(_victim, "victim.txt"), "root's\n");
        File.SetUnixFileMode(_tree, (UnixFileMode)0b111_101_101);
        await File.WriteAllTextAsync(Path.Combine(_tree, "dataset.txt"), "course data\n");

        // The hub's per-user dataset root is a shared mount point (see LinuxDatasetMounts); so is this one.
        Assert.Null(BindMounts.Bind(_tree, _tree));
        Assert.Null(BindMounts.MakeShared(_tree));
    }

    public async Task DisposeAsync()
    {
        await _student.DisposeAsync();
        BindMounts.Detach(_tree);
        foreach (var dir in new[] { _tree, _victim, _logs })
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task ServerStarts_StudentSwapsDatasetsForASymlink_RootNeverChownsNorMountsOutsideTheHome()
    {
        var spawner = new LocalProcessSpawner(SpawnerOptions(), TimeProvider.System, NullLogger<LocalProcessSpawner>.Instance);
        var swaps = 0;
        var mountedOutside = new List<string>();
        var chowned = false;
        var started = 0;
        var mountedAtHome = 0;
        for (var round = 0; round < Rounds && mountedOutside.Count == 0 && !chowned; round++)
        {
            var reset = await _student.ShAsync("rm -rf ~/datasets ~/.datasets.swap");
            Assert.True(reset.Succeeded, reset.ToString());
            await using var swapper = await _student.StartSwapperAsync(PathSwapper.Mode.OnCreate, _student.Home, "datasets", _victim);

            var result = await spawner.StartAsync(Request(round), CancellationToken.None);
            Assert.True(result.Failure is null, result.Failure?.Message);
            var state = LocalProcessState.Parse(result.Server!.State);
            try
            {
                if (await ReachedTheServerAsync(state.Pid))
                {
                    started++;
                    var mounts = NewMountPoints(state.Pid).ToList();
                    mountedOutside.AddRange(mounts.Where(p => !IsInside(p, _student.Home)));
                    mountedAtHome += mounts.Contains(Path.Combine(_student.Home, "datasets")) ? 1 : 0;
                    output.WriteLine($"round {round}: mounts made for the server: {string.Join(", ", mounts)}");
                }

                chowned = await OwnerOfAsync(_victim) != 0;
            }
            finally
            {
                await spawner.StopAsync(result.Server.State, TimeSpan.Zero, CancellationToken.None);
                swaps += await swapper.StopAsync();
            }
        }

        output.WriteLine($"{Rounds} rounds at most: {swaps} swaps, {started} servers reached ({mountedAtHome} with the tree at ~/datasets, the others refused or with it where the student renamed it), {mountedOutside.Count} mounts outside the home, victim chowned: {chowned}");
        Assert.True(swaps > 0, "the student's swapper never swapped: the race did not run");
        Assert.False(chowned, $"root chowned {_victim} (a root-owned folder outside the home) to uid {await OwnerOfAsync(_victim)} ({swaps} swaps)");
        Assert.True(mountedOutside.Count == 0, $"in the server's mount namespace something was mounted outside {_student.Home}: {string.Join(", ", mountedOutside)} ({swaps} swaps, {started} servers reached)");
        Assert.Equal("root's\n", await File.ReadAllTextAsync(Path.Combine(_victim, "victim.txt")));
        Assert.True(mountedAtHome > 0, $"no server got its datasets at ~/datasets in {Rounds} rounds: the defence refused everything, which proves nothing");
    }

    // The launch chain runs the AOT binary's own mount step (classhub internal mount-datasets).
    private static LocalProcessSpawnerOptions SpawnerOptions() => new() { HelperPath = HubProcess.Binary };

    private SpawnRequest Request(int round) => new(
        "racer",
        _student.Name,
        ["/usr/bin/python3", "-c", "import time; time.sleep(600)", Marker],
        new Dictionary<string, string>(StringComparer.Ordinal) { ["JUPYTERHUB_USER"] = "racer" },
        Path.Combine(_logs, string.Create(CultureInfo.InvariantCulture, $"racer-{round}.log")),
        ResourceLimits.None)
    {
        DatasetRoot = _tree,
        UnixUid = _student.Uid,
    };

    /// <summary>True once the launch chain has exec'd the server (the mount steps are over); false when it exited first.</summary>
    private static async Task<bool> ReachedTheServerAsync(int pid)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            string cmdline;
            try
            {
                cmdline = await File.ReadAllTextAsync($"/proc/{pid}/cmdline");
            }
            catch (IOException)
            {
                return false;
            }

            // Every link of the chain carries the server's arguments; only the server itself starts with python3.
            if (cmdline.StartsWith("/usr/bin/python3\0", StringComparison.Ordinal) && cmdline.Contains(Marker, StringComparison.Ordinal))
            {
                return true;
            }

            if (Spawning.Unix.ProcStat.Read(pid) is not { IsZombie: false })
            {
                return false;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"the launch chain of {pid} neither reached the server nor exited");
    }

    /// <summary>Mount points in the server's namespace that the host's namespace does not have.</summary>
    private static IEnumerable<string> NewMountPoints(int pid)
    {
        var host = MountTable.MountPoints("/proc/self/mountinfo");
        try
        {
            return MountTable.MountPoints($"/proc/{pid}/mountinfo").Where(p => !host.Contains(p)).ToList();
        }
        catch (IOException)
        {
            return [];
        }
    }

    private static bool IsInside(string path, string dir) =>
        path == dir || path.StartsWith(dir.TrimEnd('/') + "/", StringComparison.Ordinal);

    private static async Task<uint> OwnerOfAsync(string path)
    {
        var result = await HostileStudent.RunAsRootAsync("/usr/bin/stat", "-c", "%u", path);
        return uint.Parse(result.Stdout.Trim(), CultureInfo.InvariantCulture);
    }
}
