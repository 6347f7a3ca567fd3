using System.Security.Cryptography.X509Certificates;
using Classhub.Acme.Certificates;
using Classhub.Acme.Tests.Infrastructure;

namespace Classhub.Acme.Tests.Management;

/// <summary>Obtaining, serving and reusing certificates against a real Pebble over http-01.</summary>
public sealed class CertificateManagerPebbleTests(DefaultPebble environment) : IClassFixture<DefaultPebble>
{
    [Fact]
    public async Task RenewNowAsync_FreshStore_ObtainsCertificateThatChainsToPebbleRoot()
    {
        var storeDirectory = environment.NewStoreDirectory();
        using var manager = environment.CreateManager(storeDirectory);
        await manager.InitializeAsync(CancellationToken.None);
        Assert.True(manager.Status.IsTemporary);
        var temporary = manager.Select(null, "hub.classhub.test");
        Assert.NotNull(temporary);

        var result = await manager.RenewNowAsync(CancellationToken.None);

        Assert.True(result.Ok, result.Problem?.Message + "\n" + environment.Pebble.Output);
        var bundle = result.Value;
        Assert.False(bundle.IsTemporary);
        Assert.True(bundle.IsUsableFor(AcmeEnvironment.Domains, DateTimeOffset.UtcNow));
        var (valid, length, problems) = ChainVerifier.Verify(bundle, await environment.Pebble.GetIssuingRootPemAsync());
        Assert.True(valid, problems);
        Assert.Equal(3, length);
        Assert.True(bundle.Certificate.HasPrivateKey);
        Assert.Same(bundle.Certificate, manager.Select(null, "hub.classhub.test"));
        Assert.NotSame(temporary, manager.Select(null, null));
        Assert.False(manager.Status.IsTemporary);
        Assert.Equal(bundle.SerialNumber, manager.Status.SerialNumber);
        Assert.Equal(bundle.NotAfter, manager.Status.NotAfter);
        Assert.NotNull(manager.Status.AccountUrl);
        Assert.Equal(0, manager.Status.ConsecutiveFailures);
        Assert.True(manager.Status.NextAttempt > DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task RenewNowAsync_RsaKeyType_ObtainsRsaCertificate()
    {
        using var manager = environment.CreateManager(environment.NewStoreDirectory(), keyType: CertificateKeyType.Rsa2048);
        await manager.InitializeAsync(CancellationToken.None);

        var result = await manager.RenewNowAsync(CancellationToken.None);

        Assert.True(result.Ok, result.Problem?.Message);
        using var rsa = result.Value.Certificate.GetRSAPublicKey();
        Assert.Equal(2048, rsa?.KeySize);
    }

    [Fact]
    public async Task InitializeAsync_RestartOnSameStore_ReusesCertificateAndAccount()
    {
        var storeDirectory = environment.NewStoreDirectory();
        string firstSerial;
        string? firstAccount;
        using (var first = environment.CreateManager(storeDirectory))
        {
            await first.InitializeAsync(CancellationToken.None);
            var obtained = await first.RenewNowAsync(CancellationToken.None);
            Assert.True(obtained.Ok, obtained.Problem?.Message);
            firstSerial = obtained.Value.SerialNumber;
            firstAccount = first.Status.AccountUrl;
        }

        using var restarted = environment.CreateManager(storeDirectory);
        await restarted.InitializeAsync(CancellationToken.None);

        Assert.False(restarted.Status.IsTemporary);
        Assert.Equal(firstSerial, restarted.Status.SerialNumber);
        Assert.Equal(firstSerial, restarted.Select(null, null)?.SerialNumber);
        Assert.True(restarted.Status.RenewAt > DateTimeOffset.UtcNow);

        var renewed = await restarted.RenewNowAsync(CancellationToken.None);
        Assert.True(renewed.Ok, renewed.Problem?.Message);
        Assert.Equal(firstAccount, restarted.Status.AccountUrl);
        Assert.NotEqual(firstSerial, renewed.Value.SerialNumber);
    }

    [Fact]
    public async Task InitializeAsync_StoredCertificateForOtherDomains_ServesTemporaryAndAttemptsNow()
    {
        var storeDirectory = environment.NewStoreDirectory();
        var store = new FileCertificateStore(storeDirectory);
        var other = SelfSignedCertificate.Create(["elsewhere.classhub.test"], DateTimeOffset.UtcNow);
        await store.SaveCertificateAsync(other.Pem, CancellationToken.None);
        using var manager = environment.CreateManager(storeDirectory);

        await manager.InitializeAsync(CancellationToken.None);

        Assert.True(manager.Status.IsTemporary);
        Assert.NotEqual(other.SerialNumber, manager.Status.SerialNumber);
        Assert.True(manager.Status.NextAttempt <= DateTimeOffset.UtcNow);
    }
}
