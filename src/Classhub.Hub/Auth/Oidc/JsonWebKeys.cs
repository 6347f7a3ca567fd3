using System.Security.Cryptography;
using System.Text.Json;

namespace Classhub.Hub.Auth.Oidc;

/// <summary>A provider's signing keys (RFC 7517 JWK Set): RSA and EC public keys by key id. Other kinds are ignored.</summary>
internal sealed class JsonWebKeys
{
    private readonly List<SigningKey> _keys;

    private JsonWebKeys(List<SigningKey> keys) => _keys = keys;

    public int Count => _keys.Count;

    public static JsonWebKeys Parse(string json)
    {
        var keys = new List<SigningKey>();
        using var doc = JsonDocument.Parse(json);
        if (!doc.RootElement.TryGetProperty("keys", out var array) || array.ValueKind != JsonValueKind.Array)
        {
            return new JsonWebKeys(keys);
        }

        foreach (var jwk in array.EnumerateArray())
        {
            if (Read(jwk) is { } key)
            {
                keys.Add(key);
            }
        }

        return new JsonWebKeys(keys);
    }

    /// <summary>Keys that may have signed a token with this header: by kid when given, else every key of the algorithm's kind.</summary>
    public IEnumerable<SigningKey> Candidates(string? kid, string kty) =>
        _keys.Where(k => k.Kty == kty && (kid is null || k.Kid == kid));

    private static SigningKey? Read(JsonElement jwk)
    {
        var kty = Text(jwk, "kty");
        var use = Text(jwk, "use");
        if (use is not null && use != "sig")
        {
            return null;
        }

        var kid = Text(jwk, "kid");
        if (kty == "RSA" && Bytes(jwk, "n") is { } n && Bytes(jwk, "e") is { } e)
        {
            return new SigningKey(kid, kty, new RSAParameters { Modulus = n, Exponent = e }, null);
        }

        if (kty == "EC" && Bytes(jwk, "x") is { } x && Bytes(jwk, "y") is { } y)
        {
            var curve = Text(jwk, "crv") switch
            {
                "P-256" => ECCurve.NamedCurves.nistP256,
                "P-384" => ECCurve.NamedCurves.nistP384,
                "P-521" => ECCurve.NamedCurves.nistP521,
                _ => (ECCurve?)null,
            };
            return curve is null ? null : new SigningKey(kid, kty, null, new ECParameters { Curve = curve.Value, Q = new ECPoint { X = x, Y = y } });
        }

        return null;
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static byte[]? Bytes(JsonElement e, string name) => Text(e, name) is { } s ? Base64Url.Decode(s) : null;
}

/// <summary>One public key of a JWK Set.</summary>
internal sealed record SigningKey(string? Kid, string Kty, RSAParameters? Rsa, ECParameters? Ec);
