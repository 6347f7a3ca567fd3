namespace Classhub.Hosting;

/// <summary>
/// Gives a burst's garbage back to the operating system once the hub is quiet again. A hub allocates in bursts (start-up,
/// a class signing in, twenty servers starting, a roster import) and then idles for hours; the GC collects only when
/// allocation goes on, so up to a gen0 budget of garbage (16 MB with a 32 MB L3 cache) would stay resident all day.
/// Once a second: if the last second allocated at most <see cref="QuietBytesPerTick"/> and at least
/// <see cref="BurstBytes"/> were allocated since the last compaction (or this is the first quiet second after start),
/// one blocking, compacting, decommitting collection runs. Under steady traffic it never runs; under light traffic
/// at most once per <see cref="BurstBytes"/> / <see cref="QuietBytesPerTick"/> seconds. Nor does it run while the heap
/// holds more than <see cref="MaxHeapBytes"/> of objects: a full blocking collection stops every socket, and its cost
/// grows with what it has to mark and move; there, ordinary collections do the work. The free space between objects is
/// not counted: it costs the collection little, and it is what the collection gives back. (Counting it made the bound
/// a coin toss for a class: with 1,000 WebSockets open the heap after the last collection was 10.1-13.8 MB, of which
/// 0-3.4 MB free space, so the collection ran in some runs and not in others, 9.7 or 20-21 KB RSS per socket.)
/// A thousand open WebSockets are ~8 MB of live objects (since <c>ConnectionHandoff</c>; ~13 MB before), so a class's
/// sockets fit under the bound: once they are open and traffic is light, the collection gives back the ~9 MB their
/// handshakes left committed, for one pause (0.16-0.75 s on the 2-core benchmark VM, where first touches of fresh pages
/// are slow; 8 ms with no sockets).
/// Replaces a collection that ran inside start-up itself, where it delayed the first answer by ~5 ms.
/// </summary>
internal sealed class QuietCompaction : IDisposable
{
    public static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);
    public const long BurstBytes = 8L << 20;
    public const long QuietBytesPerTick = 128L << 10;
    public const long MaxHeapBytes = 12L << 20;

    private readonly Func<long> _allocatedBytes;
    private readonly Func<long> _heapObjectBytes;
    private readonly Action _compact;
    private readonly ITimer _timer;
    private readonly Lock _tick = new();
    private long _previous;
    private long? _atLastCompaction;

    /// <summary>Watches with the allocation counter, the bytes of objects in the heap after the last collection and the collection supplied (tests).</summary>
    internal QuietCompaction(TimeProvider time, Func<long> allocatedBytes, Func<long> heapObjectBytes, Action compact)
    {
        _allocatedBytes = allocatedBytes;
        _heapObjectBytes = heapObjectBytes;
        _compact = compact;
        _previous = allocatedBytes();
        _timer = time.CreateTimer(_ => OnTick(), null, Tick, Tick);
    }

    /// <summary>Starts watching this process's allocations; dispose to stop.</summary>
    public static QuietCompaction Start(TimeProvider time) => new(
        time,
        () => GC.GetTotalAllocatedBytes(),
        () => ObjectBytes(GC.GetGCMemoryInfo()),
        () => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true));

    /// <summary>The heap after the last collection, less its free space.</summary>
    private static long ObjectBytes(GCMemoryInfo last) => last.HeapSizeBytes - last.FragmentedBytes;

    private void OnTick()
    {
        lock (_tick)
        {
            var now = _allocatedBytes();
            var lastTick = now - _previous;
            _previous = now;
            var sinceCompaction = _atLastCompaction is { } at ? now - at : long.MaxValue;
            if (lastTick <= QuietBytesPerTick && sinceCompaction >= BurstBytes && _heapObjectBytes() <= MaxHeapBytes)
            {
                _compact();
                _atLastCompaction = _previous = _allocatedBytes();
            }
        }
    }

    public void Dispose() => _timer.Dispose();
}
