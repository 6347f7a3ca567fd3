using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Classhub.Acme.Protocol;

/// <summary>HttpClients for talking to the CA, optionally trusting only a given root (<c>acme.ca_root</c>).</summary>
internal static class AcmeHttpClientFactory
{
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    /// <param name="caRootPem">
    /// PEM root(s) to trust for the ACME server's TLS certificate instead of the system store (test CAs,
    /// in-house CAs); null uses the system store.
    /// </param>
    public static HttpClient Create(string? caRootPem)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (caRootPem is not null)
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPem(caRootPem);
            if (roots.Count == 0)
            {
                throw new ArgumentException("The CA root PEM contains no certificate.", nameof(caRootPem));
            }
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => IsTrusted(certificate, errors, roots);
        }
        return new HttpClient(handler) { Timeout = RequestTimeout };
    }

    private static bool IsTrusted(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection roots)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }
}
