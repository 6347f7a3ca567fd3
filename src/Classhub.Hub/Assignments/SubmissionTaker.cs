using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Classhub.Core.Assignments;
using Classhub.Core.Courses;
using Classhub.Core.Results;
using Classhub.Core.Users;
using Classhub.Hub.Assignments.Files;
using Classhub.Storage.Assignments;
using Classhub.Storage.Courses;
using Classhub.Storage.Users;

namespace Classhub.Hub.Assignments;

/// <summary>
/// Snapshots <c>~/&lt;course&gt;/&lt;assignment&gt;/</c> into the hub's storage (folders 0700, files 0600, owned by the
/// hub). The folder is the student's, so it is read as a hostile tree: no link is followed, devices and pipes are
/// skipped, files the student does not own are skipped (a hard link to someone else's file), the <c>feedback/</c>
/// folder is left out. Each file's size is counted when it is opened and no more than that is copied (a file grown
/// while it is copied, say with ftruncate, yields only what was counted), and the total is capped. A name that would
/// be unsafe where staff unpack submissions (a backslash, a control character, not UTF-8; see
/// <see cref="RelativePath.Problem"/>) refuses the submission, naming the file. Only the newest
/// <see cref="AssignmentOptions.KeepSubmissions"/> submissions of a student to an assignment are kept. A full disk
/// fails the submission with a message naming the disk, and nothing of it is kept (no staging, no snapshot without
/// its record).
/// </summary>
internal sealed partial class SubmissionTaker(AssignmentStore assignments, CourseStore courses, UserStore users, IUnixAccounts accounts, AssignmentOptions options, TimeProvider time)
{
    /// <summary>Files and folders in one submission, at most (empty files cost no bytes, but each costs an inode).</summary>
    public const int MaxEntries = 20_000;

    private const string StagingPrefix = ".staging-";

    // One submission at a time per student: two at once would double what a student can hold in staging, and the
    // clean-up of folders no submission names must not see another submission's folder before its row is written.
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);

    public async Task<Result<Submission>> SubmitAsync(string courseId, string name, string userName, CancellationToken cancellationToken)
    {
        var doing = $"submitting {courseId}/{name} for {userName}";
        var assignment = assignments.Find(courseId, name);
        var user = users.Find(userName);
        if (assignment is null || user is null || courses.Member(courseId, user.Id) is not { Role: CourseRole.Student, IsActive: true } member || !assignment.IsFor(member.Section))
        {
            return Failure.Of("not-found", $"{doing}: there is no assignment {name} for you in {courseId}");
        }

        var now = time.GetUtcNow();
        var late = assignment.DueAt is { } due && now > due;
        if (late && assignment.RefuseLate)
        {
            return Failure.Of("past-due", $"{doing}: the due date ({assignment.DueAt:yyyy-MM-dd HH:mm} UTC) has passed and this assignment does not accept late submissions");
        }

        var account = await accounts.EnsureAsync(userName, cancellationToken);
        if (!account.Ok)
        {
            return account.Failure;
        }

        var gate = _gates.GetOrAdd(userName, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            return Take(doing, courseId, name, user.Id, account.Value, now, late);
        }
        finally
        {
            gate.Release();
        }
    }

    private Result<Submission> Take(string doing, string courseId, string name, long userId, HomeAccount account, DateTimeOffset now, bool late)
    {
        var folder = options.SubmissionsFolder(courseId, name, account.Name);
        string? staging = null;
        string? target = null;
        var recorded = false;
        try
        {
            AssignmentOptions.Private(folder);
            staging = AssignmentOptions.Private(Path.Combine(folder, StagingPrefix + Guid.NewGuid().ToString("N")));
            var copy = new SnapshotCopy(accounts.OwnsPerUser ? account.Uid : null, options.MaxSubmissionBytes);
            using (var home = SafeDirectory.OpenRoot(account.Home))
            using (var courseDir = home.OpenChild(courseId))
            using (var source = courseDir?.OpenChild(name))
            {
                if (source is null)
                {
                    return Failure.Of("nothing-to-submit", $"{doing}: the folder ~/{courseId}/{name} does not exist");
                }

                copy.Copy(source, staging, "");
            }

            if (copy.Unsafe.Count > 0)
            {
                return Failure.Of("unsafe-name", $"{doing}: {(copy.Unsafe.Count == 1 ? "a name" : "these names")} cannot be submitted: " +
                    string.Join("; ", copy.Unsafe.Take(10)) + (copy.Unsafe.Count > 10 ? $"; and {copy.Unsafe.Count - 10} more" : "") +
                    $". Rename {(copy.Unsafe.Count == 1 ? "it" : "them")} (or move {(copy.Unsafe.Count == 1 ? "it" : "them")} out of ~/{courseId}/{name}) and submit again");
            }

            target = Path.Combine(folder, $"{now:yyyyMMdd'T'HHmmss'Z'}-{Guid.NewGuid().ToString("N")[..6]}");
            Directory.Move(staging, target);
            var submission = assignments.AddSubmission(courseId, name, userId, now, late, copy.Files, copy.Bytes, target);
            recorded = true;
            try
            {
                Prune(courseId, name, account.Name, folder);
            }
            catch (Exception e) when (e is IOException || DiskFull.Is(e))
            {
                // The submission stands; the next one prunes what this one could not.
            }

            return Result<Submission>.Success(submission);
        }
        catch (SnapshotRefused e)
        {
            return Failure.Of(e.Reason, $"{doing}: {e.Message}");
        }
        catch (Exception e) when (DiskFull.Is(e))
        {
            return Failure.Of("disk-full", DiskFull.Message(doing, Path.Combine(options.DataDir, "submissions"), "nothing was submitted", "submit again"));
        }
        catch (IOException e)
        {
            return Failure.Of("unreadable", $"{doing}: {e.Message}");
        }
        finally
        {
            if (staging is not null && Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }

            if (!recorded && target is not null && Directory.Exists(target))
            {
                // Moved into place but never recorded (the database's disk is full): not a submission.
                Directory.Delete(target, recursive: true);
            }
        }
    }

    /// <summary>
    /// Removes the student's submissions past the newest <see cref="AssignmentOptions.KeepSubmissions"/> (files first,
    /// then the row: a crash between leaves a row without files, an old one, which the next submission removes; the
    /// newest is never past the first N), then snapshot and staging folders no submission names (left by a crash
    /// between moving a snapshot into place and recording it).
    /// </summary>
    private void Prune(string courseId, string name, string userName, string folder)
    {
        var kept = assignments.Submissions(courseId, name, userName);
        if (options.KeepSubmissions > 0)
        {
            foreach (var old in kept.Skip(options.KeepSubmissions))
            {
                if (Path.GetDirectoryName(old.Folder) == folder && Directory.Exists(old.Folder))
                {
                    Directory.Delete(old.Folder, recursive: true);
                }

                assignments.DeleteSubmission(old.Id);
            }

            kept = [.. kept.Take(options.KeepSubmissions)];
        }

        var named = kept.Select(s => Path.GetFileName(s.Folder)).ToHashSet(StringComparer.Ordinal);
        foreach (var dir in Directory.EnumerateDirectories(folder))
        {
            var leaf = Path.GetFileName(dir);
            if (!named.Contains(leaf) && (leaf.StartsWith(StagingPrefix, StringComparison.Ordinal) || SnapshotName().IsMatch(leaf)))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [GeneratedRegex("^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{6}$", RegexOptions.CultureInvariant)]
    private static partial Regex SnapshotName();

    /// <summary>A submission refused for what is in the folder; the message says what and how to fix it.</summary>
    private sealed class SnapshotRefused(string reason, string message) : Exception(message)
    {
        public string Reason { get; } = reason;
    }

    /// <summary>Copies the student's tree (read through descriptors) into the hub's storage (written by path: the hub's own).</summary>
    private sealed class SnapshotCopy(uint? ownerUid, long maxBytes)
    {
        private long _counted;
        private int _entries;

        public int Files { get; private set; }

        /// <summary>What was stored (at most what was counted, less when a file shrank while it was copied).</summary>
        public long Bytes { get; private set; }

        /// <summary>"'path': why", for every name that cannot be submitted.</summary>
        public List<string> Unsafe { get; } = [];

        public void Copy(SafeDirectory source, string target, string prefix)
        {
            var undecodable = new List<string>();
            IReadOnlyList<(string Name, Posix.FileStat Stat)> entries;
            try
            {
                entries = source.Entries(MaxEntries - _entries, undecodable);
            }
            catch (TooManyEntriesException)
            {
                throw TooMany();
            }

            Unsafe.AddRange(undecodable.Select(n => $"'{RelativePath.Printable(prefix + n)}': the name is not valid UTF-8"));
            _entries += entries.Count;

            foreach (var (name, stat) in entries)
            {
                var path = prefix + name;
                if ((prefix.Length == 0 && name == RelativePath.FeedbackFolder) || name is ".ipynb_checkpoints" || name.StartsWith(".classhub-", StringComparison.Ordinal))
                {
                    continue;
                }

                if (ownerUid is { } uid && stat.Uid != uid)
                {
                    continue;
                }

                if (!stat.IsDirectory && !stat.IsRegular)
                {
                    continue;
                }

                if (RelativePath.Problem(path) is { } problem)
                {
                    Unsafe.Add($"'{RelativePath.Printable(path)}': {problem}");
                    continue;
                }

                if (stat.IsDirectory)
                {
                    using var child = source.OpenChild(name);
                    if (child is not null)
                    {
                        Copy(child, AssignmentOptions.Private(Path.Combine(target, name)), path + "/");
                    }
                }
                else
                {
                    CopyFile(source, name, Path.Combine(target, name));
                }
            }
        }

        private static SnapshotRefused TooMany() =>
            new("too-many-files", $"the folder holds more than {MaxEntries} files and folders; remove generated files (outputs, caches, environments) and submit again");

        private void CopyFile(SafeDirectory source, string name, string target)
        {
            using var handle = source.OpenFile(name);
            if (handle is null || Posix.StatFd((int)handle.DangerousGetHandle()) is not { } opened || (ownerUid is { } uid && opened.Uid != uid))
            {
                // Gone, swapped for something that is not a regular file, or not the student's (checked again on what was opened).
                return;
            }

            // The apparent size (a sparse file counts in full), counted once: only this much is copied.
            _counted += opened.Size;
            if (_counted > maxBytes)
            {
                throw new SnapshotRefused("too-large", $"the folder holds more than {maxBytes / (1024 * 1024)} MB (assignments.max_submission_mb); remove large outputs and submit again");
            }

            using var output = new FileStream(target, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite });
            Bytes += SafeDirectory.CopyAtMost(handle, output.SafeFileHandle, opened.Size);
            Files++;
        }
    }
}
