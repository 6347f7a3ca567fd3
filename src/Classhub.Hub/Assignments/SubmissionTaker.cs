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
/// hub): no link is followed, devices and pipes are skipped, files the student does not own are skipped (a hard link
/// to someone else's file), the <c>feedback/</c> folder is left out, and the total is capped.
/// </summary>
internal sealed class SubmissionTaker(AssignmentStore assignments, CourseStore courses, UserStore users, IUnixAccounts accounts, AssignmentOptions options, TimeProvider time)
{
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

        var folder = AssignmentOptions.Private(options.SubmissionsFolder(courseId, name, userName));
        var staging = AssignmentOptions.Private(Path.Combine(folder, $".staging-{Guid.NewGuid():N}"));
        try
        {
            var copy = new SnapshotCopy(accounts.OwnsPerUser ? account.Value.Uid : null, options.MaxSubmissionBytes);
            using (var home = SafeDirectory.OpenRoot(account.Value.Home))
            using (var courseDir = home.OpenChild(courseId))
            using (var source = courseDir?.OpenChild(name))
            {
                if (source is null)
                {
                    return Failure.Of("nothing-to-submit", $"{doing}: the folder ~/{courseId}/{name} does not exist");
                }

                copy.Copy(source, staging, top: true);
            }

            var target = Path.Combine(folder, $"{now:yyyyMMdd'T'HHmmss'Z'}-{Guid.NewGuid().ToString("N")[..6]}");
            Directory.Move(staging, target);
            return Result<Submission>.Success(assignments.AddSubmission(courseId, name, user.Id, now, late, copy.Files, copy.Bytes, target));
        }
        catch (SnapshotTooLarge)
        {
            return Failure.Of("too-large", $"{doing}: the folder holds more than {options.MaxSubmissionBytes / (1024 * 1024)} MB (assignments.max_submission_bytes); remove large outputs and submit again");
        }
        catch (IOException e)
        {
            return Failure.Of("unreadable", $"{doing}: {e.Message}");
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    private sealed class SnapshotTooLarge : Exception;

    private sealed class SnapshotCopy(uint? ownerUid, long maxBytes)
    {
        public int Files { get; private set; }

        public long Bytes { get; private set; }

        public void Copy(SafeDirectory source, string target, bool top)
        {
            foreach (var (name, stat) in source.Entries())
            {
                if ((top && name == RelativePath.FeedbackFolder) || name is ".ipynb_checkpoints" || name.StartsWith(".classhub-", StringComparison.Ordinal))
                {
                    continue;
                }

                if (ownerUid is { } uid && stat.Uid != uid)
                {
                    continue;
                }

                if (stat.IsDirectory)
                {
                    using var child = source.OpenChild(name);
                    if (child is not null)
                    {
                        Copy(child, AssignmentOptions.Private(Path.Combine(target, name)), top: false);
                    }
                }
                else if (stat.IsRegular)
                {
                    using var handle = source.OpenFile(name);
                    if (handle is null)
                    {
                        continue;
                    }

                    Bytes += RandomAccess.GetLength(handle);
                    if (Bytes > maxBytes)
                    {
                        throw new SnapshotTooLarge();
                    }

                    using var input = new FileStream(handle, FileAccess.Read, 1 << 16);
                    using var output = new FileStream(Path.Combine(target, name), new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite });
                    input.CopyTo(output);
                    Files++;
                }
            }
        }
    }
}
