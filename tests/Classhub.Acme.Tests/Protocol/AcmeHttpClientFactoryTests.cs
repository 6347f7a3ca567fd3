using Classhub.Acme.Protocol;
using Classhub.Acme.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Classhub.Acme.Tests.Protocol;

/// <summary><c>acme.ca_root</c>: the configured root is trusted for the CA's HTTPS, and nothing else is.</summary>
public sealed class AcmeHttpClientFactoryTests(DefaultPebble environment) : IClassFixture<DefaultPebble>
{
    [Fact]
    public async Task Create_PebblesTlsRoot_DirectoryReadable()
    {
        using var http = AcmeHttpClientFactory.Create(environment.Pebble.TlsRootPem);
        using var key = AccountKey.Create();
        var client = new AcmeClient(http, environment.Pebble.DirectoryUrl, key, TimeProvider.System, NullLogger.Instance);

        var directory = await client.GetDirectoryAsync(CancellationToken.None);

        Assert.True(directory.Ok, directory.Problem?.Message);
        Assert.StartsWith("https://127.0.0.1:", directory.Value.NewOrder, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_UnrelatedRoot_TlsRefusedAsTransportProblem()
    {
        using var http = AcmeHttpClientFactory.Create(TestTlsAuthority.Create().RootPem);
        using var key = AccountKey.Create();
        var client = new AcmeClient(http, environment.Pebble.DirectoryUrl, key, TimeProvider.System, NullLogger.Instance);

        var directory = await client.GetDirectoryAsync(CancellationToken.None);

        Assert.False(directory.Ok);
        Assert.Equal(AcmeProblemTypes.Transport, directory.Problem.Type);
    }

    [Fact]
    public void Create_PemWithoutCertificate_Throws()
    {
        Assert.Throws<ArgumentException>(() => AcmeHttpClientFactory.Create("not a pem"));
    }
}
