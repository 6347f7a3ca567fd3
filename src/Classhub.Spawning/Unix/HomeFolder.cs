namespace Classhub.Spawning.Unix;

/// <summary>
/// A home folder reached by descriptor: its parent by path (the system's folder, such as /home, which students cannot
/// change), the home itself with O_NOFOLLOW|O_DIRECTORY. A home that is, or was swapped for, a symlink is refused and
/// never followed.
/// </summary>
internal static class HomeFolder
{
    /// <summary>The open home (with <paramref name="flags"/> added), or null and what is wrong.</summary>
    public static Fd? Open(string home, int flags, out string? problem)
    {
        var full = Path.IsPathFullyQualified(home) ? Path.GetFullPath(home).TrimEnd('/') : "";
        if (full.Length == 0)
        {
            problem = $"the home '{home}' is not an absolute folder below /";
            return null;
        }

        var parentPath = Path.GetDirectoryName(full)!;
        using var parent = Fd.Open(parentPath, LibC.O_PATH | LibC.O_DIRECTORY, out var errno);
        if (parent is null)
        {
            problem = $"opening {parentPath}: {LibC.Describe(errno)}";
            return null;
        }

        var fd = parent.OpenChild(Path.GetFileName(full), flags | LibC.O_DIRECTORY | LibC.O_NOFOLLOW, out errno);
        problem = fd is not null ? null : errno switch
        {
            LibC.ENOENT => $"the home {full} does not exist",
            LibC.ELOOP or LibC.ENOTDIR => $"the home {full} is a symlink or not a folder; classhub does not follow it",
            _ => $"opening the home {full}: {LibC.Describe(errno)}",
        };
        return fd;
    }
}
