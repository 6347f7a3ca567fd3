using System.Security.Cryptography;
using System.Text;

namespace Classhub.Hub.Auth;

/// <summary>
/// Device cookies: after a successful sign-in the browser gets a cookie saying "this browser signed in as NAME"
/// (a random id and an HMAC over the name and the id, with a key that lives as long as the hub process, like the sign-in
/// limits' memory). A sign-in as NAME that presents it is counted under that browser instead of the client address
/// (<see cref="LoginRateLimiter"/>), so a stranger behind the same address (a student in the teacher's classroom) who
/// guesses the teacher's password slows down only themselves. The cookie proves nothing about the password and
/// grants nothing else.
/// </summary>
internal sealed class SignInDevices
{
    private const int IdBytes = 16;
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    /// <summary>A new cookie value for a browser that just signed in as <paramref name="userName"/>.</summary>
    public string Issue(string userName)
    {
        var id = Base64Url(RandomNumberGenerator.GetBytes(IdBytes));
        return id + "." + Mac(userName, id);
    }

    /// <summary>The browser's id when <paramref name="cookie"/> was issued to a browser that signed in as <paramref name="userName"/>; otherwise null.</summary>
    public string? DeviceOf(string? cookie, string userName)
    {
        if (cookie is null || cookie.Split('.') is not [var id, var mac] || id.Length == 0 || mac.Length == 0)
        {
            return null;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(mac), Encoding.ASCII.GetBytes(Mac(userName, id))) ? id : null;
    }

    private string Mac(string userName, string id) => Base64Url(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(userName + "\n" + id)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
