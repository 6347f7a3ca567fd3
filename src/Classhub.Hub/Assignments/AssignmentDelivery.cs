using Classhub.Core.Assignments;
using Classhub.Core.Courses;
using Classhub.Core.Users;
using Classhub.Hub.Assignments.Files;
using Classhub.Storage.Assignments;
using Classhub.Storage.Courses;
using Classhub.Storage.Users;
using Microsoft.Extensions.Logging;

namespace Classhub.Hub.Assignments;

/// <summary>
/// Delivers an assignment's latest release to its students (in parallel, each student's outcome reported as it
/// finishes), and catches up students who joined later. A student's failure is recorded and does not stop the others.
/// </summary>
internal sealed partial class AssignmentDelivery(
    AssignmentStore assignments,
    CourseStore courses,
    UserStore users,
    IUnixAccounts accounts,
    AssignmentOptions options,
    ILogger<AssignmentDelivery> logger)
{
    /// <summary>Delivers the latest release to every active student of the course (or the assignment's section).</summary>
    public async Task<IReadOnlyList<DeliveryOutcome>> DeliverAsync(string courseId, string name, IProgress<DeliveryOutcome>? progress, CancellationToken cancellationToken)
    {
        var assignment = assignments.Find(courseId, name) ?? throw new InvalidOperationException($"no assignment {courseId}/{name}");
        var students = courses.Members(courseId).Where(m => m is { Role: CourseRole.Student, IsActive: true } && assignment.IsFor(m.Section)).Select(m => m.UserName).ToList();
        return await DeliverToAsync(assignment, students, progress, cancellationToken);
    }

    /// <summary>Delivers whatever the user's active student memberships have that they have not received yet.</summary>
    public async Task<IReadOnlyList<DeliveryOutcome>> CatchUpAsync(string userName, CancellationToken cancellationToken)
    {
        if (users.Find(userName) is not { } user)
        {
            return [];
        }

        var outcomes = new List<DeliveryOutcome>();
        foreach (var membership in courses.MembershipsOf(user.Id).Where(m => m is { Role: CourseRole.Student, Status: MemberStatus.Active }))
        {
            var member = courses.Member(membership.Course.Id, user.Id);
            foreach (var assignment in assignments.List(membership.Course.Id).Where(a => a.LatestRelease > 0 && a.IsFor(member?.Section)))
            {
                if (assignments.DeliveredRelease(assignment.CourseId, assignment.Name, user.Id) != assignment.LatestRelease)
                {
                    outcomes.AddRange(await DeliverToAsync(assignment, [userName], null, cancellationToken));
                }
            }
        }

        return outcomes;
    }

    private async Task<IReadOnlyList<DeliveryOutcome>> DeliverToAsync(Assignment assignment, IReadOnlyList<string> students, IProgress<DeliveryOutcome>? progress, CancellationToken cancellationToken)
    {
        var release = assignment.LatestRelease;
        var folder = options.ReleaseFolder(assignment.CourseId, assignment.Name, release);
        var files = ReleaseManifest.Read(folder);
        var history = ReleaseHistory.Read(n => options.ReleaseFolder(assignment.CourseId, assignment.Name, n), release);
        var outcomes = new List<DeliveryOutcome>();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(students, parallel, async (student, ct) =>
        {
            var outcome = await DeliverOneAsync(assignment, release, Path.Combine(folder, "files"), files, history, student, ct);
            lock (outcomes)
            {
                outcomes.Add(outcome);
            }

            progress?.Report(outcome);
        });
        return outcomes;
    }

    private async Task<DeliveryOutcome> DeliverOneAsync(Assignment assignment, int release, string releaseFiles, IReadOnlyList<ReleaseFile> files, ReleaseHistory history, string student, CancellationToken cancellationToken)
    {
        var doing = $"delivering {assignment.CourseId}/{assignment.Name} release {release} to {student}";
        var userId = users.Find(student)?.Id;
        if (userId is null)
        {
            return Failed(student, release, $"{doing}: there is no hub user {student}");
        }

        var account = await accounts.EnsureAsync(student, cancellationToken);
        if (!account.Ok)
        {
            assignments.RecordDeliveryError(assignment.CourseId, assignment.Name, userId.Value, release, account.Failure.UserMessage);
            return Failed(student, release, account.Failure.UserMessage);
        }

        try
        {
            var outcome = await Task.Run(() => StudentDelivery.Deliver(account.Value, accounts.OwnsPerUser, assignment.CourseId, assignment.Name, release, releaseFiles, files, history), cancellationToken);
            assignments.RecordDelivery(assignment.CourseId, assignment.Name, userId.Value, release, outcome.Recorded, outcome.Conflicts);
            LogDelivered(logger, assignment.CourseId, assignment.Name, release, student, outcome.Written, outcome.Conflicts.Count);
            return outcome;
        }
        catch (IOException e)
        {
            var message = $"{doing}: {e.Message}";
            assignments.RecordDeliveryError(assignment.CourseId, assignment.Name, userId.Value, release, message);
            LogDeliveryFailed(logger, message);
            return Failed(student, release, message);
        }
    }

    private static DeliveryOutcome Failed(string student, int release, string message) =>
        new(student, release, 0, 0, [], message, new Dictionary<string, string>());

    [LoggerMessage(1, LogLevel.Information, "Delivered {Course}/{Assignment} release {Release} to {User}: {Written} files written, {Conflicts} conflicts")]
    private static partial void LogDelivered(ILogger logger, string course, string assignment, int release, string user, int written, int conflicts);

    [LoggerMessage(2, LogLevel.Warning, "{Message}")]
    private static partial void LogDeliveryFailed(ILogger logger, string message);
}
