using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace Classhub.Acme.Protocol;

/// <summary>Builds RFC 8555 section 6.2 flattened JWS bodies: <c>jwk</c> until the account URL is known, <c>kid</c> after.</summary>
internal static class JwsSigner
{
    public static byte[] Sign(AccountKey key, string url, string nonce, string? kid, ReadOnlySpan<byte> payload)
    {
        var header = new JwsProtectedHeader("ES256", nonce, url, kid is null ? key.Jwk : null, kid);
        var protectedPart = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(header, AcmeJsonContext.Default.JwsProtectedHeader));
        var payloadPart = Base64Url.EncodeToString(payload);
        var signature = key.Sign(Encoding.ASCII.GetBytes(protectedPart + "." + payloadPart));
        var message = new JwsMessage(protectedPart, payloadPart, Base64Url.EncodeToString(signature));
        return JsonSerializer.SerializeToUtf8Bytes(message, AcmeJsonContext.Default.JwsMessage);
    }
}
