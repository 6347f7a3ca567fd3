using Classhub.Acme.Certificates;
using Classhub.Acme.Challenges;
using Classhub.Acme.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Classhub.Acme.Management;

internal static class AcmeServiceCollectionExtensions
{
    /// <summary>
    /// Registers the challenge store, the file store under <see cref="AcmeOptions.StateDirectory"/> (unless an
    /// <see cref="ICertificateStore"/> is already registered), and the certificate manager as a hosted service.
    /// Then: <c>app.MapAcmeHttp01Challenges(store)</c> on :80 and
    /// <c>https.ServerCertificateSelector = manager.Select</c> on :443.
    /// </summary>
    public static IServiceCollection AddAcmeCertificates(this IServiceCollection services, AcmeOptions options)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<Http01ChallengeStore>();
        services.TryAddSingleton<ICertificateStore>(new FileCertificateStore(options.StateDirectory));
        services.AddSingleton(provider => new CertificateManager(
            options,
            provider.GetRequiredService<ICertificateStore>(),
            provider.GetRequiredService<Http01ChallengeStore>(),
            AcmeHttpClientFactory.Create(options.CaRootPath is null ? null : File.ReadAllText(options.CaRootPath)),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<CertificateManager>>()));
        services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<CertificateManager>());
        return services;
    }
}
