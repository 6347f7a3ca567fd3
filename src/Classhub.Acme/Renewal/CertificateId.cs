using System.Buffers.Text;
using System.Security.Cryptography.X509Certificates;

namespace Classhub.Acme.Renewal;

/// <summary>RFC 9773 section 4.1 CertID: base64url(AKI keyIdentifier) "." base64url(serial DER value bytes).</summary>
internal static class CertificateId
{
    /// <summary>Null when the certificate has no Authority Key Identifier with a key identifier (ARI cannot name it).</summary>
    public static string? For(X509Certificate2 certificate)
    {
        var aki = certificate.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().FirstOrDefault();
        if (aki?.KeyIdentifier is not { } keyIdentifier)
        {
            return null;
        }
        return Base64Url.EncodeToString(keyIdentifier.Span) + "." + Base64Url.EncodeToString(certificate.SerialNumberBytes.Span);
    }
}
