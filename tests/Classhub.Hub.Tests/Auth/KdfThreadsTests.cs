using System.Globalization;

namespace Classhub.Hub.Auth.Tests;

/// <summary>The KDF threads: work runs on them (not on the thread pool), at most one item per thread, at a lower priority.</summary>
public sealed class KdfThreadsTests : IDisposable
{
    private readonly KdfThreads _threads = new(2);

    public void Dispose() => _threads.Dispose();

    [Fact]
    public async Task RunAsync_Work_RunsOnADedicatedThreadNotThePool_AndTheCallerResumesOffIt()
    {
        var (name, pool) = await _threads.RunAsync(() => (Thread.CurrentThread.Name, Thread.CurrentThread.IsThreadPoolThread));

        Assert.StartsWith("classhub-kdf-", name, StringComparison.Ordinal);
        Assert.False(pool);
        Assert.DoesNotContain("classhub-kdf-", Thread.CurrentThread.Name ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_MoreWorkThanThreads_AtMostOneItemPerThreadAtATime()
    {
        var gate = new BlockingWork();
        var items = Enumerable.Range(0, 6).Select(_ => _threads.RunAsync(gate.Run)).ToList();

        await gate.WaitUntilRunningAsync(2);
        Assert.Equal(2, gate.Running);
        Assert.Equal(0, items.Count(i => i.IsCompleted));

        gate.ReleaseAll();
        await Task.WhenAll(items);
        Assert.Equal(2, gate.MostAtOnce);
    }

    [Fact]
    public async Task RunAsync_Threads_RunNicerThanTheRestOfTheProcess()
    {
        var nice = await _threads.RunAsync(() => NiceOf($"/proc/thread-self/stat"));

        Assert.Equal(KdfThreads.Niceness, nice - NiceOf("/proc/self/stat"));
    }

    [Fact]
    public async Task RunAsync_WorkThrows_TheTaskFaultsAndTheThreadKeepsWorking()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => _threads.RunAsync<int>(() => throw new InvalidOperationException("bad hash")));

        Assert.Equal(42, await _threads.RunAsync(() => 42));
        Assert.Equal(42, await _threads.RunAsync(() => 42));
    }

    /// <summary>/proc/.../stat field 19: the nice value.</summary>
    private static int NiceOf(string statPath)
    {
        var stat = File.ReadAllText(statPath);
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[16], CultureInfo.InvariantCulture);
    }

    /// <summary>Work that blocks until released, counting how many run at once.</summary>
    private sealed class BlockingWork
    {
        private readonly ManualResetEventSlim _release = new();
        private int _running;
        private int _mostAtOnce;

        public int Running => Volatile.Read(ref _running);

        public int MostAtOnce => Volatile.Read(ref _mostAtOnce);

        public int Run()
        {
            var now = Interlocked.Increment(ref _running);
            int most;
            while ((most = Volatile.Read(ref _mostAtOnce)) < now && Interlocked.CompareExchange(ref _mostAtOnce, now, most) != most)
            {
            }

            _release.Wait(TimeSpan.FromMinutes(1));
            Interlocked.Decrement(ref _running);
            return now;
        }

        public async Task WaitUntilRunningAsync(int count)
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (Running < count && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }
        }

        public void ReleaseAll() => _release.Set();
    }
}
