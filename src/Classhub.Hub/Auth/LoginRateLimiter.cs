using System.Net;
using System.Net.Sockets;
using Classhub.Hub.Hosting;

namespace Classhub.Hub.Auth;

/// <summary>
/// Sign-in limits that stop guessing and spraying without locking a class out or letting a stranger lock out a user.
/// Failed sign-ins are remembered for <see cref="HubOptions.LoginWindow"/>; three rules, each answering "wait this long":
/// <list type="number">
/// <item><b>Guessing, per user name and address.</b> <see cref="HubOptions.LoginFreeFailures"/> failures are free;
/// after that each try must wait 5, 10, 20 ... seconds after the last failure (<see cref="HubOptions.LoginFirstDelay"/>,
/// doubling, at most <see cref="HubOptions.LoginMaxDelay"/>).
/// Counted per name <i>and</i> address, so a stranger guessing a name slows down only their own address for that
/// name, and a student behind the school's one address slows down only themselves.</item>
/// <item><b>Spraying, per address.</b> An address may have failures on at most <see cref="HubOptions.LoginSprayNames"/>
/// names that have not since signed in from there, plus one more for every name that did: a class behind one
/// address, where most sign in, is never refused; an address trying many names and getting none right is refused
/// for new names until its failures age out.</item>
/// <item><b>A name under attack from many addresses.</b> Past <see cref="HubOptions.LoginUserFailuresUnderAttack"/>
/// failures on one name from anywhere, addresses the user has not signed in from before may try that name only
/// once per <see cref="HubOptions.LoginUnderAttackInterval"/>. An address the user signed in from (within
/// <see cref="HubOptions.LoginKnownAddressLifetime"/>) is never slowed down by other addresses' failures.</item>
/// </list>
/// A sign-in from a browser that already signed in as that name (a valid device cookie, <see cref="SignInDevices"/>) is
/// counted under the browser instead of the address, and is exempt from rules 2 and 3: a stranger sharing the user's
/// address (a student in the teacher's classroom) slows down only themselves.
/// Addresses are counted as given, except IPv6, which counts per /64 (one host usually has a whole /64). Checked
/// before the (deliberately slow) password check and again when its turn in <see cref="SignInQueue"/> comes, so a
/// burst of guesses sent at once is refused as soon as the first failures are in. Memory: entries older than the
/// window are dropped every minute; failures are recorded only after a password check, which bounds how fast they
/// can grow.
/// </summary>
internal sealed class LoginRateLimiter(HubOptions options, TimeProvider time)
{
    private const int KnownAddressesPerUser = 16;
    private static readonly TimeSpan SprayRecheck = TimeSpan.FromMinutes(1);

    private readonly object _gate = new();
    private readonly Dictionary<(string User, string Address), Queue<DateTimeOffset>> _pairs = [];
    private readonly Dictionary<string, Source> _sources = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Target> _targets = new(StringComparer.Ordinal);
    private DateTimeOffset _nextSweep = DateTimeOffset.MinValue;

    /// <summary>Null when a sign-in as <paramref name="userName"/> from <paramref name="address"/> may be tried now; otherwise how long to wait.</summary>
    /// <param name="device">The browser's id from a valid device cookie for this name, if it sent one.</param>
    public TimeSpan? RetryAfter(string userName, string address, string? device = null)
    {
        var now = time.GetUtcNow();
        var key = AddressKey(address);
        lock (_gate)
        {
            Sweep(now);
            var guessing = GuessingWait(userName, ClientKey(key, device), now);
            return device is not null ? guessing : Longest(guessing, SprayingWait(userName, key, now), AttackWait(userName, key, now));
        }
    }

    public void RecordFailure(string userName, string address, string? device = null)
    {
        var now = time.GetUtcNow();
        var key = AddressKey(address);
        lock (_gate)
        {
            var client = ClientKey(key, device);
            if (!_pairs.TryGetValue((userName, client), out var failures))
            {
                failures = new Queue<DateTimeOffset>();
                _pairs[(userName, client)] = failures;
            }

            failures.Enqueue(now);
            SourceOf(key).Unresolved[userName] = now;
            TargetOf(userName).Failures.Enqueue(now);
        }
    }

    public void RecordSuccess(string userName, string address, string? device = null)
    {
        var now = time.GetUtcNow();
        var key = AddressKey(address);
        lock (_gate)
        {
            _pairs.Remove((userName, ClientKey(key, device)));
            var source = SourceOf(key);
            source.Unresolved.Remove(userName);
            source.SignedIn[userName] = now;
            var known = TargetOf(userName).Known;
            known[key] = now;
            if (known.Count > KnownAddressesPerUser)
            {
                known.Remove(known.MinBy(k => k.Value).Key);
            }
        }
    }

    /// <summary>The address as the limits count it: IPv4 (also when mapped into IPv6) as is, IPv6 per /64, anything else verbatim.</summary>
    internal static string AddressKey(string address)
    {
        if (!IPAddress.TryParse(address, out var ip))
        {
            return address;
        }

        if (ip.IsIPv4MappedToIPv6)
        {
            ip = ip.MapToIPv4();
        }

        if (ip.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return ip.ToString();
        }

        var bytes = ip.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    /// <summary>Whom the guessing rule counts: the browser when it showed a device cookie for the name, else the address.</summary>
    private static string ClientKey(string addressKey, string? device) => device is null ? addressKey : "device " + device;

    private TimeSpan? GuessingWait(string userName, string key, DateTimeOffset now)
    {
        if (!_pairs.TryGetValue((userName, key), out var failures) || Prune(failures, now) < options.LoginFreeFailures)
        {
            return null;
        }

        var doublings = Math.Min(failures.Count - options.LoginFreeFailures, 30);
        var delay = TimeSpan.FromSeconds(Math.Min(options.LoginFirstDelay.TotalSeconds * Math.Pow(2, doublings), options.LoginMaxDelay.TotalSeconds));
        return Positive(failures.Last() + delay - now);
    }

    private TimeSpan? SprayingWait(string userName, string key, DateTimeOffset now)
    {
        if (!_sources.TryGetValue(key, out var source) || source.Unresolved.ContainsKey(userName))
        {
            // A name that already failed here is the guessing rule's business.
            return null;
        }

        source.Prune(now - options.LoginWindow);
        if (source.Unresolved.Count < options.LoginSprayNames + source.SignedIn.Count)
        {
            return null;
        }

        // Lifted when the oldest failure ages out, or sooner when names here sign in: say a minute at most.
        var aged = source.Unresolved.Values.Min() + options.LoginWindow - now;
        return Positive(aged < SprayRecheck ? aged : SprayRecheck);
    }

    private TimeSpan? AttackWait(string userName, string key, DateTimeOffset now)
    {
        if (!_targets.TryGetValue(userName, out var target) || Prune(target.Failures, now) < options.LoginUserFailuresUnderAttack)
        {
            return null;
        }

        if (target.Known.TryGetValue(key, out var signedIn) && signedIn + options.LoginKnownAddressLifetime > now)
        {
            return null;
        }

        return Positive(target.Failures.Last() + options.LoginUnderAttackInterval - now);
    }

    private int Prune(Queue<DateTimeOffset> failures, DateTimeOffset now)
    {
        while (failures.Count > 0 && failures.Peek() + options.LoginWindow <= now)
        {
            failures.Dequeue();
        }

        return failures.Count;
    }

    /// <summary>Drops what no rule can use any more, at most once a minute.</summary>
    private void Sweep(DateTimeOffset now)
    {
        if (now < _nextSweep)
        {
            return;
        }

        _nextSweep = now + TimeSpan.FromMinutes(1);
        foreach (var (pair, failures) in _pairs.ToList())
        {
            if (Prune(failures, now) == 0)
            {
                _pairs.Remove(pair);
            }
        }

        foreach (var (key, source) in _sources.ToList())
        {
            source.Prune(now - options.LoginWindow);
            if (source.Unresolved.Count == 0 && source.SignedIn.Count == 0)
            {
                _sources.Remove(key);
            }
        }

        foreach (var (user, target) in _targets.ToList())
        {
            Prune(target.Failures, now);
            foreach (var (address, at) in target.Known.ToList())
            {
                if (at + options.LoginKnownAddressLifetime <= now)
                {
                    target.Known.Remove(address);
                }
            }

            if (target.Failures.Count == 0 && target.Known.Count == 0)
            {
                _targets.Remove(user);
            }
        }
    }

    private Source SourceOf(string key)
    {
        if (!_sources.TryGetValue(key, out var source))
        {
            source = new Source();
            _sources[key] = source;
        }

        return source;
    }

    private Target TargetOf(string userName)
    {
        if (!_targets.TryGetValue(userName, out var target))
        {
            target = new Target();
            _targets[userName] = target;
        }

        return target;
    }

    private static TimeSpan? Positive(TimeSpan wait) => wait > TimeSpan.Zero ? wait : null;

    private static TimeSpan? Longest(params TimeSpan?[] waits) => waits.Max();

    /// <summary>One client address: names that failed here and have not signed in here since, and names that signed in here.</summary>
    private sealed class Source
    {
        public Dictionary<string, DateTimeOffset> Unresolved { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, DateTimeOffset> SignedIn { get; } = new(StringComparer.Ordinal);

        public void Prune(DateTimeOffset before)
        {
            foreach (var (name, at) in Unresolved.ToList())
            {
                if (at <= before)
                {
                    Unresolved.Remove(name);
                }
            }

            foreach (var (name, at) in SignedIn.ToList())
            {
                if (at <= before)
                {
                    SignedIn.Remove(name);
                }
            }
        }
    }

    /// <summary>One user name: its failures from every address, and the addresses the user signed in from (when).</summary>
    private sealed class Target
    {
        public Queue<DateTimeOffset> Failures { get; } = new();

        public Dictionary<string, DateTimeOffset> Known { get; } = new(StringComparer.Ordinal);
    }
}
