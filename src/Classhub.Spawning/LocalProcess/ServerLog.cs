namespace Classhub.Spawning.LocalProcess;

/// <summary>The file a server's stdout and stderr go to: created by the hub (root), readable by admins only.</summary>
internal static class ServerLog
{
    /// <summary>Creates or opens the log as the hub (root): mode 0600 whatever the umask. Null, or what is wrong.</summary>
    public static string? Prepare(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("the local-process spawner runs on Linux only");
        }

        try
        {
            var dir = Path.GetDirectoryName(Path.GetFullPath(path));
            if (dir is not null && !Directory.Exists(dir))
            {
                Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (new FileStream(path, new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, UnixCreateMode = mode }))
            {
            }

            File.SetUnixFileMode(path, mode);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
    }

    public static string Tail(string path)
    {
        try
        {
            var text = File.ReadAllText(path);
            return text.Length > 2000 ? text[^2000..] : text;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"(unreadable: {e.Message})";
        }
    }
}
