using System.Collections.Concurrent;
using Classhub.Hub.Hosting;

namespace Classhub.Hub.Auth;

/// <summary>
/// Counts failed sign-ins per user name and per client address in a sliding window. Checked before the
/// (deliberately slow) password check, so a flood of guesses costs the hub almost nothing.
/// </summary>
internal sealed class LoginRateLimiter(HubOptions options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _failures = new(StringComparer.Ordinal);

    /// <summary>Null when a sign-in may be tried now; otherwise how long to wait.</summary>
    public TimeSpan? RetryAfter(string userName, string address)
    {
        var now = time.GetUtcNow();
        var a = Wait(UserKey(userName), options.LoginFailuresPerUser, now);
        var b = Wait(AddressKey(address), options.LoginFailuresPerAddress, now);
        return a is null ? b : b is null ? a : (a > b ? a : b);
    }

    public void RecordFailure(string userName, string address)
    {
        var now = time.GetUtcNow();
        Add(UserKey(userName), now);
        Add(AddressKey(address), now);
    }

    public void RecordSuccess(string userName) => _failures.TryRemove(UserKey(userName), out _);

    private TimeSpan? Wait(string key, int limit, DateTimeOffset now)
    {
        if (!_failures.TryGetValue(key, out var queue))
        {
            return null;
        }

        lock (queue)
        {
            Prune(queue, now);
            if (queue.Count < limit)
            {
                return null;
            }

            var wait = queue.Peek() + options.LoginWindow - now;
            return wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(1);
        }
    }

    private void Add(string key, DateTimeOffset now)
    {
        var queue = _failures.GetOrAdd(key, _ => new Queue<DateTimeOffset>());
        lock (queue)
        {
            Prune(queue, now);
            queue.Enqueue(now);
        }
    }

    private void Prune(Queue<DateTimeOffset> queue, DateTimeOffset now)
    {
        while (queue.Count > 0 && queue.Peek() + options.LoginWindow <= now)
        {
            queue.Dequeue();
        }
    }

    private static string UserKey(string userName) => "u:" + userName;

    private static string AddressKey(string address) => "a:" + address;
}
