using Classhub.Hub.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Classhub.Hub.Auth.Tests;

/// <summary>
/// The sign-in limits with the defaults (5 free failures per name and address, then 5, 10, 20 ... s; 30 names per
/// address; 30 failures on a name from everywhere), played as a class, a guesser, a sprayer and a stranger.
/// </summary>
public sealed class LoginRateLimiterTests
{
    private const string School = "192.0.2.10";
    private const string Stranger = "198.51.100.66";
    private const string Home = "203.0.113.5";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 9, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly LoginRateLimiter _limiter;

    public LoginRateLimiterTests()
    {
        var options = new HubOptions { DataDir = "/nonexistent", PublicUrl = new Uri("http://127.0.0.1:8000"), InternalUrl = new Uri("http://127.0.0.1:8000") };
        _limiter = new LoginRateLimiter(options, _time);
    }

    [Fact]
    public void RetryAfter_NoFailures_IsNull()
    {
        Assert.Null(_limiter.RetryAfter("alice", School));
    }

    [Fact]
    public void RetryAfter_GuessingOneName_FiveFreeThenFiveSecondsDoubling()
    {
        Fail("alice", School, 5);

        Assert.Equal(TimeSpan.FromSeconds(5), _limiter.RetryAfter("alice", School));
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Null(_limiter.RetryAfter("alice", School));

        Fail("alice", School, 1);
        Assert.Equal(TimeSpan.FromSeconds(10), _limiter.RetryAfter("alice", School));
        _time.Advance(TimeSpan.FromSeconds(10));
        Fail("alice", School, 1);
        Assert.Equal(TimeSpan.FromSeconds(20), _limiter.RetryAfter("alice", School));
    }

    [Fact]
    public void RetryAfter_GuessingAsFastAsAllowed_DelayCappedAtFiveMinutes_AboutTenTriesPerQuarterHour()
    {
        var tries = new List<DateTimeOffset>();
        var longest = TimeSpan.Zero;
        var end = _time.GetUtcNow() + TimeSpan.FromHours(1);
        while (_time.GetUtcNow() < end)
        {
            if (_limiter.RetryAfter("alice", Stranger) is { } wait)
            {
                _time.Advance(wait);
                continue;
            }

            Fail("alice", Stranger, 1);
            tries.Add(_time.GetUtcNow());
            var next = _limiter.RetryAfter("alice", Stranger) ?? TimeSpan.FromMilliseconds(100);
            longest = next > longest ? next : longest;
            _time.Advance(next);
        }

        Assert.Equal(TimeSpan.FromMinutes(5), longest);
        Assert.InRange(tries.Count, 30, 45);
        Assert.InRange(tries.Count(t => t >= end - TimeSpan.FromMinutes(15)), 5, 12);
    }

    [Fact]
    public void RetryAfter_StrangerGuessesTheAdminsName_AdminFromAnotherAddressIsNotSlowedDown()
    {
        // As hard as one address can: every try the limits allow, for half an hour.
        for (var i = 0; i < 200; i++)
        {
            _time.Advance(_limiter.RetryAfter("admin", Stranger) ?? TimeSpan.FromMilliseconds(100));
            Fail("admin", Stranger, 1);
        }

        Assert.NotNull(_limiter.RetryAfter("admin", Stranger));
        Assert.Null(_limiter.RetryAfter("admin", Home));
        Assert.Null(_limiter.RetryAfter("admin", School));
    }

    [Fact]
    public void RetryAfter_ClassOf300BehindOneAddress_20PercentMistypeOnceOrTwice_NoRightPasswordIsRefused()
    {
        // In the order they arrive, every fifth student mistypes (every tenth twice) and tries again a few seconds later.
        var refused = new List<string>();
        var retries = new Queue<(string Name, int Wrong, DateTimeOffset At)>();
        for (var i = 0; i < 300; i++)
        {
            var name = $"s{i:000}";
            if (_limiter.RetryAfter(name, School) is not null)
            {
                refused.Add(name);
            }

            if (i % 5 == 0)
            {
                Fail(name, School, 1);
                retries.Enqueue((name, i % 10 == 0 ? 1 : 0, _time.GetUtcNow() + TimeSpan.FromSeconds(5)));
            }
            else
            {
                _limiter.RecordSuccess(name, School);
            }

            while (retries.TryPeek(out var retry) && retry.At <= _time.GetUtcNow())
            {
                retries.Dequeue();
                if (_limiter.RetryAfter(retry.Name, School) is not null)
                {
                    refused.Add(retry.Name);
                }

                if (retry.Wrong > 0)
                {
                    Fail(retry.Name, School, 1);
                    retries.Enqueue((retry.Name, 0, _time.GetUtcNow() + TimeSpan.FromSeconds(5)));
                }
                else
                {
                    _limiter.RecordSuccess(retry.Name, School);
                }
            }

            _time.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.Empty(refused);
    }

    [Fact]
    public void RetryAfter_WholeClassGivenAWrongPassword_RefusedAfter30Names_LiftedAsTheyThenSignIn()
    {
        Fail(Enumerable.Range(0, 30).Select(i => $"s{i:000}"), School);
        Assert.NotNull(_limiter.RetryAfter("s030", School));

        // The teacher corrects the password: those who failed sign in, and that lets the others in again.
        _limiter.RecordSuccess("s000", School);

        Assert.Null(_limiter.RetryAfter("s030", School));
    }

    [Fact]
    public void RetryAfter_SprayingManyNamesFromOneAddress_NewNamesRefusedUntilTheFailuresAgeOut()
    {
        for (var i = 0; i < 30; i++)
        {
            Assert.Null(_limiter.RetryAfter($"victim{i}", Stranger));
            Fail($"victim{i}", Stranger, 1);
        }

        Assert.Equal(TimeSpan.FromMinutes(1), _limiter.RetryAfter("victim30", Stranger));
        Assert.Null(_limiter.RetryAfter("victim30", School));
        _time.Advance(TimeSpan.FromMinutes(14));
        Assert.NotNull(_limiter.RetryAfter("victim30", Stranger));
        Assert.Null(_limiter.RetryAfter("victim0", Stranger));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(_limiter.RetryAfter("victim30", Stranger));
    }

    [Fact]
    public void RetryAfter_SprayingFromAnAddressWhereOthersSignIn_EachSignInAllowsOneMoreName()
    {
        for (var i = 0; i < 10; i++)
        {
            _limiter.RecordSuccess($"student{i}", School);
        }

        Fail(Enumerable.Range(0, 39).Select(i => $"victim{i}"), School);
        Assert.Null(_limiter.RetryAfter("victim39", School));
        Fail("victim39", School, 1);

        Assert.NotNull(_limiter.RetryAfter("victim40", School));
    }

    [Fact]
    public void RetryAfter_NameUnderAttackFromManyAddresses_UnknownAddressesSlowedKnownOnesNot()
    {
        _limiter.RecordSuccess("admin", Home);
        for (var i = 0; i < 30; i++)
        {
            Fail("admin", $"198.51.100.{i}", 1);
        }

        Assert.Equal(TimeSpan.FromSeconds(10), _limiter.RetryAfter("admin", "198.51.100.200"));
        Assert.Equal(TimeSpan.FromSeconds(10), _limiter.RetryAfter("admin", School));
        Assert.Null(_limiter.RetryAfter("admin", Home));
        Assert.Null(_limiter.RetryAfter("someone-else", "198.51.100.200"));
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Null(_limiter.RetryAfter("admin", School));
    }

    [Fact]
    public void RetryAfter_KnownAddressOlderThan30Days_NoLongerExempt()
    {
        _limiter.RecordSuccess("admin", Home);
        _time.Advance(TimeSpan.FromDays(31));
        for (var i = 0; i < 30; i++)
        {
            Fail("admin", $"198.51.100.{i}", 1);
        }

        Assert.NotNull(_limiter.RetryAfter("admin", Home));
    }

    [Fact]
    public void RetryAfter_StrangerSharingTheTeachersAddressGuessesTheirName_TeachersBrowserWithItsDeviceCookieIsNotSlowedDown()
    {
        const string teachersBrowser = "device-7f3a";
        _limiter.RecordSuccess("teacher", School, teachersBrowser);
        for (var i = 0; i < 200; i++)
        {
            _time.Advance(_limiter.RetryAfter("teacher", School) ?? TimeSpan.FromMilliseconds(100));
            Fail("teacher", School, 1);
        }

        Assert.NotNull(_limiter.RetryAfter("teacher", School));
        Assert.Null(_limiter.RetryAfter("teacher", School, teachersBrowser));
    }

    [Fact]
    public void RetryAfter_GuessingFromABrowserWithADeviceCookie_StillLimitedForThatBrowser()
    {
        const string browser = "device-01";
        _limiter.RecordSuccess("alice", School, browser);
        for (var i = 0; i < 5; i++)
        {
            _limiter.RecordFailure("alice", School, browser);
        }

        Assert.Equal(TimeSpan.FromSeconds(5), _limiter.RetryAfter("alice", School, browser));
        Assert.Null(_limiter.RetryAfter("alice", School));
    }

    [Fact]
    public void RecordSuccess_AfterFailures_ClearsThatNameAndAddressOnly()
    {
        Fail("alice", School, 5);
        Fail("alice", Stranger, 5);

        _limiter.RecordSuccess("alice", School);

        Assert.Null(_limiter.RetryAfter("alice", School));
        Assert.NotNull(_limiter.RetryAfter("alice", Stranger));
    }

    [Fact]
    public void RetryAfter_WindowPassed_FailuresForgotten()
    {
        Fail("alice", School, 8);
        Assert.NotNull(_limiter.RetryAfter("alice", School));

        _time.Advance(TimeSpan.FromMinutes(15));

        Assert.Null(_limiter.RetryAfter("alice", School));
    }

    [Theory]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2:ffff::9", true)]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:3::1", false)]
    [InlineData("::ffff:192.0.2.10", "192.0.2.10", true)]
    [InlineData("192.0.2.10", "192.0.2.11", false)]
    public void RetryAfter_AddressesCountedPerIpv4AndPerIpv6Slash64(string failedFrom, string triedFrom, bool limited)
    {
        Fail("alice", failedFrom, 5);

        Assert.Equal(limited, _limiter.RetryAfter("alice", triedFrom) is not null);
    }

    private void Fail(string name, string address, int times)
    {
        for (var i = 0; i < times; i++)
        {
            _limiter.RecordFailure(name, address);
        }
    }

    private void Fail(IEnumerable<string> names, string address)
    {
        foreach (var name in names)
        {
            _limiter.RecordFailure(name, address);
        }
    }
}
