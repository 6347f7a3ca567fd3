using Classhub.EndToEnd.Tests;

namespace Classhub.Recovery.Tests;

/// <summary>
/// A small tmpfs (a real file system with a real size limit) mounted for one test, to run the hub's data dir on a
/// disk that fills up: <see cref="FillAsync"/> takes every free byte, <see cref="Free"/> gives them back.
/// </summary>
internal sealed class TmpfsDisk : IAsyncDisposable
{
    private TmpfsDisk(string mountPoint) => MountPoint = mountPoint;

    public string MountPoint { get; }

    private string Filler => Path.Combine(MountPoint, "filler");

    public static async Task<TmpfsDisk> MountAsync(int megabytes)
    {
        var mountPoint = Directory.CreateTempSubdirectory("classhub-tmpfs-").FullName;
        var mounted = await CrashClassroom.RunAsync("mount", "-t", "tmpfs", "-o", $"size={megabytes}m,mode=0700", "tmpfs", mountPoint);
        Assert.True(mounted.ExitCode == 0, $"mounting a tmpfs at {mountPoint}: {mounted.Stderr}");
        return new TmpfsDisk(mountPoint);
    }

    /// <summary>Fills every free byte with one file (dd stops at "No space left on device").</summary>
    public async Task FillAsync()
    {
        await CrashClassroom.RunAsync("dd", "if=/dev/zero", $"of={Filler}", "bs=64k");
        var free = long.Parse((await UnixUsers.RunAsync("sh", "-c", $"df --output=avail -B1 '{MountPoint}' | tail -1")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(free < 64 * 1024, $"{MountPoint} still has {free} bytes free");
    }

    public void Free() => File.Delete(Filler);

    public async ValueTask DisposeAsync()
    {
        await CrashClassroom.RunAsync("umount", "--lazy", MountPoint);
        Directory.Delete(MountPoint, recursive: true);
    }
}
