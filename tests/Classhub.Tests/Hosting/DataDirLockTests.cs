using Classhub.Hosting;
using Classhub.Testing.Mounts;

namespace Classhub.Hosting.Tests;

/// <summary>serve's lock tells "another hub holds it" from "this folder cannot be written".</summary>
public sealed class DataDirLockTests
{
    [Fact]
    public void TryAcquire_HeldByAnother_InUse()
    {
        var dir = Directory.CreateTempSubdirectory("classhub-lock-").FullName;
        var (first, _) = DataDirLock.TryAcquire(dir);
        using (first)
        {
            var (second, problem) = DataDirLock.TryAcquire(dir);

            Assert.NotNull(first);
            Assert.Null(second);
            Assert.Equal($"another classhub is already serving {dir}; stop it first, or use another --data-dir", problem);
        }

        var (again, none) = DataDirLock.TryAcquire(dir);
        using (again)
        {
            Assert.NotNull(again);
            Assert.Null(none);
        }

        Directory.Delete(dir, recursive: true);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TryAcquire_ReadOnlyFolder_SaysReadOnlyNotInUse(bool lockFileExists)
    {
        var source = Directory.CreateTempSubdirectory("classhub-lock-ro-").FullName;
        if (lockFileExists)
        {
            File.WriteAllText(Path.Combine(source, "serve.lock"), "1");
        }

        using (var view = ScratchMount.ReadOnlyView(source))
        {
            var (held, problem) = DataDirLock.TryAcquire(view.Path);

            Assert.Null(held);
            Assert.DoesNotContain("another classhub", problem, StringComparison.Ordinal);
            Assert.StartsWith($"{view.Path} is on a read-only file system; remount it read-write", problem, StringComparison.Ordinal);
        }

        Directory.Delete(source, recursive: true);
    }

    [Fact]
    public void TryAcquire_FullDiskWithoutALockFile_SaysFull()
    {
        using var disk = ScratchMount.Tmpfs(1);
        disk.Fill();
        // An empty file costs no data block on tmpfs; the pid written into it does.
        var (held, problem) = DataDirLock.TryAcquire(disk.Path);

        Assert.Null(held);
        Assert.StartsWith($"the disk holding {disk.Path} is full", problem, StringComparison.Ordinal);
    }
}
