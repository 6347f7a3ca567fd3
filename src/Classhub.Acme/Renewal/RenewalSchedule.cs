namespace Classhub.Acme.Renewal;

/// <summary>
/// When to renew and how long to back off: pure functions of times and a uniform random number in [0, 1),
/// so the policy is tested with fixed clocks and fixed randomness.
/// </summary>
internal static class RenewalSchedule
{
    public static readonly TimeSpan FirstBackoff = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromDays(1);

    /// <summary>How long the jitter may shorten a back-off: a delay is drawn from [(1 - this) * d, d].</summary>
    public const double BackoffJitter = 0.5;

    /// <summary>
    /// The renewal time: a uniformly random point inside the CA's window when there is one (RFC 9773
    /// section 4.2), otherwise when one third of the certificate's own lifetime is left (never assumes 90 days).
    /// </summary>
    public static DateTimeOffset RenewAt(DateTimeOffset notBefore, DateTimeOffset notAfter, RenewalWindow? window, double random)
    {
        if (window is not null && window.End > window.Start)
        {
            return window.Start + (window.End - window.Start) * random;
        }
        if (window is not null)
        {
            return window.Start;
        }
        return notAfter - (notAfter - notBefore) / 3;
    }

    /// <summary>
    /// The wait before retry number <paramref name="consecutiveFailures"/> (1 = first failure): doubling from
    /// one minute, capped at one day, shortened by up to half at random so many hubs do not retry in step.
    /// A server's Retry-After is a floor (RFC 8555 section 6.6: rateLimited), even above the cap.
    /// </summary>
    public static TimeSpan Backoff(int consecutiveFailures, double random, TimeSpan? retryAfter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(consecutiveFailures, 1);
        var exponent = Math.Min(consecutiveFailures - 1, 30);
        var raw = TimeSpan.FromTicks((long)Math.Min(FirstBackoff.Ticks * Math.Pow(2, exponent), MaxBackoff.Ticks));
        var jittered = raw * (1 - (BackoffJitter * random));
        return retryAfter is { } floor && floor > jittered ? floor : jittered;
    }
}
