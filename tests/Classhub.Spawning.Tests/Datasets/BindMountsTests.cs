using System.Diagnostics;
using Classhub.Spawning.Datasets;

namespace Classhub.Spawning.Tests.Datasets;

/// <summary>Real mounts (the tests run as root): a small tmpfs as the dataset, bound and made read-only the way <see cref="LinuxDatasetMounts"/> does.</summary>
public sealed class BindMountsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("classhub-bindmounts-").FullName;
    private readonly string _source;
    private readonly string _stage;

    public BindMountsTests()
    {
        _source = Directory.CreateDirectory(Path.Combine(_dir, "source")).FullName;
        _stage = Directory.CreateDirectory(Path.Combine(_dir, "stage")).FullName;
    }

    public void Dispose()
    {
        BindMounts.Detach(_stage);
        BindMounts.Detach(_source);
        Directory.Delete(_dir, recursive: true);
    }

    [Theory]
    [InlineData("size=1m", false)]
    [InlineData("size=1m,noexec", true)]
    public void MakeReadOnly_BoundDataset_ReadOnlyNosuidNodev_NoexecOnlyWhenTheSourceHasIt(string tmpfsOptions, bool noexec)
    {
        MountTmpfs(_source, tmpfsOptions);
        File.WriteAllText(Path.Combine(_source, "data.csv"), "a,b\n");

        Assert.Null(BindMounts.Bind(_source, _stage));
        Assert.Null(BindMounts.MakeReadOnly(_stage));

        var options = MountOptions(_stage);
        Assert.Subset(options, new HashSet<string> { "ro", "nosuid", "nodev" });
        Assert.Equal(noexec, options.Contains("noexec"));
        Assert.Equal("a,b\n", File.ReadAllText(Path.Combine(_stage, "data.csv")));
        Assert.ThrowsAny<IOException>(() => File.WriteAllText(Path.Combine(_stage, "new.txt"), "x"));
        File.WriteAllText(Path.Combine(_source, "still-writable.txt"), "x");
    }

    [Fact]
    public void Detach_BoundDataset_GoneFromTheMountTable()
    {
        Assert.Null(BindMounts.Bind(_source, _stage));

        Assert.Null(BindMounts.Detach(_stage));

        Assert.DoesNotContain(_stage, MountTable.MountPoints("/proc/self/mountinfo"));
    }

    [Fact]
    public void Bind_MissingSource_ErrorNamesTheCallAndTheReason()
    {
        var missing = Path.Combine(_dir, "missing");

        Assert.Equal($"mount --bind {missing} {_stage}: No such file or directory", BindMounts.Bind(missing, _stage));
    }

    [Fact]
    public void BindWithoutSymlinks_RealPath_Bound()
    {
        File.WriteAllText(Path.Combine(_source, "data.csv"), "a,b\n");

        Assert.Null(BindMounts.BindWithoutSymlinks(_source, _stage));

        Assert.Equal("a,b\n", File.ReadAllText(Path.Combine(_stage, "data.csv")));
    }

    [Theory]
    [InlineData("link")]
    [InlineData("link/inner")]
    public void BindWithoutSymlinks_SymlinkAnywhereOnThePath_RefusedAndNothingBound(string relative)
    {
        Directory.CreateDirectory(Path.Combine(_source, "inner"));
        File.CreateSymbolicLink(Path.Combine(_dir, "link"), _source);
        var viaLink = Path.Combine(_dir, relative);

        var problem = BindMounts.BindWithoutSymlinks(viaLink, _stage);

        Assert.Equal($"{viaLink} is reached through a symlink now (it was not when the dataset was added); not mounted. If that change was meant, remove the dataset and add it again", problem);
        Assert.DoesNotContain(_stage, MountTable.MountPoints("/proc/self/mountinfo"));
    }

    private static void MountTmpfs(string path, string options)
    {
        using var mount = Process.Start("/usr/bin/mount", ["-t", "tmpfs", "-o", options, "tmpfs", path])!;
        mount.WaitForExit();
        Assert.Equal(0, mount.ExitCode);
    }

    private static HashSet<string> MountOptions(string mountPoint)
    {
        var line = File.ReadLines("/proc/self/mountinfo").Select(l => l.Split(' ')).Last(f => f[4] == mountPoint);
        return line[5].Split(',').ToHashSet();
    }
}
