using System.Text.Json;

namespace Classhub.Hub.Auth.Oidc;

/// <summary>
/// The ID token checks of OpenID Connect Core §3.1.3.7: signature by a key of the provider's JWK Set, issuer equal
/// to the configured issuer, audience containing our client id (and azp equal to it when there are several),
/// not expired and not issued for later (one minute of clock skew), and the nonce of this attempt.
/// </summary>
internal static class IdTokenValidator
{
    public static readonly TimeSpan Skew = TimeSpan.FromMinutes(1);

    /// <summary>Null when the token passes every check, else which check failed (no token content beyond claim names).</summary>
    public static string? Problem(JsonWebToken token, JsonWebKeys keys, string issuer, string clientId, string nonce, DateTimeOffset now)
    {
        if (!token.VerifySignature(keys))
        {
            return $"the ID token's signature does not verify with the provider's published keys (alg {token.Algorithm ?? "none"}, kid {token.KeyId ?? "none"})";
        }

        var claims = token.Claims;
        if (JsonWebToken.Text(claims, "iss") != issuer)
        {
            return $"the ID token was issued by '{JsonWebToken.Text(claims, "iss")}', not the configured issuer '{issuer}'";
        }

        var audiences = Audiences(claims);
        if (!audiences.Contains(clientId))
        {
            return $"the ID token is for another client ({string.Join(", ", audiences)}), not '{clientId}'";
        }

        if (audiences.Count > 1 && JsonWebToken.Text(claims, "azp") != clientId)
        {
            return "the ID token has several audiences but its authorized party (azp) is not this hub";
        }

        if (Seconds(claims, "exp") is not { } exp)
        {
            return "the ID token has no expiry (exp)";
        }

        if (now - Skew >= DateTimeOffset.FromUnixTimeSeconds(exp))
        {
            return $"the ID token expired at {DateTimeOffset.FromUnixTimeSeconds(exp):u}";
        }

        if (Seconds(claims, "iat") is { } iat && DateTimeOffset.FromUnixTimeSeconds(iat) > now + Skew)
        {
            return "the ID token was issued in the future (check the clocks)";
        }

        if (Seconds(claims, "nbf") is { } nbf && DateTimeOffset.FromUnixTimeSeconds(nbf) > now + Skew)
        {
            return "the ID token is not valid yet (nbf)";
        }

        if (JsonWebToken.Text(claims, "nonce") is not { } tokenNonce || !string.Equals(tokenNonce, nonce, StringComparison.Ordinal))
        {
            return "the ID token's nonce does not match this sign-in (replayed or injected token)";
        }

        if (JsonWebToken.Text(claims, "sub") is not { Length: > 0 })
        {
            return "the ID token has no subject (sub)";
        }

        return null;
    }

    private static List<string> Audiences(JsonElement claims)
    {
        if (!claims.TryGetProperty("aud", out var aud))
        {
            return [];
        }

        return aud.ValueKind switch
        {
            JsonValueKind.String => [aud.GetString()!],
            JsonValueKind.Array => [.. aud.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.String).Select(a => a.GetString()!)],
            _ => [],
        };
    }

    private static long? Seconds(JsonElement claims, string name) =>
        claims.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null;
}
