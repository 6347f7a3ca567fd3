using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Classhub.Acme.Certificates;

/// <summary>A fresh certificate key and a DER CSR naming every domain as a DNS SAN (CN = first domain).</summary>
internal sealed class CertificateSigningRequest : IDisposable
{
    private readonly AsymmetricAlgorithm _key;

    private CertificateSigningRequest(AsymmetricAlgorithm key, byte[] der)
    {
        _key = key;
        Der = der;
    }

    public byte[] Der { get; }

    public string PrivateKeyPem => _key.ExportPkcs8PrivateKeyPem();

    public static CertificateSigningRequest Create(IReadOnlyList<string> domains, CertificateKeyType keyType)
    {
        var subject = new X500DistinguishedName("CN=" + domains[0]);
        AsymmetricAlgorithm key;
        CertificateRequest request;
        if (keyType == CertificateKeyType.Rsa2048)
        {
            var rsa = RSA.Create(2048);
            key = rsa;
            request = new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        else
        {
            var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            key = ecdsa;
            request = new CertificateRequest(subject, ecdsa, HashAlgorithmName.SHA256);
        }
        var names = new SubjectAlternativeNameBuilder();
        foreach (var domain in domains)
        {
            names.AddDnsName(domain);
        }
        request.CertificateExtensions.Add(names.Build());
        return new CertificateSigningRequest(key, request.CreateSigningRequest());
    }

    public void Dispose() => _key.Dispose();
}
