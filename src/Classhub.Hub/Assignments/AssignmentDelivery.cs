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
/// Does delivery work (<see cref="DeliveryTaskStore"/>): each student with a pending task this process owns gets the
/// assignment's latest release (in parallel, each outcome reported as it finishes). A student's outcome is recorded
/// in the transaction that closes their task, so a process killed at any instant leaves exactly the students not yet
/// reached pending, for the hub to finish (<see cref="DeliveryWorker"/>). A student's failure is recorded with its
/// reason and does not stop the others.
/// </summary>
internal sealed partial class AssignmentDelivery(
    AssignmentStore assignments,
    DeliveryTaskStore tasks,
    CourseStore courses,
    UserStore users,
    IUnixAccounts accounts,
    AssignmentOptions options,
    ProcessClaim claim,
    ILogger<AssignmentDelivery> logger)
{
    /// <summary>Queues the latest release for every active student of the course (or the assignment's section) and delivers it.</summary>
    public async Task<IReadOnlyList<DeliveryOutcome>> DeliverAsync(string courseId, string name, IProgress<DeliveryOutcome>? progress, CancellationToken cancellationToken)
    {
        var assignment = assignments.Find(courseId, name) ?? throw new InvalidOperationException($"no assignment {courseId}/{name}");
        tasks.Queue(courseId, name, assignment.LatestRelease, Recipients(assignment), claim.Token);
        return await RunAsync(courseId, name, progress, cancellationToken);
    }

    /// <summary>The active students the assignment is for, by user id.</summary>
    public IReadOnlyList<long> Recipients(Assignment assignment) =>
        courses.Members(assignment.CourseId)
            .Where(m => m is { Role: CourseRole.Student, IsActive: true } && assignment.IsFor(m.Section))
            .Select(m => users.Find(m.UserName)?.Id)
            .OfType<long>()
            .ToList();

    /// <summary>The pending work this process owns, of one assignment when <paramref name="courseId"/> and <paramref name="name"/> are given.</summary>
    public IReadOnlyList<DeliveryTask> Pending(string? courseId = null, string? name = null) => tasks.Pending(claim.Token, courseId, name);

    /// <summary>
    /// Delivers the pending work this process owns (of one assignment when given). Cancelling stops between students:
    /// those not reached stay pending.
    /// </summary>
    public async Task<IReadOnlyList<DeliveryOutcome>> RunAsync(string? courseId, string? name, IProgress<DeliveryOutcome>? progress, CancellationToken cancellationToken)
    {
        var outcomes = new List<DeliveryOutcome>();
        foreach (var work in Pending(courseId, name).GroupBy(t => (t.CourseId, t.Name)))
        {
            if (assignments.Find(work.Key.CourseId, work.Key.Name) is not { LatestRelease: > 0 } assignment)
            {
                continue;
            }

            var students = work.DistinctBy(t => t.UserId).ToList();
            try
            {
                outcomes.AddRange(await DeliverToAsync(assignment, students, progress, cancellationToken));
            }
            catch (IOException e)
            {
                // The release itself cannot be read (its folder damaged or gone): every student of it fails with why,
                // and the other assignments' work goes on.
                foreach (var task in students)
                {
                    var outcome = Failed(assignment, task, assignment.LatestRelease, $"delivering {assignment.CourseId}/{assignment.Name} release {assignment.LatestRelease}: reading the release: {e.Message}");
                    outcomes.Add(outcome);
                    progress?.Report(outcome);
                }
            }
        }

        return outcomes;
    }

    private async Task<IReadOnlyList<DeliveryOutcome>> DeliverToAsync(Assignment assignment, IReadOnlyList<DeliveryTask> work, IProgress<DeliveryOutcome>? progress, CancellationToken cancellationToken)
    {
        var release = assignment.LatestRelease;
        var folder = options.ReleaseFolder(assignment.CourseId, assignment.Name, release);
        var files = ReleaseManifest.Read(folder);
        var history = ReleaseHistory.Read(n => options.ReleaseFolder(assignment.CourseId, assignment.Name, n), release);
        var recipients = Recipients(assignment).ToHashSet();
        var outcomes = new List<DeliveryOutcome>();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(work, parallel, async (task, ct) =>
        {
            if (!recipients.Contains(task.UserId))
            {
                // Dropped from the course (or moved to another section) since the work was queued.
                tasks.Withdraw(assignment.CourseId, assignment.Name, task.UserId);
                return;
            }

            var outcome = await DeliverOneAsync(assignment, release, Path.Combine(folder, "files"), files, history, task, ct);
            lock (outcomes)
            {
                outcomes.Add(outcome);
            }

            progress?.Report(outcome);
        });
        return outcomes;
    }

    private async Task<DeliveryOutcome> DeliverOneAsync(Assignment assignment, int release, string releaseFiles, IReadOnlyList<ReleaseFile> files, ReleaseHistory history, DeliveryTask task, CancellationToken cancellationToken)
    {
        var student = task.UserName;
        var doing = $"delivering {assignment.CourseId}/{assignment.Name} release {release} to {student}";
        var account = await accounts.EnsureAsync(student, cancellationToken);
        if (!account.Ok)
        {
            return Failed(assignment, task, release, account.Failure.UserMessage);
        }

        try
        {
            var outcome = await Task.Run(() => StudentDelivery.Deliver(account.Value, accounts.OwnsPerUser, assignment.CourseId, assignment.Name, release, releaseFiles, files, history), cancellationToken);
            assignments.RecordDelivery(assignment.CourseId, assignment.Name, task.UserId, release, outcome.Recorded, outcome.Conflicts);
            LogDelivered(logger, assignment.CourseId, assignment.Name, release, student, outcome.Written, outcome.Conflicts.Count);
            return outcome;
        }
        catch (Exception e) when (DiskFull.Is(e))
        {
            return Failed(assignment, task, release, DiskFull.Message(doing, e is IOException ? account.Value.Home : options.DataDir, "it was not delivered", "push again (or wait: the hub retries)"));
        }
        catch (IOException e)
        {
            return Failed(assignment, task, release, $"{doing}: {e.Message}");
        }
    }

    /// <summary>Records the failure (when the database can still be written) and reports it.</summary>
    private DeliveryOutcome Failed(Assignment assignment, DeliveryTask task, int release, string message)
    {
        LogDeliveryFailed(logger, message);
        try
        {
            assignments.RecordDeliveryError(assignment.CourseId, assignment.Name, task.UserId, release, message);
        }
        catch (Exception e) when (DiskFull.Is(e))
        {
            // The database's disk is full too: the task stays pending, to be tried again.
        }

        return new DeliveryOutcome(task.UserName, release, 0, 0, [], message, new Dictionary<string, string>());
    }

    [LoggerMessage(1, LogLevel.Information, "Delivered {Course}/{Assignment} release {Release} to {User}: {Written} files written, {Conflicts} conflicts")]
    private static partial void LogDelivered(ILogger logger, string course, string assignment, int release, string user, int written, int conflicts);

    [LoggerMessage(2, LogLevel.Warning, "{Message}")]
    private static partial void LogDeliveryFailed(ILogger logger, string message);
}
