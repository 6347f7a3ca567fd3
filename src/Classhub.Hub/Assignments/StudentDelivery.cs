using Classhub.Core.Users;
using Classhub.Hub.Assignments.Files;
using Microsoft.Win32.SafeHandles;

namespace Classhub.Hub.Assignments;

/// <summary>What delivering one release to one student did.</summary>
internal sealed record DeliveryOutcome(string UserName, int Release, int Written, int Unchanged, IReadOnlyList<string> Conflicts, string? Error, IReadOnlyDictionary<string, string> Recorded);

/// <summary>
/// Writes a release into <c>~/&lt;course&gt;/&lt;assignment&gt;/</c> of one student, as root without following any link.
/// The rule (nbgitpuller's): a missing file is written (deleted files come back); a file still as some release delivered
/// it is replaced by the new version; a file the student edited is never touched — the new version is written beside
/// it as <c>name (release N).ext</c> and reported as a conflict. Files the release no longer has are left alone.
/// "As some release delivered it" is decided by content against every release's version of that path
/// (<see cref="ReleaseHistory"/>), not by what was recorded: a delivery killed half-way, with some files replaced and
/// nothing recorded, is finished by the next one instead of leaving those files taken for edits for good. Temporary
/// files a killed write left in a folder the delivery walks are removed (<see cref="SafeDirectory.RemoveStaleTemporaries"/>).
/// What is delivered is the student's alone, even in a home others can enter: folders 0700, files 0600, owned by the
/// student; the course and assignment folders are made private again when found open (as earlier versions made them).
/// </summary>
internal static class StudentDelivery
{
    public const uint FolderMode = 0x1C0;
    public const uint FileMode = 0x180;

    public static DeliveryOutcome Deliver(
        HomeAccount account,
        bool chown,
        string course,
        string assignment,
        int release,
        string releaseFiles,
        IReadOnlyList<ReleaseFile> files,
        ReleaseHistory history)
    {
        FileOwner? owner = chown ? new FileOwner(account.Uid, account.Gid) : null;
        var recorded = new Dictionary<string, string>(StringComparer.Ordinal);
        var conflicts = new List<string>();
        int written = 0, unchanged = 0;
        using var home = SafeDirectory.OpenRoot(account.Home);
        using var courseDir = home.OpenOrCreateChild(course, owner, FolderMode);
        courseDir.MakePrivate();
        var assignmentDir = courseDir.OpenOrCreateChild(assignment, owner, FolderMode);
        assignmentDir.MakePrivate();
        using var folders = new FolderCache(assignmentDir, owner);
        assignmentDir.RemoveStaleTemporaries(owner?.Uid);
        foreach (var file in files)
        {
            var (dir, name) = folders.ParentOf(file.Path);
            var current = dir.Stat(name);
            if (current is null)
            {
                Write(dir, name, releaseFiles, file, owner);
                recorded[file.Path] = file.Sha256;
                written++;
                continue;
            }

            // Hashing reads the file: only one whose size some release had at this path can be a delivered version, and
            // no more than the largest such version is read (a student's sparse terabyte is never read through).
            var hash = current.Value.IsRegular && history.HasSize(file.Path, current.Value.Size) ? dir.HashOf(name, history.LargestSize(file.Path)) : null;
            if (hash == file.Sha256)
            {
                recorded[file.Path] = file.Sha256;
                unchanged++;
                continue;
            }

            if (hash is not null && history.Holds(file.Path, hash))
            {
                Write(dir, name, releaseFiles, file, owner);
                recorded[file.Path] = file.Sha256;
                written++;
                continue;
            }

            // Edited by the student (or something else is in the way): keep theirs, write ours beside it.
            var beside = FreeBesideName(dir, name, release, file);
            if (beside is not null)
            {
                Write(dir, beside, releaseFiles, file, owner);
                written++;
            }

            var folder = file.Path.Contains('/', StringComparison.Ordinal) ? file.Path[..(file.Path.LastIndexOf('/') + 1)] : "";
            conflicts.Add($"{file.Path} → {folder}{beside ?? RelativePath.Beside(name, $"release {release}")}");
        }

        // Folders only earlier releases had may hold what a killed write of theirs left.
        foreach (var path in history.Folders)
        {
            folders.Existing(path)?.RemoveStaleTemporaries(owner?.Uid);
        }

        return new DeliveryOutcome(account.Name, release, written, unchanged, conflicts, null, recorded);
    }

    /// <summary>"name (release N).ext", or a numbered variant when that name holds something else; null when it already holds this version.</summary>
    private static string? FreeBesideName(SafeDirectory dir, string name, int release, ReleaseFile file)
    {
        for (var i = 1; ; i++)
        {
            var candidate = RelativePath.Beside(name, i == 1 ? $"release {release}" : $"release {release}, {i}");
            var stat = dir.Stat(candidate);
            if (stat is null)
            {
                return candidate;
            }

            if (stat.Value is { IsRegular: true } same && same.Size == file.Size && dir.HashOf(candidate, file.Size) == file.Sha256)
            {
                return null;
            }
        }
    }

    private static void Write(SafeDirectory dir, string name, string releaseFiles, ReleaseFile file, FileOwner? owner)
    {
        using SafeFileHandle source = File.OpenHandle(Path.Combine(releaseFiles, file.Path));
        dir.WriteFile(name, source, owner, FileMode);
    }

    /// <summary>The open folders of one delivery, created (owned by the student) as needed.</summary>
    private sealed class FolderCache(SafeDirectory root, FileOwner? owner) : IDisposable
    {
        private readonly Dictionary<string, SafeDirectory> _open = new(StringComparer.Ordinal) { [""] = root };
        private readonly HashSet<string> _missing = new(StringComparer.Ordinal);

        public (SafeDirectory Dir, string Name) ParentOf(string path)
        {
            var cut = path.LastIndexOf('/');
            return cut < 0 ? (root, path) : (Folder(path[..cut]), path[(cut + 1)..]);
        }

        public void Dispose()
        {
            foreach (var dir in _open.Values)
            {
                dir.Dispose();
            }
        }

        private SafeDirectory Folder(string path)
        {
            if (_open.TryGetValue(path, out var dir))
            {
                return dir;
            }

            var cut = path.LastIndexOf('/');
            var parent = cut < 0 ? root : Folder(path[..cut]);
            var opened = parent.OpenOrCreateChild(cut < 0 ? path : path[(cut + 1)..], owner, FolderMode);
            _open[path] = opened;
            opened.RemoveStaleTemporaries(owner?.Uid);
            return opened;
        }

        /// <summary>The folder when it exists (opened without following a link, never created); null otherwise.</summary>
        public SafeDirectory? Existing(string path)
        {
            if (_open.TryGetValue(path, out var dir))
            {
                return dir;
            }

            if (_missing.Contains(path))
            {
                return null;
            }

            var cut = path.LastIndexOf('/');
            var parent = cut < 0 ? root : Existing(path[..cut]);
            SafeDirectory? opened = null;
            try
            {
                opened = parent?.OpenChild(cut < 0 ? path : path[(cut + 1)..]);
            }
            catch (TreeException)
            {
                // Not a folder (the student put something else there): nothing of ours can be in it.
            }

            if (opened is null)
            {
                _missing.Add(path);
                return null;
            }

            _open[path] = opened;
            return opened;
        }
    }
}
