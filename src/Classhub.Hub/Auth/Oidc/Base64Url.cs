using System.Security.Cryptography;

namespace Classhub.Hub.Auth.Oidc;

/// <summary>base64url without padding (RFC 7515 §2), and random values for state, nonce and PKCE.</summary>
internal static class Base64Url
{
    public static string Encode(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Null when <paramref name="text"/> is not base64url.</summary>
    public static byte[]? Decode(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        s += (s.Length % 4) switch { 2 => "==", 3 => "=", 0 => "", _ => "!" };
        try
        {
            return Convert.FromBase64String(s);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public static string Random(int bytes = 32) => Encode(RandomNumberGenerator.GetBytes(bytes));

    /// <summary>PKCE S256 (RFC 7636 §4.2).</summary>
    public static string Challenge(string verifier) => Encode(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(verifier)));
}
