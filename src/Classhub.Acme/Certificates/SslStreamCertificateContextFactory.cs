using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Classhub.Acme.Certificates;

internal static class SslStreamCertificateContextFactory
{
    // offline: true, since the appliance may have no route to the CA's AIA URLs, and the chain is already here.
    public static SslStreamCertificateContext Create(X509Certificate2 certificate, X509Certificate2Collection intermediates) =>
        SslStreamCertificateContext.Create(certificate, intermediates, offline: true);
}
