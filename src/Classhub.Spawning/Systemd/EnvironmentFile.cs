using System.Text;

namespace Classhub.Spawning.Systemd;

/// <summary>
/// The server's environment (secrets included) as a systemd <c>EnvironmentFile=</c>, so no secret is ever on a
/// command line or in a unit property that <c>systemctl show</c> prints. Written as root with mode 0600 by
/// write-to-temp-then-rename, so no reader ever sees a half-written or wider-open file.
/// </summary>
internal static class EnvironmentFile
{
    /// <summary>
    /// KEY='value' lines: systemd takes single-quoted text literally (no escapes, no $ expansion). A value holding a
    /// single quote is double-quoted, where systemd un-escapes <c>\\ \" \$ \`</c>. Null when a key or value cannot
    /// be represented (a newline or NUL in a value, a key that is not a variable name): the caller fails the start.
    /// </summary>
    public static string? Format(IEnumerable<KeyValuePair<string, string>> environment, out string? problem)
    {
        var text = new StringBuilder();
        foreach (var (key, value) in environment)
        {
            if (!IsName(key))
            {
                problem = $"'{key}' is not a valid environment variable name";
                return null;
            }

            if (value.Any(c => c is '\n' or '\r' or '\0'))
            {
                problem = $"the value of {key} contains a line break or NUL";
                return null;
            }

            text.Append(key).Append('=');
            if (!value.Contains('\'', StringComparison.Ordinal))
            {
                text.Append('\'').Append(value).Append('\'');
            }
            else
            {
                text.Append('"');
                foreach (var c in value)
                {
                    if (c is '\\' or '"' or '$' or '`')
                    {
                        text.Append('\\');
                    }

                    text.Append(c);
                }

                text.Append('"');
            }

            text.Append('\n');
        }

        problem = null;
        return text.ToString();
    }

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/>; the directory is created 0700.</summary>
    public static void Write(string path, string content)
    {
        var dir = Path.GetDirectoryName(path)!;
        const UnixFileMode owner = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        Directory.CreateDirectory(dir, owner | UnixFileMode.UserExecute);
        File.SetUnixFileMode(dir, owner | UnixFileMode.UserExecute);
        var temp = path + ".tmp";
        File.Delete(temp);
        using (var stream = new FileStream(temp, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = owner }))
        {
            var bytes = Encoding.UTF8.GetBytes(content);
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }

    public static void Delete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A left-over file is overwritten by the next start and lives on tmpfs; nothing to do.
        }
    }

    private static bool IsName(string key) =>
        key.Length > 0 && !char.IsAsciiDigit(key[0]) && key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
