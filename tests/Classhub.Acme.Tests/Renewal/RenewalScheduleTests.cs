using Classhub.Acme.Renewal;
using Microsoft.Extensions.Time.Testing;

namespace Classhub.Acme.Tests.Renewal;

public sealed class RenewalScheduleTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    [Theory]
    [InlineData(90 * 24 * 3600)]
    [InlineData(6 * 24 * 3600)]
    [InlineData(160 * 3600)]
    [InlineData(12)]
    public void RenewAt_NoRenewalInfo_WhenOneThirdOfLifetimeIsLeft(int lifetimeSeconds)
    {
        var notBefore = _time.GetUtcNow();
        var lifetime = TimeSpan.FromSeconds(lifetimeSeconds);
        var notAfter = notBefore + lifetime;

        var renewAt = RenewalSchedule.RenewAt(notBefore, notAfter, window: null, random: 0.7);

        Assert.Equal(notAfter - (lifetime / 3), renewAt);
        Assert.Equal(notBefore + (lifetime * 2 / 3), renewAt);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.25)]
    [InlineData(0.5)]
    [InlineData(0.999999)]
    public void RenewAt_RenewalInfoWindow_UniformPointInsideWindow(double random)
    {
        var now = _time.GetUtcNow();
        var window = new RenewalWindow(now.AddDays(20), now.AddDays(22));

        var renewAt = RenewalSchedule.RenewAt(now.AddDays(-40), now.AddDays(50), window, random);

        Assert.InRange(renewAt, window.Start, window.End);
        Assert.Equal(window.Start + ((window.End - window.Start) * random), renewAt);
    }

    [Fact]
    public void RenewAt_RenewalInfoWindowEarlierThanThirdRule_FollowsWindow()
    {
        var now = _time.GetUtcNow();
        var window = new RenewalWindow(now.AddHours(-2), now.AddHours(-1));

        var renewAt = RenewalSchedule.RenewAt(now.AddDays(-1), now.AddDays(89), window, 0.5);

        Assert.True(renewAt < now);
    }

    [Fact]
    public void RenewAt_EmptyWindow_WindowStart()
    {
        var now = _time.GetUtcNow();

        var renewAt = RenewalSchedule.RenewAt(now, now.AddDays(10), new RenewalWindow(now.AddDays(3), now.AddDays(3)), 0.9);

        Assert.Equal(now.AddDays(3), renewAt);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(6, 32)]
    public void Backoff_ConsecutiveFailures_DoublesFromOneMinuteWithinJitterBounds(int failures, int minutes)
    {
        var raw = TimeSpan.FromMinutes(minutes);

        var longest = RenewalSchedule.Backoff(failures, 0.0, retryAfter: null);
        var shortest = RenewalSchedule.Backoff(failures, 0.999999, retryAfter: null);
        var middle = RenewalSchedule.Backoff(failures, 0.5, retryAfter: null);

        Assert.Equal(raw, longest);
        Assert.InRange(shortest, raw * (1 - RenewalSchedule.BackoffJitter), raw);
        Assert.Equal(raw * 0.75, middle);
    }

    [Theory]
    [InlineData(12)]
    [InlineData(20)]
    [InlineData(1000)]
    [InlineData(int.MaxValue)]
    public void Backoff_ManyFailures_CappedAtOneDayAndJitteredDown(int failures)
    {
        var random = new Random(failures);
        for (var i = 0; i < 200; i++)
        {
            var delay = RenewalSchedule.Backoff(failures, random.NextDouble(), retryAfter: null);

            Assert.InRange(delay, TimeSpan.FromHours(12), TimeSpan.FromDays(1));
        }
        Assert.Equal(TimeSpan.FromDays(1), RenewalSchedule.Backoff(failures, 0.0, null));
    }

    [Fact]
    public void Backoff_JitterSpreadsRetries_NotAllEqual()
    {
        var random = new Random(42);

        var delays = Enumerable.Range(0, 50).Select(_ => RenewalSchedule.Backoff(15, random.NextDouble(), null)).Distinct().Count();

        Assert.True(delays > 40);
    }

    [Fact]
    public void Backoff_RetryAfterLongerThanBackoff_HonoursRetryAfter()
    {
        var delay = RenewalSchedule.Backoff(1, 0.3, TimeSpan.FromHours(3));

        Assert.Equal(TimeSpan.FromHours(3), delay);
    }

    [Fact]
    public void Backoff_RetryAfterShorterThanBackoff_KeepsBackoff()
    {
        var delay = RenewalSchedule.Backoff(5, 0.0, TimeSpan.FromSeconds(5));

        Assert.Equal(TimeSpan.FromMinutes(16), delay);
    }

    [Fact]
    public void Backoff_ZeroFailures_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RenewalSchedule.Backoff(0, 0.5, null));
    }
}
