using Classhub.Core.Servers;

namespace Classhub.Hub.Servers;

/// <summary>
/// Waits for a server that the spawner could not place yet (a queued cluster job) to report its address, showing
/// the spawner's queue detail on the spawn page. While the spawner says <see cref="ServerStatus.Queued"/> the queue
/// timeout applies and the start timeout is held back; once the job runs, the start timeout counts from then.
/// </summary>
internal static class AddressWait
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>The reported URL, or a problem saying why there is none (the job ended, a timeout).</summary>
    public static async Task<(Uri? Url, string? Problem)> WaitAsync(
        ServerEntry entry, PendingServer server, ISpawner spawner, TimeSpan startTimeout, CancellationTokenSource startClock, TimeProvider time)
    {
        var queuedSince = time.GetUtcNow();
        string? lastDetail = null;
        var report = entry.AddressReport.Task;
        while (!report.IsCompleted)
        {
            var status = await spawner.PollAsync(server.State, CancellationToken.None);
            if (report.IsCompleted)
            {
                break;
            }

            if (!status.Running)
            {
                return (null, status.Detail ?? "the server ended before it reported where it listens");
            }

            if (status.Queued)
            {
                // Time in the queue is not start time: keep pushing the start deadline out.
                startClock.CancelAfter(startTimeout);
                if (server.QueueTimeout is { } limit && time.GetUtcNow() - queuedSince > limit)
                {
                    return (null, $"still waiting in the queue after {limit.TotalSeconds:0} seconds ({status.Detail}); try again later");
                }
            }

            if (status.Detail is { } detail && detail != lastDetail)
            {
                lastDetail = detail;
                entry.Progress.Add(new ProgressEvent(status.Queued ? 20 : 40, char.ToUpperInvariant(detail[0]) + detail[1..]));
            }

            await Task.WhenAny(report, Task.Delay(PollInterval, time, startClock.Token));
            startClock.Token.ThrowIfCancellationRequested();
        }

        return (await report, null);
    }
}
