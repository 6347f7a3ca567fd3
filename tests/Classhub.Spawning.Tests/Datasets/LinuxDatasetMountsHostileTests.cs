using Classhub.Core.Datasets;
using Classhub.Spawning.Datasets;
using Classhub.Testing.Hostile;
using Microsoft.Extensions.Logging.Abstractions;

namespace Classhub.Spawning.Tests.Datasets;

/// <summary>
/// A TA owns a folder under a dataset root (an admin gave them /srv/ta to put data in) and has shared ta/data with
/// their course. The hub stored its real path when it was added; afterwards the TA flips ta/data with a symlink to a
/// folder they may not share (here a root-only stand-in for /etc), racing root's bind mount. Root must never bind
/// the link's target.
/// </summary>
public sealed class LinuxDatasetMountsHostileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("classhub-mount-race-").FullName;
    private readonly string _mounts;
    private readonly string _secret;

    public LinuxDatasetMountsHostileTests()
    {
        File.SetUnixFileMode(_dir, (UnixFileMode)0b111_101_101);
        _mounts = Path.Combine(_dir, "mounts");
        _secret = Directory.CreateDirectory(Path.Combine(_dir, "etc")).FullName;
        File.WriteAllText(Path.Combine(_secret, "shadow"), "root's");
        File.SetUnixFileMode(_secret, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public void Dispose()
    {
        foreach (var line in File.ReadLines("/proc/self/mountinfo").Select(l => l.Split(' ')[4]).Where(p => p.StartsWith(_dir, StringComparison.Ordinal)).Reverse().ToList())
        {
            BindMounts.Detach(line);
        }

        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Ensure_TaFlipsTheirSharedFolderWithASymlinkToEtc_RootNeverBindsTheTarget()
    {
        await using var ta = await HostileStudent.CreateAsync("ta");
        var taDir = Directory.CreateDirectory(Path.Combine(_dir, "srv-ta")).FullName;
        await HostileStudent.RunAsRootAsync("/usr/bin/chown", ta.Name, taDir);
        var made = await ta.ShAsync($"mkdir {taDir}/data && echo ta > {taDir}/data/notes.txt");
        Assert.True(made.Succeeded, made.ToString());
        var data = Path.Combine(taDir, "data");
        var mounts = new LinuxDatasetMounts(new DatasetMountOptions { Root = _mounts }, NullLogger<LinuxDatasetMounts>.Instance);
        var dataset = new DatasetMount("course-data", data);

        await using var swapper = await ta.StartSwapperAsync(PathSwapper.Mode.Flip, taDir, "data", _secret);
        var redirected = 0;
        var mounted = 0;
        var refused = 0;
        for (var i = 0; i < 300 && redirected == 0; i++)
        {
            var problems = await mounts.EnsureAsync("alice", null, [dataset], CancellationToken.None);
            var seen = Path.Combine(_mounts, "alice", "course-data");
            if (File.Exists(Path.Combine(seen, "shadow")))
            {
                redirected++;
            }
            else if (File.Exists(Path.Combine(seen, "notes.txt")))
            {
                mounted++;
            }
            else
            {
                refused += problems.Count > 0 ? 1 : 0;
            }

            await mounts.ReleaseAsync("alice", CancellationToken.None);
        }

        var swaps = await swapper.StopAsync();

        Assert.True(swaps > 0, "the TA's swapper never swapped");
        Assert.True(redirected == 0, $"root bound the symlink's target {redirected} time(s) ({swaps} swaps, {mounted} honest mounts)");
        Assert.True(mounted > 0 && refused > 0, $"the race did not land both ways: {mounted} mounted, {refused} refused in 300 tries ({swaps} swaps)");
    }
}
