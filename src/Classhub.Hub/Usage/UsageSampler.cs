using System.Globalization;
using Classhub.Core.Servers;
using Classhub.Hub.Servers;
using Microsoft.Extensions.Hosting;

namespace Classhub.Hub.Usage;

/// <summary>Every five minutes (and once at start): how many servers run and how much of the machine's memory is in use.</summary>
internal sealed class UsageSampler(UsageHistory history, ServerManager servers, TimeProvider time) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    /// <summary>A sample of this moment, not stored (the admin page draws it as the plot's last point).</summary>
    public UsageSample Current()
    {
        var (used, total) = Memory();
        return new UsageSample(time.GetUtcNow(), servers.Entries.Count(e => e.Phase == ServerPhase.Running), used, total);
    }

    public void SampleNow() => history.Add(Current());

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        SampleNow();
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            SampleNow();
        }
    }

    /// <summary>MemTotal − MemAvailable from /proc/meminfo, in bytes; zeros when it cannot be read.</summary>
    private static (long Used, long Total) Memory()
    {
        try
        {
            long total = 0, available = 0;
            foreach (var line in File.ReadLines("/proc/meminfo"))
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length >= 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var kb))
                {
                    if (parts[0] == "MemTotal:")
                    {
                        total = kb * 1024;
                    }
                    else if (parts[0] == "MemAvailable:")
                    {
                        available = kb * 1024;
                    }
                }
            }

            return (Math.Max(0, total - available), total);
        }
        catch (IOException)
        {
            return (0, 0);
        }
    }
}
