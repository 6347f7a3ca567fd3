using Classhub.Acme.Tests.Infrastructure;

namespace Classhub.Acme.Tests.Protocol;

/// <summary>Pebble rejecting half of all good nonces (PEBBLE_WFE_NONCEREJECT=50): badNonce is retried.</summary>
public sealed class NonceRejectPebbleTests(NonceRejectingPebble environment) : IClassFixture<NonceRejectingPebble>
{
    [Fact]
    public async Task RenewNowAsync_HalfOfNoncesRejected_StillObtainsCertificate()
    {
        var log = new RecordingLogger<Classhub.Acme.Management.CertificateManager>();
        using var manager = environment.CreateManager(environment.NewStoreDirectory(), logger: log);
        await manager.InitializeAsync(CancellationToken.None);

        var result = await manager.RenewNowAsync(CancellationToken.None);

        Assert.True(result.Ok, result.Problem?.Message + "\n" + environment.Pebble.Output);
        Assert.False(manager.Status.IsTemporary);
        Assert.Contains(log.Messages, m => m.Contains("rejected nonce", StringComparison.Ordinal));
    }
}
