using System.Text.RegularExpressions;

namespace Classhub.Core.Users;

/// <summary>
/// The one rule for hub user names, shared by the CLI, the API, roster import and every authenticator, so that a
/// name is also a valid Unix login and a safe path segment: <c>^[a-z_][a-z0-9_.-]{0,31}$</c>, lower case.
/// </summary>
public static partial class UserName
{
    /// <summary>Names that would collide with system accounts or with the hub's own URL space.</summary>
    public static readonly IReadOnlySet<string> Reserved = new HashSet<string>(StringComparer.Ordinal)
    {
        "root", "daemon", "bin", "sys", "sync", "games", "man", "lp", "mail", "news", "uucp", "proxy",
        "www-data", "backup", "list", "irc", "gnats", "nobody", "systemd-network", "systemd-resolve",
        "messagebus", "sshd", "classhub", "admin", "hub", "api", "user", "users", "static", "login", "logout",
        "_apt", "sudo", "adm", "staff", "operator", "shadow", "utmp", "tty", "disk", "kmem", "dialout",
    };

    [GeneratedRegex("^[a-z_][a-z0-9_.-]{0,31}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    /// <summary>Trims and lower-cases; an e-mail address becomes its local part.</summary>
    public static string Normalize(string raw)
    {
        var name = raw.Trim().ToLowerInvariant();
        var at = name.IndexOf('@', StringComparison.Ordinal);
        return at >= 0 ? name[..at] : name;
    }

    /// <summary>Null when <paramref name="name"/> (already normalized) is acceptable, otherwise what is wrong and how to fix it.</summary>
    public static string? Problem(string name)
    {
        if (name.Length == 0)
        {
            return "the user name is empty";
        }

        if (name is "." or ".." || name.StartsWith('-') || name.StartsWith('.'))
        {
            return $"'{name}' is not allowed: a user name may not be '.' or '..' or start with '-' or '.'";
        }

        if (!Pattern().IsMatch(name))
        {
            return $"'{name}' is not a valid user name: use 1-32 characters a-z, 0-9, '_', '.', '-', starting with a letter or '_'";
        }

        if (Reserved.Contains(name))
        {
            return $"'{name}' is reserved; choose another user name";
        }

        return null;
    }

    public static bool IsValid(string name) => Problem(name) is null;
}
