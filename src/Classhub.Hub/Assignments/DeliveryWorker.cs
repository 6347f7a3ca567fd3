using Classhub.Hub.Assignments.Files;
using Classhub.Storage.Assignments;
using Classhub.Storage.Courses;
using Classhub.Storage.Users;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Classhub.Hub.Assignments;

/// <summary>
/// The hub's delivery loop. As the hub starts, before it serves, it removes what killed processes left in the data
/// dir (<see cref="Leftovers"/>). Then at once, every <see cref="Interval"/>, and whenever a push asks
/// (<see cref="Wake"/>), a round:
/// <list type="number">
/// <item>takes over the pending delivery work of processes that are gone (a CLI push killed half-way; what a previous
/// hub had not finished, killed or stopped, is the hub's own already);</item>
/// <item>queues the latest release for active students it is for who are not on it and have no open work: students
/// who joined later or changed section, and failures once <see cref="RetryFailedAfter"/> has passed;</item>
/// <item>removes staging that dead CLI commands left;</item>
/// <item>delivers all the pending work it owns (<see cref="AssignmentDelivery.RunAsync"/>).</item>
/// </list>
/// Stopping the hub stops between students; what was not reached stays pending for the next start.
/// </summary>
internal sealed partial class DeliveryWorker(
    AssignmentStore assignments,
    DeliveryTaskStore tasks,
    CourseStore courses,
    UserStore users,
    AssignmentDelivery delivery,
    AssignmentOptions options,
    StagingArea staging,
    TimeProvider time,
    ILogger<DeliveryWorker> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>A student whose delivery failed (no account, no home, a planted link, a full disk) is tried again after this.</summary>
    public static readonly TimeSpan RetryFailedAfter = TimeSpan.FromMinutes(5);

    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Starts a round now (or right after the one running): a push queued work for the hub.</summary>
    public void Wake() => _wake.TrySetResult();

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            var removed = Leftovers.RemoveAtStartUp(options, staging);
            if (removed > 0)
            {
                LogLeftoversRemoved(logger, removed, options.DataDir);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogRoundFailed(logger, $"removing what killed processes left in {options.DataDir}: {e.Message}");
        }

        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            // Wakes from now on start another round after this one.
            Interlocked.Exchange(ref _wake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            try
            {
                await RoundAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or Microsoft.Data.Sqlite.SqliteException)
            {
                LogRoundFailed(logger, e.Message);
            }

            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var delay = Task.Delay(Interval, time, wait.Token);
            await Task.WhenAny(delay, Volatile.Read(ref _wake).Task);
            await wait.CancelAsync();
        }
    }

    /// <summary>One round (see the class); public for tests.</summary>
    public async Task RoundAsync(CancellationToken cancellationToken)
    {
        foreach (var owner in tasks.PendingOwners())
        {
            if (owner is null || (owner != ProcessClaim.HubToken && !ProcessClaim.IsAlive(options.DataDir, owner)))
            {
                if (tasks.Reassign(owner, ProcessClaim.HubToken) is var taken and > 0)
                {
                    LogTakenOver(logger, taken);
                }
            }
        }

        QueueStudentsBehind();
        staging.RemoveAbandoned(hubStarting: false);
        ProcessClaim.RemoveDead(options.DataDir);
        await delivery.RunAsync(null, null, null, cancellationToken);
    }

    private void QueueStudentsBehind()
    {
        var retryBefore = time.GetUtcNow() - RetryFailedAfter;
        foreach (var course in courses.List())
        {
            foreach (var assignment in assignments.List(course.Id).Where(a => a.LatestRelease > 0))
            {
                var behind = assignments.Status(course.Id, assignment.Name)
                    .Where(s => assignment.IsFor(s.Section) && s.Release != assignment.LatestRelease)
                    .Select(s => users.Find(s.UserName)?.Id)
                    .OfType<long>()
                    .ToList();
                var idle = tasks.Idle(course.Id, assignment.Name, behind, retryBefore);
                if (idle.Count > 0)
                {
                    tasks.Queue(course.Id, assignment.Name, assignment.LatestRelease, idle, ProcessClaim.HubToken);
                }
            }
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Removed {Count} files and folders that stopped or killed processes left in {DataDir}")]
    private static partial void LogLeftoversRemoved(ILogger logger, int count, string dataDir);

    [LoggerMessage(2, LogLevel.Information, "Took over {Count} deliveries a process that is gone had not finished")]
    private static partial void LogTakenOver(ILogger logger, int count);

    [LoggerMessage(3, LogLevel.Warning, "Delivery round: {Message}")]
    private static partial void LogRoundFailed(ILogger logger, string message);
}
