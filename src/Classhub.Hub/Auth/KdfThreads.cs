using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Classhub.Hub.Auth;

/// <summary>
/// Dedicated threads for password hashing (PBKDF2, PAM's own hashing), one per CPU, run at a lower scheduling
/// priority (nice <see cref="Niceness"/>). A sign-in burst never takes a thread-pool thread, so the pages, the API
/// and /hub/health (thread pool) and the proxy (socket threads) never wait behind it, and when the CPUs are busy
/// the kernel runs their short work first. Callers bound and order the work with <see cref="SignInQueue"/>; this
/// class only runs what it is given, in order.
/// </summary>
internal sealed partial class KdfThreads : IDisposable
{
    /// <summary>Niceness of the threads: the rest of the hub goes first, the KDF still gets ~a quarter of a busy CPU.</summary>
    public const int Niceness = 5;

    private readonly BlockingCollection<Action> _work = [];
    private readonly Thread[] _threads;

    public KdfThreads(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        _threads = new Thread[count];
        for (var i = 0; i < count; i++)
        {
            _threads[i] = new Thread(Loop) { IsBackground = true, Name = $"classhub-kdf-{i}" };
            _threads[i].Start();
        }
    }

    public int Count => _threads.Length;

    /// <summary>Runs <paramref name="work"/> on one of the threads; the returned task completes on the thread pool, never on a KDF thread.</summary>
    public Task<T> RunAsync<T>(Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            try
            {
                completion.TrySetResult(work());
            }
            catch (Exception e)
            {
                completion.TrySetException(e);
            }
        });
        return completion.Task;
    }

    public void Dispose()
    {
        _work.CompleteAdding();
        var joined = _threads.All(t => t.Join(TimeSpan.FromSeconds(5)));
        if (joined)
        {
            _work.Dispose();
        }
    }

    private void Loop()
    {
        // Linux gives each thread its own nice value (setpriority on a thread id). Raising it needs no privilege;
        // if it fails anyway the thread just runs at the normal priority.
        _ = SetPriority(0, GetThreadId(), Niceness);
        foreach (var work in _work.GetConsumingEnumerable())
        {
            work();
        }
    }

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetThreadId();

    [LibraryImport("libc", EntryPoint = "setpriority")]
    private static partial int SetPriority(int which, int who, int priority);
}
