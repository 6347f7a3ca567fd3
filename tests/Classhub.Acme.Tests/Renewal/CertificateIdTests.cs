using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Classhub.Acme.Renewal;

namespace Classhub.Acme.Tests.Renewal;

public sealed class CertificateIdTests
{
    [Fact]
    public void For_Rfc9773Example_MatchesSpecification()
    {
        // RFC 9773 section 4.1: keyIdentifier 69:88:5B:6B:87:46:40:41:E1:B3:7B:84:7B:A0:AE:2C:DE:01:C8:D4, serial 00:87:65:43:21.
        byte[] keyIdentifier = [0x69, 0x88, 0x5B, 0x6B, 0x87, 0x46, 0x40, 0x41, 0xE1, 0xB3, 0x7B, 0x84, 0x7B, 0xA0, 0xAE, 0x2C, 0xDE, 0x01, 0xC8, 0xD4];
        using var issuerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=hub.classhub.test", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(keyIdentifier));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.Create(
            new X500DistinguishedName("CN=issuer"),
            X509SignatureGenerator.CreateForECDsa(issuerKey),
            now,
            now.AddDays(1),
            [0x00, 0x87, 0x65, 0x43, 0x21]);

        Assert.Equal("aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE", CertificateId.For(certificate));
    }

    [Fact]
    public void For_NoAuthorityKeyIdentifier_Null()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest("CN=x", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));

        Assert.Null(CertificateId.For(certificate));
    }
}
