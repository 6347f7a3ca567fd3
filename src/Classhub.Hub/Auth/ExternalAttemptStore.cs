using System.Collections.Concurrent;
using Classhub.Core.Auth;

namespace Classhub.Hub.Auth;

/// <summary>
/// Server-side store of external sign-in attempts in flight (state, nonce, PKCE verifier, where to go next), keyed
/// by the OAuth <c>state</c>. Each entry lives <see cref="Lifetime"/> and is handed out at most once.
/// </summary>
internal sealed class ExternalAttemptStore(TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    private const int MaxPending = 10_000;

    private readonly ConcurrentDictionary<string, Pending> _pending = new(StringComparer.Ordinal);

    public bool Add(string providerId, ExternalAttempt attempt, string next)
    {
        var now = time.GetUtcNow();
        if (_pending.Count >= MaxPending)
        {
            foreach (var (key, value) in _pending)
            {
                if (value.Expires <= now)
                {
                    _pending.TryRemove(key, out _);
                }
            }

            if (_pending.Count >= MaxPending)
            {
                return false;
            }
        }

        return _pending.TryAdd(attempt.State, new Pending(providerId, attempt, next, now + Lifetime));
    }

    /// <summary>The attempt for <paramref name="state"/> made with <paramref name="providerId"/>, removed; null when unknown, used or expired.</summary>
    public (ExternalAttempt Attempt, string Next)? Take(string providerId, string state)
    {
        if (!_pending.TryRemove(state, out var pending) || pending.Expires <= time.GetUtcNow() || pending.ProviderId != providerId)
        {
            return null;
        }

        return (pending.Attempt, pending.Next);
    }

    private sealed record Pending(string ProviderId, ExternalAttempt Attempt, string Next, DateTimeOffset Expires);
}
