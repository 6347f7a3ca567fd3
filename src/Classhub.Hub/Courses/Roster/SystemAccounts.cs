namespace Classhub.Hub.Courses.Roster;

/// <summary>System accounts (uid below 1000) that a roster may not claim, read from a passwd-format file.</summary>
internal static class SystemAccounts
{
    public const string PasswdPath = "/etc/passwd";
    public const int FirstRegularUid = 1000;

    /// <summary>
    /// Reads the file once; a missing file means no system accounts (a development machine without one).
    /// Malformed lines are ignored: this file is the system's, not user input.
    /// </summary>
    public static Func<string, bool> FromPasswdFile(string path = PasswdPath)
    {
        var names = ReadSystemAccountNames(path);
        return names.Contains;
    }

    public static HashSet<string> ReadSystemAccountNames(string path)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return names;
        }

        foreach (var line in File.ReadLines(path))
        {
            var parts = line.Split(':');
            if (parts.Length >= 3 && int.TryParse(parts[2], out var uid) && uid < FirstRegularUid)
            {
                names.Add(parts[0]);
            }
        }

        return names;
    }
}
