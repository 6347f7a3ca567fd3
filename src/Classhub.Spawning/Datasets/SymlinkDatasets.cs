using Classhub.Core.Datasets;
using Classhub.Spawning.Unix;
using Microsoft.Extensions.Logging;

namespace Classhub.Spawning.Datasets;

/// <summary>
/// Development mode (not root: no bind mounts): <c>~/datasets/&lt;name&gt;</c> of the hub's own account is a
/// symlink to the dataset's folder. Only file permissions protect it, which is logged as a warning once.
/// Only symlinks are ever removed from <c>~/datasets</c>; anything else there is left alone.
/// </summary>
internal sealed partial class SymlinkDatasets(ILogger<SymlinkDatasets> logger) : IDatasetMounts
{
    private readonly Lock _gate = new();
    private int _warned;

    public bool ReadOnlyByKernel => false;

    public string? RootFor(string userName) => null;

    public string? HomeDirectoryOf(string unixUser) => UnixAccounts.FindByName(unixUser)?.Home;

    // The symlinks stay: in development mode ~/datasets is the developer's own folder.
    public Task ReleaseAsync(string userName, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlyList<string>> EnsureAsync(string userName, string? unixUser, IReadOnlyList<DatasetMount> datasets, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var home = (unixUser is null ? UnixAccounts.FindByUid(LibC.GetEUid()) : UnixAccounts.FindByName(unixUser))?.Home;
        if (home is null || !Directory.Exists(home))
        {
            problems.Add($"updating the datasets of {userName}: no home directory to put ~/datasets in");
            return Task.FromResult<IReadOnlyList<string>>(problems);
        }

        if (datasets.Count > 0 && Interlocked.Exchange(ref _warned, 1) == 0)
        {
            LogSymlinks(logger);
        }

        lock (_gate)
        {
            var root = Path.Combine(home, "datasets");
            var wanted = datasets.ToDictionary(d => d.Name, d => d.SourcePath, StringComparer.Ordinal);
            if (Directory.Exists(root))
            {
                foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos())
                {
                    if (entry.LinkTarget is { } target && (!wanted.TryGetValue(entry.Name, out var source) || source != target))
                    {
                        entry.Delete();
                    }
                }
            }

            foreach (var (name, source) in wanted)
            {
                var link = Path.Combine(root, name);
                Directory.CreateDirectory(root);
                if (new FileInfo(link).LinkTarget is null && !Path.Exists(link))
                {
                    File.CreateSymbolicLink(link, source);
                }
                else if (new FileInfo(link).LinkTarget is null)
                {
                    problems.Add($"updating the datasets of {userName}: {link} exists and is not a symlink; move it away to see dataset '{name}'");
                }
            }
        }

        return Task.FromResult<IReadOnlyList<string>>(problems);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "not running as root: datasets are symlinks in ~/datasets, protected only by file permissions (run the hub as root for read-only bind mounts)")]
    private static partial void LogSymlinks(ILogger logger);
}
