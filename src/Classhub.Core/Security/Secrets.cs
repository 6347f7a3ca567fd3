using System.Security.Cryptography;
using System.Text;

namespace Classhub.Core.Security;

/// <summary>Random bearer secrets (tokens, session ids, invite and OAuth codes) and the hash they are stored as.</summary>
public static class Secrets
{
    /// <summary>A new 256-bit random secret as 64 lower-case hex characters (safe in URLs, headers and cookies).</summary>
    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>SHA-256 of a secret, hex. Secrets are 256-bit random, so an unsalted fast hash cannot be reversed by guessing.</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>The first characters of a token, kept in clear so a person can tell their tokens apart.</summary>
    public static string Prefix(string secret) => secret.Length <= 4 ? secret : secret[..4];

    public static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}
