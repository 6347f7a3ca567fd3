using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Classhub.Acme.Certificates;

/// <summary>
/// A certificate with its private key and the intermediates to send with it, as read from the stored
/// PEM bundle (leaf, intermediates, key). <see cref="Context"/> is what TLS sends: leaf plus chain.
/// </summary>
internal sealed class CertificateBundle
{
    private CertificateBundle(X509Certificate2 certificate, X509Certificate2Collection intermediates, string pem, bool isTemporary)
    {
        Certificate = certificate;
        Intermediates = intermediates;
        Pem = pem;
        IsTemporary = isTemporary;
        Context = SslStreamCertificateContextFactory.Create(certificate, intermediates);
    }

    public X509Certificate2 Certificate { get; }

    public X509Certificate2Collection Intermediates { get; }

    public System.Net.Security.SslStreamCertificateContext Context { get; }

    public string Pem { get; }

    /// <summary>True for the self-signed stand-in served until the first real certificate arrives.</summary>
    public bool IsTemporary { get; }

    public string SerialNumber => Certificate.SerialNumber;

    public DateTimeOffset NotBefore => new(Certificate.NotBefore.ToUniversalTime());

    public DateTimeOffset NotAfter => new(Certificate.NotAfter.ToUniversalTime());

    /// <summary>Parses a stored bundle; a bundle that does not parse is a corrupt store, reported as null.</summary>
    public static CertificateBundle? TryParse(string pem)
    {
        try
        {
            return Parse(pem, isTemporary: false);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    public static CertificateBundle Parse(string pem, bool isTemporary)
    {
        var leaf = X509Certificate2.CreateFromPem(pem, pem);
        var all = new X509Certificate2Collection();
        all.ImportFromPem(pem);
        var intermediates = new X509Certificate2Collection();
        foreach (var certificate in all.Skip(1))
        {
            intermediates.Add(certificate);
        }
        return new CertificateBundle(leaf, intermediates, pem, isTemporary);
    }

    /// <summary>Whether this certificate is within its validity and names every domain.</summary>
    public bool IsUsableFor(IReadOnlyList<string> domains, DateTimeOffset now) =>
        now >= NotBefore && now < NotAfter && domains.All(d => Certificate.MatchesHostname(d, allowWildcards: true, allowCommonName: false));
}
