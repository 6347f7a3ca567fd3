using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Classhub.Acme.Certificates;

/// <summary>The stand-in served (with a browser warning) until the first real certificate is issued.</summary>
internal static class SelfSignedCertificate
{
    public static CertificateBundle Create(IReadOnlyList<string> domains, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + domains[0], key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        foreach (var domain in domains)
        {
            names.AddDnsName(domain);
        }
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(7));
        var pem = certificate.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem() + "\n";
        return CertificateBundle.Parse(pem, isTemporary: true);
    }
}
