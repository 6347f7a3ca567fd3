using Classhub.Core.Users;
using Classhub.Hub.Assignments.Files;
using Microsoft.Win32.SafeHandles;

namespace Classhub.Hub.StudentFiles;

/// <summary>How the viewer shows an entry of a folder; only folders and the user's own regular files are opened.</summary>
internal enum EntryKind
{
    Folder,
    File,
    Link,
    Special,
    NotTheirs,
}

internal sealed record HomeEntry(string Name, EntryKind Kind, long Size);

/// <summary>A path of a home, opened for the viewer.</summary>
internal abstract record HomeItem
{
    /// <summary>A folder's entries, sorted by name, at most <see cref="HomeFiles.MaxEntries"/>.</summary>
    internal sealed record Folder(IReadOnlyList<HomeEntry> Entries, int Total) : HomeItem;

    /// <summary>A regular file of the user's, open for reading (the caller disposes the handle); its size when opened.</summary>
    internal sealed record File(SafeFileHandle Handle, long Size) : HomeItem;
}

/// <summary>
/// Reads a user's home as root for the viewer, the way root must read a tree its owner controls: from the home's
/// descriptor, one name at a time, never following a symbolic link (O_NOFOLLOW at every step, so a link planted or
/// swapped in at any moment ends the walk instead of leading out of the home), opening only regular files (O_NONBLOCK,
/// then fstat: a named pipe or a device is never waited on or read) that the user owns (a hard link to someone else's
/// file shows their content to nobody). Nothing is written.
/// </summary>
internal static class HomeFiles
{
    public const int MaxEntries = 5000;

    /// <summary>The folder or file at <paramref name="segments"/> (names from the home); null when it is missing or is not shown.</summary>
    public static HomeItem? Open(HomeAccount account, IReadOnlyList<string> segments)
    {
        var opened = new List<SafeDirectory>();
        try
        {
            var current = SafeDirectory.OpenRoot(account.Home);
            opened.Add(current);
            for (var i = 0; i < segments.Count; i++)
            {
                if (current.Stat(segments[i]) is not { } stat)
                {
                    return null;
                }

                if (stat.IsDirectory)
                {
                    // OpenChild refuses (throws) what is a link by the time it is opened.
                    if (current.OpenChild(segments[i]) is not { } child)
                    {
                        return null;
                    }

                    opened.Add(child);
                    current = child;
                    continue;
                }

                return i == segments.Count - 1 && Kind(stat, account) == EntryKind.File ? OpenFile(current, segments[i], account) : null;
            }

            return List(current, account);
        }
        catch (TreeException)
        {
            return null;
        }
        finally
        {
            opened.ForEach(d => d.Dispose());
        }
    }

    private static HomeItem.File? OpenFile(SafeDirectory folder, string name, HomeAccount account)
    {
        var handle = folder.OpenFile(name);
        if (handle is null)
        {
            return null;
        }

        // What was opened, not what the name was a moment ago: it may have been swapped in between.
        if (Posix.StatFd((int)handle.DangerousGetHandle()) is not { IsRegular: true } stat || stat.Uid != account.Uid)
        {
            handle.Dispose();
            return null;
        }

        return new HomeItem.File(handle, stat.Size);
    }

    private static HomeItem.Folder List(SafeDirectory folder, HomeAccount account)
    {
        var entries = folder.Entries();
        return new HomeItem.Folder([.. entries.Take(MaxEntries).Select(e => new HomeEntry(e.Name, Kind(e.Stat, account), e.Stat.Size))], entries.Count);
    }

    private static EntryKind Kind(Posix.FileStat stat, HomeAccount account) => stat switch
    {
        { IsDirectory: true } => EntryKind.Folder,
        { IsSymlink: true } => EntryKind.Link,
        { IsRegular: true } when stat.Uid == account.Uid => EntryKind.File,
        { IsRegular: true } => EntryKind.NotTheirs,
        _ => EntryKind.Special,
    };
}
