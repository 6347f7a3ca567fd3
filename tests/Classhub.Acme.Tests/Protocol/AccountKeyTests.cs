using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Classhub.Acme.Protocol;

namespace Classhub.Acme.Tests.Protocol;

public sealed class AccountKeyTests
{
    [Fact]
    public void FromPem_RoundTrip_SameJwkAndThumbprint()
    {
        using var key = AccountKey.Create();

        using var reloaded = AccountKey.FromPem(key.ToPem());

        Assert.Equal(key.Jwk, reloaded.Jwk);
        Assert.Equal(key.Thumbprint, reloaded.Thumbprint);
    }

    [Fact]
    public void Thumbprint_Rfc7638_HashOfSortedRequiredMembers()
    {
        using var key = AccountKey.Create();
        var canonical = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + key.Jwk.X + "\",\"y\":\"" + key.Jwk.Y + "\"}";

        var expected = Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));

        Assert.Equal(expected, key.Thumbprint);
        Assert.Equal(43, key.Thumbprint.Length);
        Assert.Equal(32, Base64Url.DecodeFromChars(key.Jwk.X).Length);
    }

    [Fact]
    public void KeyAuthorization_Token_TokenDotThumbprint()
    {
        using var key = AccountKey.Create();

        Assert.Equal("tok-123." + key.Thumbprint, key.KeyAuthorization("tok-123"));
    }

    [Fact]
    public void FromPem_P384Key_Throws()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        Assert.ThrowsAny<CryptographicException>(() => AccountKey.FromPem(other.ExportPkcs8PrivateKeyPem()));
    }
}
