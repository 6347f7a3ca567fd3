using Classhub.Spawning.Datasets;
using Classhub.Testing.Hostile;

namespace Classhub.Spawning.Tests.Datasets;

/// <summary>
/// The root step that puts a user's dataset tree at ~/datasets, run here in the test's own mount namespace (the
/// spawners run it in the server's): real mounts, a real student account. These tests run as root.
/// </summary>
public sealed class DatasetsMountStepTests : IAsyncLifetime
{
    private readonly string _tree = Directory.CreateTempSubdirectory("classhub-mountstep-tree-").FullName;
    private readonly string _victim = Directory.CreateTempSubdirectory("classhub-mountstep-victim-").FullName;
    private readonly StringWriter _errors = new();
    private HostileStudent _student = null!;

    private string Target => Path.Combine(_student.Home, "datasets");

    public async Task InitializeAsync()
    {
        _student = await HostileStudent.CreateAsync("mst");
        File.SetUnixFileMode(_tree, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(_victim, (UnixFileMode)0b111_101_101);
        await File.WriteAllTextAsync(Path.Combine(_tree, "iris.csv"), "a,b\n");
        Assert.Null(BindMounts.Bind(_tree, _tree));
        Assert.Null(BindMounts.MakeShared(_tree));
    }

    public async Task DisposeAsync()
    {
        foreach (var point in MountTable.MountPoints("/proc/self/mountinfo").Where(p => p.StartsWith(_student.Home + "/", StringComparison.Ordinal) || p.StartsWith(_victim, StringComparison.Ordinal) || p.StartsWith(_tree + "/", StringComparison.Ordinal)))
        {
            BindMounts.Detach(point);
        }

        BindMounts.Detach(_tree);
        await _student.DisposeAsync();
        Directory.Delete(_tree, recursive: true);
        Directory.Delete(_victim, recursive: true);
    }

    [Fact]
    public async Task Run_NoDatasetsFolderYet_MadeAsTheStudent_TreeMountedReadOnlyNosuidNodev_LaterDatasetsArrive()
    {
        var code = DatasetsMountStep.Run(_tree, _student.Home, _student.Uid, _student.Gid, _errors);

        Assert.True(code == 0, _errors.ToString());
        Assert.Subset(MountOptions(Target), new HashSet<string> { "ro", "nosuid", "nodev" });
        var read = await _student.RunAsync("/bin/cat", Path.Combine(Target, "iris.csv"));
        var write = await _student.ShAsync($"echo x > {Target}/new.txt");
        Assert.Equal("a,b\n", read.Stdout);
        Assert.False(write.Succeeded, write.ToString());

        var extra = Directory.CreateDirectory(Path.Combine(_tree, "extra")).FullName;
        var source = Directory.CreateTempSubdirectory("classhub-mountstep-extra-").FullName;
        File.SetUnixFileMode(source, (UnixFileMode)0b111_101_101);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(source, "notes.txt"), "later\n");
            Assert.Null(BindMounts.Bind(source, extra));

            var later = await _student.RunAsync("/bin/cat", Path.Combine(Target, "extra", "notes.txt"));
            Assert.True(later.Stdout == "later\n", later.ToString());
        }
        finally
        {
            BindMounts.Detach(extra);
            Directory.Delete(source, recursive: true);
        }

        BindMounts.Detach(Target);
        Assert.Equal(_student.Uid, await OwnerAsync(Target));
    }

    [Fact]
    public async Task Run_DatasetsIsASymlinkToAFolderOfRoots_RefusedNothingMountedNothingChowned()
    {
        var link = await _student.RunAsync("/bin/ln", "-s", _victim, Target);
        Assert.True(link.Succeeded, link.ToString());

        var code = DatasetsMountStep.Run(_tree, _student.Home, _student.Uid, _student.Gid, _errors);

        Assert.Equal(DatasetsMountStep.Refused, code);
        Assert.Contains($"{Target} is a symlink or not a folder; not mounting datasets there", _errors.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(_victim, MountTable.MountPoints("/proc/self/mountinfo"));
        Assert.Equal(0u, await OwnerAsync(_victim));
    }

    [Fact]
    public async Task Run_DatasetsFolderLeftByRoot_GivenToTheStudentAndMounted()
    {
        Directory.CreateDirectory(Target);

        var code = DatasetsMountStep.Run(_tree, _student.Home, _student.Uid, _student.Gid, _errors);

        Assert.True(code == 0, _errors.ToString());
        Assert.Contains(Target, MountTable.MountPoints("/proc/self/mountinfo"));
        BindMounts.Detach(Target);
        Assert.Equal(_student.Uid, await OwnerAsync(Target));
    }

    [Fact]
    public void Run_HomeNotTheUsers_RefusedNothingMade()
    {
        var code = DatasetsMountStep.Run(_tree, _student.Home, _student.Uid + 1, _student.Gid, _errors);

        Assert.Equal(DatasetsMountStep.Refused, code);
        Assert.False(Directory.Exists(Target));
        Assert.DoesNotContain(MountTable.MountPoints("/proc/self/mountinfo"), p => p.StartsWith(_student.Home, StringComparison.Ordinal));
    }

    private static async Task<uint> OwnerAsync(string path) =>
        uint.Parse((await HostileStudent.RunAsRootAsync("/usr/bin/stat", "-c", "%u", path)).Stdout.Trim(), System.Globalization.CultureInfo.InvariantCulture);

    private static HashSet<string> MountOptions(string mountPoint)
    {
        var line = File.ReadLines("/proc/self/mountinfo").Select(l => l.Split(' ')).Last(f => MountTable.Unescape(f[4]) == mountPoint);
        return line[5].Split(',').ToHashSet();
    }
}
