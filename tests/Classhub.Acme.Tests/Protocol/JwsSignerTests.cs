using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Classhub.Acme.Protocol;

namespace Classhub.Acme.Tests.Protocol;

public sealed class JwsSignerTests
{
    [Fact]
    public void Sign_NoAccountYet_JwkHeaderAndValidEs256Signature()
    {
        using var key = AccountKey.Create();

        var jws = Parse(JwsSigner.Sign(key, "https://ca.test/account", "n0nce", kid: null, "{\"a\":1}"u8));

        var header = JsonNode.Parse(Base64Url.DecodeFromChars(jws["protected"]!.GetValue<string>()))!;
        Assert.Equal("ES256", header["alg"]!.GetValue<string>());
        Assert.Equal("n0nce", header["nonce"]!.GetValue<string>());
        Assert.Equal("https://ca.test/account", header["url"]!.GetValue<string>());
        Assert.Equal(key.Jwk.X, header["jwk"]!["x"]!.GetValue<string>());
        Assert.Null(header["kid"]);
        Assert.True(VerifySignature(key, jws));
    }

    [Fact]
    public void Sign_WithAccountUrl_KidHeaderNoJwk()
    {
        using var key = AccountKey.Create();

        var jws = Parse(JwsSigner.Sign(key, "https://ca.test/order", "n", "https://ca.test/acct/1", "{}"u8));

        var header = JsonNode.Parse(Base64Url.DecodeFromChars(jws["protected"]!.GetValue<string>()))!;
        Assert.Equal("https://ca.test/acct/1", header["kid"]!.GetValue<string>());
        Assert.Null(header["jwk"]);
        Assert.True(VerifySignature(key, jws));
    }

    [Fact]
    public void Sign_PostAsGet_EmptyPayload()
    {
        using var key = AccountKey.Create();

        var jws = Parse(JwsSigner.Sign(key, "https://ca.test/authz/1", "n", "https://ca.test/acct/1", []));

        Assert.Equal("", jws["payload"]!.GetValue<string>());
        Assert.True(VerifySignature(key, jws));
    }

    private static JsonNode Parse(byte[] body) => JsonNode.Parse(body)!;

    private static bool VerifySignature(AccountKey key, JsonNode jws)
    {
        using var publicKey = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = Base64Url.DecodeFromChars(key.Jwk.X), Y = Base64Url.DecodeFromChars(key.Jwk.Y) },
        });
        var signingInput = Encoding.ASCII.GetBytes(jws["protected"]!.GetValue<string>() + "." + jws["payload"]!.GetValue<string>());
        var signature = Base64Url.DecodeFromChars(jws["signature"]!.GetValue<string>());
        return signature.Length == 64 && publicKey.VerifyData(signingInput, signature, HashAlgorithmName.SHA256);
    }
}
