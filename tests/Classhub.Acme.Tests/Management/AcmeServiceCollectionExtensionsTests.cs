using Classhub.Acme.Certificates;
using Classhub.Acme.Challenges;
using Classhub.Acme.Management;
using Classhub.Acme.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Classhub.Acme.Tests.Management;

public sealed class AcmeServiceCollectionExtensionsTests
{
    private static readonly AcmeOptions Options = new() { Domains = ["hub.classhub.test"], StateDirectory = "/tmp/classhub-acme-di-test" };

    [Fact]
    public void AddAcmeCertificates_Defaults_ManagerIsTheHostedServiceAndStoreIsFileStore()
    {
        var services = new ServiceCollection().AddLogging().AddAcmeCertificates(Options);

        using var provider = services.BuildServiceProvider();

        var manager = provider.GetRequiredService<CertificateManager>();
        Assert.Same(manager, provider.GetServices<IHostedService>().Single());
        Assert.IsType<FileCertificateStore>(provider.GetRequiredService<ICertificateStore>());
        Assert.NotNull(provider.GetRequiredService<Http01ChallengeStore>());
    }

    [Fact]
    public void AddAcmeCertificates_StoreAlreadyRegistered_KeepsIt()
    {
        var custom = new MemoryCertificateStore();
        var services = new ServiceCollection().AddLogging().AddSingleton<ICertificateStore>(custom).AddAcmeCertificates(Options);

        using var provider = services.BuildServiceProvider();

        Assert.Same(custom, provider.GetRequiredService<ICertificateStore>());
    }
}
