using Classhub.Acme.Tests.Infrastructure;

namespace Classhub.Acme.Tests.Management;

/// <summary>Renewal on schedule with Pebble issuing 12-second certificates through a longer chain.</summary>
public sealed class CertificateRenewalPebbleTests(ShortLivedPebble environment) : IClassFixture<ShortLivedPebble>
{
    [Fact]
    public async Task ExecuteAsync_ShortLivedCertificate_RenewsAtOneThirdLeftAndSwapsWithoutRestart()
    {
        using var manager = environment.CreateManager(environment.NewStoreDirectory());
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await manager.StartAsync(stop.Token);
        await using var kestrel = await TlsProbe.StartAsync(manager);
        try
        {
            var temporarySerial = manager.Status.SerialNumber;
            var first = await WaitForAsync(manager, s => s is { IsTemporary: false }, stop.Token);
            Assert.NotEqual(temporarySerial, first.SerialNumber);
            Assert.Equal(first.SerialNumber, await kestrel.HandshakeSerialAsync("hub.classhub.test"));
            var firstBundle = manager.Current!;
            var lifetime = firstBundle.NotAfter - firstBundle.NotBefore;
            Assert.InRange(lifetime, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(14));
            Assert.Equal(firstBundle.NotAfter - (lifetime / 3), first.RenewAt);
            var (valid, length, problems) = ChainVerifier.Verify(firstBundle, await environment.Pebble.GetIssuingRootPemAsync());
            Assert.True(valid, problems);
            Assert.Equal(4, length);

            var second = await WaitForAsync(manager, s => s.SerialNumber != first.SerialNumber && !s.IsTemporary, stop.Token);

            Assert.NotEqual(first.SerialNumber, second.SerialNumber);
            Assert.Equal(second.SerialNumber, manager.Select(null, "hub.classhub.test")?.SerialNumber);
            Assert.Equal(second.SerialNumber, await kestrel.HandshakeSerialAsync("www.classhub.test"));
            Assert.True(DateTimeOffset.UtcNow >= first.RenewAt);
            Assert.Equal(0, second.ConsecutiveFailures);
        }
        finally
        {
            await manager.StopAsync(CancellationToken.None);
        }
    }

    private static async Task<Classhub.Acme.Management.CertificateStatus> WaitForAsync(
        Classhub.Acme.Management.CertificateManager manager,
        Func<Classhub.Acme.Management.CertificateStatus, bool> condition,
        CancellationToken cancellationToken)
    {
        while (!condition(manager.Status))
        {
            Assert.True(manager.Status.LastError is null, manager.Status.LastError?.Message);
            await Task.Delay(100, cancellationToken);
        }
        return manager.Status;
    }
}
