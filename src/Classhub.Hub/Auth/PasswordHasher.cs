using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Classhub.Hub.Auth;

/// <summary>
/// PBKDF2-HMAC-SHA256 password hashes, stored as <c>pbkdf2-sha256$ITERATIONS$SALT$HASH</c> (base64), so the
/// iteration count can be raised later without invalidating existing hashes.
/// </summary>
internal sealed class PasswordHasher(int iterations)
{
    /// <summary>OWASP's 2023 floor for PBKDF2-HMAC-SHA256.</summary>
    public const int DefaultIterations = 600_000;

    private const string Scheme = "pbkdf2-sha256";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;
    private const int MinHashBytes = 16;

    public string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Join('$', Scheme, iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    public bool Verify(string password, string? stored)
    {
        if (stored is null)
        {
            // Same cost as a real check, so a missing account cannot be told apart by timing.
            Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), new byte[SaltBytes], iterations, HashAlgorithmName.SHA256, HashBytes);
            return false;
        }

        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var storedIterations) || storedIterations < 1)
        {
            return false;
        }

        // A malformed or truncated hash never verifies: an empty expected hash would equal an empty derived one.
        if (!TryFromBase64(parts[2], out var salt) || !TryFromBase64(parts[3], out var expected) || expected.Length < MinHashBytes)
        {
            return false;
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, storedIterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    private static bool TryFromBase64(string text, out byte[] bytes)
    {
        var buffer = new byte[text.Length];
        if (Convert.TryFromBase64String(text, buffer, out var written))
        {
            bytes = buffer[..written];
            return true;
        }

        bytes = [];
        return false;
    }
}
