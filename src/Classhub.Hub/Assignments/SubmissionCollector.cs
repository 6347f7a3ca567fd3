using Classhub.Core.Assignments;
using Classhub.Core.Results;
using Classhub.Hub.Assignments.Files;

namespace Classhub.Hub.Assignments;

/// <summary>What collecting wrote for one student: the files, and the stored names left out as unsafe.</summary>
internal sealed record CollectedSubmission(Submission Submission, int Files, IReadOnlyList<string> Skipped);

/// <summary>
/// Copies each student's latest submission into <c>DIR/&lt;student&gt;/</c> for staff. DIR is named by staff (a trusted
/// path) but others may be able to write into it (a shared folder), so <c>DIR/&lt;student&gt;</c> must not exist: it is
/// created fresh (mkdirat, mode 0700) and checked to be the folder just made, and everything inside is written through
/// descriptors with O_CREAT|O_EXCL|O_NOFOLLOW (files 0600), so nothing planted there is reused or followed. The tree is
/// given to <c>owner</c> (the staff member who ran the command) or stays the hub's. Stored names that would be unsafe
/// where staff unpack them (kept from before names were checked at submit time) are left out and reported.
/// </summary>
internal static class SubmissionCollector
{
    private const uint FolderMode = 0x1C0;
    private const uint FileMode = 0x180;

    public static Result<IReadOnlyList<CollectedSubmission>> Collect(IReadOnlyList<Submission> latest, string dir, FileOwner? owner)
    {
        var doing = $"collecting into {dir}";
        try
        {
            if (!Directory.Exists(dir))
            {
                Directory.CreateDirectory(dir, (UnixFileMode)FolderMode);
                using var created = SafeDirectory.OpenRoot(dir);
                created.Give(owner, FolderMode);
            }

            using var root = SafeDirectory.OpenRoot(dir);
            var taken = latest.Where(s => root.Stat(s.UserName) is not null).Select(s => s.UserName).ToList();
            if (taken.Count > 0)
            {
                return AlreadyThere(doing, dir, taken);
            }

            var collected = new List<CollectedSubmission>(latest.Count);
            foreach (var submission in latest)
            {
                using var target = root.CreateFreshChild(submission.UserName, owner, FolderMode);
                if (target is null)
                {
                    return AlreadyThere(doing, dir, [submission.UserName]);
                }

                using var stored = SafeDirectory.OpenRoot(submission.Folder);
                var skipped = new List<string>();
                var files = CopyTree(stored, target, owner, "", skipped);
                collected.Add(new CollectedSubmission(submission, files, skipped));
            }

            return Result<IReadOnlyList<CollectedSubmission>>.Success(collected);
        }
        catch (IOException e)
        {
            return Failure.Of("collect-failed", $"{doing}: {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            return Failure.Of("collect-failed", $"{doing}: {e.Message}");
        }
    }

    private static Failure AlreadyThere(string doing, string dir, IReadOnlyList<string> names) =>
        Failure.Of("target-exists", $"{doing}: {string.Join(", ", names.Select(n => Path.Join(dir, n)))} already {(names.Count == 1 ? "exists" : "exist")}; " +
            $"collect into an empty folder or remove {(names.Count == 1 ? "it" : "them")}");

    private static int CopyTree(SafeDirectory source, SafeDirectory target, FileOwner? owner, string prefix, List<string> skipped)
    {
        var files = 0;
        var undecodable = new List<string>();
        foreach (var (name, stat) in source.Entries(int.MaxValue, undecodable))
        {
            var path = prefix + name;
            if (RelativePath.Problem(path) is { } problem)
            {
                skipped.Add($"{RelativePath.Printable(path)}: {problem}");
                continue;
            }

            if (stat.IsDirectory)
            {
                using var from = source.OpenChild(name)!;
                using var to = target.CreateFreshChild(name, owner, FolderMode) ?? throw new TreeException($"{Path.Join(target.Display, name)} appeared while collecting into it");
                files += CopyTree(from, to, owner, path + "/", skipped);
            }
            else if (stat.IsRegular && source.OpenFile(name) is { } handle)
            {
                using (handle)
                {
                    target.CreateFile(name, handle, long.MaxValue, owner, FileMode);
                }

                files++;
            }
        }

        skipped.AddRange(undecodable.Select(n => $"{prefix}{n}: the name is not valid UTF-8"));
        return files;
    }
}
