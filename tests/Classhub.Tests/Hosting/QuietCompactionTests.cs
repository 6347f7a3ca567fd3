using Classhub.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Classhub.Tests.Hosting;

/// <summary>The compaction runs once the hub goes quiet after a burst, and never while allocation goes on.</summary>
public sealed class QuietCompactionTests
{
    private const long MB = 1 << 20;
    private readonly FakeTimeProvider _time = new();
    private long _allocated = 50 * MB;
    private long _heap = 3 * MB;
    private int _compactions;

    private QuietCompaction Start() => new(_time, () => _allocated, () => _heap, () => _compactions++);

    private void Second(long allocated)
    {
        _allocated += allocated;
        _time.Advance(QuietCompaction.Tick);
    }

    [Fact]
    public void FirstQuietSecondAfterStart_Compacts_Once()
    {
        using var compaction = Start();
        Second(0);
        Second(0);
        Second(10 * 1024);

        Assert.Equal(1, _compactions);
    }

    [Fact]
    public void StartUpStillBusy_WaitsForTheFirstQuietSecond()
    {
        using var compaction = Start();
        Second(2 * MB);
        Second(1 * MB);
        Assert.Equal(0, _compactions);

        Second(0);
        Assert.Equal(1, _compactions);
    }

    [Fact]
    public void SteadyTraffic_NeverCompacts()
    {
        using var compaction = Start();
        for (var i = 0; i < 120; i++)
        {
            Second(QuietCompaction.QuietBytesPerTick + 1);
        }

        Assert.Equal(0, _compactions);
    }

    [Fact]
    public void BurstThenQuiet_CompactsAgain_ButLightTrafficAloneDoesNotUntilABurstsWorthAccumulates()
    {
        using var compaction = Start();
        Second(0);
        Assert.Equal(1, _compactions);

        Second(QuietCompaction.BurstBytes); // twenty servers start
        Assert.Equal(1, _compactions);
        Second(0);
        Assert.Equal(2, _compactions);

        var lightSeconds = (int)(QuietCompaction.BurstBytes / QuietCompaction.QuietBytesPerTick) - 1;
        for (var i = 0; i < lightSeconds; i++)
        {
            Second(QuietCompaction.QuietBytesPerTick);
        }

        Assert.Equal(2, _compactions);
        Second(QuietCompaction.QuietBytesPerTick);
        Assert.Equal(3, _compactions);
    }

    [Fact]
    public void LargeLiveHeap_IsLeftToOrdinaryCollections_UntilItShrinks()
    {
        using var compaction = Start();
        _heap = QuietCompaction.MaxHeapBytes + 1; // a few thousand WebSockets open
        Second(0);
        Second(0);
        Assert.Equal(0, _compactions);

        _heap = 4 * MB; // they closed, and a collection saw it
        Second(0);
        Assert.Equal(1, _compactions);
    }

    [Fact]
    public void Disposed_StopsWatching()
    {
        var compaction = Start();
        compaction.Dispose();
        Second(0);

        Assert.Equal(0, _compactions);
    }
}
