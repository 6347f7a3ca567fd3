using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Classhub.Hub.Auth.Oidc;

/// <summary>
/// A compact JWS (RFC 7515) as an OIDC ID token: header, claims, and a signature checked against a JWK Set. Only
/// asymmetric algorithms are accepted (RS*, PS*, ES*); "none" and HMAC never verify.
/// </summary>
internal sealed class JsonWebToken : IDisposable
{
    private readonly byte[] _signedPart;
    private readonly byte[] _signature;
    private readonly JsonDocument _header;
    private readonly JsonDocument _claims;

    private JsonWebToken(byte[] signedPart, byte[] signature, JsonDocument header, JsonDocument claims)
    {
        _signedPart = signedPart;
        _signature = signature;
        _header = header;
        _claims = claims;
    }

    public JsonElement Claims => _claims.RootElement;

    public string? Algorithm => Text(_header.RootElement, "alg");

    public string? KeyId => Text(_header.RootElement, "kid");

    /// <summary>Null when <paramref name="token"/> is not a well-formed compact JWS with JSON header and claims.</summary>
    public static JsonWebToken? Parse(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3 || Base64Url.Decode(parts[0]) is not { } header || Base64Url.Decode(parts[1]) is not { } claims || Base64Url.Decode(parts[2]) is not { } signature)
        {
            return null;
        }

        JsonDocument? h = null;
        try
        {
            h = JsonDocument.Parse(header);
            var c = JsonDocument.Parse(claims);
            if (h.RootElement.ValueKind != JsonValueKind.Object || c.RootElement.ValueKind != JsonValueKind.Object)
            {
                h.Dispose();
                c.Dispose();
                return null;
            }

            return new JsonWebToken(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature, h, c);
        }
        catch (JsonException)
        {
            h?.Dispose();
            return null;
        }
    }

    /// <summary>True when one of <paramref name="keys"/> (by kid) made the signature with the header's algorithm.</summary>
    public bool VerifySignature(JsonWebKeys keys)
    {
        var (kty, hash, padding) = Algorithm switch
        {
            "RS256" => ("RSA", HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            "RS384" => ("RSA", HashAlgorithmName.SHA384, RSASignaturePadding.Pkcs1),
            "RS512" => ("RSA", HashAlgorithmName.SHA512, RSASignaturePadding.Pkcs1),
            "PS256" => ("RSA", HashAlgorithmName.SHA256, RSASignaturePadding.Pss),
            "PS384" => ("RSA", HashAlgorithmName.SHA384, RSASignaturePadding.Pss),
            "PS512" => ("RSA", HashAlgorithmName.SHA512, RSASignaturePadding.Pss),
            "ES256" => ("EC", HashAlgorithmName.SHA256, null),
            "ES384" => ("EC", HashAlgorithmName.SHA384, null),
            "ES512" => ("EC", HashAlgorithmName.SHA512, null),
            _ => ("", default, (RSASignaturePadding?)null),
        };
        if (kty.Length == 0)
        {
            return false;
        }

        foreach (var key in keys.Candidates(KeyId, kty))
        {
            try
            {
                if (key.Rsa is { } rsaParameters)
                {
                    using var rsa = RSA.Create(rsaParameters);
                    if (rsa.VerifyData(_signedPart, _signature, hash, padding!))
                    {
                        return true;
                    }
                }
                else if (key.Ec is { } ecParameters)
                {
                    using var ec = ECDsa.Create(ecParameters);
                    if (ec.VerifyData(_signedPart, _signature, hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
                    {
                        return true;
                    }
                }
            }
            catch (CryptographicException)
            {
                // a malformed key cannot verify anything
            }
        }

        return false;
    }

    public void Dispose()
    {
        _header.Dispose();
        _claims.Dispose();
    }

    public static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
