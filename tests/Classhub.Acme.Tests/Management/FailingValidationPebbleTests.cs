using Classhub.Acme.Protocol;
using Classhub.Acme.Renewal;
using Classhub.Acme.Tests.Infrastructure;

namespace Classhub.Acme.Tests.Management;

/// <summary>The challenge endpoint answers the wrong content: a failure value, the old certificate kept, back-off.</summary>
public sealed class FailingValidationPebbleTests(FailingValidationPebble environment) : IClassFixture<FailingValidationPebble>
{
    [Fact]
    public async Task RenewNowAsync_WrongChallengeContent_ReturnsProblemKeepsCertificateAndBacksOff()
    {
        using var manager = environment.CreateManager(environment.NewStoreDirectory());
        await manager.InitializeAsync(CancellationToken.None);
        var obtained = await manager.RenewNowAsync(CancellationToken.None);
        Assert.True(obtained.Ok, obtained.Problem?.Message);
        var kept = obtained.Value;

        environment.Challenges.ServeWrongContent = true;
        AcmeResult<Classhub.Acme.Certificates.CertificateBundle> failed;
        DateTimeOffset before;
        try
        {
            before = DateTimeOffset.UtcNow;
            failed = await manager.RenewNowAsync(CancellationToken.None);
        }
        finally
        {
            environment.Challenges.ServeWrongContent = false;
        }
        var after = DateTimeOffset.UtcNow;

        Assert.False(failed.Ok);
        Assert.Equal(AcmeProblemTypes.Unauthorized, failed.Problem.Type);
        Assert.Contains("http-01", failed.Problem.Doing, StringComparison.Ordinal);
        Assert.Contains("classhub.test", failed.Problem.Doing, StringComparison.Ordinal);
        Assert.Same(kept.Certificate, manager.Select(null, "hub.classhub.test"));
        var status = manager.Status;
        Assert.Equal(kept.SerialNumber, status.SerialNumber);
        Assert.False(status.IsTemporary);
        Assert.Equal(1, status.ConsecutiveFailures);
        Assert.Equal(failed.Problem, status.LastError);
        var earliest = before + (RenewalSchedule.FirstBackoff * (1 - RenewalSchedule.BackoffJitter));
        Assert.InRange(status.NextAttempt, earliest, after + RenewalSchedule.FirstBackoff);

        var recovered = await manager.RenewNowAsync(CancellationToken.None);
        Assert.True(recovered.Ok, recovered.Problem?.Message);
        Assert.Equal(0, manager.Status.ConsecutiveFailures);
    }
}
