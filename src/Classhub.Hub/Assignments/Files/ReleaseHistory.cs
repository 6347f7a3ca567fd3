namespace Classhub.Hub.Assignments.Files;

/// <summary>
/// Every version of every path an assignment's releases have held, read from their manifests (a release folder never
/// changes once recorded). This is what tells a file the hub delivered from a student's edit: a file in the student's
/// folder whose content matches any release's version of that path is one the hub wrote, whatever was (or was not)
/// recorded before a crash; anything else is the student's. A size no release had at that path settles it without
/// reading the file, so a student's file is read only up to the largest version of its path.
/// </summary>
internal sealed class ReleaseHistory
{
    // path -> size -> SHA-256 of the versions of that size
    private readonly Dictionary<string, Dictionary<long, HashSet<string>>> _versions = new(StringComparer.Ordinal);
    private readonly HashSet<string> _folders = new(StringComparer.Ordinal);

    /// <summary>The folders (relative, "data", "data/raw") any release has had files in.</summary>
    public IReadOnlyCollection<string> Folders => _folders;

    /// <summary>Releases 1 to <paramref name="upTo"/>; <paramref name="folderOf"/> gives a release's folder (one that does not exist is skipped).</summary>
    public static ReleaseHistory Read(Func<int, string> folderOf, int upTo)
    {
        var history = new ReleaseHistory();
        for (var release = 1; release <= upTo; release++)
        {
            var folder = folderOf(release);
            if (File.Exists(Path.Combine(folder, ReleaseManifest.FileName)))
            {
                history.Add(ReleaseManifest.Read(folder));
            }
        }

        return history;
    }

    public ReleaseHistory Add(IEnumerable<ReleaseFile> files)
    {
        foreach (var file in files)
        {
            if (!_versions.TryGetValue(file.Path, out var bySize))
            {
                _versions[file.Path] = bySize = [];
            }

            if (!bySize.TryGetValue(file.Size, out var hashes))
            {
                bySize[file.Size] = hashes = new HashSet<string>(StringComparer.Ordinal);
            }

            hashes.Add(file.Sha256);
            for (var cut = file.Path.LastIndexOf('/'); cut > 0; cut = file.Path.LastIndexOf('/', cut - 1))
            {
                _folders.Add(file.Path[..cut]);
            }
        }

        return this;
    }

    /// <summary>True when some release had a version of <paramref name="path"/> of exactly <paramref name="size"/> bytes.</summary>
    public bool HasSize(string path, long size) => _versions.TryGetValue(path, out var bySize) && bySize.ContainsKey(size);

    /// <summary>The largest version of <paramref name="path"/>; 0 when no release had it.</summary>
    public long LargestSize(string path) => _versions.TryGetValue(path, out var bySize) ? bySize.Keys.Max() : 0;

    /// <summary>True when some release had <paramref name="path"/> with this content.</summary>
    public bool Holds(string path, string sha256) => _versions.TryGetValue(path, out var bySize) && bySize.Values.Any(h => h.Contains(sha256));
}
