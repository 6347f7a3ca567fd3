using Classhub.Hub.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Classhub.Hub.Auth.Tests;

public sealed class LoginRateLimiterTests
{
    private const string Address = "192.0.2.10";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 9, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly LoginRateLimiter _limiter;

    public LoginRateLimiterTests()
    {
        var options = new HubOptions
        {
            DataDir = "/nonexistent",
            PublicUrl = new Uri("http://127.0.0.1:8000"),
            InternalUrl = new Uri("http://127.0.0.1:8000"),
            LoginFailuresPerUser = 3,
            LoginFailuresPerAddress = 10,
            LoginWindow = TimeSpan.FromMinutes(5),
        };
        _limiter = new LoginRateLimiter(options, _time);
    }

    [Fact]
    public void RetryAfter_NoFailures_IsNull()
    {
        Assert.Null(_limiter.RetryAfter("alice", Address));
    }

    [Fact]
    public void RetryAfter_BelowUserLimit_IsNull()
    {
        _limiter.RecordFailure("alice", Address);
        _limiter.RecordFailure("alice", Address);

        Assert.Null(_limiter.RetryAfter("alice", Address));
    }

    [Fact]
    public void RetryAfter_UserLimitReached_IsPositiveUntilTheOldestFailureLeavesTheWindow()
    {
        _limiter.RecordFailure("alice", Address);
        _time.Advance(TimeSpan.FromMinutes(1));
        _limiter.RecordFailure("alice", Address);
        _limiter.RecordFailure("alice", Address);

        var wait = _limiter.RetryAfter("alice", Address);

        Assert.NotNull(wait);
        Assert.Equal(TimeSpan.FromMinutes(4), wait);
        Assert.Null(_limiter.RetryAfter("bob", "192.0.2.99"));
    }

    [Fact]
    public void RetryAfter_UserLimitReachedFromManyAddresses_BlocksEveryAddress()
    {
        _limiter.RecordFailure("alice", "192.0.2.1");
        _limiter.RecordFailure("alice", "192.0.2.2");
        _limiter.RecordFailure("alice", "192.0.2.3");

        Assert.NotNull(_limiter.RetryAfter("alice", "198.51.100.7"));
    }

    [Fact]
    public void RetryAfter_WindowPassed_AllowsAgain()
    {
        for (var i = 0; i < 3; i++)
        {
            _limiter.RecordFailure("alice", Address);
        }

        _time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        Assert.NotNull(_limiter.RetryAfter("alice", Address));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(_limiter.RetryAfter("alice", Address));
    }

    [Fact]
    public void RecordSuccess_AfterFailures_ResetsTheUserCounter()
    {
        _limiter.RecordFailure("alice", Address);
        _limiter.RecordFailure("alice", Address);

        _limiter.RecordSuccess("alice");
        _limiter.RecordFailure("alice", Address);
        _limiter.RecordFailure("alice", Address);

        Assert.Null(_limiter.RetryAfter("alice", Address));
        _limiter.RecordFailure("alice", Address);
        Assert.NotNull(_limiter.RetryAfter("alice", Address));
    }

    [Fact]
    public void RetryAfter_AddressLimitAcrossManyUserNames_BlocksThatAddressForAnyName()
    {
        for (var i = 0; i < 10; i++)
        {
            _limiter.RecordFailure($"student{i}", Address);
        }

        var wait = _limiter.RetryAfter("fresh-name", Address);

        Assert.NotNull(wait);
        Assert.True(wait > TimeSpan.Zero);
        Assert.Null(_limiter.RetryAfter("fresh-name", "192.0.2.11"));
    }

    [Fact]
    public void RecordSuccess_AddressLimitReached_DoesNotResetTheAddress()
    {
        for (var i = 0; i < 10; i++)
        {
            _limiter.RecordFailure($"student{i}", Address);
        }

        _limiter.RecordSuccess("student0");

        Assert.NotNull(_limiter.RetryAfter("student0", Address));
    }
}
