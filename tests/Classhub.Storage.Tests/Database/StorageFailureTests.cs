using Classhub.Storage.Users;
using Classhub.Testing.Mounts;
using Microsoft.Data.Sqlite;

namespace Classhub.Storage.Database.Tests;

/// <summary>Real full and read-only file systems, and what the hub and the CLI say about them.</summary>
public sealed class StorageFailureTests
{
    [Fact]
    public void Of_WriteOnAFullDisk_DiskFullNamingTheFolder()
    {
        using var disk = ScratchMount.Tmpfs(1);
        disk.Fill();

        var e = Assert.ThrowsAny<IOException>(() => File.WriteAllText(Path.Combine(disk.Path, "more"), "x"));
        var failure = StorageFailure.Of(e, "/somewhere/else");

        Assert.NotNull(failure);
        Assert.Equal(StorageFailure.DiskFull, failure.Reason);
        Assert.StartsWith($"the disk holding {disk.Path} is full (0 B free); free space there (df -h {disk.Path})", failure.UserMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Of_DatabaseWriteOnAFullDisk_DiskFullNotADiskIoError()
    {
        using var disk = ScratchMount.Tmpfs(2);
        var database = new HubDatabase(Path.Combine(disk.Path, "classhub.db"));
        database.Migrate();
        var users = new UserStore(database, TimeProvider.System);
        disk.Fill();

        // SQLite reports a full tmpfs as SQLITE_IOERR or SQLITE_FULL, depending on which file it was growing.
        var e = Assert.ThrowsAny<SqliteException>(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                users.Add($"student{i}", admin: false);
            }
        });
        var failure = StorageFailure.Of(e, database.Folder);

        Assert.Equal(StorageFailure.DiskFull, failure?.Reason);
        Assert.Contains(disk.Path, failure!.UserMessage, StringComparison.Ordinal);
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public void Of_WriteOnAReadOnlyFileSystem_ReadOnlyNamingTheFolderAndTheFix()
    {
        var source = Directory.CreateTempSubdirectory("classhub-storage-ro-").FullName;
        using (var view = ScratchMount.ReadOnlyView(source))
        {
            var e = Assert.ThrowsAny<IOException>(() => File.WriteAllText(Path.Combine(view.Path, "x"), "x"));
            var failure = StorageFailure.Of(e, "/somewhere/else");

            Assert.Equal(StorageFailure.ReadOnly, failure?.Reason);
            Assert.Equal($"{view.Path} is on a read-only file system; remount it read-write (mount -o remount,rw), or point classhub at a writable folder (--data-dir, or data_dir in the configuration)", failure!.UserMessage);
            Assert.Equal(StorageFailure.ReadOnly, StorageFailure.Diagnose(view.Path)?.Reason);
        }

        Directory.Delete(source, recursive: true);
    }

    [Fact]
    public void Of_LockedDatabase_BusyWithTryAgain()
    {
        var failure = StorageFailure.Of(new SqliteException("database is locked", 5), "/var/lib/classhub");

        Assert.Equal(StorageFailure.Busy, failure?.Reason);
        Assert.Contains("/var/lib/classhub", failure!.UserMessage, StringComparison.Ordinal);
        Assert.Contains("try again", failure.UserMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Of_WrappedInAnotherException_StillFound()
    {
        var failure = StorageFailure.Of(new InvalidOperationException("outer", new SqliteException("database or disk is full", 13)), "/var/lib/classhub");

        Assert.Equal(StorageFailure.DiskFull, failure?.Reason);
    }

    [Fact]
    public void Of_PermissionDenied_NotPermittedNamingTheFolderOfThePath()
    {
        var failure = StorageFailure.Of(new UnauthorizedAccessException("Access to the path '/var/lib/classhub/uploads/x.csv' is denied."), "/somewhere/else");

        Assert.Equal(StorageFailure.NotPermitted, failure?.Reason);
        Assert.Equal("permission denied in /var/lib/classhub/uploads; run classhub as root (sudo), or give the folder to the user running it", failure!.UserMessage);
    }

    [Fact]
    public void Of_AnyOtherException_NullBecauseItIsABug()
    {
        Assert.Null(StorageFailure.Of(new NullReferenceException(), "/var/lib/classhub"));
        Assert.Null(StorageFailure.Of(new IOException("something else", 5), "/var/lib/classhub"));
    }

    [Fact]
    public void Diagnose_WritableFolderWithSpace_Null()
    {
        var folder = Directory.CreateTempSubdirectory("classhub-storage-ok-").FullName;

        Assert.Null(StorageFailure.Diagnose(folder));
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
        Directory.Delete(folder);
    }
}
