using System.Net.Security;
using Classhub.Hub.Api;

namespace Classhub.Tls;

/// <summary>
/// Where the HTTPS listener gets its certificate on each handshake (so a renewed or replaced certificate is used
/// without a restart), and what /hub/health says about it. Implementations: ACME, manual files, self-signed.
/// </summary>
internal interface ICertificateSource
{
    /// <summary>The certificate (with its chain) to present for <paramref name="hostName"/>; never null once started.</summary>
    SslStreamCertificateContext Select(string? hostName);

    HealthCheckModel Health();
}
