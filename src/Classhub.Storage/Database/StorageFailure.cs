using System.Globalization;
using System.Text.RegularExpressions;
using Classhub.Core.Results;
using Microsoft.Data.Sqlite;

namespace Classhub.Storage.Database;

/// <summary>
/// What the file system or SQLite threw while the hub's state was being read or written, as an expected failure with
/// a stable reason and a one-line message that names the folder and the fix: the disk is full, the folder is on a
/// read-only file system or not ours to write, or the database stayed locked. Null for anything else (a bug stays an
/// exception). The CLI's top-level handler, the hub's request failures and <c>serve</c>'s data-dir lock share it.
/// </summary>
internal static partial class StorageFailure
{
    public const string DiskFull = "disk-full";
    public const string ReadOnly = "read-only";
    public const string NotPermitted = "not-permitted";
    public const string Busy = "database-busy";
    public const string Unreadable = "storage-error";

    /// <summary>Less free space than this is a full disk: SQLite needs a few pages for its write-ahead log.</summary>
    public const long FullBelowBytes = 1024 * 1024;

    // errno values .NET puts in IOException.HResult on Linux.
    private const int ENOSPC = 28;
    private const int EROFS = 30;
    private const int EDQUOT = 122;

    // SQLite's primary result codes (sqlite3.h).
    private const int SqlitePerm = 3;
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteReadOnly = 8;
    private const int SqliteIoErr = 10;
    private const int SqliteFull = 13;
    private const int SqliteCantOpen = 14;

    /// <summary>
    /// The failure <paramref name="exception"/> (or an exception inside it) stands for; null when it is none of the
    /// storage failures above. <paramref name="folder"/> is where the state lives (the data dir): SQLite's errors are
    /// about the database in it, and a file error that does not say its path is taken to be about it too.
    /// </summary>
    public static Failure? Of(Exception exception, string folder)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SqliteException sqlite:
                    return OfSqlite(sqlite, folder);
                case IOException io when io.HResult is ENOSPC or EDQUOT:
                    return Full(FolderIn(io.Message) ?? folder);
                case IOException io when io.HResult is EROFS:
                    return ReadOnlyFolder(FolderIn(io.Message) ?? folder);
                case UnauthorizedAccessException denied:
                    return Denied(FolderIn(denied.Message) ?? folder);
                default:
                    continue;
            }
        }

        return null;
    }

    /// <summary>True when <paramref name="exception"/> (or one inside it) is a full disk or an exhausted quota: ENOSPC, EDQUOT or SQLite's FULL.</summary>
    public static bool IsDiskFull(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SqliteException { SqliteErrorCode: SqliteFull } || (e is IOException io && io.HResult is ENOSPC or EDQUOT))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether <paramref name="folder"/> can take a write now: null when it can, else why not (full, read-only, not
    /// permitted). Writes and removes a one-byte probe file, so call it on a failure path, not per request.
    /// </summary>
    public static Failure? Diagnose(string folder)
    {
        if (FreeBytes(folder) is { } free && free < FullBelowBytes)
        {
            return Full(folder);
        }

        var probe = Path.Combine(folder, $".classhub-write-probe-{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}-{Guid.NewGuid():N}");
        try
        {
            using var stream = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
            stream.WriteByte(0);
            stream.Flush(flushToDisk: true);
            return null;
        }
        catch (IOException e) when (e.HResult is ENOSPC or EDQUOT)
        {
            return Full(folder);
        }
        catch (IOException e) when (e.HResult is EROFS)
        {
            return ReadOnlyFolder(folder);
        }
        catch (UnauthorizedAccessException)
        {
            return Denied(folder);
        }
        catch (DirectoryNotFoundException)
        {
            return Failure.Of(Unreadable, $"{folder} does not exist; create it, or point classhub at the right folder (--data-dir, or data_dir in the configuration)");
        }
    }

    /// <summary>Bytes an unprivileged writer may still use on the file system holding <paramref name="folder"/>; null when it cannot be read.</summary>
    public static long? FreeBytes(string folder)
    {
        try
        {
            return new DriveInfo(folder).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>A size as people read it: 0 B, 512 KB, 3.2 MB, 1.5 GB.</summary>
    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KB"),
        < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024 * 1024):0.#} GB"),
    };

    private static Failure OfSqlite(SqliteException e, string folder) => e.SqliteErrorCode switch
    {
        SqliteFull => Full(folder),
        SqliteBusy or SqliteLocked => Failure.Of(Busy, $"the database in {folder} stayed locked: another classhub command or the hub held it too long; try again in a moment"),
        SqliteReadOnly => Diagnose(folder) ?? Failure.Of(ReadOnly, $"the database in {folder} is read-only; give it back to the user running classhub (ls -l {folder}), then try again"),
        SqlitePerm or SqliteIoErr or SqliteCantOpen => Diagnose(folder)
            ?? Failure.Of(Unreadable, $"the database in {folder} could not be read or written (SQLite error {e.SqliteErrorCode.ToString(CultureInfo.InvariantCulture)}); check the disk (dmesg) and the folder's files"),
        _ => Failure.Of(Unreadable, $"the database in {folder} failed (SQLite error {e.SqliteErrorCode.ToString(CultureInfo.InvariantCulture)}); check the disk (dmesg) and the folder's files"),
    };

    private static Failure Full(string folder)
    {
        var free = FreeBytes(folder) is { } bytes ? $" ({Size(bytes)} free)" : "";
        return Failure.Of(DiskFull, $"the disk holding {folder} is full{free}; free space there (df -h {folder}), then try again");
    }

    private static Failure ReadOnlyFolder(string folder) =>
        Failure.Of(ReadOnly, $"{folder} is on a read-only file system; remount it read-write (mount -o remount,rw), or point classhub at a writable folder (--data-dir, or data_dir in the configuration)");

    private static Failure Denied(string folder) =>
        Failure.Of(NotPermitted, $"permission denied in {folder}; run classhub as root (sudo), or give the folder to the user running it");

    /// <summary>The folder of the path .NET names at the end of a file error ("No space left on device : '/path/file'").</summary>
    private static string? FolderIn(string message) =>
        QuotedPath().Match(message) is { Success: true } m && Path.GetDirectoryName(m.Groups[1].Value) is { Length: > 0 } dir ? dir : null;

    [GeneratedRegex(@"'(/[^']*)'", RegexOptions.CultureInvariant)]
    private static partial Regex QuotedPath();
}
