using Classhub.Core.Courses;
using Classhub.Core.Users;
using Classhub.Hub.Assignments.Files;
using Classhub.Storage.Assignments;
using Classhub.Storage.Courses;
using Classhub.Storage.Users;

namespace Classhub.Hub.Assignments;

/// <summary>What returning feedback did for one student (or why it could not), and what in DIR it left out.</summary>
internal sealed record FeedbackOutcome(string UserName, IReadOnlyList<string> Files, string? Error, IReadOnlyList<string> Skipped);

/// <summary>
/// Copies <c>DIR/&lt;student&gt;/**</c> into <c>~/&lt;course&gt;/&lt;assignment&gt;/feedback/</c>: links in DIR are skipped,
/// nothing is followed in the home, and a file already there with other content is kept (the new one goes beside it).
/// DIR may be a folder students can write to, so only what the hub's user or the staff member running the command owns
/// is returned: a classmate's planted file (or a student's own folder in DIR) is never passed off as feedback. What is
/// returned is the student's alone: folders 0700, files 0600, owned by the student.
/// </summary>
internal sealed class FeedbackReturner(AssignmentStore assignments, CourseStore courses, UserStore users, IUnixAccounts accounts)
{
    /// <param name="staffUid">The Unix user of the staff member running the command (SUDO_UID), whose files in DIR are trusted as the hub's own are.</param>
    public async Task<IReadOnlyList<FeedbackOutcome>> ReturnAsync(string courseId, string name, string from, uint? staffUid, CancellationToken cancellationToken)
    {
        var outcomes = new List<FeedbackOutcome>();
        var trusted = new Trusted(Posix.GetEUid(), staffUid);
        using var root = SafeDirectory.OpenRoot(from);
        foreach (var (student, stat) in root.Entries().Where(e => e.Stat.IsDirectory))
        {
            var user = users.Find(student);
            if (user is null || courses.Member(courseId, user.Id) is not { Role: CourseRole.Student })
            {
                outcomes.Add(new FeedbackOutcome(student, [], $"{student} is not a student of {courseId}; folder skipped", []));
                continue;
            }

            if (!trusted.Owns(stat))
            {
                outcomes.Add(new FeedbackOutcome(student, [], $"returning feedback of {courseId}/{name} to {student}: {Path.Join(from, student)} is owned by uid {stat.Uid}, not by you or root, so it was skipped (anyone who can write to {from} could have put it there)", []));
                continue;
            }

            var account = await accounts.EnsureAsync(student, cancellationToken);
            if (!account.Ok)
            {
                outcomes.Add(new FeedbackOutcome(student, [], account.Failure.UserMessage, []));
                continue;
            }

            try
            {
                FileOwner? owner = accounts.OwnsPerUser ? new FileOwner(account.Value.Uid, account.Value.Gid) : null;
                var written = new List<string>();
                var skipped = new List<string>();
                using (var source = root.OpenChild(student)!)
                using (var home = SafeDirectory.OpenRoot(account.Value.Home))
                using (var courseDir = home.OpenOrCreateChild(courseId, owner, StudentDelivery.FolderMode))
                using (var assignmentDir = courseDir.OpenOrCreateChild(name, owner, StudentDelivery.FolderMode))
                using (var feedback = assignmentDir.OpenOrCreateChild(RelativePath.FeedbackFolder, owner, StudentDelivery.FolderMode))
                {
                    courseDir.MakePrivate();
                    assignmentDir.MakePrivate();
                    feedback.MakePrivate();
                    CopyTree(source, feedback, owner, trusted, "", written, skipped);
                }

                assignments.RecordFeedback(courseId, name, user.Id, written);
                outcomes.Add(new FeedbackOutcome(student, written, null, skipped));
            }
            catch (IOException e)
            {
                outcomes.Add(new FeedbackOutcome(student, [], $"returning feedback of {courseId}/{name} to {student}: {e.Message}", []));
            }
        }

        return outcomes;
    }

    private static void CopyTree(SafeDirectory source, SafeDirectory target, FileOwner? owner, Trusted trusted, string prefix, List<string> written, List<string> skipped)
    {
        // What a return killed mid-write left here (see SafeDirectory.RemoveStaleTemporaries).
        target.RemoveStaleTemporaries(owner?.Uid);
        foreach (var (name, stat) in source.Entries())
        {
            if ((stat.IsDirectory || stat.IsRegular) && !trusted.Owns(stat))
            {
                skipped.Add($"{RelativePath.Printable(prefix + name)}: owned by uid {stat.Uid}, not by you or root");
                continue;
            }

            if (stat.IsDirectory)
            {
                using var child = source.OpenChild(name)!;
                using var targetChild = target.OpenOrCreateChild(name, owner, StudentDelivery.FolderMode);
                CopyTree(child, targetChild, owner, trusted, prefix + name + "/", written, skipped);
            }
            else if (stat.IsRegular)
            {
                using var handle = source.OpenFile(name);
                if (handle is null || Posix.StatFd((int)handle.DangerousGetHandle()) is not { } opened || !trusted.Owns(opened))
                {
                    continue;
                }

                var hash = Hash(handle);
                var targetName = name;
                for (var i = 2; target.Stat(targetName) is { } existing; i++)
                {
                    // The student's file is hashed only when its size could match (it could be a sparse terabyte).
                    if (existing.IsRegular && existing.Size == opened.Size && target.HashOf(targetName, opened.Size) == hash)
                    {
                        break;
                    }

                    targetName = RelativePath.Beside(name, $"feedback {i}");
                }

                target.WriteFile(targetName, handle, owner, StudentDelivery.FileMode);
                written.Add(prefix + targetName);
            }
        }
    }

    private static string Hash(Microsoft.Win32.SafeHandles.SafeFileHandle handle)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        long offset = 0;
        int n;
        while ((n = RandomAccess.Read(handle, buffer, offset)) > 0)
        {
            hash.AppendData(buffer, 0, n);
            offset += n;
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Whose files in DIR are feedback: the hub's user (root) and the staff member running the command.</summary>
    private readonly record struct Trusted(uint Hub, uint? Staff)
    {
        public bool Owns(Posix.FileStat stat) => stat.Uid == Hub || stat.Uid == Staff;
    }
}
