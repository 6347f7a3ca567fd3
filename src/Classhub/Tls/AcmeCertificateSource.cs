using System.Globalization;
using System.Net.Security;
using Classhub.Acme.Management;
using Classhub.Hub.Api;

namespace Classhub.Tls;

/// <summary>Certificates from the ACME certificate manager (Let's Encrypt or any RFC 8555 CA).</summary>
internal sealed class AcmeCertificateSource(CertificateManager manager) : ICertificateSource
{
    public SslStreamCertificateContext Select(string? hostName) =>
        manager.SelectContext(hostName) ?? throw new InvalidOperationException("the certificate manager has not started");

    public HealthCheckModel Health()
    {
        var s = manager.Status;
        var expires = s.NotAfter is { } notAfter ? notAfter.ToString("u", CultureInfo.InvariantCulture) : "unknown";
        var detail = s.IsTemporary
            ? $"serving a temporary self-signed certificate until the first certificate arrives; next attempt {s.NextAttempt:u}"
            : $"certificate {s.SerialNumber} expires {expires}, renewal at {s.RenewAt:u}";
        if (s.LastError is { } error)
        {
            detail += $"; last renewal error ({s.LastErrorAt:u}, {s.ConsecutiveFailures} in a row): {error.Message}; next attempt {s.NextAttempt:u}";
        }

        // Healthy while a valid certificate is served; the temporary one counts, so the hub is up at once.
        return new HealthCheckModel(s.NotAfter is null || s.NotAfter > DateTimeOffset.UtcNow, detail);
    }
}
