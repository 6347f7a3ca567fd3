using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Classhub.Acme.Protocol;

/// <summary>The ACME account key: ECDSA P-256, signs JWS with ES256 (RFC 7518 section 3.4).</summary>
internal sealed class AccountKey : IDisposable
{
    private readonly ECDsa _key;

    private AccountKey(ECDsa key)
    {
        _key = key;
        var q = key.ExportParameters(includePrivateParameters: false).Q;
        Jwk = new Jwk("EC", "P-256", Base64Url.EncodeToString(q.X), Base64Url.EncodeToString(q.Y));
        Thumbprint = ComputeThumbprint(Jwk);
    }

    public Jwk Jwk { get; }

    /// <summary>RFC 7638 JWK thumbprint, base64url, as used in http-01 key authorizations.</summary>
    public string Thumbprint { get; }

    public static AccountKey Create() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>Reads a PKCS#8 PEM written by <see cref="ToPem"/>; a key on another curve is a corrupt store (throws).</summary>
    public static AccountKey FromPem(string pem)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(pem);
        if (key.KeySize != 256)
        {
            key.Dispose();
            throw new CryptographicException("The stored ACME account key is not a P-256 key.");
        }
        return new AccountKey(key);
    }

    public string ToPem() => _key.ExportPkcs8PrivateKeyPem();

    public string KeyAuthorization(string token) => token + "." + Thumbprint;

    public byte[] Sign(ReadOnlySpan<byte> signingInput) =>
        _key.SignData(signingInput, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    public void Dispose() => _key.Dispose();

    // RFC 7638: the required members only, in lexicographic order, no whitespace.
    private static string ComputeThumbprint(Jwk jwk)
    {
        var canonical = $$"""{"crv":"{{jwk.Crv}}","kty":"{{jwk.Kty}}","x":"{{jwk.X}}","y":"{{jwk.Y}}"}""";
        return Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }
}
