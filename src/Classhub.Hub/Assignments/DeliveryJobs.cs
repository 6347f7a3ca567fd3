using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;

namespace Classhub.Hub.Assignments;

/// <summary>Progress of a delivery started from the course page: students done of total, failures, finished.</summary>
internal sealed class DeliveryJob(int release, int total)
{
    private int _done;
    private int _failed;

    public int Release { get; } = release;

    public int Total { get; } = total;

    public int Done => Volatile.Read(ref _done);

    public int Failed => Volatile.Read(ref _failed);

    public bool Finished { get; set; }

    public void Report(DeliveryOutcome outcome)
    {
        Interlocked.Increment(ref _done);
        if (outcome.Error is not null)
        {
            Interlocked.Increment(ref _failed);
        }
    }
}

/// <summary>
/// Runs course-page deliveries in the background (the request returns at once; the page shows progress) and keeps
/// the latest job per assignment. Stopping the hub cancels them; students not reached are caught up on the next start
/// only if they never received the assignment, so re-push after a restart to finish an interrupted release.
/// </summary>
internal sealed class DeliveryJobs(AssignmentDelivery delivery, IHostApplicationLifetime lifetime)
{
    private readonly ConcurrentDictionary<(string Course, string Name), DeliveryJob> _jobs = new();

    public DeliveryJob? Find(string course, string name) => _jobs.GetValueOrDefault((course, name));

    public DeliveryJob Start(string course, string name, int release, int total)
    {
        var job = new DeliveryJob(release, total);
        _jobs[(course, name)] = job;
        _ = Task.Run(async () =>
        {
            try
            {
                await delivery.DeliverAsync(course, name, new Reporter(job), lifetime.ApplicationStopping);
            }
            finally
            {
                job.Finished = true;
            }
        });
        return job;
    }

    private sealed class Reporter(DeliveryJob job) : IProgress<DeliveryOutcome>
    {
        public void Report(DeliveryOutcome value) => job.Report(value);
    }
}
