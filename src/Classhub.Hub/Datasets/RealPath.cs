namespace Classhub.Hub.Datasets;

/// <summary>Resolves every symlink in an absolute path, like realpath(3), so a check sees where a path really leads.</summary>
internal static class RealPath
{
    /// <summary>The path with every symlink resolved, or null when a component does not exist or links loop.</summary>
    public static string? Resolve(string path)
    {
        var pending = new Stack<string>(Path.GetFullPath(path).Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse());
        var current = "/";
        var hops = 0;
        while (pending.TryPop(out var part))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? "/";
                continue;
            }

            var next = Path.Combine(current, part);
            var info = new FileInfo(next);
            if (info.LinkTarget is { } target)
            {
                if (++hops > 40)
                {
                    return null;
                }

                foreach (var p in target.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse())
                {
                    pending.Push(p);
                }

                if (target.StartsWith('/'))
                {
                    current = "/";
                }

                continue;
            }

            if (!Path.Exists(next))
            {
                return null;
            }

            current = next;
        }

        return current;
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="folder"/> or inside it (both already resolved).</summary>
    public static bool IsInside(string path, string folder)
    {
        var f = folder.TrimEnd('/');
        return f.Length == 0 || path == f || path.StartsWith(f + "/", StringComparison.Ordinal);
    }
}
