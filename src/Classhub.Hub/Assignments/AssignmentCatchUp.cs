using Classhub.Storage.Assignments;
using Classhub.Storage.Courses;
using Microsoft.Extensions.Hosting;

namespace Classhub.Hub.Assignments;

/// <summary>
/// Students who join a course after a push (a roster import, a section change) get its assignments within
/// <see cref="Interval"/>, whether or not they are signed in; a failed delivery is retried on the next round.
/// </summary>
internal sealed class AssignmentCatchUp(AssignmentStore assignments, CourseStore courses, AssignmentDelivery delivery, TimeProvider time) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>A student whose delivery failed (no account, no home, a planted link) is retried this often, not every round.</summary>
    public static readonly TimeSpan RetryFailedAfter = TimeSpan.FromMinutes(5);

    private readonly Dictionary<string, DateTimeOffset> _failedAt = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            foreach (var course in courses.List())
            {
                foreach (var assignment in assignments.List(course.Id).Where(a => a.LatestRelease > 0))
                {
                    var behind = assignments.Status(course.Id, assignment.Name)
                        .Where(s => assignment.IsFor(s.Section) && s.Release is null)
                        .Select(s => s.UserName)
                        .ToList();
                    foreach (var user in behind)
                    {
                        var now = time.GetUtcNow();
                        if (_failedAt.TryGetValue(user, out var failed) && now - failed < RetryFailedAfter)
                        {
                            continue;
                        }

                        var outcomes = await delivery.CatchUpAsync(user, stoppingToken);
                        if (outcomes.Any(o => o.Error is not null))
                        {
                            _failedAt[user] = now;
                        }
                        else
                        {
                            _failedAt.Remove(user);
                        }
                    }
                }
            }
        }
    }
}
