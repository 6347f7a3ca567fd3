namespace Classhub.Spawning.Processes;

/// <summary>Finds programs the way a shell does: a name with a '/' is taken as is, any other is looked up on a PATH.</summary>
internal static class ExecutableSearch
{
    /// <summary>The full path of <paramref name="program"/>, or null when it is not an executable file.</summary>
    public static string? Find(string program, string searchPath)
    {
        if (program.Length == 0)
        {
            return null;
        }

        if (program.Contains('/', StringComparison.Ordinal))
        {
            return IsExecutable(program) ? Path.GetFullPath(program) : null;
        }

        foreach (var dir in searchPath.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, program);
            if (IsExecutable(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    public static bool IsExecutable(string path)
    {
        if (!File.Exists(path) || OperatingSystem.IsWindows())
        {
            return false;
        }

        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(path) & anyExecute) != 0;
    }
}
