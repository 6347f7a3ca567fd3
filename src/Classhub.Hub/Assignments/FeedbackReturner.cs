using Classhub.Core.Courses;
using Classhub.Core.Users;
using Classhub.Hub.Assignments.Files;
using Classhub.Storage.Assignments;
using Classhub.Storage.Courses;
using Classhub.Storage.Users;

namespace Classhub.Hub.Assignments;

/// <summary>What returning feedback did for one student (or why it could not).</summary>
internal sealed record FeedbackOutcome(string UserName, IReadOnlyList<string> Files, string? Error);

/// <summary>
/// Copies <c>DIR/&lt;student&gt;/**</c> into <c>~/&lt;course&gt;/&lt;assignment&gt;/feedback/</c>: links in DIR are skipped,
/// nothing is followed in the home, and a file already there with other content is kept (the new one goes beside it).
/// </summary>
internal sealed class FeedbackReturner(AssignmentStore assignments, CourseStore courses, UserStore users, IUnixAccounts accounts)
{
    public async Task<IReadOnlyList<FeedbackOutcome>> ReturnAsync(string courseId, string name, string from, CancellationToken cancellationToken)
    {
        var outcomes = new List<FeedbackOutcome>();
        using var root = SafeDirectory.OpenRoot(from);
        foreach (var (student, stat) in root.Entries().Where(e => e.Stat.IsDirectory))
        {
            var user = users.Find(student);
            if (user is null || courses.Member(courseId, user.Id) is not { Role: CourseRole.Student })
            {
                outcomes.Add(new FeedbackOutcome(student, [], $"{student} is not a student of {courseId}; folder skipped"));
                continue;
            }

            var account = await accounts.EnsureAsync(student, cancellationToken);
            if (!account.Ok)
            {
                outcomes.Add(new FeedbackOutcome(student, [], account.Failure.UserMessage));
                continue;
            }

            try
            {
                FileOwner? owner = accounts.OwnsPerUser ? new FileOwner(account.Value.Uid, account.Value.Gid) : null;
                var written = new List<string>();
                using (var source = root.OpenChild(student)!)
                using (var home = SafeDirectory.OpenRoot(account.Value.Home))
                using (var courseDir = home.OpenOrCreateChild(courseId, owner))
                using (var assignmentDir = courseDir.OpenOrCreateChild(name, owner))
                using (var feedback = assignmentDir.OpenOrCreateChild(RelativePath.FeedbackFolder, owner))
                {
                    CopyTree(source, feedback, owner, "", written);
                }

                assignments.RecordFeedback(courseId, name, user.Id, written);
                outcomes.Add(new FeedbackOutcome(student, written, null));
            }
            catch (IOException e)
            {
                outcomes.Add(new FeedbackOutcome(student, [], $"returning feedback of {courseId}/{name} to {student}: {e.Message}"));
            }
        }

        return outcomes;
    }

    private static void CopyTree(SafeDirectory source, SafeDirectory target, FileOwner? owner, string prefix, List<string> written)
    {
        foreach (var (name, stat) in source.Entries())
        {
            if (stat.IsDirectory)
            {
                using var child = source.OpenChild(name)!;
                using var targetChild = target.OpenOrCreateChild(name, owner);
                CopyTree(child, targetChild, owner, prefix + name + "/", written);
            }
            else if (stat.IsRegular)
            {
                using var handle = source.OpenFile(name);
                if (handle is null)
                {
                    continue;
                }

                var hash = Hash(handle);
                var targetName = name;
                for (var i = 2; target.Stat(targetName) is { } existing; i++)
                {
                    if (existing.IsRegular && target.HashOf(targetName) == hash)
                    {
                        break;
                    }

                    targetName = RelativePath.Beside(name, $"feedback {i}");
                }

                target.WriteFile(targetName, handle, owner);
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
}
