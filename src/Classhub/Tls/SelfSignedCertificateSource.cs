using System.Net.Security;
using Classhub.Acme.Certificates;
using Classhub.Hub.Api;

namespace Classhub.Tls;

/// <summary><c>tls.mode = "self-signed"</c>: one certificate made at start-up for the configured names.</summary>
internal sealed class SelfSignedCertificateSource(IReadOnlyList<string> domains, TimeProvider time) : ICertificateSource
{
    private readonly CertificateBundle _bundle = SelfSignedCertificate.Create(domains.Count > 0 ? domains : ["localhost"], time.GetUtcNow());

    public SslStreamCertificateContext Select(string? hostName) => _bundle.Context;

    public HealthCheckModel Health() =>
        new(true, $"self-signed certificate for {string.Join(", ", domains.Count > 0 ? domains : ["localhost"])}, expires {_bundle.Certificate.NotAfter:u} (browsers will warn)");
}
