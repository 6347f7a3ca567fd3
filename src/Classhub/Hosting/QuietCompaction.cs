namespace Classhub.Hosting;

/// <summary>
/// Gives a burst's garbage back to the operating system once the hub is quiet again. A hub allocates in bursts (start-up,
/// a class signing in, twenty servers starting, a roster import) and then idles for hours; the GC collects only when
/// allocation goes on, so up to a gen0 budget of garbage (16 MB with a 32 MB L3 cache) would stay resident all day.
/// Once a second: if the last second allocated at most <see cref="QuietBytesPerTick"/> and at least
/// <see cref="BurstBytes"/> were allocated since the last compaction (or this is the first quiet second after start),
/// one blocking, compacting, decommitting collection runs. Under steady traffic it never runs; under light traffic
/// at most once per <see cref="BurstBytes"/> / <see cref="QuietBytesPerTick"/> seconds. Nor does it run while the heap
/// is larger than <see cref="MaxHeapBytes"/>: a full blocking collection stops every socket, and its cost grows with
/// the live heap; there, ordinary collections do the work. A thousand open WebSockets are ~8 MB of live objects (since
/// <c>ConnectionHandoff</c>; ~13 MB before), so a class's sockets still fit under the bound: once they are open and
/// traffic is light, the collection gives back the ~9 MB their handshakes left committed, for one pause (0.16-0.75 s
/// on the 2-core benchmark VM, where first touches of fresh pages are slow; 8 ms with no sockets).
/// Replaces a collection that ran inside start-up itself, where it delayed the first answer by ~5 ms.
/// </summary>
internal sealed class QuietCompaction : IDisposable
{
    public static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);
    public const long BurstBytes = 8L << 20;
    public const long QuietBytesPerTick = 128L << 10;
    public const long MaxHeapBytes = 12L << 20;

    private readonly Func<long> _allocatedBytes;
    private readonly Func<long> _heapBytes;
    private readonly Action _compact;
    private readonly ITimer _timer;
    private readonly Lock _tick = new();
    private long _previous;
    private long? _atLastCompaction;

    /// <summary>Watches with the allocation counter, the heap size after the last collection and the collection supplied (tests).</summary>
    internal QuietCompaction(TimeProvider time, Func<long> allocatedBytes, Func<long> heapBytes, Action compact)
    {
        _allocatedBytes = allocatedBytes;
        _heapBytes = heapBytes;
        _compact = compact;
        _previous = allocatedBytes();
        _timer = time.CreateTimer(_ => OnTick(), null, Tick, Tick);
    }

    /// <summary>Starts watching this process's allocations; dispose to stop.</summary>
    public static QuietCompaction Start(TimeProvider time) => new(
        time,
        () => GC.GetTotalAllocatedBytes(),
        () => GC.GetGCMemoryInfo().HeapSizeBytes,
        () => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true));

    private void OnTick()
    {
        lock (_tick)
        {
            var now = _allocatedBytes();
            var lastTick = now - _previous;
            _previous = now;
            var sinceCompaction = _atLastCompaction is { } at ? now - at : long.MaxValue;
            if (lastTick <= QuietBytesPerTick && sinceCompaction >= BurstBytes && _heapBytes() <= MaxHeapBytes)
            {
                _compact();
                _atLastCompaction = _previous = _allocatedBytes();
            }
        }
    }

    public void Dispose() => _timer.Dispose();
}
