namespace Classhub.Hub.Usage;

/// <summary>One point of the admin page's usage plot.</summary>
internal sealed record UsageSample(DateTimeOffset At, int RunningServers, long MemoryUsedBytes, long MemoryTotalBytes);

/// <summary>
/// The last day of usage samples, in memory (a restart starts a new day of history: the plot is for a glance at
/// today, not for accounting; Prometheus scrapes /hub/metrics for that).
/// </summary>
internal sealed class UsageHistory
{
    public static readonly TimeSpan Span = TimeSpan.FromDays(1);

    private readonly Queue<UsageSample> _samples = new();

    public void Add(UsageSample sample)
    {
        lock (_samples)
        {
            _samples.Enqueue(sample);
            while (_samples.Count > 0 && sample.At - _samples.Peek().At > Span)
            {
                _samples.Dequeue();
            }
        }
    }

    public IReadOnlyList<UsageSample> Samples()
    {
        lock (_samples)
        {
            return [.. _samples];
        }
    }
}
