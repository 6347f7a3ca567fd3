namespace Classhub.Hub.Datasets;

/// <summary>
/// Which folders may be shared as datasets, and by whom, judged by where a path really leads (every symlink resolved,
/// <see cref="RealPath"/>). System folders are never shared, by anyone: <c>/</c>, <see cref="SystemFolders"/>, the
/// hub's data directory and its dataset mount tree, anything inside them and anything containing them. Admins (the
/// CLI as root, hub admins) may share any other folder; course staff only folders inside the configured roots
/// (datasets.roots, default /srv).
/// </summary>
internal sealed class DatasetPolicy(IReadOnlyList<string> roots, string dataDir, string mountRoot)
{
    /// <summary>Never shared: what they hold is the machine's (configuration, secrets, other people's homes, kernel and runtime state).</summary>
    public static readonly IReadOnlyList<string> SystemFolders = ["/etc", "/root", "/home", "/proc", "/sys", "/dev", "/boot", "/run"];

    public IReadOnlyList<string> Roots => roots;

    /// <summary>Where the page and messages suggest putting data.</summary>
    public string FirstRoot => roots.Count > 0 ? roots[0] : "/srv";

    /// <summary>Null when the folder whose real path is <paramref name="real"/> may be shared by this caller; else why not and what to do.</summary>
    public string? Problem(string path, string real, bool admin)
    {
        if (Forbidden(real, dataDir, mountRoot) is { } system)
        {
            var leads = path == real ? "" : $" (it leads to {real})";
            return $"'{path}'{leads} cannot be shared: it {system}; copy the data to a folder such as {FirstRoot}/NAME";
        }

        if (admin || roots.Any(root => RealPath.IsInside(real, RealPath.Resolve(root) ?? root)))
        {
            return null;
        }

        var allowed = roots.Count == 0 ? "none are configured" : string.Join(", ", roots);
        var where = path == real ? "" : $" (it leads to {real})";
        return $"'{path}'{where} is outside the folders course staff may share (datasets.roots: {allowed}); put the data in one of them, or ask an admin to add it";
    }

    /// <summary>
    /// Null when <paramref name="real"/> may be shared by someone; else which system folder it is, is inside or contains.
    /// For datasets already stored: one added before these rules (or by hand in the database) is still refused.
    /// </summary>
    public string? SystemFolderProblem(string real) => Forbidden(real, dataDir, mountRoot);

    /// <summary>A problem with a configured root (config check): a root must be an absolute path that is no system folder.</summary>
    public static string? RootProblem(string root, string dataDir)
    {
        if (!Path.IsPathFullyQualified(root))
        {
            return $"'{root}' is not an absolute path";
        }

        var real = RealPath.Resolve(root) ?? Path.GetFullPath(root);
        return Forbidden(real, dataDir, Core.Datasets.DatasetDefaults.MountRoot) is { } system ? $"'{root}' cannot hold datasets: it {system}" : null;
    }

    /// <summary>Null when <paramref name="real"/> neither is, is inside, nor contains a folder that is never shared; else which.</summary>
    private static string? Forbidden(string real, string dataDir, string mountRoot)
    {
        if (real == "/")
        {
            return "is the whole file system";
        }

        foreach (var (folder, what) in SystemFolders.Select(f => (f, "a system folder")).Append((dataDir, "the hub's data directory")).Append((mountRoot, "the hub's dataset mount tree")))
        {
            var resolved = RealPath.Resolve(folder) ?? folder;
            if (RealPath.IsInside(real, resolved) || RealPath.IsInside(resolved, real))
            {
                return real == resolved ? $"is {resolved}, {what}"
                    : RealPath.IsInside(real, resolved) ? $"is inside {resolved}, {what}"
                    : $"contains {resolved}, {what}";
            }
        }

        return null;
    }
}
